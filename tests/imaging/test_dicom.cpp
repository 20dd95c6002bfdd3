// DICOM series reader: real files from Debian's python3-pydicom test data
// (reference values taken with pydicom at development time, hard-coded
// below), and synthetic series the test writes with GDCM (oblique, shuffled
// file names and instance numbers, gaps, truncation, tilt, two series).
#include <doctest/doctest.h>
#include <gdcmDataSet.h>
#include <gdcmFile.h>
#include <gdcmImageChangeTransferSyntax.h>
#include <gdcmImageReader.h>
#include <gdcmImageWriter.h>
#include <gdcmTransferSyntax.h>
#include <gdcmUIDGenerator.h>
#include <gdcmWriter.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "medverse/imaging/dicom_series.h"
#include "temp_files.h"

namespace medverse::imaging {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

const fs::path kPydicomData = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

bool havePydicomData() {
  return fs::exists(kPydicomData / "CT_small.dcm");
}

void checkClose(glm::dvec3 actual, glm::dvec3 expected, double tolerance) {
  INFO("actual (" << actual.x << ", " << actual.y << ", " << actual.z << "), expected ("
                  << expected.x << ", " << expected.y << ", " << expected.z << ")");
  CHECK(std::abs(actual.x - expected.x) <= tolerance);
  CHECK(std::abs(actual.y - expected.y) <= tolerance);
  CHECK(std::abs(actual.z - expected.z) <= tolerance);
}

template <typename T>
void checkFails(const Result<T>& result, std::initializer_list<std::string> fragments) {
  REQUIRE_FALSE(result.ok());
  const std::string& message = result.error().message;
  INFO("message: " << message);
  for (const auto& fragment : fragments) {
    CHECK(message.find(fragment) != std::string::npos);
  }
}

// --- writing synthetic series with GDCM --------------------------------------

void put(gdcm::DataSet& ds, std::uint16_t group, std::uint16_t element, gdcm::VR vr,
         std::string value) {
  if (value.size() % 2 != 0) {
    value += vr == gdcm::VR::UI ? '\0' : ' ';
  }
  gdcm::DataElement de(gdcm::Tag(group, element));
  de.SetVR(vr);
  de.SetByteValue(value.data(), static_cast<std::uint32_t>(value.size()));
  ds.Replace(de);
}

void putUS(gdcm::DataSet& ds, std::uint16_t group, std::uint16_t element, std::uint16_t value) {
  gdcm::DataElement de(gdcm::Tag(group, element));
  de.SetVR(gdcm::VR::US);
  de.SetByteValue(reinterpret_cast<const char*>(&value), 2);
  ds.Replace(de);
}

std::string ds(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.8g", v);
  return buf;
}

std::string triple(glm::dvec3 v) {
  return ds(v.x) + "\\" + ds(v.y) + "\\" + ds(v.z);
}

struct SliceSpec {
  int columns = 0;
  int rows = 0;
  glm::dvec3 row{1, 0, 0};
  glm::dvec3 col{0, 1, 0};
  glm::dvec3 position{0.0};
  glm::dvec2 pixelSpacing{1.0};  // row spacing, column spacing
  std::string seriesUid;
  std::string description;
  int instanceNumber = 1;
  double intercept = 0.0;
  std::string modality = "CT";
  std::string photometric = "MONOCHROME2";
  std::uint16_t bitsStored = 16;
  std::uint16_t pixelRepresentation = 1;
  std::vector<std::int16_t> stored;  // columns fastest
};

void writeSlice(const fs::path& path, const SliceSpec& s) {
  gdcm::Writer writer;
  gdcm::File& file = writer.GetFile();
  gdcm::DataSet& d = file.GetDataSet();
  gdcm::UIDGenerator uids;
  put(d, 0x0008, 0x0016, gdcm::VR::UI, "1.2.840.10008.5.1.4.1.1.2");  // CT Image Storage
  put(d, 0x0008, 0x0018, gdcm::VR::UI, uids.Generate());
  put(d, 0x0008, 0x0060, gdcm::VR::CS, s.modality);
  put(d, 0x0008, 0x103e, gdcm::VR::LO, s.description);
  put(d, 0x0018, 0x0050, gdcm::VR::DS, "2.5");
  put(d, 0x0020, 0x000d, gdcm::VR::UI, "1.2.826.0.1.3680043.2.1125.1");
  put(d, 0x0020, 0x000e, gdcm::VR::UI, s.seriesUid);
  put(d, 0x0020, 0x0013, gdcm::VR::IS, std::to_string(s.instanceNumber));
  put(d, 0x0020, 0x0032, gdcm::VR::DS, triple(s.position));
  put(d, 0x0020, 0x0037, gdcm::VR::DS, triple(s.row) + "\\" + triple(s.col));
  putUS(d, 0x0028, 0x0002, 1);
  put(d, 0x0028, 0x0004, gdcm::VR::CS, s.photometric);
  putUS(d, 0x0028, 0x0010, static_cast<std::uint16_t>(s.rows));
  putUS(d, 0x0028, 0x0011, static_cast<std::uint16_t>(s.columns));
  put(d, 0x0028, 0x0030, gdcm::VR::DS, ds(s.pixelSpacing.x) + "\\" + ds(s.pixelSpacing.y));
  putUS(d, 0x0028, 0x0100, 16);
  putUS(d, 0x0028, 0x0101, s.bitsStored);
  putUS(d, 0x0028, 0x0102, static_cast<std::uint16_t>(s.bitsStored - 1));
  putUS(d, 0x0028, 0x0103, s.pixelRepresentation);
  put(d, 0x0028, 0x1052, gdcm::VR::DS, ds(s.intercept));
  put(d, 0x0028, 0x1053, gdcm::VR::DS, "1");
  gdcm::DataElement pixels(gdcm::Tag(0x7fe0, 0x0010));
  pixels.SetVR(gdcm::VR::OW);
  pixels.SetByteValue(reinterpret_cast<const char*>(s.stored.data()),
                      static_cast<std::uint32_t>(s.stored.size() * 2));
  d.Replace(pixels);
  file.GetHeader().SetDataSetTransferSyntax(gdcm::TransferSyntax::ExplicitVRLittleEndian);
  writer.SetFileName(path.string().c_str());
  REQUIRE(writer.Write());
}

// A synthetic CT stack: value(i,j,k) = i + 100 j + 1000 k - 3000 HU, stored
// with intercept -1024.
struct SeriesSpec {
  int columns = 20;
  int rows = 16;
  int slices = 12;
  double spacing = 2.5;
  double tiltDegrees = 0.0;  // positions drift along the column direction
  std::string uid = "1.2.826.0.1.3680043.2.1125.77.1";
  std::string description = "synthetic oblique";
  std::string prefix = "img";
  std::vector<int> skip;  // slices not written
};

// Oblique orientation: rows (0.866, 0.5, 0) / cols (-0.5, 0.866, 0) tipped
// by 20 degrees about the row axis.
struct Frame {
  glm::dvec3 row, col, normal, origin;
};

Frame obliqueFrame() {
  const double a = 20.0 * std::acos(-1.0) / 180.0;
  Frame f;
  f.row = glm::normalize(glm::dvec3(0.8660254, 0.5, 0.0));
  const glm::dvec3 c0(-0.5, 0.8660254, 0.0);
  const glm::dvec3 n0 = glm::cross(f.row, c0);
  f.col = glm::normalize(std::cos(a) * c0 + std::sin(a) * n0);
  f.normal = glm::cross(f.row, f.col);
  f.origin = glm::dvec3(-50.25, 30.5, 100.125);
  return f;
}

double pattern(int i, int j, int k) {
  return i + 100.0 * j + 1000.0 * k - 3000.0;
}

// Writes the series with shuffled file names and InstanceNumbers; returns
// each slice's path (index = k).
std::vector<fs::path> writeSeries(const TempDir& dir, const SeriesSpec& spec) {
  const Frame f = obliqueFrame();
  std::vector<int> names(static_cast<std::size_t>(spec.slices));
  std::iota(names.begin(), names.end(), 0);
  std::vector<int> instances = names;
  std::mt19937 rng(12345);
  std::shuffle(names.begin(), names.end(), rng);
  std::shuffle(instances.begin(), instances.end(), rng);
  const double tilt = std::tan(spec.tiltDegrees * std::acos(-1.0) / 180.0);
  std::vector<fs::path> paths;
  for (int k = 0; k < spec.slices; ++k) {
    SliceSpec s;
    s.columns = spec.columns;
    s.rows = spec.rows;
    s.row = f.row;
    s.col = f.col;
    s.position = f.origin + f.normal * (spec.spacing * k) + f.col * (spec.spacing * k * tilt);
    s.pixelSpacing = {0.8, 0.6};
    s.seriesUid = spec.uid;
    s.description = spec.description;
    s.instanceNumber = instances[static_cast<std::size_t>(k)] + 1;
    s.intercept = -1024.0;
    for (int j = 0; j < spec.rows; ++j) {
      for (int i = 0; i < spec.columns; ++i) {
        s.stored.push_back(static_cast<std::int16_t>(pattern(i, j, k) + 1024.0));
      }
    }
    const fs::path path =
        dir /
        (spec.prefix + "_" + std::to_string(names[static_cast<std::size_t>(k)] * 7 % 97) + ".dcm");
    paths.push_back(path);
    if (std::find(spec.skip.begin(), spec.skip.end(), k) == spec.skip.end()) {
      writeSlice(path, s);
    }
  }
  return paths;
}

// --- real files ---------------------------------------------------------------

TEST_CASE("dicom: CT_small.dcm geometry and HU") {
  if (!havePydicomData()) {
    MESSAGE("pydicom test data not installed; skipped");
    return;
  }
  auto volume = readDicomSeries(kPydicomData / "CT_small.dcm");
  REQUIRE_MESSAGE(volume.ok(), volume.error().message);
  CHECK(volume->dims == glm::ivec3(128, 128, 1));
  CHECK(volume->modality == Modality::CT);
  CHECK(volume->type() == VoxelType::Int16);
  // pydicom: ImagePositionPatient [-158.135803, -179.035797, -75.699997],
  // IOP 1\0\0\0\1\0, PixelSpacing 0.661468\0.661468, SliceThickness 5.
  checkClose(volume->origin, {-158.135803, -179.035797, -75.699997}, 1e-6);
  checkClose(volume->spacing, {0.661468, 0.661468, 5.0}, 1e-9);
  checkClose(volume->direction[0], {1, 0, 0}, 1e-12);
  checkClose(volume->direction[1], {0, 1, 0}, 1e-12);
  checkClose(volume->direction[2], {0, 0, 1}, 1e-12);
  // pydicom: pixel_array[row, col] * RescaleSlope(1) + RescaleIntercept(-1024).
  CHECK(volume->value(0, 0, 0) == -849.0);
  CHECK(volume->value(1, 0, 0) == -844.0);
  CHECK(volume->value(20, 10, 0) == -839.0);
  CHECK(volume->value(64, 64, 0) == 904.0);
  CHECK(volume->value(127, 127, 0) == -115.0);
  CHECK(volume->value(30, 100, 0) == 65.0);
  const ValueRange range = volume->valueRange();
  CHECK(range.min == -896.0);
  CHECK(range.max == 1167.0);
}

TEST_CASE("dicom: MR_small.dcm in every encoding decodes to the same values") {
  if (!havePydicomData()) {
    MESSAGE("pydicom test data not installed; skipped");
    return;
  }
  auto reference = readDicomSeries(kPydicomData / "MR_small.dcm");
  REQUIRE_MESSAGE(reference.ok(), reference.error().message);
  CHECK(reference->dims == glm::ivec3(64, 64, 1));
  CHECK(reference->modality == Modality::MR);
  // pydicom: pixel_array[row, col] (no rescale in this file).
  CHECK(reference->value(0, 0, 0) == 905.0);
  CHECK(reference->value(1, 0, 0) == 1019.0);
  CHECK(reference->value(20, 10, 0) == 316.0);
  CHECK(reference->value(32, 32, 0) == 182.0);
  CHECK(reference->value(63, 63, 0) == 862.0);
  // pydicom: IPP [-83.9063, -91.2000, 6.6406], PixelSpacing 0.3125, thickness 0.8.
  checkClose(reference->origin, {-83.9063, -91.2, 6.6406}, 1e-9);
  checkClose(reference->spacing, {0.3125, 0.3125, 0.8}, 1e-9);

  for (const char* name :
       {"MR_small_RLE.dcm", "MR_small_jp2klossless.dcm", "MR_small_bigendian.dcm",
        "MR_small_implicit.dcm", "MR_small_jpeg_ls_lossless.dcm", "MR_small_expb.dcm",
        "MR_small_padded.dcm"}) {
    CAPTURE(name);
    if (!fs::exists(kPydicomData / name)) {
      continue;
    }
    auto volume = readDicomSeries(kPydicomData / name);
    REQUIRE_MESSAGE(volume.ok(), volume.error().message);
    CHECK(volume->dims == reference->dims);
    CHECK(volume->type() == reference->type());
    checkClose(volume->origin, reference->origin, 1e-9);
    checkClose(volume->spacing, reference->spacing, 1e-9);
    const auto a = volume->bytes();
    const auto b = reference->bytes();
    REQUIRE(a.size() == b.size());
    CHECK(std::memcmp(a.data(), b.data(), a.size()) == 0);
  }
}

TEST_CASE("dicom: JPEG lossless written by GDCM decodes exactly") {
  if (!havePydicomData()) {
    MESSAGE("pydicom test data not installed; skipped");
    return;
  }
  TempDir dir;
  gdcm::ImageReader reader;
  reader.SetFileName((kPydicomData / "MR_small.dcm").string().c_str());
  REQUIRE(reader.Read());
  gdcm::ImageChangeTransferSyntax change;
  change.SetTransferSyntax(gdcm::TransferSyntax::JPEGLosslessProcess14_1);
  change.SetInput(reader.GetImage());
  REQUIRE(change.Change());
  gdcm::ImageWriter writer;
  writer.SetFile(reader.GetFile());
  writer.SetImage(change.GetOutput());
  const fs::path out = dir / "mr_jpeg_lossless.dcm";
  writer.SetFileName(out.string().c_str());
  REQUIRE(writer.Write());

  auto reference = readDicomSeries(kPydicomData / "MR_small.dcm");
  auto volume = readDicomSeries(out);
  REQUIRE(reference.ok());
  REQUIRE_MESSAGE(volume.ok(), volume.error().message);
  const auto a = volume->bytes();
  const auto b = reference->bytes();
  REQUIRE(a.size() == b.size());
  CHECK(std::memcmp(a.data(), b.data(), a.size()) == 0);
}

TEST_CASE("dicom: lossy JPEG decodes") {
  if (!fs::exists(kPydicomData / "JPEG-lossy.dcm")) {
    return;
  }
  auto volume = readDicomSeries(kPydicomData / "JPEG-lossy.dcm");
  REQUIRE_MESSAGE(volume.ok(), volume.error().message);
  CHECK(volume->dims == glm::ivec3(256, 1024, 1));
  CHECK(volume->valueRange().max > 0.0);
}

TEST_CASE("dicom: multi-frame RT dose uses GridFrameOffsetVector and DoseGridScaling") {
  if (!fs::exists(kPydicomData / "rtdose.dcm")) {
    return;
  }
  for (const char* name : {"rtdose.dcm", "rtdose_expb.dcm", "rtdose_rle.dcm"}) {
    CAPTURE(name);
    auto volume = readDicomSeries(kPydicomData / name);
    REQUIRE_MESSAGE(volume.ok(), volume.error().message);
    // pydicom: 15 frames of 10x10, IPP [189.43125, 199.43125, -761.87],
    // PixelSpacing 10\10, GridFrameOffsetVector 0\5\...\70, DoseGridScaling 1e-6.
    CHECK(volume->dims == glm::ivec3(10, 10, 15));
    CHECK(volume->type() == VoxelType::Float32);
    checkClose(volume->origin, {189.43125, 199.43125, -761.87}, 1e-6);
    checkClose(volume->spacing, {10.0, 10.0, 5.0}, 1e-9);
    // pydicom: pixel_array[frame, row, col] * DoseGridScaling.
    CHECK(volume->value(0, 0, 0) == doctest::Approx(1.249).epsilon(1e-6));
    CHECK(volume->value(5, 4, 3) == doctest::Approx(1.026).epsilon(1e-6));
    CHECK(volume->value(9, 9, 14) == doctest::Approx(0.799).epsilon(1e-6));
    CHECK(volume->value(8, 2, 7) == doctest::Approx(1.14).epsilon(1e-6));
  }
}

TEST_CASE("dicom: the pydicom directory scans without crashing") {
  if (!havePydicomData()) {
    return;
  }
  auto scan = scanDicom(kPydicomData);
  REQUIRE_MESSAGE(scan.ok(), scan.error().message);
  CHECK(scan->series.size() > 10);
  CHECK(scan->nonDicomFiles > 0);    // README, .gz, ...
  CHECK(scan->nonImageObjects > 0);  // SR, RT structure sets, ...
}

// --- synthetic series -----------------------------------------------------------

TEST_CASE("dicom: oblique series with shuffled names and instance numbers") {
  TempDir dir;
  SeriesSpec spec;
  const auto paths = writeSeries(dir, spec);
  const Frame f = obliqueFrame();

  auto series = findDicomSeries(dir / "");
  REQUIRE_MESSAGE(series.ok(), series.error().message);
  REQUIRE(series->size() == 1);
  CHECK(series->front().uid == spec.uid);
  CHECK(series->front().fileCount == 12);
  CHECK(series->front().dimsGuess == glm::ivec3(20, 16, 12));
  CHECK_FALSE(series->front().mixedGeometry);

  auto volume = readDicomSeries(series->front());
  REQUIRE_MESSAGE(volume.ok(), volume.error().message);
  CHECK(volume->dims == glm::ivec3(20, 16, 12));
  CHECK(volume->modality == Modality::CT);
  CHECK(volume->type() == VoxelType::Int16);
  checkClose(volume->spacing, {0.6, 0.8, 2.5}, 1e-6);
  checkClose(volume->origin, f.origin, 1e-5);
  checkClose(volume->direction[0], f.row, 1e-6);
  checkClose(volume->direction[1], f.col, 1e-6);
  checkClose(volume->direction[2], f.normal, 1e-6);
  CHECK(volume->validate().ok());
  for (const auto& ijk : std::vector<std::tuple<int, int, int>>{
           {0, 0, 0}, {19, 15, 11}, {3, 7, 5}, {10, 0, 6}, {0, 15, 1}}) {
    const int i = std::get<0>(ijk);  // not a structured binding: CAPTURE (clang 14)
    const int j = std::get<1>(ijk);
    const int k = std::get<2>(ijk);
    CAPTURE(i);
    CAPTURE(j);
    CAPTURE(k);
    CHECK(volume->value(i, j, k) == pattern(i, j, k));
  }
  // Voxel (i,j,k) sits where the writer put it.
  checkClose(volume->voxelToPatient(glm::dvec3(4, 5, 6)),
             f.origin + f.normal * 15.0 + f.row * (4 * 0.6) + f.col * (5 * 0.8), 1e-5);

  // The path + selection helper finds the same series.
  auto again = readDicomSeries(dir / "", "SYNTHETIC OBLIQUE");
  REQUIRE_MESSAGE(again.ok(), again.error().message);
  CHECK(again->dims == volume->dims);
}

TEST_CASE("dicom: voxel type follows every file's values, not only the first's") {
  // The reader predicts the voxel type from the first file and decodes
  // straight into it; a later file whose HU leave int16's range must still
  // give a Float32 volume with exact values (the guess is corrected).
  TempDir dir;
  constexpr int kSlices = 5;
  for (int k = 0; k < kSlices; ++k) {
    SliceSpec s;
    s.columns = 4;
    s.rows = 3;
    s.position = {0.0, 0.0, 2.0 * k};
    s.seriesUid = "1.2.826.0.1.3680043.2.1125.77.9";
    s.intercept = -1024.0;
    for (int n = 0; n < s.columns * s.rows; ++n) {
      s.stored.push_back(static_cast<std::int16_t>(100 * k + n));
    }
    if (k == kSlices - 1) {
      s.stored[5] = -32000;  // -33024 HU: outside int16 once rescaled
    }
    writeSlice(dir / ("slice" + std::to_string(k) + ".dcm"), s);  // last file = odd one
  }
  auto volume = readDicomSeries(dir / "");
  REQUIRE_MESSAGE(volume.ok(), volume.error().message);
  CHECK(volume->type() == VoxelType::Float32);
  CHECK(volume->value(1, 1, kSlices - 1) == -33024.0);
  CHECK(volume->value(0, 0, 0) == -1024.0);
  CHECK(volume->value(3, 2, 2) == 200.0 + 11.0 - 1024.0);
  CHECK(volume->value(0, 0, kSlices - 1) == 400.0 - 1024.0);
}

TEST_CASE("dicom: a missing middle slice is an error naming the gap") {
  TempDir dir;
  SeriesSpec spec;
  spec.skip = {6};
  const auto paths = writeSeries(dir, spec);
  auto volume = readDicomSeries(dir / "");
  checkFails(volume, {"missing slice", paths[5].string(), paths[7].string()});
}

TEST_CASE("dicom: a file truncated in half is an error naming it") {
  TempDir dir;
  SeriesSpec spec;
  spec.columns = 64;
  spec.rows = 48;
  const auto paths = writeSeries(dir, spec);
  const fs::path victim = paths[4];
  fs::resize_file(victim, fs::file_size(victim) / 2);
  checkFails(readDicomSeries(dir / ""), {victim.string(), "truncated"});

  if (havePydicomData()) {
    const fs::path ct = dir / "ct_half.dcm";
    fs::copy_file(kPydicomData / "CT_small.dcm", ct);
    fs::resize_file(ct, fs::file_size(ct) / 2);
    checkFails(readDicomSeries(ct), {ct.string(), "truncated"});
  }
}

TEST_CASE("dicom: garbage named .dcm is skipped with a note") {
  TempDir dir;
  writeSeries(dir, SeriesSpec{});
  testing::writeFile(dir / "garbage.dcm", std::vector<std::byte>(1000, std::byte{0x5a}));
  testing::writeFile(dir / "empty.dcm", {});
  auto scan = scanDicom(dir / "");
  REQUIRE(scan.ok());
  CHECK(scan->series.size() == 1);
  CHECK(scan->nonDicomFiles == 2);
  CHECK(scan->notes.size() == 2);
  checkFails(readDicomSeries(dir / "garbage.dcm"), {(dir / "garbage.dcm").string()});
  auto volume = readDicomSeries(dir / "");
  CHECK(volume.ok());
}

TEST_CASE("dicom: two series in one directory must be chosen between") {
  TempDir dir;
  SeriesSpec a;
  SeriesSpec b;
  b.uid = "1.2.826.0.1.3680043.2.1125.77.2";
  b.description = "second stack";
  b.prefix = "other";
  b.slices = 4;
  b.spacing = 5.0;
  writeSeries(dir, a);
  writeSeries(dir, b);
  testing::writeFile(dir / "README.txt", std::vector<std::byte>(10, std::byte{'x'}));

  auto scan = scanDicom(dir / "");
  REQUIRE_MESSAGE(scan.ok(), scan.error().message);
  REQUIRE(scan->series.size() == 2);
  CHECK(scan->nonDicomFiles == 1);
  CHECK(scan->series[0].uid == a.uid);
  CHECK(scan->series[1].uid == b.uid);
  CHECK(scan->series[1].fileCount == 4);

  checkFails(readDicomSeries(dir / ""), {"2 series", a.uid, b.uid, "second stack"});
  auto second = readDicomSeries(dir / "", b.uid);
  REQUIRE_MESSAGE(second.ok(), second.error().message);
  CHECK(second->dims == glm::ivec3(20, 16, 4));
  CHECK(second->spacing.z == doctest::Approx(5.0));
  checkFails(readDicomSeries(dir / "", "nothing like it"), {"no series matches"});
}

TEST_CASE("dicom: a series mixing geometries is split and flagged") {
  TempDir dir;
  SeriesSpec a;
  SeriesSpec b;
  b.columns = 10;
  b.prefix = "loc";
  b.slices = 3;
  writeSeries(dir, a);
  writeSeries(dir, b);
  auto series = findDicomSeries(dir / "");
  REQUIRE(series.ok());
  REQUIRE(series->size() == 2);
  CHECK(series->at(0).mixedGeometry);
  CHECK(series->at(1).mixedGeometry);
  // Reading both groups as one is refused naming files; each alone works.
  SeriesInfo both = series->at(0);
  both.files.insert(both.files.end(), series->at(1).files.begin(), series->at(1).files.end());
  checkFails(readDicomSeries(both), {"mixed geometry"});
  for (const auto& info : *series) {
    auto volume = readDicomSeries(dir / "", info.key());
    CHECK_MESSAGE(volume.ok(), (volume.ok() ? "" : volume.error().message));
  }
}

TEST_CASE("dicom: a gantry-tilted series is refused with its tilt angle") {
  TempDir dir;
  SeriesSpec spec;
  spec.tiltDegrees = 15.0;
  writeSeries(dir, spec);
  checkFails(readDicomSeries(dir / ""), {"tilt", "15.00 degrees"});
}

gdcm::DataElement sequenceOf(std::uint16_t group, std::uint16_t element,
                             const std::vector<gdcm::DataSet>& items) {
  gdcm::SmartPointer<gdcm::SequenceOfItems> sq = new gdcm::SequenceOfItems;
  sq->SetLengthToUndefined();
  for (const auto& nested : items) {
    gdcm::Item item;
    item.SetVLToUndefined();
    item.SetNestedDataSet(nested);
    sq->AddItem(item);
  }
  gdcm::DataElement de(gdcm::Tag(group, element));
  de.SetVR(gdcm::VR::SQ);
  de.SetValue(*sq);
  de.SetVLToUndefined();
  return de;
}

gdcm::DataSet itemWith(std::uint16_t group, std::uint16_t element, gdcm::VR vr,
                       const std::string& value) {
  gdcm::DataSet d;
  put(d, group, element, vr, value);
  return d;
}

// An enhanced CT: 5 frames whose PlanePositionSequence puts them in the
// order 3,0,4,1,2 along the normal; orientation and pixel measures shared.
TEST_CASE("dicom: enhanced multi-frame with per-frame functional groups") {
  TempDir dir;
  const Frame f = obliqueFrame();
  const int columns = 8;
  const int rows = 6;
  const std::vector<int> slot = {3, 0, 4, 1, 2};  // frame n lies at k = slot[n]
  gdcm::Writer writer;
  gdcm::File& file = writer.GetFile();
  gdcm::DataSet& d = file.GetDataSet();
  gdcm::UIDGenerator uids;
  put(d, 0x0008, 0x0016, gdcm::VR::UI, "1.2.840.10008.5.1.4.1.1.2.1");  // Enhanced CT
  put(d, 0x0008, 0x0018, gdcm::VR::UI, uids.Generate());
  put(d, 0x0008, 0x0060, gdcm::VR::CS, "CT");
  put(d, 0x0020, 0x000d, gdcm::VR::UI, "1.2.826.0.1.3680043.2.1125.1");
  put(d, 0x0020, 0x000e, gdcm::VR::UI, "1.2.826.0.1.3680043.2.1125.77.9");
  put(d, 0x0028, 0x0008, gdcm::VR::IS, "5");
  putUS(d, 0x0028, 0x0002, 1);
  put(d, 0x0028, 0x0004, gdcm::VR::CS, "MONOCHROME2");
  putUS(d, 0x0028, 0x0010, rows);
  putUS(d, 0x0028, 0x0011, columns);
  putUS(d, 0x0028, 0x0100, 16);
  putUS(d, 0x0028, 0x0101, 16);
  putUS(d, 0x0028, 0x0102, 15);
  putUS(d, 0x0028, 0x0103, 1);
  gdcm::DataSet shared;
  shared.Replace(
      sequenceOf(0x0020, 0x9116,
                 {itemWith(0x0020, 0x0037, gdcm::VR::DS, triple(f.row) + "\\" + triple(f.col))}));
  gdcm::DataSet measures = itemWith(0x0028, 0x0030, gdcm::VR::DS, "0.7\\0.9");
  put(measures, 0x0018, 0x0050, gdcm::VR::DS, "3");
  shared.Replace(sequenceOf(0x0028, 0x9110, {measures}));
  gdcm::DataSet rescale = itemWith(0x0028, 0x1052, gdcm::VR::DS, "-1024");
  put(rescale, 0x0028, 0x1053, gdcm::VR::DS, "1");
  shared.Replace(sequenceOf(0x0028, 0x9145, {rescale}));
  d.Replace(sequenceOf(0x5200, 0x9229, {shared}));
  std::vector<gdcm::DataSet> perFrame;
  std::vector<std::int16_t> stored;
  for (int n = 0; n < 5; ++n) {
    const int k = slot[static_cast<std::size_t>(n)];
    gdcm::DataSet frame;
    frame.Replace(sequenceOf(
        0x0020, 0x9113,
        {itemWith(0x0020, 0x0032, gdcm::VR::DS, triple(f.origin + f.normal * (3.0 * k)))}));
    perFrame.push_back(frame);
    for (int j = 0; j < rows; ++j) {
      for (int i = 0; i < columns; ++i) {
        stored.push_back(static_cast<std::int16_t>(pattern(i, j, k) + 1024.0));
      }
    }
  }
  d.Replace(sequenceOf(0x5200, 0x9230, perFrame));
  gdcm::DataElement pixels(gdcm::Tag(0x7fe0, 0x0010));
  pixels.SetVR(gdcm::VR::OW);
  pixels.SetByteValue(reinterpret_cast<const char*>(stored.data()),
                      static_cast<std::uint32_t>(stored.size() * 2));
  d.Replace(pixels);
  file.GetHeader().SetDataSetTransferSyntax(gdcm::TransferSyntax::ExplicitVRLittleEndian);
  const fs::path path = dir / "enhanced.dcm";
  writer.SetFileName(path.string().c_str());
  REQUIRE(writer.Write());

  auto series = findDicomSeries(path);
  REQUIRE(series.ok());
  REQUIRE(series->size() == 1);
  CHECK(series->front().frameCount == 5);
  CHECK(series->front().dimsGuess == glm::ivec3(columns, rows, 5));
  auto volume = readDicomSeries(path);
  REQUIRE_MESSAGE(volume.ok(), volume.error().message);
  CHECK(volume->dims == glm::ivec3(columns, rows, 5));
  CHECK(volume->type() == VoxelType::Int16);
  checkClose(volume->spacing, {0.9, 0.7, 3.0}, 1e-6);
  checkClose(volume->origin, f.origin, 1e-5);
  checkClose(volume->direction[2], f.normal, 1e-6);
  for (int k = 0; k < 5; ++k) {
    CAPTURE(k);
    CHECK(volume->value(0, 0, k) == pattern(0, 0, k));
    CHECK(volume->value(7, 5, k) == pattern(7, 5, k));
  }
}

// Unsigned 12-bit MONOCHROME1 MR with junk in the unused high bits: masked
// to BitsStored and inverted to MONOCHROME2 meaning (4095 - v).
TEST_CASE("dicom: MONOCHROME1 is inverted and BitsStored masks high bits") {
  TempDir dir;
  SliceSpec s;
  s.columns = 4;
  s.rows = 2;
  s.modality = "MR";
  s.photometric = "MONOCHROME1";
  s.bitsStored = 12;
  s.pixelRepresentation = 0;
  s.seriesUid = "1.2.826.0.1.3680043.2.1125.77.3";
  const std::vector<int> raw = {0, 1, 100, 4095, 2048, 7, 300, 4000};
  for (int v : raw) {
    s.stored.push_back(static_cast<std::int16_t>(v | 0xa000));  // overlay bits
  }
  writeSlice(dir / "m1.dcm", s);
  auto volume = readDicomSeries(dir / "m1.dcm");
  REQUIRE_MESSAGE(volume.ok(), volume.error().message);
  CHECK(volume->modality == Modality::MR);
  CHECK(volume->type() == VoxelType::UInt16);
  for (int n = 0; n < 8; ++n) {
    CAPTURE(n);
    CHECK(volume->value(n % 4, n / 4, 0) == 4095 - raw[static_cast<std::size_t>(n)]);
  }
}

TEST_CASE("dicom: a missing path is named") {
  TempDir dir;
  checkFails(readDicomSeries(dir / "absent"), {(dir / "absent").string(), "no such file"});
}

}  // namespace
}  // namespace medverse::imaging
