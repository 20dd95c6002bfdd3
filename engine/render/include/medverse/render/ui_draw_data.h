#pragma once
// 2D user-interface geometry as the renderer draws it: indexed, textured,
// vertex-coloured triangles in pixel coordinates with clip rectangles. This
// is the shape of Dear ImGui's ImDrawData, but the renderer does not depend
// on ImGui: engine/ui converts ImDrawData into this, and anything else that
// can produce triangles (labels, tests) can fill it directly.
//
// Colours are sRGB-encoded RGBA8 with straight (not premultiplied) alpha,
// packed with red in the lowest byte (ImGui's IM_COL32 layout). Textures are
// RGBA8, also sRGB-encoded (alpha linear), uploaded with
// Renderer::uploadUiTexture.
#include <cstdint>
#include <glm/mat4x4.hpp>
#include <glm/vec2.hpp>
#include <glm/vec4.hpp>
#include <vector>

namespace medverse::render {

// A texture uploaded with Renderer::uploadUiTexture (e.g. a font atlas).
struct UiTextureHandle {
  uint32_t index = UINT32_MAX;
  [[nodiscard]] bool valid() const { return index != UINT32_MAX; }
};

struct UiVertex {
  glm::vec2 position{0.0F};  // pixels, origin top-left, y down
  glm::vec2 uv{0.0F};
  uint32_t color = 0xFFFFFFFFU;  // RGBA8, red in the low byte, sRGB, straight alpha
};
static_assert(sizeof(UiVertex) == 20, "UiVertex must match the ui.vert vertex layout");

// One draw: indexCount indices from indexOffset, each offset by vertexOffset,
// textured with `texture`, clipped to clipRect.
struct UiDrawCommand {
  glm::vec4 clipRect{0.0F};  // x0, y0, x1, y1 in pixels of the display
  UiTextureHandle texture;
  uint32_t indexOffset = 0;
  uint32_t indexCount = 0;
  uint32_t vertexOffset = 0;
};

struct UiDrawData {
  // The pixel size the coordinates refer to. The overlay maps it onto the
  // whole target (so a UI laid out at half resolution is scaled up); a
  // world panel renders into a texture of this size. Zero: nothing to draw.
  glm::vec2 displaySize{0.0F};
  std::vector<UiVertex> vertices;
  std::vector<uint32_t> indices;
  std::vector<UiDrawCommand> commands;

  [[nodiscard]] bool empty() const {
    return commands.empty() || displaySize.x <= 0.0F || displaySize.y <= 0.0F;
  }
};

// A UI drawn into a texture (the "panel texture", displaySize pixels) and
// shown on a rectangle in the room. The rectangle is the unit square
// [-0.5, 0.5]^2 in the XY plane of `model`, facing +Z; the UI's top-left
// corner is at (-0.5, +0.5), so scale X and Y by the panel's width and height
// in metres. Alpha blended over the scene and depth tested (not written).
struct UiPanel {
  UiDrawData ui;
  glm::mat4 model{1.0F};
  // Both sides show the UI, and it reads left to right from either side (the
  // back is not a mirror image). One-sided panels are invisible from behind.
  bool doubleSided = true;
};

}  // namespace medverse::render
