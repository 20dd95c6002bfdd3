#pragma once
// The headset user's controls in a consult room, from one frame of OpenXR
// controller input (xr::FrameInput: poses at the predicted display time):
//
//   squeeze with a hand in or near the hologram   grab it (haptic tick); it
//                                                  follows that hand
//   squeeze with both hands while holding          two-handed: the distance
//                                                  between the hands scales,
//                                                  the line between them turns
//   let go of both                                 release
//   right laser (aim pose) + trigger               drop a pin where it hits
//   right laser on the hologram panel + trigger    press the button it points
//                                                  at (xr_panel.h); the panel,
//                                                  when nearer, takes the laser
//                                                  and the trigger (no pin)
//   left laser + trigger on the hologram           clip plane 0 across the beam
//                                                  through the hologram's middle
//                                                  (cuts away the half facing
//                                                  you); off the hologram: off
//   right thumbstick left / right                  snap turn 45 degrees
//   left thumbstick forward, then let go           teleport (xr_locomotion.h)
//   menu held 1 s                                  recenter (xr_mode.cpp)
//   menu (short press)                             leave (xr_mode.cpp)
//
// Intents go to the ConsultSession; the server decides (a grab by someone
// else's hand, or by a spectator, is refused). The user's pose in the room
// is the runtime's base space moved by the snap turns (roomFromStage()).
#include <array>
#include <optional>
#include <string>

#include <glm/mat4x4.hpp>

#include "medverse/app/consult_session.h"
#include "medverse/app/desktop_controls.h"
#include "medverse/app/xr_locomotion.h"
#include "medverse/app/xr_visuals.h"
#include "medverse/ui/world_panel.h"
#include "medverse/xr/input.h"

namespace medverse::app {

struct XrControlsOutput {
  // Hands that just grabbed: a haptic tick each.
  std::array<bool, 2> haptic{false, false};
  // The right laser while it points at the panel (room space), and whether
  // the trigger is down: the panel's pointer and button this frame.
  std::optional<ui::Ray> panelPointer;
  bool panelPressed = false;
};

class XrControls {
 public:
  static constexpr float kPressed = 0.7F;    // squeeze / trigger down above this
  static constexpr float kReleased = 0.3F;   // and up below this
  static constexpr float kReachM = 0.12F;    // a hand this close to the box grabs it
  static constexpr float kMinScale = 0.0002F;         // metres per mm
  static constexpr float kMaxScale = 0.02F;

  // `head`: the head (between the eyes) in the base space, when tracked.
  // `recentered`: the base space was just re-centred (xr::XrFrameInfo).
  XrControlsOutput update(const xr::FrameInput& input, const std::optional<medverse::Pose>& head,
                          ConsultSession& session, const ConsultFrame& frame,
                          const std::optional<HologramGeometry>& hologram,
                          bool recentered = false);

  // An in-world panel (render::UiPanel's unit square placed by `model`)
  // that the right laser drives; nothing: none.
  void setPanel(std::optional<glm::mat4> model) { panel_ = model; }

  // The room the user moves in (teleport targets, the recenter's home).
  void setRoom(const assets::Room& room) { locomotion_ = XrLocomotion::forRoom(room); }
  // Base (stage) space -> room: recenters, teleports and snap turns so far.
  [[nodiscard]] glm::mat4 roomFromStage() const {
    return locomotion_.roomFromStage().toMatrix();
  }
  [[nodiscard]] const XrLocomotion& locomotion() const { return locomotion_; }
  // This frame's hands and lasers, for drawing the user's own (room space).
  [[nodiscard]] LocalHands localHands() const;
  // The avatar as last sent (room space).
  [[nodiscard]] const world::AvatarPose& avatar() const { return avatar_; }
  // Where each hand's laser hits the hologram this frame (room space).
  [[nodiscard]] const std::array<std::optional<glm::vec3>, 2>& laserHits() const {
    return laserHits_;
  }
  [[nodiscard]] bool holding() const { return holding_[0] || holding_[1]; }
  // A grab or a release is still waiting for the server.
  [[nodiscard]] bool busy() const { return holding() || releasePending_; }
  [[nodiscard]] const std::string& status() const { return message_; }
  void setPinText(std::string text) { pinText_ = std::move(text); }

 private:
  [[nodiscard]] Transform target() const;

  XrLocomotion locomotion_;
  world::AvatarPose avatar_;
  std::array<bool, 2> gripValid_{false, false};
  std::array<bool, 2> aimValid_{false, false};
  std::array<medverse::Pose, 2> grip_{};  // room space, this frame
  std::array<medverse::Pose, 2> aim_{};
  std::array<bool, 2> squeezed_{false, false};
  std::array<bool, 2> triggered_{false, false};
  std::array<bool, 2> holding_{false, false};
  std::array<std::optional<glm::vec3>, 2> laserHits_{};
  std::optional<glm::mat4> panel_;
  bool onPanel_ = false;  // the right laser meets the panel before the hologram
  // The grab: the hologram's transform and the holding hands' poses when the
  // current one- or two-handed hold began.
  Transform start_;
  std::array<medverse::Pose, 2> startGrip_{};
  bool releasePending_ = false;
  uint32_t releaseWaitFrames_ = 0;
  std::string pinText_ = "Note";
  std::string message_;
  size_t refusalsSeen_ = 0;
};

}  // namespace medverse::app
