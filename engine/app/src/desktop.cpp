#include "medverse/app/desktop.h"

#ifdef MEDVERSE_HAS_DESKTOP

#include "medverse/app/client_scene.h"
#include "medverse/app/orbit_camera.h"
#include "medverse/core/log.h"
#include "medverse/platform/window.h"
#include "medverse/render/context.h"
#include "medverse/render/renderer.h"
#include "medverse/render/swapchain_target.h"
#include "window_output.h"

namespace medverse::app {
namespace {

// Mouse controls of the desktop camera (see desktop.h).
void steerCamera(OrbitCamera& camera, const platform::InputState& input, float viewportHeight) {
  const auto dx = static_cast<float>(input.cursorDeltaX);
  const auto dy = static_cast<float>(input.cursorDeltaY);
  if (input.down(platform::MouseButton::Left)) {
    camera.orbit(dx, dy);
  } else if (input.down(platform::MouseButton::Right) ||
             input.down(platform::MouseButton::Middle)) {
    camera.pan(dx, dy, viewportHeight);
  }
  if (input.scrollY != 0.0) {
    camera.zoom(static_cast<float>(input.scrollY));
  }
}

}  // namespace

Result<DesktopReport> runDesktop(const DesktopOptions& options) {
  const render::ValidationReport atStart = render::processValidationReport();
  Result<WindowOutput> output =
      openWindowOutput(windowOutputOptions(options, "MedVerse - consult room"));
  if (!output) {
    return output.error();
  }
  DesktopReport report;
  {
    // The scene's GPU objects go before the renderer and the device; the
    // scope makes the order explicit.
    Result<ClientScene> scene = createClientScene(*output->renderer, options.scene);
    if (!scene) {
      return scene.error();
    }
    OrbitCamera camera = scene->startCamera;
    ui::FrameSummary frameSummary;  // the overlay's statistics (--ui)
    frameSummary.device = output->context->deviceName();
    platform::Window& win = *output->window;
    render::Renderer& draw = *output->renderer;
    render::SwapchainTarget& target = *output->swapchain;

    while (!win.shouldClose()) {
      const platform::FramebufferSize fb = win.framebufferSize();
      const platform::InputState& input = fb.empty() ? win.waitEvents() : win.pollEvents();
      if (options.onFrame) {
        options.onFrame(win, report.framesPresented);
      }
      if (input.pressed(platform::Key::Escape)) {
        break;
      }
      const platform::FramebufferSize now = win.framebufferSize();
      target.resize({now.width, now.height});
      if (now.empty()) {
        ++report.framesSkipped;  // minimised
        continue;
      }
      steerCamera(camera, input, static_cast<float>(now.height));

      Result<uint32_t> slot = draw.beginFrame();
      if (!slot) {
        return slot.error();
      }
      const bool last = options.frames != 0 && report.framesPresented + 1 == options.frames;
      if (!options.screenshot.empty() && (last || options.frames == 0)) {
        if (Status s = target.captureNextFrame(); !s) {
          return s.error();
        }
      }
      Result<std::optional<render::SwapchainFrame>> frame = target.acquire(*slot);
      if (!frame) {
        return frame.error();
      }
      if (!frame->has_value()) {
        ++report.framesSkipped;
        continue;
      }
      const render::SwapchainFrame& f = **frame;
      const float aspect =
          static_cast<float>(f.target.extent.width) / static_cast<float>(f.target.extent.height);
      const glm::vec2 viewport{static_cast<float>(f.target.extent.width),
                               static_cast<float>(f.target.extent.height)};
      if (Status s = draw.submitFrame(scene->view(camera.view(aspect), viewport, frameSummary),
                                      f.target, f.sync);
          !s) {
        return s.error();
      }
      if (Status s = target.present(f); !s) {
        return s.error();
      }
      ++report.framesPresented;
      frameSummary.drawCalls = draw.lastFrameStats().drawCalls;
      frameSummary.triangles = draw.lastFrameStats().triangles;
      frameSummary.volumes = draw.lastFrameStats().volumes;
      report.volumes = draw.lastFrameStats().volumes;
      if (options.frames != 0 && report.framesPresented >= options.frames) {
        break;
      }
    }
    if (Status s = draw.waitIdle(); !s) {
      return s.error();
    }
    report.swapchainRebuilds = target.rebuilds();
    report.finalWidth = target.extent().width;
    report.finalHeight = target.extent().height;
    report.vsync = target.presentMode() == VK_PRESENT_MODE_FIFO_KHR;
    if (!options.screenshot.empty()) {
      Result<render::RgbaImage> image = target.lastCapture();
      if (!image) {
        return image.error();
      }
      report.image = std::move(*image);
      if (Status s = render::writePng(options.screenshot, report.image); !s) {
        return s.error();
      }
    }
  }
  report.deviceName = output->context->deviceName();
  report.validationEnabled = output->context->validationEnabled();
  output->closeGpu();  // destroying the device reports leaked objects
  const render::ValidationReport atEnd = render::processValidationReport();
  report.validationErrors = atEnd.errors - atStart.errors;
  report.validationWarnings = atEnd.warnings - atStart.warnings;
  return report;
}

}  // namespace medverse::app

#else  // no GLFW in this build

namespace medverse::app {

Result<DesktopReport> runDesktop(const DesktopOptions& /*options*/) {
  return makeError("this build has no desktop window (GLFW was not found; run scripts/setup)");
}

}  // namespace medverse::app

#endif
