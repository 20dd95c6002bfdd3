// Which of NIfTI's three voxel-to-world methods the reader uses, and how it
// turns them into LPS millimetres.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "checks.h"
#include "medverse/imaging/nifti.h"
#include "nibabel_reference.h"
#include "nifti_writer.h"
#include "temp_files.h"

namespace medverse::imaging {
namespace {

using testing::checkAffine;
using testing::checkClose;
using testing::NiftiSpec;
using testing::TempDir;

// example4d.nii.gz (NIfTI-1, little-endian): sform_code at byte 254, qform_code at 252.
constexpr std::size_t kQformCodeOffset = 252;
constexpr std::size_t kSformCodeOffset = 254;

void putInt16LittleEndian(std::vector<std::byte>& bytes, std::size_t offset, std::int16_t value) {
  bytes[offset] = static_cast<std::byte>(value & 0xFF);
  bytes[offset + 1] = static_cast<std::byte>((value >> 8) & 0xFF);
}

Volume readOk(const std::filesystem::path& path) {
  auto volume = readNifti(path);
  REQUIRE_MESSAGE(volume.ok(), (volume.ok() ? "" : volume.error().message));
  return std::move(volume).value();
}

TEST_CASE("the qform is used when sform_code is 0, as nibabel reads it") {
  TempDir dir;
  std::vector<std::byte> bytes = testing::readAll(testing::kExample4d.path);
  putInt16LittleEndian(bytes, kSformCodeOffset, 0);
  testing::writeFile(dir / "qform_only.nii", bytes);

  const Volume volume = readOk(dir / "qform_only.nii");
  REQUIRE(volume.validate().ok());
  // nibabel takes the quaternion's a = sqrt(1 - b^2 - c^2 - d^2) even when
  // that residual is rounding noise (here a^2 ~ 1e-9); nifti1_io.c, and this
  // reader, treat a^2 < 1e-7 as a = 0. The two rotations differ by < 2e-4,
  // under 0.01 mm anywhere in this 256 mm field of view.
  checkAffine(volume, testing::kExample4dQform, 2e-4);
  checkClose(volume.voxelToPatient(glm::dvec3(volume.dims - 1)),
             testing::rasToLps(testing::kExample4d.lastVoxelRas), 0.01);
}

TEST_CASE("with neither sform nor qform, geometry is pixdim scaling only (NIfTI method 1)") {
  TempDir dir;
  std::vector<std::byte> bytes = testing::readAll(testing::kExample4d.path);
  putInt16LittleEndian(bytes, kSformCodeOffset, 0);
  putInt16LittleEndian(bytes, kQformCodeOffset, 0);
  testing::writeFile(dir / "no_transform.nii", bytes);

  const Volume volume = readOk(dir / "no_transform.nii");
  // nifti1.h method 1: x = pixdim[1] * i, ... in RAS, no offset. (nibabel's
  // fallback instead centres the grid and flips x, ANALYZE-style, so it is no
  // reference here; the standard is.)
  checkClose(volume.spacing, {2.0, 2.0, 2.1999990940093994}, 1e-9);
  checkClose(volume.origin, glm::dvec3(0.0), 0.0);
  CHECK(volume.direction ==
        glm::dmat3(glm::dvec3(-1, 0, 0), glm::dvec3(0, -1, 0), glm::dvec3(0, 0, 1)));
}

TEST_CASE("the sform wins when both sform and qform are set") {
  TempDir dir;
  NiftiSpec spec;
  spec.dim = {3, 2, 2, 2, 1, 1, 1, 1};
  spec.sformCode = 2;
  spec.srow = {{{2, 0, 0, 10}, {0, 2, 0, 20}, {0, 0, 2, 30}}};
  spec.qformCode = 1;  // identity rotation, 1 mm voxels at the world origin
  testing::writeFile(dir / "both.nii",
                     testing::niftiFile<std::uint8_t>(spec, std::vector<std::uint8_t>(8)));

  const Volume volume = readOk(dir / "both.nii");
  checkClose(volume.spacing, glm::dvec3(2.0), 0.0);
  checkClose(volume.origin, {-10.0, -20.0, 30.0}, 0.0);
}

TEST_CASE("qfac = -1 in pixdim[0] flips the k axis of the qform") {
  TempDir dir;
  NiftiSpec spec;
  spec.dim = {3, 2, 2, 2, 1, 1, 1, 1};
  spec.qformCode = 1;
  spec.pixdim = {-1, 1, 2, 3, 0, 0, 0, 0};
  spec.qoffset = {5, 6, 7};
  testing::writeFile(dir / "qfac.nii",
                     testing::niftiFile<std::uint8_t>(spec, std::vector<std::uint8_t>(8)));

  const Volume volume = readOk(dir / "qfac.nii");
  checkClose(volume.spacing, {1.0, 2.0, 3.0}, 0.0);
  checkClose(volume.origin, {-5.0, -6.0, 7.0}, 0.0);
  // RAS (+x, +y, -z) is LPS (-x, -y, -z).
  CHECK(volume.direction ==
        glm::dmat3(glm::dvec3(-1, 0, 0), glm::dvec3(0, -1, 0), glm::dvec3(0, 0, -1)));
  CHECK(glm::determinant(volume.direction) == doctest::Approx(-1.0));
}

TEST_CASE("a sheared sform falls back to the qform, and is refused when there is none") {
  TempDir dir;
  NiftiSpec spec;
  spec.dim = {3, 2, 2, 2, 1, 1, 1, 1};
  spec.sformCode = 2;
  spec.srow = {{{1, 0.5, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}}};
  spec.qformCode = 1;
  spec.pixdim = {1, 3, 3, 3, 0, 0, 0, 0};
  testing::writeFile(dir / "sheared_with_qform.nii",
                     testing::niftiFile<std::uint8_t>(spec, std::vector<std::uint8_t>(8)));
  const Volume volume = readOk(dir / "sheared_with_qform.nii");
  checkClose(volume.spacing, glm::dvec3(3.0), 0.0);

  spec.qformCode = 0;
  testing::writeFile(dir / "sheared.nii",
                     testing::niftiFile<std::uint8_t>(spec, std::vector<std::uint8_t>(8)));
  testing::checkFailure(readNifti(dir / "sheared.nii"), dir / "sheared.nii", {"sform", "sheared"});
}

TEST_CASE("spatial units in metres or microns are converted to millimetres") {
  TempDir dir;
  NiftiSpec spec;
  spec.dim = {3, 2, 2, 2, 1, 1, 1, 1};
  spec.sformCode = 1;
  spec.srow = {{{0.001, 0, 0, 0.01}, {0, 0.001, 0, 0.02}, {0, 0, 0.002, 0.03}}};
  spec.xyztUnits = 1 | 8;  // NIFTI_UNITS_METER | NIFTI_UNITS_SEC
  testing::writeFile(dir / "metres.nii",
                     testing::niftiFile<std::uint8_t>(spec, std::vector<std::uint8_t>(8)));
  const Volume metres = readOk(dir / "metres.nii");
  checkClose(metres.spacing, {1.0, 1.0, 2.0}, 1e-6);
  checkClose(metres.origin, {-10.0, -20.0, 30.0}, 1e-5);

  spec.srow = {{{500, 0, 0, 0}, {0, 500, 0, 0}, {0, 0, 500, 0}}};
  spec.xyztUnits = 3;  // NIFTI_UNITS_MICRON
  testing::writeFile(dir / "microns.nii",
                     testing::niftiFile<std::uint8_t>(spec, std::vector<std::uint8_t>(8)));
  checkClose(readOk(dir / "microns.nii").spacing, glm::dvec3(0.5), 1e-9);
}

TEST_CASE("patientToVoxel inverts voxelToPatient on a real oblique volume") {
  const Volume volume = readOk(testing::kExample4d.path);
  const glm::dvec3 ijk(10.25, 50.5, 17.0);
  checkClose(volume.patientToVoxel(volume.voxelToPatient(ijk)), ijk, 1e-9);
  const glm::dmat4 roundTrip = volume.patientToVoxel() * volume.voxelToPatient();
  for (int c = 0; c < 4; ++c) {
    for (int r = 0; r < 4; ++r) {
      CHECK(roundTrip[c][r] == doctest::Approx(c == r ? 1.0 : 0.0).epsilon(1e-6));
    }
  }
}

}  // namespace
}  // namespace medverse::imaging
