#pragma once
// std140 mirror of shaders/frame.glsl's Frame block.
#include <glm/mat4x4.hpp>
#include <glm/vec4.hpp>

#include "medverse/render/render_view.h"

namespace medverse::render {

struct alignas(16) FrameUniforms {
  struct Light {
    glm::vec4 direction;
    glm::vec4 radiance;
  };
  glm::mat4 view;
  glm::mat4 proj;
  glm::mat4 viewProj;
  glm::vec4 cameraPosition;
  glm::vec4 skyColor;
  glm::vec4 groundColor;
  glm::ivec4 lightCount;
  Light lights[kMaxLights];
};
static_assert(sizeof(FrameUniforms) == 3 * 64 + 4 * 16 + kMaxLights * 32);

FrameUniforms makeFrameUniforms(const RenderView& view);

}  // namespace medverse::render
