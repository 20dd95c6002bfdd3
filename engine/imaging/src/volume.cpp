#include "medverse/imaging/volume.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

namespace medverse::imaging {

std::string_view voxelTypeName(VoxelType type) {
  switch (type) {
    case VoxelType::UInt8:
      return "uint8";
    case VoxelType::Int16:
      return "int16";
    case VoxelType::UInt16:
      return "uint16";
    case VoxelType::Float32:
      return "float32";
  }
  return "unknown";
}

std::string_view modalityName(Modality modality) {
  switch (modality) {
    case Modality::CT:
      return "CT";
    case Modality::MR:
      return "MR";
    case Modality::PT:
      return "PT";
    case Modality::Label:
      return "label";
    case Modality::Other:
      return "other";
  }
  return "unknown";
}

std::size_t voxelSize(VoxelType type) {
  switch (type) {
    case VoxelType::UInt8:
      return 1;
    case VoxelType::Int16:
    case VoxelType::UInt16:
      return 2;
    case VoxelType::Float32:
      return 4;
  }
  return 0;
}

Volume Volume::allocate(glm::ivec3 dims, VoxelType type, Modality modality) {
  Volume volume;
  volume.dims = dims;
  volume.modality = modality;
  const std::size_t count = volume.voxelCount();
  switch (type) {
    case VoxelType::UInt8:
      volume.voxels = std::vector<std::uint8_t>(count);
      break;
    case VoxelType::Int16:
      volume.voxels = std::vector<std::int16_t>(count);
      break;
    case VoxelType::UInt16:
      volume.voxels = std::vector<std::uint16_t>(count);
      break;
    case VoxelType::Float32:
      volume.voxels = std::vector<float>(count);
      break;
  }
  return volume;
}

std::size_t Volume::voxelCount() const {
  if (dims.x <= 0 || dims.y <= 0 || dims.z <= 0) {
    return 0;
  }
  // Saturates instead of wrapping, so an absurd size can never look small.
  const auto nx = static_cast<std::size_t>(dims.x);
  const auto ny = static_cast<std::size_t>(dims.y);
  const auto nz = static_cast<std::size_t>(dims.z);
  constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();
  if (nx > kMax / ny || nx * ny > kMax / nz) {
    return kMax;
  }
  return nx * ny * nz;
}

std::size_t Volume::storedCount() const {
  return std::visit([](const auto& v) { return v.size(); }, voxels);
}

bool Volume::contains(glm::ivec3 ijk) const {
  return ijk.x >= 0 && ijk.y >= 0 && ijk.z >= 0 && ijk.x < dims.x && ijk.y < dims.y &&
         ijk.z < dims.z;
}

std::size_t Volume::index(int i, int j, int k) const {
  assert(contains({i, j, k}));
  const auto nx = static_cast<std::size_t>(dims.x);
  const auto ny = static_cast<std::size_t>(dims.y);
  return static_cast<std::size_t>(i) +
         nx * (static_cast<std::size_t>(j) + ny * static_cast<std::size_t>(k));
}

double Volume::value(int i, int j, int k) const {
  const std::size_t at = index(i, j, k);
  return std::visit([at](const auto& v) { return static_cast<double>(v[at]); }, voxels);
}

void Volume::setValue(int i, int j, int k, double value) {
  const std::size_t at = index(i, j, k);
  std::visit(
      [at, value](auto& v) {
        using T = typename std::decay_t<decltype(v)>::value_type;
        if constexpr (std::is_floating_point_v<T>) {
          v[at] = static_cast<T>(value);
        } else {
          // Integer storage saturates and rounds, like a GPU's UNORM/SINT write.
          const double lo = std::numeric_limits<T>::lowest();
          const double hi = std::numeric_limits<T>::max();
          v[at] = static_cast<T>(std::clamp(std::nearbyint(value), lo, hi));
        }
      },
      voxels);
}

ValueRange Volume::valueRange() const {
  return std::visit(
      [](const auto& v) {
        using T = typename std::decay_t<decltype(v)>::value_type;
        ValueRange range;
        bool any = false;
        T lo{};
        T hi{};
        for (const T x : v) {
          if constexpr (std::is_floating_point_v<T>) {
            if (!std::isfinite(x)) {
              continue;
            }
          }
          if (!any) {
            lo = hi = x;
            any = true;
          } else {
            lo = std::min(lo, x);
            hi = std::max(hi, x);
          }
        }
        if (any) {
          range.min = static_cast<double>(lo);
          range.max = static_cast<double>(hi);
        }
        return range;
      },
      voxels);
}

std::span<const std::byte> Volume::bytes() const {
  return std::visit([](const auto& v) { return std::as_bytes(std::span(v.data(), v.size())); },
                    voxels);
}

glm::dmat4 Volume::voxelToPatient() const {
  // glm is column-major: m[c] is column c.
  glm::dmat4 m(1.0);
  for (int c = 0; c < 3; ++c) {
    m[c] = glm::dvec4(direction[c] * spacing[c], 0.0);
  }
  m[3] = glm::dvec4(origin, 1.0);
  return m;
}

glm::dmat4 Volume::patientToVoxel() const {
  // A general inverse rather than transpose(direction): file orientations are
  // orthonormal only to float32 precision, and the two maps must round-trip.
  return glm::inverse(voxelToPatient());
}

glm::dvec3 Volume::voxelToPatient(glm::dvec3 ijk) const {
  return origin + direction * (spacing * ijk);
}

glm::dvec3 Volume::patientToVoxel(glm::dvec3 lps) const {
  const glm::dmat3 linear =
      direction * glm::dmat3(glm::dvec3(spacing.x, 0.0, 0.0), glm::dvec3(0.0, spacing.y, 0.0),
                             glm::dvec3(0.0, 0.0, spacing.z));
  return glm::inverse(linear) * (lps - origin);
}

PatientBounds Volume::patientBounds() const {
  const glm::dvec3 lo(-0.5);
  const glm::dvec3 hi = glm::dvec3(dims) - 0.5;
  PatientBounds bounds{glm::dvec3(std::numeric_limits<double>::infinity()),
                       glm::dvec3(-std::numeric_limits<double>::infinity())};
  for (int corner = 0; corner < 8; ++corner) {
    const glm::dvec3 ijk((corner & 1) != 0 ? hi.x : lo.x, (corner & 2) != 0 ? hi.y : lo.y,
                         (corner & 4) != 0 ? hi.z : lo.z);
    const glm::dvec3 p = voxelToPatient(ijk);
    bounds.min = glm::min(bounds.min, p);
    bounds.max = glm::max(bounds.max, p);
  }
  return bounds;
}

Status Volume::validate() const {
  if (dims.x <= 0 || dims.y <= 0 || dims.z <= 0) {
    return makeError(
        fmt::format("volume dimensions {}x{}x{} are not all positive", dims.x, dims.y, dims.z));
  }
  for (int a = 0; a < 3; ++a) {
    if (!std::isfinite(spacing[a]) || spacing[a] <= 0.0) {
      return makeError(fmt::format("voxel spacing ({}, {}, {}) mm is not positive and finite",
                                   spacing.x, spacing.y, spacing.z));
    }
    if (!std::isfinite(origin[a])) {
      return makeError("volume origin is not finite");
    }
  }
  for (int a = 0; a < 3; ++a) {
    for (int b = a; b < 3; ++b) {
      const double dot = glm::dot(direction[a], direction[b]);
      const double expected = a == b ? 1.0 : 0.0;
      if (!(std::abs(dot - expected) <= kDirectionTolerance)) {
        return makeError(fmt::format(
            "volume direction is not orthonormal: columns {} and {} have dot product {}", a, b,
            dot));
      }
    }
  }
  if (storedCount() != voxelCount()) {
    return makeError(fmt::format("volume stores {} values but {}x{}x{} needs {}", storedCount(),
                                 dims.x, dims.y, dims.z, voxelCount()));
  }
  return Status::success();
}

}  // namespace medverse::imaging
