#include "nifti_geometry.h"

#include <spdlog/fmt/fmt.h>

#include <array>
#include <cmath>

#include "medverse/imaging/volume.h"

namespace medverse::imaging::nifti {
namespace {

bool usableSpacing(double d) {
  return std::isfinite(d) && d > 0.0;
}

// A voxel size for the qform/pixdim methods. nifti1_io.c treats a pixdim that
// is not positive as 1; so do we, but say so.
double voxelSize(const Header& header, int axis, std::vector<std::string>& warnings) {
  const double d = header.pixdim[static_cast<std::size_t>(axis) + 1];
  if (usableSpacing(d)) {
    return d;
  }
  warnings.push_back(fmt::format("pixdim[{}] = {} is not a voxel size; using 1", axis + 1, d));
  return 1.0;
}

// Splits an LPS affine into origin, spacing and unit direction columns and
// checks that the result is a rectilinear grid a Volume can hold.
Result<Geometry> decompose(const glm::dmat4& lps, Transform source) {
  static constexpr std::array<char, 3> kAxis{'i', 'j', 'k'};
  Geometry g;
  g.source = source;
  for (int c = 0; c < 4; ++c) {
    for (int r = 0; r < 3; ++r) {
      if (!std::isfinite(lps[c][r])) {
        return makeError(fmt::format("the {} contains non-finite numbers", transformName(source)));
      }
    }
  }
  for (int c = 0; c < 3; ++c) {
    const glm::dvec3 column(lps[c]);
    const double length = glm::length(column);
    if (!(length > 0.0)) {
      return makeError(fmt::format("the {} maps the {} axis to a zero-length step",
                                   transformName(source), kAxis[static_cast<std::size_t>(c)]));
    }
    g.spacing[c] = length;
    g.direction[c] = column / length;
  }
  g.origin = glm::dvec3(lps[3]);
  for (int a = 0; a < 3; ++a) {
    for (int b = a + 1; b < 3; ++b) {
      const double dot = glm::dot(g.direction[a], g.direction[b]);
      if (std::abs(dot) > kDirectionTolerance) {
        return makeError(fmt::format(
            "the {} is sheared (the {} and {} axes are not perpendicular: cos = {:.6f}); a "
            "volume needs a rectilinear grid, resample the image first",
            transformName(source), kAxis[static_cast<std::size_t>(a)],
            kAxis[static_cast<std::size_t>(b)], dot));
      }
    }
  }
  return g;
}

// NIfTI world is RAS+ (x to the Right, y Anterior, z Superior); DICOM patient
// space is LPS+. The two differ by a half-turn about z: negate x and y.
glm::dmat4 rasToLps(const glm::dmat4& ras, double mmPerUnit) {
  glm::dmat4 lps = ras;
  for (int c = 0; c < 4; ++c) {
    lps[c][0] = -ras[c][0] * mmPerUnit;
    lps[c][1] = -ras[c][1] * mmPerUnit;
    lps[c][2] = ras[c][2] * mmPerUnit;
  }
  return lps;
}

}  // namespace

std::string_view transformName(Transform transform) {
  switch (transform) {
    case Transform::Sform:
      return "sform";
    case Transform::Qform:
      return "qform";
    case Transform::PixdimOnly:
      return "pixdim scaling";
  }
  return "unknown transform";
}

glm::dmat4 sformAffine(const Header& header) {
  // Method 3: x = srow_x . (i, j, k, 1), and so on. pixdim is not used.
  glm::dmat4 m(1.0);
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 4; ++c) {
      m[c][r] = header.srow[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)];
    }
  }
  return m;
}

glm::dmat4 qformAffine(const Header& header, std::vector<std::string>& warnings) {
  // Method 2: [x y z] = R * [pixdim[1]*i, pixdim[2]*j, qfac*pixdim[3]*k] + qoffset,
  // R from the unit quaternion (a, b, c, d) with a = sqrt(1 - b^2 - c^2 - d^2).
  double b = header.quaternB;
  double c = header.quaternC;
  double d = header.quaternD;
  double a = 1.0 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    // As nifti1_io.c: a rounding-level negative a^2 means a 180-degree
    // rotation; renormalise (b, c, d) and take a = 0.
    const double norm = std::sqrt(b * b + c * c + d * d);
    if (norm > 0.0) {
      b /= norm;
      c /= norm;
      d /= norm;
    }
    a = 0.0;
  } else {
    a = std::sqrt(a);
  }
  // qfac lives in pixdim[0]: -1 flips k (a left-handed voxel grid); the
  // standard says any other value, including 0, means +1.
  const double qfac = header.pixdim[0] < 0.0 ? -1.0 : 1.0;
  const double dx = voxelSize(header, 0, warnings);
  const double dy = voxelSize(header, 1, warnings);
  const double dz = voxelSize(header, 2, warnings) * qfac;

  glm::dmat3 r;  // column-major: r[col][row]
  r[0][0] = a * a + b * b - c * c - d * d;
  r[1][0] = 2.0 * (b * c - a * d);
  r[2][0] = 2.0 * (b * d + a * c);
  r[0][1] = 2.0 * (b * c + a * d);
  r[1][1] = a * a + c * c - b * b - d * d;
  r[2][1] = 2.0 * (c * d - a * b);
  r[0][2] = 2.0 * (b * d - a * c);
  r[1][2] = 2.0 * (c * d + a * b);
  r[2][2] = a * a + d * d - c * c - b * b;

  glm::dmat4 m(1.0);
  m[0] = glm::dvec4(r[0] * dx, 0.0);
  m[1] = glm::dvec4(r[1] * dy, 0.0);
  m[2] = glm::dvec4(r[2] * dz, 0.0);
  m[3] = glm::dvec4(header.qoffset[0], header.qoffset[1], header.qoffset[2], 1.0);
  return m;
}

glm::dmat4 pixdimAffine(const Header& header, std::vector<std::string>& warnings) {
  // Method 1: x = pixdim[1] * i, y = pixdim[2] * j, z = pixdim[3] * k. The
  // standard gives no origin and no orientation. (nibabel differs here: its
  // fallback centres the grid and flips x, ANALYZE-style.)
  glm::dmat4 m(1.0);
  for (int axis = 0; axis < 3; ++axis) {
    m[axis][axis] = voxelSize(header, axis, warnings);
  }
  return m;
}

double millimetresPerUnit(const Header& header) {
  switch (header.xyztUnits & 0x07) {
    case kUnitsMeter:
      return 1000.0;
    case kUnitsMicron:
      return 0.001;
    default:
      return 1.0;
  }
}

Result<Geometry> niftiGeometry(const Header& header) {
  const double mm = millimetresPerUnit(header);
  std::vector<std::string> warnings;

  if (header.sformCode > 0) {
    auto sform = decompose(rasToLps(sformAffine(header), mm), Transform::Sform);
    if (sform) {
      return sform;
    }
    if (header.qformCode <= 0) {
      return sform.error();
    }
    warnings.push_back(sform.error().message + "; using the qform instead");
  }
  if (header.qformCode > 0) {
    auto qform = decompose(rasToLps(qformAffine(header, warnings), mm), Transform::Qform);
    if (qform) {
      qform->warnings = std::move(warnings);
    }
    return qform;
  }
  warnings.emplace_back(
      "neither sform_code nor qform_code is set; the volume has voxel sizes but no position "
      "or orientation (NIfTI method 1)");
  auto fallback = decompose(rasToLps(pixdimAffine(header, warnings), mm), Transform::PixdimOnly);
  if (fallback) {
    fallback->warnings = std::move(warnings);
  }
  return fallback;
}

}  // namespace medverse::imaging::nifti
