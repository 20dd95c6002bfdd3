#pragma once
// The desktop client's on-screen help (every shortcut, toggled with H) and
// its status line (what the current tool expects next, the last refusal).
// Plain data in, ImGui windows out, inside the current UiContext frame.
#include <glm/vec2.hpp>
#include <glm/vec4.hpp>
#include <string>
#include <vector>

namespace medverse::ui {

struct Shortcut {
  std::string keys;    // "G + drag", "M, click, click"
  std::string action;  // "grab and turn the hologram"
};

// A centred window listing the shortcuts. Returns its rectangle (x0, y0, x1, y1).
glm::vec4 buildHelpOverlay(const std::vector<Shortcut>& shortcuts, glm::vec2 displaySize);

// One line at the bottom centre of the screen; nothing when `text` is empty.
// Returns its rectangle, or zeros.
glm::vec4 buildStatusLine(const std::string& text, glm::vec2 displaySize);

}  // namespace medverse::ui
