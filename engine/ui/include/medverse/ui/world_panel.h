#pragma once
// An ImGui surface on a rectangle in the room (render::UiPanel), driven by a
// ray: a laser pointer or a hand ray in XR, the mouse ray on a desktop. The
// ray's hit becomes the panel's mouse position; a trigger or button becomes
// its left button.
#include <glm/mat4x4.hpp>
#include <glm/vec2.hpp>
#include <glm/vec3.hpp>
#include <optional>

#include "medverse/render/ui_draw_data.h"
#include "medverse/ui/ui_context.h"

namespace medverse::ui {

struct Ray {
  glm::vec3 origin{0.0F};
  glm::vec3 direction{0.0F, 0.0F, -1.0F};  // need not be unit length
};

struct PanelHit {
  glm::vec2 uv{0.0F};     // 0..1, (0, 0) the UI's top-left as the viewer sees it
  glm::vec2 pixel{0.0F};  // uv * display size
  float distance = 0.0F;  // along the ray, in units of |direction|
  bool front = true;      // hit the +Z side of the panel
};

// Where `ray` meets a panel (the unit square of render::UiPanel, placed by
// `model`), or nothing. From behind a double-sided panel the hit mirrors u,
// as the renderer does, so the pixel under the ray is the one the user sees.
std::optional<PanelHit> intersectPanel(const glm::mat4& model, glm::vec2 displaySize,
                                       const Ray& ray, bool doubleSided = true);

class WorldPanel {
 public:
  WorldPanel(UiFonts& fonts, glm::vec2 displaySize, const glm::mat4& model,
             bool doubleSided = true);

  // Starts a frame with the pointer's ray (nothing: not pointing) and its
  // button. Build widgets with ImGui (e.g. buildHologramPanel), then endFrame.
  void beginFrame(float deltaSeconds, const std::optional<Ray>& pointer, bool pressed);
  render::UiPanel endFrame();

  void setModel(const glm::mat4& model) { model_ = model; }
  [[nodiscard]] const glm::mat4& model() const { return model_; }
  [[nodiscard]] glm::vec2 displaySize() const { return displaySize_; }
  [[nodiscard]] const std::optional<PanelHit>& hit() const { return hit_; }
  [[nodiscard]] UiContext& context() { return context_; }

 private:
  UiContext context_;
  glm::vec2 displaySize_;
  glm::mat4 model_;
  bool doubleSided_;
  std::optional<PanelHit> hit_;
};

}  // namespace medverse::ui
