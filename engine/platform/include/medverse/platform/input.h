#pragma once
// Mouse and keyboard state as the app sees it once per frame: what is held
// down, what went down or up since the previous frame, how far the cursor
// moved and how far the wheel turned. Presses between two frames are never
// lost, however short.
#include <array>
#include <cstdint>
#include <string>

namespace medverse::platform {

enum class MouseButton : uint8_t { Left, Right, Middle };
inline constexpr size_t kMouseButtonCount = 3;

// Key codes follow GLFW's (printable keys are their US-layout ASCII codes),
// so the window can pass them through unchanged.
enum class Key : uint16_t {
  Space = 32,
  Num0 = 48, Num1, Num2, Num3, Num4, Num5, Num6, Num7, Num8, Num9,
  A = 65, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, T, U, V, W, X, Y, Z,
  Escape = 256, Enter, Tab, Backspace, Insert, Delete, Right, Left, Down, Up,
  PageUp, PageDown, Home, End,
  F1 = 290, F2, F3, F4, F5, F6, F7, F8, F9, F10, F11, F12,
  LeftShift = 340, LeftControl, LeftAlt, LeftSuper, RightShift, RightControl, RightAlt,
  RightSuper,
};
inline constexpr size_t kKeyCount = 349;

struct InputState {
  double cursorX = 0.0;  // window coordinates, pixels from the top-left corner
  double cursorY = 0.0;
  double cursorDeltaX = 0.0;  // movement since the previous frame
  double cursorDeltaY = 0.0;
  double scrollX = 0.0;  // wheel notches since the previous frame (+y: away from the user)
  double scrollY = 0.0;
  std::array<bool, kMouseButtonCount> mouseDown{};
  std::array<bool, kMouseButtonCount> mousePressed{};   // went down since the previous frame
  std::array<bool, kMouseButtonCount> mouseReleased{};  // went up since the previous frame
  std::array<bool, kKeyCount> keyDown{};
  std::array<bool, kKeyCount> keyPressed{};  // went down (or repeated) since the previous frame
  std::u32string text;                       // characters typed since the previous frame
  bool cursorInWindow = false;

  [[nodiscard]] bool down(MouseButton b) const { return mouseDown[static_cast<size_t>(b)]; }
  [[nodiscard]] bool pressed(MouseButton b) const { return mousePressed[static_cast<size_t>(b)]; }
  [[nodiscard]] bool down(Key k) const { return at(keyDown, k); }
  [[nodiscard]] bool pressed(Key k) const { return at(keyPressed, k); }

 private:
  static bool at(const std::array<bool, kKeyCount>& keys, Key k) {
    const auto i = static_cast<size_t>(k);
    return i < keys.size() && keys[i];
  }
};

}  // namespace medverse::platform
