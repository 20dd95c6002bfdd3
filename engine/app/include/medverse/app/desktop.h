#pragma once
// Desktop mode: the room in a window, drawn through a swapchain with frames
// in flight, seen through an orbit camera the mouse drives (left drag:
// orbit; right or middle drag: pan; wheel: zoom). Esc or closing the window
// quits. Used by `medverse --mode desktop`.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "medverse/app/client_scene.h"
#include "medverse/core/result.h"
#include "medverse/render/context.h"
#include "medverse/render/image_io.h"

namespace medverse::platform {
class Window;
}

namespace medverse::app {

struct DesktopOptions {
  uint32_t width = 1280;  // window client area
  uint32_t height = 720;
  uint32_t frames = 0;  // stop after this many presented frames; 0: run until closed
  bool vsync = true;
  // Read back the last presented frame (copied from the swapchain image
  // before it is presented) and write it here.
  std::filesystem::path screenshot;
  bool validation = render::validationRequestedByEnv();
  SceneOptions scene;
  // Called once per loop iteration after input is polled (tests resize the
  // window from here); `frame` counts presented frames so far.
  std::function<void(platform::Window&, uint32_t frame)> onFrame;
};

struct DesktopReport {
  std::string deviceName;
  uint32_t framesPresented = 0;
  uint32_t framesSkipped = 0;  // minimised or swapchain out of date
  uint32_t swapchainRebuilds = 0;
  uint32_t finalWidth = 0;  // swapchain size at exit
  uint32_t finalHeight = 0;
  bool vsync = true;  // what the presentation mode delivers (FIFO)
  uint32_t volumes = 0;  // volume instances ray-marched in the last frame
  uint32_t validationErrors = 0;
  uint32_t validationWarnings = 0;
  bool validationEnabled = false;
  render::RgbaImage image;  // the last presented frame, when a screenshot was asked for
};

Result<DesktopReport> runDesktop(const DesktopOptions& options);

}  // namespace medverse::app
