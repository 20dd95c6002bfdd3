#include "medverse/app/xr_locomotion.h"

#include <cmath>

namespace medverse::app {
namespace {

constexpr glm::vec3 kUp{0.0F, 1.0F, 0.0F};
constexpr glm::vec3 kForward{0.0F, 0.0F, -1.0F};
constexpr float kArcStep = 0.02F;  // seconds of flight per arc segment
constexpr int kArcSteps = 120;     // at most 2.4 s of flight

}  // namespace

XrLocomotion::XrLocomotion(const glm::vec3& interiorMin, const glm::vec3& interiorMax,
                           const medverse::Pose& home)
    : interiorMin_(interiorMin), interiorMax_(interiorMax), home_(home) {}

XrLocomotion XrLocomotion::forRoom(const assets::Room& room) {
  const medverse::Pose home{{room.suggestedCameraPosition.x, 0.0F, room.suggestedCameraPosition.z},
                            glm::quat(1.0F, 0.0F, 0.0F, 0.0F)};
  return {room.interiorMin, room.interiorMax, home};
}

void XrLocomotion::update(const xr::FrameInput& input, const std::optional<medverse::Pose>& head,
                          bool recentered) {
  if (recentered) {
    // The base space's origin is where the user stands now, its -Z where
    // they face: that spot becomes the room's viewpoint.
    roomFromStage_ = home_;
  }

  // Snap turn on the right stick, about the head (the user turns in place).
  const xr::HandInput& right = input.hands[xr::kRight];
  const float stickX = right.active ? right.thumbstick.x : 0.0F;
  if (turnArmed_ && std::abs(stickX) > kPressed) {
    const glm::vec3 pivot = head ? (roomFromStage_ * *head).position : roomFromStage_.position;
    // Pushing right turns the user clockwise seen from above: -yaw.
    const medverse::Pose turn{glm::vec3(0.0F),
                              glm::angleAxis(stickX > 0 ? -kSnapTurnRad : kSnapTurnRad, kUp)};
    const medverse::Pose to{pivot, glm::quat(1.0F, 0.0F, 0.0F, 0.0F)};
    const medverse::Pose from{-pivot, glm::quat(1.0F, 0.0F, 0.0F, 0.0F)};
    roomFromStage_ = to * turn * from * roomFromStage_;
    turnArmed_ = false;
  } else if (std::abs(stickX) < kReleased) {
    turnArmed_ = true;
  }

  // Teleport on the left stick: aim while held forward, go on release.
  const xr::HandInput& left = input.hands[xr::kLeft];
  const float stickY = left.active ? left.thumbstick.y : 0.0F;
  if (stickY > kPressed && left.aimValid) {
    aimTeleport(roomFromStage_ * medverse::Pose{left.aim.position, left.aim.orientation});
  } else if (aim_.active && stickY < kReleased) {
    if (aim_.target && head) {
      // The head's floor point lands on the target; the heading is kept.
      glm::vec3 from = (roomFromStage_ * *head).position;
      from.y = 0.0F;
      roomFromStage_ =
          medverse::Pose{*aim_.target - from, glm::quat(1.0F, 0.0F, 0.0F, 0.0F)} * roomFromStage_;
      ++teleports_;
    }
    aim_ = {};
  }
}

void XrLocomotion::aimTeleport(const medverse::Pose& hand) {
  aim_.active = true;
  aim_.arc.clear();
  aim_.target.reset();
  const glm::vec3 velocity = hand.orientation * kForward * kArcSpeed;
  glm::vec3 p = hand.position;
  aim_.arc.push_back(p);
  for (int i = 1; i <= kArcSteps; ++i) {
    const float t = static_cast<float>(i) * kArcStep;
    const glm::vec3 next = hand.position + velocity * t - kUp * (0.5F * kGravity * t * t);
    if (next.y <= 0.0F) {
      // Where the segment crosses the floor.
      const float f = p.y / (p.y - next.y);
      const glm::vec3 hit = p + (next - p) * f;
      aim_.arc.push_back(hit);
      const bool inside = hit.x > interiorMin_.x + kWallMargin &&
                          hit.x < interiorMax_.x - kWallMargin &&
                          hit.z > interiorMin_.z + kWallMargin &&
                          hit.z < interiorMax_.z - kWallMargin;
      if (inside) {
        aim_.target = glm::vec3(hit.x, 0.0F, hit.z);
      }
      return;
    }
    aim_.arc.push_back(next);
    p = next;
  }
}

}  // namespace medverse::app
