#pragma once
// The desktop client's mouse and keyboard controls in a consult room, from
// one frame of platform::InputState (a real window's, or a scripted one for
// tests and headless runs, see InputScript):
//
//   left drag              orbit the camera      right/middle drag  pan
//   wheel                  zoom
//   G + left drag, or      grab the hologram and turn it (horizontal: about
//   Ctrl + left drag       the vertical axis, vertical: tilt); wheel while
//                          held scales it; letting go releases it
//   M, click, click        measure the distance between two points (mm)
//   N, click, type, Enter  drop a pin with a note
//   X, click               place a cut through the hologram facing you
//   drag a plane's handle  move a clip plane or slice along its normal
//   1 2 3 4                window presets       C  sagittal cut on / off
//   V / B / S              axial / coronal / sagittal slice on / off
//   P, K                   select a participant; grant or revoke their control
//   F                      spectator: follow the next participant (then free)
//   H                      this help            Esc  cancel a tool / quit
// shortcuts() is the list the help overlay shows; keep the two in step.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "medverse/app/consult_session.h"
#include "medverse/app/orbit_camera.h"
#include "medverse/app/plane_gizmo.h"
#include "medverse/core/result.h"
#include "medverse/platform/input.h"
#include "medverse/render/volume.h"
#include "medverse/ui/help_overlay.h"

namespace medverse::app {

// The hologram as the controls need it this frame.
struct HologramGeometry {
  glm::mat4 patientToWorld{1.0F};
  render::VolumeInfo info;
};

class DesktopControls {
 public:
  enum class Tool : uint8_t {
    None,
    Grab,
    MeasureFirst,
    MeasureSecond,
    PinPlace,
    PinText,
    ClipPlace,
    PlaneDrag
  };

  // Radians the hologram turns per pixel of drag.
  static constexpr float kTurnPerPixel = 0.005F;
  // A press this close (pixels) to a plane's handle drags the plane.
  static constexpr float kHandlePickPixels = 16.0F;

  // Applies one frame of input. `overlayHasPointer`: the overlay took the
  // mouse (clicks on it are not clicks in the room).
  void update(const platform::InputState& input, glm::vec2 viewport, ConsultSession& session,
              const ConsultFrame& frame, const std::optional<HologramGeometry>& hologram,
              bool overlayHasPointer);

  [[nodiscard]] OrbitCamera& camera() { return camera_; }
  void setCamera(const OrbitCamera& camera) { camera_ = camera; }
  [[nodiscard]] bool helpVisible() const { return help_; }
  // What the current tool expects next, or the last thing that happened.
  [[nodiscard]] std::string status() const;
  [[nodiscard]] Tool tool() const { return tool_; }
  // A grab or release is still waiting for the server.
  [[nodiscard]] bool busy() const { return releasePending_ || tool_ == Tool::Grab; }
  // Esc with no tool active: the user wants to leave.
  [[nodiscard]] bool quitRequested() const { return quit_; }

  // The plane whose handle is dragged or under the mouse, for highlighting.
  [[nodiscard]] std::optional<PlaneRef> activePlane() const;
  // While a handle is dragged: the plane as the drag has it now (shown at
  // once, before the server's answer comes back).
  [[nodiscard]] std::optional<std::pair<PlaneRef, world::Plane>> draggedPlane() const;
  // The participant P selected for K (grant / revoke control); 0: none.
  [[nodiscard]] world::ClientId selectedParticipant() const { return selected_; }

  static const std::vector<ui::Shortcut>& shortcuts();

 private:
  void placeClipPlane(const platform::InputState& input, glm::vec2 viewport,
                      ConsultSession& session, const std::optional<HologramGeometry>& hologram);
  std::optional<PlaneHandle> handleUnder(glm::vec2 cursor, glm::vec2 viewport,
                                         const ConsultFrame& frame,
                                         const std::optional<HologramGeometry>& hologram) const;
  void beginPlaneDrag(const PlaneHandle& handle, glm::vec2 cursor, glm::vec2 viewport,
                      const HologramGeometry& hologram);
  void dragPlane(glm::vec2 cursor, bool finished, ConsultSession& session,
                 const HologramGeometry& hologram);
  void controlKeys(const platform::InputState& input, ConsultSession& session,
                   const ConsultFrame& frame);
  void beginGrab(ConsultSession& session, const ConsultFrame& frame);
  void click(const platform::InputState& input, glm::vec2 viewport, ConsultSession& session,
             const std::optional<HologramGeometry>& hologram);
  void keys(const platform::InputState& input, ConsultSession& session, const ConsultFrame& frame,
            const std::optional<HologramGeometry>& hologram);

