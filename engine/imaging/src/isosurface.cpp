#include "medverse/imaging/isosurface.h"

#include <spdlog/fmt/fmt.h>

#include <cmath>
#include <limits>
#include <new>
#include <type_traits>
#include <variant>

#include "flying_edges.h"
#include "medverse/core/jobs.h"
#include "surface_placement.h"

namespace medverse::imaging {
namespace {

// The smallest T with T >= iso, or nullopt-like `none` when no T is: then no
// voxel can be inside and the surface is empty.
template <typename T>
struct TypedThreshold {
  T value{};
  bool none = false;
};

template <typename T>
TypedThreshold<T> typedThreshold(double iso) {
  TypedThreshold<T> result;
  if constexpr (std::is_floating_point_v<T>) {
    // Round up to the next float, so `v >= threshold` in float agrees with
    // `double(v) >= iso` for every float v (infinity included).
    auto f = static_cast<T>(iso);
    if (static_cast<double>(f) < iso) {
      f = std::nextafter(f, std::numeric_limits<T>::infinity());
    }
    result.value = f;
  } else {
    const double up = std::ceil(iso);
    if (up > static_cast<double>(std::numeric_limits<T>::max())) {
      result.none = true;
    } else if (up <= static_cast<double>(std::numeric_limits<T>::lowest())) {
      result.value = std::numeric_limits<T>::lowest();
    } else {
      result.value = static_cast<T>(up);
    }
  }
  return result;
}

}  // namespace

Result<assets::MeshData> extractIsosurface(const Volume& volume, double isoValue,
                                           const IsoOptions& options) {
  if (Status valid = volume.validate(); !valid.ok()) {
    return makeError("isosurface: " + valid.error().message);
  }
  if (!std::isfinite(isoValue)) {
    return makeError(fmt::format("isosurface: iso value {} is not a finite number", isoValue));
  }
  const detail::Runner runner{
      options.parallel ? (options.jobs != nullptr ? options.jobs : &defaultJobSystem()) : nullptr};
  const detail::SurfacePlacement placement = detail::placementOf(volume, glm::ivec3(0));

  Result<assets::MeshData> mesh = std::visit(
      [&](const auto& voxels) -> Result<assets::MeshData> {
        using T = typename std::decay_t<decltype(voxels)>::value_type;
        const TypedThreshold<T> threshold = typedThreshold<T>(isoValue);
        if (threshold.none) {
          return assets::MeshData{};
        }
        detail::RawField<T> field;
        field.base = voxels.data();
        field.dims = volume.dims;
        field.strideY = volume.dims.x;
        field.strideZ = static_cast<std::ptrdiff_t>(volume.dims.x) * volume.dims.y;
        field.iso = isoValue;
        field.threshold = threshold.value;
        try {
          detail::FlyingEdges<detail::RawField<T>> extractor(field, placement,
                                                             options.closeAtBoundary);
          return extractor.run(runner);
        } catch (const std::bad_alloc&) {
          return makeError(fmt::format(
              "isosurface: out of memory contouring a {}x{}x{} volume at {}; crop or resample it",
              volume.dims.x, volume.dims.y, volume.dims.z, isoValue));
        }
      },
      volume.voxels);
  if (mesh.ok()) {
    mesh->name = options.name.empty() ? fmt::format("isosurface {}", isoValue) : options.name;
  }
  return mesh;
}

}  // namespace medverse::imaging
