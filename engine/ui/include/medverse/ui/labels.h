#pragma once
// Text in the room: name tags above avatars, annotation pins' notes,
// measurement read-outs. Each label is a small world panel (render::UiPanel)
// turned to face the viewer, so it reads left to right from anywhere in the
// room, drawn with the shared font atlas.
#include <cstdint>
#include <glm/vec3.hpp>
#include <string>
#include <vector>

#include "medverse/render/ui_draw_data.h"
#include "medverse/ui/ui_context.h"

namespace medverse::ui {

struct WorldLabel {
  std::string text;
  glm::vec3 anchor{0.0F};             // world point under the label's bottom centre
  float height = 0.07F;               // metres, of the whole label (plate included)
  uint32_t textColor = 0xFFFFFFFFU;   // IM_COL32, sRGB
  uint32_t background = 0xE0201A16U;  // dark, mostly opaque plate
  uint32_t accent = 0U;               // a bar on the left (e.g. the role colour); 0: none
};

// The model matrix of a label panel `width` x `height` metres whose bottom
// centre is at `anchor`, turned to face `viewer` (rotating about every axis,
// so it also faces someone looking down on it). `up` is the room's up.
glm::mat4 billboard(const glm::vec3& anchor, float width, float height, const glm::vec3& viewer,
                    const glm::vec3& up = {0.0F, 1.0F, 0.0F});

class LabelBuilder {
 public:
  explicit LabelBuilder(UiFonts& fonts) : context_(fonts) {}

  // One panel per label, facing `viewer` (the camera's position; in stereo,
  // the point between the eyes). Labels with empty text are skipped.
  std::vector<render::UiPanel> build(const std::vector<WorldLabel>& labels,
                                     const glm::vec3& viewer);
  render::UiPanel build(const WorldLabel& label, const glm::vec3& viewer);

 private:
  UiContext context_;
};

}  // namespace medverse::ui
