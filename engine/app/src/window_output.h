#pragma once
// A desktop window with everything needed to draw into it: the Vulkan
// context (with the window's surface extensions), the renderer and the
// swapchain. Shared by the plain viewer (desktop.cpp) and the consult
// window (consult_app.cpp).
#ifdef MEDVERSE_HAS_DESKTOP

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "medverse/core/result.h"
#include "medverse/platform/window.h"
#include "medverse/render/context.h"
#include "medverse/render/renderer.h"
#include "medverse/render/swapchain_target.h"

namespace medverse::app {

struct WindowOutputOptions {
  std::string title;
  uint32_t width = 1280;  // client area
  uint32_t height = 720;
  bool validation = false;
  bool vsync = true;
  bool screenshots = false;  // the swapchain keeps the last frame readable
};

struct WindowOutput {
  // Declared in creation order, so they are destroyed in the reverse one.
  std::unique_ptr<platform::Window> window;
  std::unique_ptr<render::Context> context;
  std::unique_ptr<render::Renderer> renderer;
  std::unique_ptr<render::SwapchainTarget> swapchain;

  // Destroys the GPU objects and then the device, while the window lives:
  // the validation layer reports leaked objects as the device goes, so
  // call this before reading the validation totals.
  void closeGpu() {
    swapchain.reset();
    renderer.reset();
    context.reset();
  }
};

[[nodiscard]] Result<WindowOutput> openWindowOutput(const WindowOutputOptions& options);

// The window options of an app's options (DesktopOptions, ConsultAppOptions:
// width, height, validation, vsync, screenshot).
template <typename AppOptions>
WindowOutputOptions windowOutputOptions(const AppOptions& options, std::string title) {
  WindowOutputOptions out;
  out.title = std::move(title);
  out.width = options.width;
  out.height = options.height;
  out.validation = options.validation;
  out.vsync = options.vsync;
  out.screenshots = !options.screenshot.empty();
  return out;
}

}  // namespace medverse::app

#endif  // MEDVERSE_HAS_DESKTOP
