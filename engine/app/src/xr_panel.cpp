#include "medverse/app/xr_panel.h"

#include "medverse/ui/labels.h"

namespace medverse::app {

glm::mat4 XrHologramPanel::placement(const assets::Room& room) {
  // A lectern just off the table's near edge, to the right of the hologram
  // seen from the viewpoint, its foot 10 cm above the top: it leaves the
  // hologram and the space around it to the hands and lasers.
  const glm::vec3 foot{room.hologramAnchor.x + 0.45F, room.tableTop.y + 0.1F,
                       room.hologramAnchor.z + 0.5F};
  return ui::billboard(foot, kWidthM, kHeightM, room.suggestedCameraPosition);
}

XrHologramPanel::XrHologramPanel(ui::UiFonts& fonts, const assets::Room& room)
    : panel_(fonts, kPixels, placement(room)) {}

std::vector<ui::UiAction> XrHologramPanel::update(const ui::OverlayState& state,
                                                  const std::optional<ui::Ray>& pointer,
                                                  bool pressed, float deltaSeconds) {
  panel_.beginFrame(deltaSeconds, pointer, pressed);
  std::vector<ui::UiAction> actions = ui::buildHologramPanel(state, kPixels, &layout_);
  drawn_ = panel_.endFrame();
  return actions;
}

glm::vec3 XrHologramPanel::pointAt(glm::vec2 pixel) const {
  const glm::vec2 uv = pixel / kPixels;
  return glm::vec3(panel_.model() * glm::vec4(uv.x - 0.5F, 0.5F - uv.y, 0.0F, 1.0F));
}

}  // namespace medverse::app
