#pragma once
// The networked client as `medverse` runs it: a ConsultSession (hosting a
// listen server or joining a remote room), the room and the case hologram
// as the replicated world shows them, the desktop controls, and a frame loop
// in a window (desktop, spectator) or offscreen (headless, with a scripted
// input sequence for tests).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "medverse/app/consult_goal.h"
#include "medverse/app/consult_session.h"
#include "medverse/app/consult_view.h"
#include "medverse/app/desktop_controls.h"
#include "medverse/app/room_scene.h"
#include "medverse/core/result.h"
#include "medverse/render/context.h"
#include "medverse/render/image_io.h"
#include "medverse/ui/overlay.h"

namespace medverse::render {
class Renderer;
}

namespace medverse::app {

// The per-frame client, independent of where frames go.
class ConsultClient {
 public:
  // `session` must have its case (session.caseDirectory() non-empty).
  static Result<std::unique_ptr<ConsultClient>> create(render::Renderer& renderer,
                                                       ConsultSession& session,
                                                       bool withOverlay);

  // Network, input, extraction: the view to draw this frame, seen from the
  // desktop camera (or the followed participant's head for a spectator).
  render::RenderView frame(const platform::InputState& input, glm::vec2 viewport,
                           const ui::FrameSummary& summary, float deltaSeconds);

  [[nodiscard]] DesktopControls& controls() { return controls_; }
  [[nodiscard]] const ConsultFrame& lastFrame() const { return last_; }
  [[nodiscard]] const CaseScene& hologram() const { return *case_; }
  [[nodiscard]] ConsultSession& session() { return session_; }

 private:
  ConsultClient(ConsultSession& session, RoomScene room) : session_(session), room_(std::move(room)) {}
  ConsultSession& session_;
  RoomScene room_;
  std::optional<CaseScene> case_;
  std::unique_ptr<ConsultPresenter> presenter_;
  DesktopControls controls_;
  ConsultFrame last_;
  bool overlay_ = true;
};

// Waits (bounded by timeoutMs of network waiting, no sleeping) until the
// session has joined and has its case, printing nothing; progress goes to
// the join options' onCaseProgress.
Status awaitCase(ConsultSession& session, uint32_t timeoutMs);

struct ConsultAppOptions {
  bool window = false;  // desktop window; false: headless offscreen
  uint32_t width = 1280;
  uint32_t height = 720;
  uint32_t frames = 0;  // headless: at least the script's length; 0 = 1. window: 0 until closed
  bool vsync = true;
  bool overlay = true;
  std::filesystem::path screenshot;
  std::filesystem::path inputScript;  // scripted input instead of (or in headless, as) input
  bool validation = render::validationRequestedByEnv();
  uint32_t caseTimeoutMs = 600000;
  // Headless: after the frames, wait (bounded) until the room reaches this
  // before the final frame; not reaching it is an error.
  std::optional<RoomGoal> goal;
  uint32_t goalTimeoutMs = 120000;
  // Follow the participant with this display name once present (spectators).
  std::string follow;
  // Called once the session is up (hosting: to print how others join).
  std::function<void(ConsultSession&)> onSessionReady;
};

struct ConsultAppReport {
  uint32_t frames = 0;
  std::string deviceName;
  bool validationEnabled = false;
  uint32_t validationErrors = 0;
  uint32_t validationWarnings = 0;
  render::RgbaImage image;
  ConsultFrame last;
  size_t refusals = 0;
};

Result<ConsultAppReport> runConsult(ConsultSession& session, const ConsultAppOptions& options);

}  // namespace medverse::app
