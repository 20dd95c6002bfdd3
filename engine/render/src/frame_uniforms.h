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
  // Per view (index gl_ViewIndex): 0 is mono or the left eye, 1 the right eye.
  glm::mat4 view[kMaxViews];
  glm::mat4 proj[kMaxViews];
  glm::mat4 viewProj[kMaxViews];
  glm::vec4 cameraPosition[kMaxViews];
  glm::vec4 skyColor;
  glm::vec4 groundColor;
  glm::ivec4 lightCount;
  Light lights[kMaxLights];
};
static_assert(kMaxViews == 2, "shaders/frame.glsl declares MAX_VIEWS 2");
static_assert(sizeof(FrameUniforms) ==
              kMaxViews * (3 * 64 + 16) + 3 * 16 + kMaxLights * 32);

FrameUniforms makeFrameUniforms(const RenderView& view);

}  // namespace medverse::render
