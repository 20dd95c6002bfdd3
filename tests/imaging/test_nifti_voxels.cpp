// Voxel values arrive in modality units (scl_slope/scl_inter applied) in the
// narrowest exact storage type, whatever the file's datatype and byte order.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "medverse/imaging/nifti.h"
#include "nifti_writer.h"
#include "temp_files.h"

namespace medverse::imaging {
namespace {

using testing::NiftiSpec;
using testing::TempDir;

// NIfTI DT_* codes.
constexpr int kDtUInt8 = 2;
constexpr int kDtInt16 = 4;
constexpr int kDtInt32 = 8;
constexpr int kDtFloat32 = 16;
constexpr int kDtFloat64 = 64;
constexpr int kDtInt8 = 256;
constexpr int kDtUInt16 = 512;
constexpr int kDtUInt32 = 768;

// Writes a 2x2x1 volume holding `voxels` and reads it back.
template <typename T>
Volume roundTrip(int datatype, const std::vector<T>& voxels, double slope = 0.0, double inter = 0.0,
                 int version = 1, bool bigEndian = false, bool gzip = false) {
  TempDir dir;
  NiftiSpec spec;
  spec.version = version;
  spec.bigEndian = bigEndian;
  spec.dim = {3, 2, 2, 1, 1, 1, 1, 1};
  spec.datatype = datatype;
  spec.bitpix = static_cast<int>(8 * sizeof(T));
  spec.sclSlope = slope;
  spec.sclInter = inter;
  const auto path = dir / (gzip ? "volume.nii.gz" : "volume.nii");
  const auto bytes = testing::niftiFile(spec, voxels);
  if (gzip) {
    testing::writeGzipFile(path, bytes);
  } else {
    testing::writeFile(path, bytes);
  }
  auto volume = readNifti(path);
  REQUIRE_MESSAGE(volume.ok(), (volume.ok() ? "" : volume.error().message));
  REQUIRE(volume->validate().ok());
  return std::move(volume).value();
}

std::vector<double> values(const Volume& volume) {
  return {volume.value(0, 0, 0), volume.value(1, 0, 0), volume.value(0, 1, 0),
          volume.value(1, 1, 0)};
}

TEST_CASE("CT-style rescale (slope 1, intercept -1024) gives Hounsfield units in int16") {
  const Volume ct = roundTrip<std::int16_t>(kDtInt16, {0, 1024, 4095, 24}, 1.0, -1024.0);
  CHECK(ct.type() == VoxelType::Int16);
  CHECK(values(ct) == std::vector<double>{-1024, 0, 3071, -1000});
}

TEST_CASE("an integral rescale that leaves the source type's range picks a type that holds it") {
  SUBCASE("uint8 with intercept -1024 becomes int16") {
    const Volume v = roundTrip<std::uint8_t>(kDtUInt8, {0, 1, 200, 255}, 1.0, -1024.0);
    CHECK(v.type() == VoxelType::Int16);
    CHECK(values(v) == std::vector<double>{-1024, -1023, -824, -769});
  }
  SUBCASE("non-negative int16 doubled past 32767 becomes uint16") {
    const Volume v = roundTrip<std::int16_t>(kDtInt16, {0, 1, 20000, 32767}, 2.0, 0.0);
    CHECK(v.type() == VoxelType::UInt16);
    CHECK(values(v) == std::vector<double>{0, 2, 40000, 65534});
  }
  SUBCASE("a range no 16-bit type holds becomes float32") {
    const Volume v = roundTrip<std::int16_t>(kDtInt16, {-32768, 0, 1, 32767}, 3.0, 0.0);
    CHECK(v.type() == VoxelType::Float32);
    CHECK(values(v) == std::vector<double>{-98304, 0, 3, 98301});
  }
}

TEST_CASE("a fractional rescale gives float32 values") {
  const Volume v = roundTrip<std::int16_t>(kDtInt16, {0, 1, 2, -4}, 0.5, 0.25);
  CHECK(v.type() == VoxelType::Float32);
  CHECK(values(v) == std::vector<double>{0.25, 0.75, 1.25, -1.75});
}

TEST_CASE("scl_slope 0 means no scaling at all, even with an intercept") {
  const Volume v = roundTrip<std::uint8_t>(kDtUInt8, {0, 1, 2, 255}, 0.0, 100.0);
  CHECK(v.type() == VoxelType::UInt8);
  CHECK(values(v) == std::vector<double>{0, 1, 2, 255});
}

TEST_CASE("file types without a storage twin convert without losing values") {
  SUBCASE("int8 widens to int16") {
    const Volume v = roundTrip<std::int8_t>(kDtInt8, {-128, -1, 0, 127});
    CHECK(v.type() == VoxelType::Int16);
    CHECK(values(v) == std::vector<double>{-128, -1, 0, 127});
  }
  SUBCASE("int32 with a small range narrows to int16") {
    const Volume v = roundTrip<std::int32_t>(kDtInt32, {-5, 0, 7, 3000});
    CHECK(v.type() == VoxelType::Int16);
    CHECK(values(v) == std::vector<double>{-5, 0, 7, 3000});
  }
  SUBCASE("uint32 labels up to 60000 narrow to uint16") {
    const Volume v = roundTrip<std::uint32_t>(kDtUInt32, {0, 1, 40000, 60000});
    CHECK(v.type() == VoxelType::UInt16);
    CHECK(values(v) == std::vector<double>{0, 1, 40000, 60000});
  }
  SUBCASE("int32 beyond 16 bits becomes float32") {
    const Volume v = roundTrip<std::int32_t>(kDtInt32, {-5, 0, 7, 70000});
    CHECK(v.type() == VoxelType::Float32);
    CHECK(values(v) == std::vector<double>{-5, 0, 7, 70000});
  }
  SUBCASE("uint16 stays uint16") {
    const Volume v = roundTrip<std::uint16_t>(kDtUInt16, {0, 1, 40000, 65535});
    CHECK(v.type() == VoxelType::UInt16);
    CHECK(values(v) == std::vector<double>{0, 1, 40000, 65535});
  }
  SUBCASE("float64 narrows to float32") {
    const Volume v = roundTrip<double>(kDtFloat64, {-1.5, 0.0, 0.1, 1e6});
    CHECK(v.type() == VoxelType::Float32);
    CHECK(values(v) == std::vector<double>{-1.5, 0.0, static_cast<double>(0.1F), 1e6});
  }
  SUBCASE("float32 is scaled in place") {
    const Volume v = roundTrip<float>(kDtFloat32, {-1.5F, 0.0F, 2.0F, 4.0F}, 2.0, 1.0);
    CHECK(v.type() == VoxelType::Float32);
    CHECK(values(v) == std::vector<double>{-2.0, 1.0, 5.0, 9.0});
  }
}

TEST_CASE("byte order, header version and compression do not change what is read") {
  const std::vector<std::int16_t> voxels{-300, 2, 1000, 32767};
  const std::vector<double> expected{-300, 2, 1000, 32767};
  for (const int version : {1, 2}) {
    for (const bool bigEndian : {false, true}) {
      for (const bool gzip : {false, true}) {
        INFO("NIfTI-" << version << (bigEndian ? " big-endian" : " little-endian")
                      << (gzip ? " .nii.gz" : " .nii"));
        const Volume v =
            roundTrip<std::int16_t>(kDtInt16, voxels, 1.0, 0.0, version, bigEndian, gzip);
        CHECK(v.type() == VoxelType::Int16);
        CHECK(values(v) == expected);
      }
    }
  }
}

TEST_CASE("data stored in i-fastest order lands at the right (i, j, k)") {
  TempDir dir;
  NiftiSpec spec;
  spec.dim = {3, 3, 4, 5, 1, 1, 1, 1};
  std::vector<std::uint8_t> voxels(60);
  for (std::size_t n = 0; n < voxels.size(); ++n) {
    voxels[n] = static_cast<std::uint8_t>(n);
  }
  testing::writeFile(dir / "order.nii", testing::niftiFile(spec, voxels));
  auto volume = readNifti(dir / "order.nii");
  REQUIRE(volume.ok());
  CHECK(volume->dims == glm::ivec3(3, 4, 5));
  CHECK(volume->value(2, 0, 0) == 2);
  CHECK(volume->value(0, 1, 0) == 3);
  CHECK(volume->value(0, 0, 1) == 12);
  CHECK(volume->value(2, 3, 4) == 59);
}

}  // namespace
}  // namespace medverse::imaging
