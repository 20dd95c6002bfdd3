#pragma once
// std140 mirror of shaders/frame.glsl's Frame block.
#include <glm/mat4x4.hpp>
#include <glm/vec4.hpp>

#include "medverse/render/render_view.h"
#include "medverse/render/renderer.h"

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

// Frame uniform sets: one per frame in flight and view pass (stereo drawn
// one single-view pass per eye needs one per eye). MeshPass owns the
// buffers; the volume and UI passes bind the same buffers.
inline constexpr uint32_t kFrameUniformSets = Renderer::kFramesInFlight * kMaxViews;

// The set of frame slot `slot` (Renderer::beginFrame) and view pass `pass`.
constexpr uint32_t frameUniformSet(uint32_t slot, uint32_t pass) {
  return slot * kMaxViews + pass;
}

}  // namespace medverse::render
