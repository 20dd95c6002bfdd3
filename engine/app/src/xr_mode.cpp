#include "medverse/app/xr_mode.h"

#include <optional>

#include "medverse/app/room_scene.h"
#include "medverse/assets/room.h"
#include "medverse/xr/xr_loop.h"

namespace medverse::app {

Result<XrModeReport> runXrMode(const XrModeOptions& options) {
  xr::XrLoopOptions loop;
  loop.runtime.mode = options.ar ? xr::ViewMode::Ar : xr::ViewMode::Vr;
  loop.maxFrames = options.maxFrames;
  const assets::Room room = assets::buildConsultRoom();
  std::optional<RoomScene> scene;
  xr::XrLoopCallbacks callbacks;
  callbacks.start = [&](render::Renderer& renderer) -> Status {
    Result<RoomScene> s = RoomScene::create(renderer, room);
    if (!s) {
      return s.error();
    }
    scene = std::move(*s);
    return {};
  };
  callbacks.frame.view = [&](const xr::XrFrameInfo&, int, const render::CameraView& camera) {
    return scene->view(camera);
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
