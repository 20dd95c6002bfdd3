#pragma once
// Volumes for the hologram, as the renderer sees them: what it needs to upload
// one (plain sizes, geometry and a typed span of voxels; the renderer knows
// nothing of engine/imaging), and how the app asks for it to be drawn
// (transfer functions, window/level, presets). The per-frame description is
// VolumeInstance in render_view.h; the pass is documented in docs/RENDERING.md.
#include <cstdint>
#include <glm/mat4x4.hpp>
#include <glm/vec3.hpp>
#include <glm/vec4.hpp>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "medverse/core/result.h"

namespace medverse::render {

// A volume uploaded with Renderer::uploadVolume.
struct VolumeHandle {
  uint32_t index = UINT32_MAX;
  [[nodiscard]] bool valid() const { return index != UINT32_MAX; }
};

// Voxel values in modality units (HU for CT, scanner units for MR), i fastest.
using VoxelSpan = std::variant<std::span<const uint8_t>, std::span<const int16_t>,
                               std::span<const uint16_t>, std::span<const float>>;

struct VolumeData {
  std::string name;         // for error messages
  glm::uvec3 dims{0};       // voxels along i, j, k
  glm::vec3 spacing{1.0F};  // mm between voxel centres along i, j, k
  // Continuous voxel index (voxel centres at integers) -> patient LPS mm. Its
  // first three columns have the lengths of `spacing` (checked on upload).
  glm::mat4 voxelToPatient{1.0F};
  VoxelSpan voxels;  // dims.x * dims.y * dims.z values
};

// Edge length, in voxels, of the min/max bricks used for empty-space skipping.
inline constexpr uint32_t kVolumeBrickSize = 16;

// What the renderer knows about an uploaded volume.
struct VolumeInfo {
  glm::uvec3 dims{0};
  glm::vec3 spacing{1.0F};
  glm::mat4 voxelToPatient{1.0F};
  float minValue = 0.0F;  // smallest and largest finite voxel value (modality units)
  float maxValue = 0.0F;
  glm::uvec3 bricks{0};    // brick grid size
  glm::vec3 boundsMin{0};  // patient-space box around the outer voxel faces
  glm::vec3 boundsMax{0};
  // Bricks with every voxel (plus the one-voxel apron trilinear filtering
  // reads) equal to minValue: empty under any transfer function that is
  // transparent at minValue. For figures and tests.
  uint32_t uniformBricks = 0;
};

// One control point of a 1D transfer function: at `value` (modality units),
// the material has this colour (linear RGB) and this opacity, defined per
// millimetre of material (the pass corrects for its step length).
struct TransferPoint {
  float value = 0.0F;
  glm::vec3 color{1.0F};
  float opacity = 0.0F;
  bool operator==(const TransferPoint&) const = default;
};

// Piecewise linear between control points sorted by value; below the first
// and above the last point it keeps the end points' colour and opacity.
struct TransferFunction {
  std::vector<TransferPoint> points;
  bool operator==(const TransferFunction&) const = default;
};

// At least one point, values finite and strictly increasing, colours and
// opacities in [0, 1]. The error names the offending point.
Status validate(const TransferFunction& tf);
// Colour and opacity at `value` (CPU mirror of the GPU lookup, before
// window/level).
glm::vec4 evaluate(const TransferFunction& tf, float value);

// A display window in modality units: values below center - width/2 are black,
// above center + width/2 white. width <= 0 means "no window" where optional.
struct WindowLevel {
  float center = 0.0F;
  float width = 0.0F;
  bool operator==(const WindowLevel&) const = default;
};

// Transfer-function presets (values in HU for CT). Each one's natural window
// is windowOf(preset): a VolumeInstance with that window (or none) shows the
// preset as designed; another window stretches or shifts it.
TransferFunction presetCtBone();
TransferFunction presetCtLung();
TransferFunction presetCtSoftTissue();
// MR intensities have no absolute unit: the preset is laid out over the
// intensity range [low, high] of the brain, e.g. the 1st and 99.5th
// percentiles (imaging::choosePreset("mr-brain") gives such a window).
TransferFunction presetMrBrain(float low, float high);
// The window spanned by the transfer function's first and last points.
WindowLevel windowOf(const TransferFunction& tf);

}  // namespace medverse::render
