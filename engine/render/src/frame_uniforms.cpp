#include "frame_uniforms.h"

#include <algorithm>

#include <glm/geometric.hpp>

namespace medverse::render {

FrameUniforms makeFrameUniforms(const RenderView& view) {
  FrameUniforms u{};
  // Unused view slots repeat view 0, so a stray index still draws sensibly.
  const uint32_t views = std::clamp<uint32_t>(view.viewCount, 1, kMaxViews);
  for (uint32_t i = 0; i < kMaxViews; ++i) {
    const CameraView& c = view.cameraFor(i < views ? i : 0);
    u.view[i] = c.view;
    u.proj[i] = c.projection;
    u.viewProj[i] = c.projection * c.view;
    u.cameraPosition[i] = glm::vec4(c.position, c.exposure);
  }
  u.skyColor = glm::vec4(view.skyAmbient, 0.0F);
  u.groundColor = glm::vec4(view.groundAmbient, 0.0F);
  const auto count = static_cast<uint32_t>(std::min<size_t>(view.lights.size(), kMaxLights));
  u.lightCount = glm::ivec4(static_cast<int>(count), static_cast<int>(views), 0, 0);
  for (uint32_t i = 0; i < count; ++i) {
    const Light& l = view.lights[i];
    u.lights[i].direction = l.kind == Light::Kind::Point
                                ? glm::vec4(l.position, 1.0F)
                                : glm::vec4(glm::normalize(l.direction), 0.0F);
    u.lights[i].radiance = glm::vec4(l.color * l.intensity, 0.0F);
  }
  return u;
}

}  // namespace medverse::render
