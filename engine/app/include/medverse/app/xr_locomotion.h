#pragma once
// Moving through the room in XR without walking, the usual way:
//
//   right thumbstick left / right     snap turn 45 degrees about the head
//   left thumbstick forward (hold)    aim a teleport: an arc from the left
//                                     hand's aim pose down to the floor,
//                                     with a ring where it lands
//   ... and let go                    teleport there (the head's floor point
//                                     lands on the ring; the heading stays)
//   recentred (menu held 1 s, or the  you stand at the room's viewpoint
//   runtime's own recenter)           facing the table (home())
//
// All of it is roomFromStage(): where the runtime's base space (stage)
// sits in the room. Until the first recenter or move, the stage is the
// room (a room-scale space whose centre is the table's centre).
#include <optional>
#include <vector>

#include <glm/vec3.hpp>

#include "medverse/assets/room.h"
#include "medverse/core/transform.h"
#include "medverse/xr/input.h"

namespace medverse::app {

struct TeleportAim {
  bool active = false;            // the left stick is held forward
  std::vector<glm::vec3> arc;     // room space, from the hand to where it lands
  std::optional<glm::vec3> target;  // on the floor, inside the room; none: nowhere to land
};

class XrLocomotion {
 public:
  static constexpr float kPressed = 0.7F;
  static constexpr float kReleased = 0.3F;
  static constexpr float kSnapTurnRad = 0.78539816F;  // 45 degrees
  static constexpr float kArcSpeed = 6.0F;            // m/s along the aim at launch
  static constexpr float kGravity = 9.81F;
  static constexpr float kWallMargin = 0.3F;          // targets keep this far from walls

  // `interiorMin/Max`: the room's air (targets must be on its floor);
  // `home`: the floor point (y = 0) and heading (-Z of its orientation)
  // a recenter puts the user at.
  XrLocomotion(const glm::vec3& interiorMin, const glm::vec3& interiorMax,
               const medverse::Pose& home);
  // An unbounded floor, home at the origin.
  XrLocomotion() = default;
  // The consult room: its interior, home below its suggested viewpoint
  // facing the table (-Z).
  static XrLocomotion forRoom(const assets::Room& room);

  // `head`: between the eyes, in the base space, when tracked.
  // `recentered`: the base space was just re-centred (xr::XrFrameInfo).
  void update(const xr::FrameInput& input, const std::optional<medverse::Pose>& head,
              bool recentered);

  [[nodiscard]] const medverse::Pose& roomFromStage() const { return roomFromStage_; }
  [[nodiscard]] const TeleportAim& aim() const { return aim_; }
  [[nodiscard]] const medverse::Pose& home() const { return home_; }
  [[nodiscard]] uint32_t teleports() const { return teleports_; }

 private:
  void aimTeleport(const medverse::Pose& hand);

  glm::vec3 interiorMin_{-1e6F, 0.0F, -1e6F};
  glm::vec3 interiorMax_{1e6F, 1e6F, 1e6F};
  medverse::Pose home_;
  medverse::Pose roomFromStage_;
  TeleportAim aim_;
  bool turnArmed_ = true;
  uint32_t teleports_ = 0;
};

}  // namespace medverse::app
