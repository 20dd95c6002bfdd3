#pragma once
// Where a NIfTI volume sits in patient space: the choice between the header's
// three voxel-to-world methods (nifti1.h, "3D IMAGE (VOLUME) ORIENTATION AND
// LOCATION IN SPACE") and the conversion of NIfTI's RAS+ world to DICOM LPS.
#include <glm/glm.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "medverse/core/result.h"
#include "nifti_header.h"

namespace medverse::imaging::nifti {

// nifti1.h's methods: 3 = sform (srow_*), 2 = qform (quaternion + pixdim),
// 1 = pixdim scaling only (ANALYZE 7.5 compatibility).
enum class Transform { Sform, Qform, PixdimOnly };
[[nodiscard]] std::string_view transformName(Transform transform);

// The RAS+ voxel-to-world affines exactly as nifti1.h defines them, in the
// file's spatial units. `warnings` collects repairs (e.g. pixdim <= 0).
[[nodiscard]] glm::dmat4 sformAffine(const Header& header);
[[nodiscard]] glm::dmat4 qformAffine(const Header& header, std::vector<std::string>& warnings);
[[nodiscard]] glm::dmat4 pixdimAffine(const Header& header, std::vector<std::string>& warnings);

// Millimetres per unit of xyzt_units' spatial part (unknown is taken as mm,
// as every NIfTI writer in practice means mm).
[[nodiscard]] double millimetresPerUnit(const Header& header);

struct Geometry {
  glm::dvec3 spacing{1.0};
  glm::dvec3 origin{0.0};     // LPS mm
  glm::dmat3 direction{1.0};  // LPS unit columns
  Transform source = Transform::PixdimOnly;
  std::vector<std::string> warnings;
};

// Picks sform if sform_code > 0, else qform if qform_code > 0, else pixdim
// scaling: the standard's order of preference ("method 3 > 2 > 1"), which is
// also what nibabel's get_best_affine and ITK do when both are set. A chosen
// sform that a Volume cannot represent (sheared, degenerate, non-finite)
// falls back to the qform when there is one, with a warning. Errors do not
// name the file; the reader adds that.
[[nodiscard]] Result<Geometry> niftiGeometry(const Header& header);

}  // namespace medverse::imaging::nifti
