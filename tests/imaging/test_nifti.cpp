// Real NIfTI files from Debian packages (mricron-data, python3-nibabel) load
// with the geometry and values that nibabel, the independent reference, sees.
#include <doctest/doctest.h>

#include "checks.h"
#include "medverse/imaging/nifti.h"
#include "nibabel_reference.h"

namespace medverse::imaging {
namespace {

using testing::checkMatchesNibabel;
using testing::NibabelReference;

Volume load(const NibabelReference& ref) {
  auto volume = readNifti(ref.path);
  INFO(ref.path);
  REQUIRE_MESSAGE(volume.ok(), (volume.ok() ? "" : volume.error().message));
  return std::move(volume).value();
}

TEST_CASE("ch2 (Colin 27 T1 template) loads as nibabel sees it: 181x217x181 at 1 mm in MNI space") {
  const Volume ch2 = load(testing::kCh2);
  checkMatchesNibabel(ch2, testing::kCh2);
  CHECK(ch2.type() == VoxelType::UInt8);
  CHECK(ch2.modality == Modality::Other);
  // MNI's RAS (-90, -125, -71) is LPS (90, 125, -71): the first voxel is at
  // the patient's right, anterior, inferior corner, so i runs to the left
  // (LPS -x), j to the front (LPS -y) and k up.
  CHECK(ch2.origin == glm::dvec3(90.0, 125.0, -71.0));
  CHECK(ch2.direction ==
        glm::dmat3(glm::dvec3(-1, 0, 0), glm::dvec3(0, -1, 0), glm::dvec3(0, 0, 1)));
}

TEST_CASE("ch2better loads as nibabel sees it: 301x370x316 at 0.5 mm, sform chosen over qform") {
  const Volume volume = load(testing::kCh2Better);
  checkMatchesNibabel(volume, testing::kCh2Better);
  CHECK(volume.type() == VoxelType::UInt8);
}

TEST_CASE("the AAL atlas loads as a label volume on the ch2 grid") {
  const Volume aal = load(testing::kAal);
  checkMatchesNibabel(aal, testing::kAal);
  CHECK(aal.modality == Modality::Label);  // intent_code NIFTI_INTENT_LABEL
  CHECK(aal.type() == VoxelType::UInt8);
  const Volume ch2 = load(testing::kCh2);
  CHECK(aal.voxelToPatient() == ch2.voxelToPatient());
}

TEST_CASE("a 4D NIfTI-1 file yields its first volume with its oblique sform geometry") {
  const Volume volume = load(testing::kExample4d);
  checkMatchesNibabel(volume, testing::kExample4d);
  CHECK(volume.type() == VoxelType::Int16);
  // The j and k axes are tilted about x by about 9.3 degrees.
  CHECK(volume.direction[1].z == doctest::Approx(0.3232076168 / 2.000000053));
}

TEST_CASE("a NIfTI-2 file (540-byte header, 64-bit fields) loads as nibabel sees it") {
  const Volume volume = load(testing::kExampleNifti2);
  checkMatchesNibabel(volume, testing::kExampleNifti2);
  CHECK(volume.type() == VoxelType::Int16);
}

TEST_CASE("a big-endian int16 NIfTI-1 file loads with the right values") {
  const Volume volume = load(testing::kAnatomicalBigEndian);
  checkMatchesNibabel(volume, testing::kAnatomicalBigEndian);
  CHECK(volume.type() == VoxelType::Int16);
}

TEST_CASE("a big-endian float32 NIfTI-1 file loads with the right values") {
  const Volume volume = load(testing::kReorientedBigEndianFloat);
  checkMatchesNibabel(volume, testing::kReorientedBigEndianFloat);
  CHECK(volume.type() == VoxelType::Float32);
}

TEST_CASE("header extensions are skipped: voxel data is read from vox_offset") {
  SUBCASE("natbrainlab.nii.gz, vox_offset 1296") {
    checkMatchesNibabel(load(testing::kNatbrainlabExtensions), testing::kNatbrainlabExtensions);
  }
  SUBCASE("inia19-NeuroMaps.nii.gz, int16 labels, vox_offset 32976") {
    const Volume volume = load(testing::kInia19LabelsExtensions);
    checkMatchesNibabel(volume, testing::kInia19LabelsExtensions);
    CHECK(volume.modality == Modality::Label);
  }
}

}  // namespace
}  // namespace medverse::imaging
