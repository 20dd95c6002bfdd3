#pragma once
// The XR main loop, the way hello_xr structures it: poll events (each
// session-state change goes to Session::onStateChanged), run a frame while
// the session runs, recreate the session after LOSS_PENDING, stop at EXITING.
#include <functional>
#include <string>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/xr/runtime.h"
#include "medverse/xr/session.h"

namespace medverse::render {
class Renderer;
}

namespace medverse::xr {

struct XrLoopOptions {
  RuntimeOptions runtime;
  bool validation = render::validationRequestedByEnv();
  float nearZ = 0.05F;
  float farZ = 100.0F;
  uint64_t maxFrames = 0;  // 0: until the runtime or the user ends the session
};

struct XrLoopCallbacks {
  std::function<Status(render::Renderer&)> start;  // upload meshes once
  // After the last session ended, before the renderer goes (a last screenshot).
  std::function<Status(render::Renderer&)> finish;
  FrameCallbacks frame;
  std::function<void(XrSessionState)> sessionState;
  // Asked every frame; true → xrRequestExitSession (the user quits).
  std::function<bool(const XrFrameInfo&)> quit;
  // Asked every frame; true → Session::recenter() after it (the user asked).
  std::function<bool(const XrFrameInfo&)> recenter;
};

struct XrLoopReport {
  std::string runtimeName;
  std::string deviceName;
  std::vector<XrSessionState> states;  // every state change, in order
  uint32_t sessionsCreated = 0;
  uint64_t framesRendered = 0;
  XrEnvironmentBlendMode blendMode = XR_ENVIRONMENT_BLEND_MODE_OPAQUE;
  XrReferenceSpaceType baseSpace = XR_REFERENCE_SPACE_TYPE_LOCAL;
  bool passthrough = false;            // AR through XR_FB_passthrough
  uint32_t recenters = 0;              // by the user or the runtime
  uint32_t referenceSpaceChanges = 0;  // XrEventDataReferenceSpaceChangePending seen
  XrValidationReport xrValidation;
  uint32_t vulkanValidationErrors = 0;
};

Result<XrLoopReport> runXrLoop(const XrLoopOptions& options, XrLoopCallbacks& callbacks);

}  // namespace medverse::xr
