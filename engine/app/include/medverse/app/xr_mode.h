#pragma once
// XR mode: the consult room (client_scene.h) on the system's active OpenXR runtime (a real
// headset through Monado or SteamVR, or xrsim via XR_RUNTIME_JSON).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "medverse/app/client_scene.h"
#include "medverse/app/consult_goal.h"
#include "medverse/app/consult_session.h"
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
  bool passthrough = false;            // AR through XR_FB_passthrough
  uint32_t recenters = 0;              // menu held 1 s, or the runtime's
  uint32_t referenceSpaceChanges = 0;  // runtime recenters announced
  uint32_t teleports = 0;
};

Result<XrModeReport> runXrMode(const XrModeOptions& options);

// XR in a consult room: the ConsultSession runs in the XR frame loop. Head
// and both hands (at the predicted display time) are the avatar the room
// sees; the eyes show the replicated room (people, hologram state, pins,
// measurements) through ConsultPresenter; the controllers drive the
// hologram (xr_controls.h).
struct XrConsultOptions {
  bool ar = false;
  // At least this many frames (a scripted timeline's length); 0: until the
  // user (menu) or the runtime ends the session.
  uint64_t frames = 0;
  // After `frames`: keep going until the room reaches this, then end
  // (bounded by goalTimeoutMs; not reaching it is an error).
  std::optional<RoomGoal> goal;
  uint32_t goalTimeoutMs = 120000;
  uint32_t caseTimeoutMs = 600000;
  // The last frame's left eye, written as PNG.
  std::filesystem::path screenshot;
  std::string pinText = "Note";
};

struct XrConsultReport {
  XrModeReport xr;
  ConsultFrame last;
  std::string status;  // the controls' last message
};

Result<XrConsultReport> runXrConsult(ConsultSession& session, const XrConsultOptions& options);

}  // namespace medverse::app
