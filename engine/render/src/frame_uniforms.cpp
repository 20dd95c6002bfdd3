#include "frame_uniforms.h"

#include <algorithm>

#include <glm/geometric.hpp>

namespace medverse::render {

FrameUniforms makeFrameUniforms(const RenderView& view) {
  FrameUniforms u{};
  u.view = view.camera.view;
  u.proj = view.camera.projection;
  u.viewProj = view.camera.projection * view.camera.view;
  u.cameraPosition = glm::vec4(view.camera.position, view.camera.exposure);
  u.skyColor = glm::vec4(view.skyAmbient, 0.0F);
  u.groundColor = glm::vec4(view.groundAmbient, 0.0F);
  const auto count = static_cast<uint32_t>(std::min<size_t>(view.lights.size(), kMaxLights));
  u.lightCount = glm::ivec4(static_cast<int>(count), 0, 0, 0);
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
