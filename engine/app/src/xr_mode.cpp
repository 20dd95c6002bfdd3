#include "medverse/app/xr_mode.h"

#include <optional>

#include "medverse/app/client_scene.h"
#include "medverse/xr/xr_loop.h"

namespace medverse::app {

Result<XrModeReport> runXrMode(const XrModeOptions& options) {
  xr::XrLoopOptions loop;
  loop.runtime.mode = options.ar ? xr::ViewMode::Ar : xr::ViewMode::Vr;
  loop.maxFrames = options.maxFrames;
  std::optional<ClientScene> scene;
  xr::XrLoopCallbacks callbacks;
  callbacks.start = [&](render::Renderer& renderer) -> Status {
    Result<ClientScene> s = createClientScene(renderer, options.scene);
    if (!s) {
      return s.error();
    }
    scene = std::move(*s);
    return {};
  };
  // One stereo view per frame; the session fills in both eyes' cameras.
  callbacks.frame.view = [&](const xr::XrFrameInfo& info, const render::CameraView& head) {
    return scene->view(head, glm::vec2(info.viewSize));
  };
  // The menu button on either controller quits, through xrRequestExitSession.
  callbacks.quit = [](const xr::XrFrameInfo& info) {
    return info.input.hands[0].menuPressed || info.input.hands[1].menuPressed;
  };
  Result<xr::XrLoopReport> r = xr::runXrLoop(loop, callbacks);
  scene.reset();
  if (!r) {
    return r.error();
  }
  XrModeReport report;
  report.runtimeName = r->runtimeName;
  report.deviceName = r->deviceName;
  report.framesRendered = r->framesRendered;
  report.sessions = r->sessionsCreated;
  report.xrValidationErrors = r->xrValidation.errors;
  report.vulkanValidationErrors = r->vulkanValidationErrors;
  return report;
}

}  // namespace medverse::app
