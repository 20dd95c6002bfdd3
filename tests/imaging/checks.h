#pragma once
// Assertions shared by the imaging tests: "this volume is what nibabel sees"
// and "this failure names the file and says what is wrong".
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>

#include "medverse/imaging/volume.h"
#include "nibabel_reference.h"

namespace medverse::imaging::testing {

// NIfTI's RAS+ -> DICOM LPS+: negate x and y.
inline glm::dvec3 rasToLps(const Vec3& ras) {
  return {-ras[0], -ras[1], ras[2]};
}

inline void checkClose(glm::dvec3 actual, glm::dvec3 expected, double tolerance) {
  INFO("actual (" << actual.x << ", " << actual.y << ", " << actual.z << "), expected ("
                  << expected.x << ", " << expected.y << ", " << expected.z << ")");
  CHECK(std::abs(actual.x - expected.x) <= tolerance);
  CHECK(std::abs(actual.y - expected.y) <= tolerance);
  CHECK(std::abs(actual.z - expected.z) <= tolerance);
}

// voxelToPatient() must be nibabel's RAS affine with rows x and y negated.
inline void checkAffine(const Volume& volume, const Affine& ras, double tolerance) {
  const glm::dmat4 m = volume.voxelToPatient();
  for (int row = 0; row < 3; ++row) {
    const double sign = row < 2 ? -1.0 : 1.0;
    for (int col = 0; col < 4; ++col) {
      const double expected =
          sign * ras[static_cast<std::size_t>(row)][static_cast<std::size_t>(col)];
      INFO("affine row " << row << " col " << col << ": " << m[col][row] << " vs " << expected);
      CHECK(std::abs(m[col][row] - expected) <= tolerance);
    }
  }
  CHECK(m[0][3] == 0.0);
  CHECK(m[1][3] == 0.0);
  CHECK(m[2][3] == 0.0);
  CHECK(m[3][3] == 1.0);
}

// Reference numbers carry 10 significant digits; 1e-6 mm is far below any
// clinical relevance and far above that rounding.
inline constexpr double kGeometryTolerance = 1e-6;

inline void checkMatchesNibabel(const Volume& volume, const NibabelReference& ref) {
  INFO(ref.path);
  REQUIRE(volume.validate().ok());
  CHECK(volume.dims == glm::ivec3(ref.dims[0], ref.dims[1], ref.dims[2]));
  checkClose(volume.spacing, {ref.spacing[0], ref.spacing[1], ref.spacing[2]}, kGeometryTolerance);
  checkAffine(volume, ref.rasAffine, kGeometryTolerance);

  // The corners, as nibabel's apply_affine places them, converted to LPS.
  checkClose(volume.voxelToPatient(glm::dvec3(0.0)), rasToLps(ref.firstVoxelRas), 1e-5);
  checkClose(volume.origin, rasToLps(ref.firstVoxelRas), 1e-5);
  checkClose(volume.voxelToPatient(glm::dvec3(volume.dims - 1)), rasToLps(ref.lastVoxelRas), 1e-5);

  for (const VoxelSample& s : ref.samples) {
    INFO("voxel (" << s.ijk[0] << ", " << s.ijk[1] << ", " << s.ijk[2] << ")");
    CHECK(volume.value(s.ijk[0], s.ijk[1], s.ijk[2]) == doctest::Approx(s.value).epsilon(1e-7));
  }
  const ValueRange range = volume.valueRange();
  CHECK(range.min == doctest::Approx(ref.min).epsilon(1e-7));
  CHECK(range.max == doctest::Approx(ref.max).epsilon(1e-7));
}

// A failure must name the file and say what is wrong, in words a user can act on.
template <typename R>
void checkFailure(const R& result, const std::filesystem::path& path,
                  std::initializer_list<std::string_view> phrases) {
  REQUIRE_FALSE(result.ok());
  const std::string& message = result.error().message;
  INFO("error: " << message);
  // The path leads, once: "<path>: <problem>".
  CHECK(message.rfind(path.string(), 0) == 0);
  CHECK(message.find(path.string(), 1) == std::string::npos);
  for (const std::string_view phrase : phrases) {
    INFO("expected phrase: " << phrase);
    CHECK(message.find(phrase) != std::string::npos);
  }
}

}  // namespace medverse::imaging::testing
