#pragma once
// The desktop window: a GLFW window without a GL context (Vulkan draws into
// it through a surface), its framebuffer size, and its input. One Window per
// process in practice; GLFW is initialised by the first and terminated by
// the last.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/platform/input.h"

struct GLFWwindow;

namespace medverse::platform {

struct WindowOptions {
  std::string title = "MedVerse";
  uint32_t width = 1280;  // client area, in screen coordinates
  uint32_t height = 720;
  bool resizable = true;
};

struct FramebufferSize {
  uint32_t width = 0;  // pixels; 0 x 0 while minimised
  uint32_t height = 0;
  [[nodiscard]] bool empty() const { return width == 0 || height == 0; }
  bool operator==(const FramebufferSize&) const = default;
};

class Window {
 public:
  // Fails with a message naming the cause (no display, no Vulkan support).
  static Result<std::unique_ptr<Window>> create(const WindowOptions& options = {});
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  // The Vulkan instance extensions the window system needs (VK_KHR_surface
  // and the platform's: xcb or xlib on X11, as GLFW chooses).
  [[nodiscard]] std::vector<std::string> requiredVulkanExtensions() const;
  // Creates a surface for this window; the caller owns it (SwapchainTarget
  // takes it over and destroys it).
  Result<VkSurfaceKHR> createSurface(VkInstance instance) const;

  // Processes pending window-system events; returns this frame's input.
  const InputState& pollEvents();
  [[nodiscard]] const InputState& input() const { return input_; }
  // Blocks until the window system has an event (e.g. while minimised,
  // instead of spinning), then processes it like pollEvents.
  const InputState& waitEvents();

  // True once the user closed the window (or requestClose was called).
  [[nodiscard]] bool shouldClose() const;
  void requestClose();

  [[nodiscard]] FramebufferSize framebufferSize() const;
  // Asks the window system for a new client-area size (the framebuffer size
  // follows once the window system has applied it).
  void setSize(uint32_t width, uint32_t height);
  void setTitle(const std::string& title);

  // For libraries that speak GLFW themselves (Dear ImGui's GLFW backend).
  [[nodiscard]] GLFWwindow* glfwHandle() const { return window_; }

  // GLFW callbacks; public for the C trampolines only.
  void onKey(int key, int action);
  void onMouseButton(int button, int action);
  void onCursor(double x, double y);
  void onScroll(double dx, double dy);
  void onChar(unsigned int codepoint);
  void onCursorEnter(bool entered);

 private:
  Window() = default;
  void publishEvents();
  GLFWwindow* window_ = nullptr;
  InputState input_;
  InputState pending_;  // events gathered since the previous pollEvents
  bool cursorKnown_ = false;
};

}  // namespace medverse::platform