  OrbitCamera camera_;
  Tool tool_ = Tool::None;
  bool help_ = false;
  bool quit_ = false;
  bool grabKey_ = false;  // G pressed: the next left drag grabs
  // Grab: the transform when the drag began, and the drag so far.
  Transform grabStart_;
  float dragX_ = 0.0F;
  float dragY_ = 0.0F;
  float scaleFactor_ = 1.0F;
  bool releasePending_ = false;
  uint32_t releaseWaitFrames_ = 0;
  glm::vec3 firstPointMm_{0.0F};
  glm::vec3 pinMm_{0.0F};
  std::u32string pinText_;
  std::string message_;
  size_t refusalsSeen_ = 0;
  // Plane handles: the one under the mouse; the one dragged, where the drag
  // began, and how the mouse maps to its offset.
  std::optional<PlaneRef> hovered_;
  PlaneRef dragRef_;
  world::Plane dragPlane_;
  float dragStartOffset_ = 0.0F;
  float lastSentOffset_ = 0.0F;
  glm::vec2 dragStartCursor_{0.0F};
  glm::vec2 dragPixelsPerMm_{0.0F};  // screen motion of 1 mm along the normal
  bool dragAlongView_ = false;       // normal faces the camera: vertical mouse moves it
  float dragViewPixelsPerMm_ = 1.0F;
  world::ClientId selected_ = 0;
};

// A camera ray through a pixel of the viewport (room space).
struct Ray {
  glm::vec3 origin{0.0F};
  glm::vec3 direction{0.0F, 0.0F, -1.0F};
};
Ray cameraRay(const OrbitCamera& camera, glm::vec2 viewport, glm::vec2 pixel);
// Where a room point shows in the viewport (pixels); nullopt behind the camera.
std::optional<glm::vec2> projectToScreen(const OrbitCamera& camera, glm::vec2 viewport,
                                         const glm::vec3& point);

// A timed input sequence for tests and headless runs: a JSON file
//   {"events": [{"frame": 2, "key": "G", "action": "press"},
//               {"frame": 3, "mouse": "left", "action": "down", "x": 640, "y": 360},
//               {"frame": 4, "move": [954.16, 360]},
//               {"frame": 5, "mouse": "left", "action": "up"},
//               {"frame": 6, "text": "Lesion"},
//               {"frame": 7, "key": "Enter", "action": "press"},
//               {"frame": 8, "scroll": 1}]}
// Keys are named as in platform::Key (letters, digits "1".."9", Enter,
// Escape, Tab, Backspace, LeftControl, F1..). "press" is down then up within
// the frame; "down"/"up" hold and let go. Frames count from 0.
class InputScript {
 public:
  static Result<InputScript> load(const std::filesystem::path& path);
  static Result<InputScript> parse(const std::string& json, const std::string& what = "script");

  // The input of frame `frame` (frames must be asked in increasing order).
  platform::InputState frameInput(uint32_t frame);
  // The frame after the last event.
  [[nodiscard]] uint32_t length() const;

 private:
  struct Event {
    uint32_t frame = 0;
    enum class Kind : uint8_t { KeyPress, KeyDown, KeyUp, MouseDown, MouseUp, Move, Text, Scroll };
    Kind kind = Kind::Move;
    size_t code = 0;  // key or mouse button
    glm::dvec2 position{0.0};
    bool hasPosition = false;
    std::u32string text;
    double scroll = 0.0;
  };
  std::vector<Event> events_;
  size_t next_ = 0;
  platform::InputState state_;
};

}  // namespace medverse::app
