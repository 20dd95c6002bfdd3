#pragma once
// The hologram controls in the XR consult room: the same panel as the
// desktop overlay's "Hologram" window (transfer-function presets, clip
// planes, slices; ui::buildHologramPanel) on a lectern at the near right
// corner of the table, turned towards where the user starts (the room's
// viewpoint, XrLocomotion::home()). The right laser drives it
// (xr_controls.h): where the laser meets the panel is the pointer, the
// trigger is its button. Its actions are intents on the ConsultSession
// (ConsultPresenter::applyActions), so a participant without control sees
// it greyed out and cannot press it.
#include <glm/mat4x4.hpp>
#include <glm/vec2.hpp>
#include <optional>
#include <vector>

#include "medverse/assets/room.h"
#include "medverse/render/ui_draw_data.h"
#include "medverse/ui/overlay.h"
#include "medverse/ui/world_panel.h"

namespace medverse::app {

class XrHologramPanel {
 public:
  static constexpr glm::vec2 kPixels{320.0F, 400.0F};
  static constexpr float kWidthM = 0.3F;
  static constexpr float kHeightM = 0.375F;

  // The panel's model matrix (render::UiPanel's unit square) in `room`.
  static glm::mat4 placement(const assets::Room& room);

  XrHologramPanel(ui::UiFonts& fonts, const assets::Room& room);

  // One frame: the pointer's ray (room space; nothing: not pointing at the
  // panel) and its button. Returns what was pressed.
  std::vector<ui::UiAction> update(const ui::OverlayState& state,
                                   const std::optional<ui::Ray>& pointer, bool pressed,
                                   float deltaSeconds);

  // The last frame's panel, to draw in both eyes.
  [[nodiscard]] const render::UiPanel& panel() const { return drawn_; }
  [[nodiscard]] const glm::mat4& model() const { return panel_.model(); }
  // Where the last frame laid out the widgets (the panel's pixels).
  [[nodiscard]] const ui::HologramPanelLayout& layout() const { return layout_; }
  // Room point of a panel pixel (the UI's top-left is (0, 0)).
  [[nodiscard]] glm::vec3 pointAt(glm::vec2 pixel) const;

 private:
  ui::WorldPanel panel_;
  render::UiPanel drawn_;
  ui::HologramPanelLayout layout_;
};

}  // namespace medverse::app
