#pragma once
// Dear ImGui inside MedVerse: one font atlas on the GPU shared by every UI,
// and one ImGuiContext per UI surface (the desktop overlay, each in-world
// panel, the label builder), so their windows, focus and input never mix.
// A frame's ImDrawData becomes a render::UiDrawData, which the renderer
// draws without knowing ImGui.
#include <imgui.h>

#include <cstdint>
#include <filesystem>
#include <glm/vec2.hpp>
#include <memory>

#include "medverse/core/result.h"
#include "medverse/render/ui_draw_data.h"

namespace medverse::render {
class Renderer;
}

namespace medverse::ui {

struct UiFontOptions {
  // TrueType files; when missing, ImGui's built-in bitmap font is used (with
  // a warning). Debian: fonts-dejavu-core.
  std::filesystem::path regular = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  std::filesystem::path bold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
  float bodyPixels = 16.0F;
  float headingPixels = 17.0F;
  // World labels are rasterised large and shown small, so they stay crisp
  // when a participant leans in.
  float labelPixels = 44.0F;
};

// The shared font atlas, uploaded once as an RGBA8 texture.
class UiFonts {
 public:
  static Result<std::unique_ptr<UiFonts>> create(render::Renderer& renderer,
                                                 const UiFontOptions& options = {});
  ~UiFonts();
  UiFonts(const UiFonts&) = delete;
  UiFonts& operator=(const UiFonts&) = delete;

  [[nodiscard]] ImFontAtlas* atlas() { return atlas_.get(); }
  [[nodiscard]] ImFont* body() const { return body_; }
  [[nodiscard]] ImFont* heading() const { return heading_; }
  [[nodiscard]] ImFont* label() const { return label_; }
  [[nodiscard]] render::UiTextureHandle texture() const { return texture_; }
  // False when the TrueType files were missing and ImGui's bitmap font is used.
  [[nodiscard]] bool trueType() const { return trueType_; }

 private:
  UiFonts() = default;
  std::unique_ptr<ImFontAtlas> atlas_;
  ImFont* body_ = nullptr;
  ImFont* heading_ = nullptr;
  ImFont* label_ = nullptr;
  render::UiTextureHandle texture_;
  bool trueType_ = false;
};

// Pointer state in the UI's own pixels: from a desktop mouse, or from a ray
// that hit an in-world panel (see world_panel.h).
struct PointerInput {
  bool inside = false;  // false: the pointer is elsewhere (no hover)
  glm::vec2 position{0.0F};
  bool primaryDown = false;
  float wheel = 0.0F;  // vertical scroll, in lines
};

// One ImGuiContext. beginFrame makes it current; build widgets with the
// ImGui API; endFrame returns what to draw.
class UiContext {
 public:
  explicit UiContext(UiFonts& fonts);
  ~UiContext();
  UiContext(const UiContext&) = delete;
  UiContext& operator=(const UiContext&) = delete;

  void beginFrame(glm::vec2 displaySize, float deltaSeconds, const PointerInput& pointer);
  render::UiDrawData endFrame();

  // True while ImGui wants the pointer (it hovers a window or drags a widget),
  // so the app should not also treat the click as a world interaction.
  [[nodiscard]] bool wantsPointer() const;
  [[nodiscard]] ImGuiContext* imgui() const { return context_; }
  [[nodiscard]] UiFonts& fonts() const { return fonts_; }

 private:
  UiFonts& fonts_;
  ImGuiContext* context_ = nullptr;
};

// Makes a context current for its scope and restores the previous one.
class ScopedContext {
 public:
  explicit ScopedContext(const UiContext& ui) : previous_(ImGui::GetCurrentContext()) {
    ImGui::SetCurrentContext(ui.imgui());
  }
  ~ScopedContext() { ImGui::SetCurrentContext(previous_); }
  ScopedContext(const ScopedContext&) = delete;
  ScopedContext& operator=(const ScopedContext&) = delete;

 private:
  ImGuiContext* previous_;
};

// ImDrawData → the renderer's plain form. Texture ids are the atlas's handle
// (see UiFonts) or any render::UiTextureHandle passed through textureId().
render::UiDrawData convertDrawData(const ImDrawData& drawData);

// ImGui's texture id for a renderer UI texture, for ImGui::Image and the atlas.
ImTextureID textureId(render::UiTextureHandle handle);

}  // namespace medverse::ui
