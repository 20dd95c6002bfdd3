#pragma once
// XR mode: the consult room (client_scene.h) on the system's active OpenXR runtime (a real
// headset through Monado or SteamVR, or xrsim via XR_RUNTIME_JSON).
#include <cstdint>
#include <string>

#include "medverse/app/client_scene.h"
#include "medverse/core/result.h"

namespace medverse::app {

struct XrModeOptions {
  bool ar = false;          // see-through / passthrough instead of opaque VR
  uint64_t maxFrames = 0;   // 0: until the runtime or the user ends the session
  SceneOptions scene;       // the same scene as the desktop and headless modes
};

struct XrModeReport {
  std::string runtimeName;
  std::string deviceName;
  uint64_t framesRendered = 0;
  uint32_t sessions = 0;
  uint32_t xrValidationErrors = 0;
  uint32_t vulkanValidationErrors = 0;
};

Result<XrModeReport> runXrMode(const XrModeOptions& options);

}  // namespace medverse::app
