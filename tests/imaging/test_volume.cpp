// The Volume model: geometry in LPS millimetres, values in modality units,
// and the invariants validate() guarantees to every consumer.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "checks.h"
#include "medverse/imaging/nifti.h"
#include "medverse/imaging/volume.h"
#include "nibabel_reference.h"

namespace medverse::imaging {
namespace {

using testing::checkClose;

// An oblique CT-like grid: 0.7 x 0.7 x 2.5 mm voxels, rotated 30 degrees
// about z, so that every mapping is exercised off the axes.
Volume obliqueVolume() {
  Volume v = Volume::allocate({4, 5, 6}, VoxelType::Int16, Modality::CT);
  const double c = std::cos(glm::radians(30.0));
  const double s = std::sin(glm::radians(30.0));
  v.direction = glm::dmat3(glm::dvec3(c, s, 0), glm::dvec3(-s, c, 0), glm::dvec3(0, 0, 1));
  v.spacing = {0.7, 0.7, 2.5};
  v.origin = {-100.0, 50.0, 20.0};
  return v;
}

TEST_CASE("an allocated volume is zero-filled, valid and has dims.x*dims.y*dims.z voxels") {
  const Volume v = Volume::allocate({4, 5, 6}, VoxelType::UInt16);
  CHECK(v.type() == VoxelType::UInt16);
  CHECK(v.voxelCount() == 120);
  CHECK(v.storedCount() == 120);
  CHECK(v.bytes().size() == 240);
  CHECK(v.as<std::uint16_t>().size() == 120);
  CHECK(v.as<float>().empty());
  CHECK(v.valueRange().min == 0.0);
  CHECK(v.valueRange().max == 0.0);
  CHECK(v.validate().ok());
}

TEST_CASE("voxel (0,0,0) sits at the origin and each index step moves by spacing along direction") {
  const Volume v = obliqueVolume();
  checkClose(v.voxelToPatient(glm::dvec3(0.0)), v.origin, 1e-12);
  checkClose(v.voxelToPatient(glm::dvec3(1, 0, 0)) - v.origin, v.direction[0] * 0.7, 1e-12);
  checkClose(v.voxelToPatient(glm::dvec3(0, 1, 0)) - v.origin, v.direction[1] * 0.7, 1e-12);
  checkClose(v.voxelToPatient(glm::dvec3(0, 0, 1)) - v.origin, v.direction[2] * 2.5, 1e-12);
  // The matrix and the point form agree.
  const glm::dvec3 ijk(1.5, 2.25, 3.0);
  const glm::dvec4 viaMatrix = v.voxelToPatient() * glm::dvec4(ijk, 1.0);
  checkClose(glm::dvec3(viaMatrix), v.voxelToPatient(ijk), 1e-12);
}

TEST_CASE("patientToVoxel is the inverse of voxelToPatient") {
  const Volume v = obliqueVolume();
  const glm::dvec3 lps(-98.0, 53.5, 31.0);
  checkClose(v.voxelToPatient(v.patientToVoxel(lps)), lps, 1e-12);
  const glm::dvec4 viaMatrix = v.patientToVoxel() * glm::dvec4(lps, 1.0);
  checkClose(glm::dvec3(viaMatrix), v.patientToVoxel(lps), 1e-12);
}

TEST_CASE("patient bounds enclose the outer faces of the boundary voxels") {
  Volume v = Volume::allocate({10, 20, 30}, VoxelType::UInt8);
  v.spacing = {1.0, 2.0, 3.0};
  v.origin = {5.0, 6.0, 7.0};
  const PatientBounds b = v.patientBounds();
  checkClose(b.min, {4.5, 5.0, 5.5}, 1e-12);
  checkClose(b.max, {14.5, 45.0, 95.5}, 1e-12);

  // A flipped axis (as in every NIfTI file converted to LPS) still gives min < max.
  v.direction[0] = glm::dvec3(-1, 0, 0);
  const PatientBounds flipped = v.patientBounds();
  checkClose(flipped.min, {-4.5, 5.0, 5.5}, 1e-12);
  checkClose(flipped.max, {5.5, 45.0, 95.5}, 1e-12);
}

TEST_CASE("the bounds of ch2 are the MNI box nibabel's corners span, half a voxel wider") {
  auto ch2 = readNifti(testing::kCh2.path);
  REQUIRE(ch2.ok());
  const glm::dvec3 a = testing::rasToLps(testing::kCh2.firstVoxelRas);
  const glm::dvec3 b = testing::rasToLps(testing::kCh2.lastVoxelRas);
  const PatientBounds bounds = ch2->patientBounds();
  checkClose(bounds.min, glm::min(a, b) - 0.5, 1e-9);
  checkClose(bounds.max, glm::max(a, b) + 0.5, 1e-9);
}

TEST_CASE("values are read and written in modality units, integer storage saturating") {
  Volume v = obliqueVolume();
  v.setValue(1, 2, 3, -1024.0);
  v.setValue(3, 4, 5, 3071.4);
  v.setValue(0, 0, 0, 1e9);
  CHECK(v.value(1, 2, 3) == -1024.0);
  CHECK(v.value(3, 4, 5) == 3071.0);
  CHECK(v.value(0, 0, 0) == 32767.0);
  CHECK(v.value(v.dims.x - 1, 0, 0) == 0.0);
  CHECK(v.valueRange().min == -1024.0);
  CHECK(v.valueRange().max == 32767.0);
}

TEST_CASE("the value range of float data skips NaN and infinities") {
  Volume v = Volume::allocate({2, 2, 1}, VoxelType::Float32);
  v.setValue(0, 0, 0, std::numeric_limits<double>::quiet_NaN());
  v.setValue(1, 0, 0, -2.5);
  v.setValue(0, 1, 0, std::numeric_limits<double>::infinity());
  v.setValue(1, 1, 0, 7.25);
  CHECK(v.valueRange().min == -2.5);
  CHECK(v.valueRange().max == 7.25);
}

TEST_CASE("ch2's intensity range is nibabel's min and max") {
  auto ch2 = readNifti(testing::kCh2.path);
  REQUIRE(ch2.ok());
  CHECK(ch2->valueRange().min == testing::kCh2.min);
  CHECK(ch2->valueRange().max == testing::kCh2.max);
  auto better = readNifti(testing::kCh2Better.path);
  REQUIRE(better.ok());
  CHECK(better->valueRange().min == testing::kCh2Better.min);
  CHECK(better->valueRange().max == testing::kCh2Better.max);
}

TEST_CASE("validate rejects volumes a consumer could not use") {
  SUBCASE("a non-positive dimension") {
    Volume v = obliqueVolume();
    v.dims.y = 0;
    CHECK_FALSE(v.validate().ok());
  }
  SUBCASE("a zero, negative or non-finite spacing") {
    for (const double bad : {0.0, -1.0, std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity()}) {
      Volume v = obliqueVolume();
      v.spacing.z = bad;
      const Status status = v.validate();
      REQUIRE_FALSE(status.ok());
      CHECK(status.error().message.find("spacing") != std::string::npos);
    }
  }
  SUBCASE("a non-finite origin") {
    Volume v = obliqueVolume();
    v.origin.x = std::numeric_limits<double>::quiet_NaN();
    CHECK_FALSE(v.validate().ok());
  }
  SUBCASE("a direction that is not orthonormal") {
    Volume sheared = obliqueVolume();
    sheared.direction[1] = glm::normalize(glm::dvec3(0.1, 1.0, 0.0));
    const Status status = sheared.validate();
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message.find("orthonormal") != std::string::npos);

    Volume scaled = obliqueVolume();
    scaled.direction[2] = glm::dvec3(0, 0, 2);
    CHECK_FALSE(scaled.validate().ok());
  }
  SUBCASE("storage that does not match the dimensions") {
    Volume v = obliqueVolume();
    std::get<std::vector<std::int16_t>>(v.voxels).pop_back();
    const Status status = v.validate();
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message.find("119") != std::string::npos);
  }
  SUBCASE("but accepts a left-handed (determinant -1) direction") {
    Volume v = obliqueVolume();
    v.direction[2] = -v.direction[2];
    CHECK(v.validate().ok());
  }
}

}  // namespace
}  // namespace medverse::imaging
