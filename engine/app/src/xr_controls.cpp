#include "medverse/app/xr_controls.h"

#include <algorithm>
#include <cmath>

#include "medverse/app/consult_view.h"

namespace medverse::app {
namespace {

constexpr glm::vec3 kUp{0.0F, 1.0F, 0.0F};
constexpr glm::vec3 kForward{0.0F, 0.0F, -1.0F};

medverse::Pose toRoom(const medverse::Pose& roomFromStage, const xr::Pose& p) {
  return roomFromStage * medverse::Pose{p.position, p.orientation};
}

// The shortest rotation taking direction a to direction b (both unit length).
glm::quat rotationBetween(const glm::vec3& a, const glm::vec3& b) {
  const float d = glm::dot(a, b);
  if (d < -0.9999F) {
    glm::vec3 axis = glm::cross(glm::vec3(1.0F, 0.0F, 0.0F), a);
    if (glm::dot(axis, axis) < 1e-6F) {
      axis = glm::cross(glm::vec3(0.0F, 1.0F, 0.0F), a);
    }
    return glm::angleAxis(glm::pi<float>(), glm::normalize(axis));
  }
  const glm::vec3 c = glm::cross(a, b);
  return glm::normalize(glm::quat(1.0F + d, c.x, c.y, c.z));
}

// How far (metres) a room point is from the hologram's box; 0 inside.
float distanceToBox(const glm::vec3& point, const HologramGeometry& g, float metresPerMm) {
  const glm::vec3 p = glm::vec3(glm::inverse(g.patientToWorld) * glm::vec4(point, 1.0F));
  const glm::vec3 outside =
      glm::max(glm::max(g.info.boundsMin - p, p - g.info.boundsMax), glm::vec3(0.0F));
  return glm::length(outside) * metresPerMm;
}

}  // namespace

Transform XrControls::target() const {
  Transform t = start_;
  if (holding_[0] && holding_[1]) {
    // Two hands: the segment between them carries the hologram; its length
    // scales it, its direction turns it, its midpoint moves it.
    const glm::vec3 v0 = startGrip_[1].position - startGrip_[0].position;
    const glm::vec3 v1 = grip_[1].position - grip_[0].position;
    const float l0 = glm::length(v0);
    const float l1 = glm::length(v1);
    if (l0 < 1e-3F || l1 < 1e-3F) {
      return t;
    }
    const float s = std::clamp(l1 / l0, kMinScale / start_.scale.x, kMaxScale / start_.scale.x);
    const glm::quat r = rotationBetween(v0 / l0, v1 / l1);
    const glm::vec3 mid0 = 0.5F * (startGrip_[0].position + startGrip_[1].position);
    const glm::vec3 mid1 = 0.5F * (grip_[0].position + grip_[1].position);
    t.position = mid1 + r * (s * (start_.position - mid0));
    t.rotation = glm::normalize(r * start_.rotation);
    t.scale = start_.scale * s;
    return t;
  }
  const int h = holding_[1] ? 1 : 0;
  // One hand: the hologram moves rigidly with it.
  const glm::quat r =
      glm::normalize(grip_[h].orientation * glm::inverse(startGrip_[h].orientation));
  t.position = grip_[h].position + r * (start_.position - startGrip_[h].position);
  t.rotation = glm::normalize(r * start_.rotation);
  return t;
}

LocalHands XrControls::localHands() const {
  LocalHands hands;
  for (int h = 0; h < 2; ++h) {
    if (gripValid_[h]) {
      hands.grip[h] = grip_[h];
    }
    if (aimValid_[h]) {
      hands.aim[h] = aim_[h];
    }
    hands.laserHit[h] = laserHits_[h];
  }
  return hands;
}

XrControlsOutput XrControls::update(const xr::FrameInput& input,
                                    const std::optional<medverse::Pose>& head,
                                    ConsultSession& session, const ConsultFrame& frame,
                                    const std::optional<HologramGeometry>& hologram,
                                    bool recentered) {
  XrControlsOutput out;
  const auto& refusals = session.refusals();
  for (size_t i = refusalsSeen_; i < refusals.size(); ++i) {
    message_ = "refused (" + refusals[i].intent + "): " + refusals[i].reason;
    if (refusals[i].intent == "grab" || refusals[i].intent == "move") {
      holding_ = {false, false};
      releasePending_ = false;
    }
  }
  refusalsSeen_ = refusals.size();

  // Recenter, teleport and snap turn move the stage in the room.
  locomotion_.update(input, head, recentered);
  const medverse::Pose& roomFromStage = locomotion_.roomFromStage();

  for (int h = 0; h < 2; ++h) {
    const xr::HandInput& hand = input.hands[h];
    gripValid_[h] = hand.gripValid;
    aimValid_[h] = hand.aimValid;
    if (hand.gripValid) {
      grip_[h] = toRoom(roomFromStage, hand.grip);
    }
    if (hand.aimValid) {
      aim_[h] = toRoom(roomFromStage, hand.aim);
    }
  }

  // Lasers: where each hand's aim ray meets the hologram's box.
  std::array<std::optional<glm::vec3>, 2> hitMm{};
  for (int h = 0; h < 2; ++h) {
    laserHits_[h].reset();
    if (!hologram || !input.hands[h].aimValid) {
      continue;
    }
    const glm::vec3 dir = aim_[h].orientation * kForward;
    hitMm[h] = pickHologram(aim_[h].position, dir, hologram->patientToWorld, hologram->info);
    if (hitMm[h]) {
      laserHits_[h] = glm::vec3(hologram->patientToWorld * glm::vec4(*hitMm[h], 1.0F));
    }
  }

  // The panel, when the right laser meets it before the hologram, takes the
  // laser (and the trigger below).
  onPanel_ = false;
  if (panel_ && input.hands[xr::kRight].aimValid) {
    const medverse::Pose& a = aim_[xr::kRight];
    const ui::Ray ray{a.position, a.orientation * kForward};
    // The pixel size only scales the hit's pixel; the distance is in metres.
    if (std::optional<ui::PanelHit> hit = ui::intersectPanel(*panel_, glm::vec2(1.0F), ray)) {
      const std::optional<glm::vec3>& holo = laserHits_[xr::kRight];
      if (!holo || hit->distance < glm::distance(*holo, a.position)) {
        onPanel_ = true;
        hitMm[xr::kRight].reset();
        laserHits_[xr::kRight] = ray.origin + ray.direction * hit->distance;
        out.panelPointer = ray;
      }
    }
  }

  // The avatar: head and both hands, the right laser while it is on the hologram.
  if (head) {
    avatar_.head = roomFromStage * *head;
  }
  avatar_.leftHand = grip_[0];
  avatar_.rightHand = grip_[1];
  avatar_.pointer = aim_[1];
  avatar_.pointerActive = laserHits_[1].has_value() && !onPanel_;
  session.setLocalAvatar(avatar_);

  if (!frame.hologram) {
    return out;
  }
  const HologramState& state = *frame.hologram;
  // The transform held now: what this hand moved it to, else the room's.
  Transform current = holding() ? target() : state.transform;
  if (!holding() && !releasePending_) {
    if (std::optional<Transform> shown = session.client().presentHologram()) {
      current = *shown;
    }
  }

  // Squeeze: grab, join with the second hand, let go.
  for (int h = 0; h < 2; ++h) {
    const xr::HandInput& hand = input.hands[h];
    const bool down = hand.active && hand.grab > kPressed;
    const bool up = !hand.active || hand.grab < kReleased;
    if (!squeezed_[h] && down) {
      squeezed_[h] = true;
      if (holding()) {
        // The second hand: the hold becomes two-handed from here.
        start_ = current;
        holding_[h] = true;
        startGrip_ = grip_;
        out.haptic[h] = true;
        message_ = "two-handed: pull apart to scale, turn to rotate";
      } else if (hologram && !releasePending_ &&
                 (state.holder == 0 || state.holder == frame.localId) &&
                 distanceToBox(grip_[h].position, *hologram, state.transform.scale.x) <= kReachM) {
        start_ = current;
        holding_[h] = true;
        startGrip_ = grip_;
        session.grab();
        out.haptic[h] = true;
        message_ = "holding the hologram";
      }
    } else if (squeezed_[h] && up) {
      squeezed_[h] = false;
      if (holding_[h]) {
        const Transform last = target();
        holding_[h] = false;
        start_ = last;
        startGrip_ = grip_;
        current = last;
        if (!holding()) {
          releasePending_ = true;
          releaseWaitFrames_ = 0;
        }
      }
    }
  }
  if (holding()) {
    current = target();
    session.moveHologram(current);
  }
  if (releasePending_) {
    if (session.holdingHologram()) {
      session.moveHologram(start_);
      session.release();
      releasePending_ = false;
      message_ = "released the hologram";
    } else if (++releaseWaitFrames_ > 600) {
      releasePending_ = false;
      message_ = "the hologram was not handed over";
    }
  }

  // Triggers: the right laser drops a pin, the left one places the clip plane.
  for (int h = 0; h < 2; ++h) {
    const xr::HandInput& hand = input.hands[h];
    const bool down = hand.active && hand.select > kPressed;
    const bool up = !hand.active || hand.select < kReleased;
    if (!triggered_[h] && down) {
      triggered_[h] = true;
      if (h == xr::kRight && onPanel_) {
        continue;  // a press on the panel (XrConsultClient hands it on)
      }
      if (!hologram || !frame.canEdit) {
        continue;
      }
      if (h == xr::kRight && hitMm[h]) {
        session.annotate(*hitMm[h], pinText_);
        message_ = "pin dropped: " + pinText_;
      } else if (h == xr::kLeft) {
        world::Plane plane = state.clip[0];
        if (hitMm[h]) {
          // Across the beam, through the point of the beam nearest the
          // hologram's centre: the half facing the user is cut away.
          const glm::mat4 toPatient = glm::inverse(hologram->patientToWorld);
          const glm::vec3 o = glm::vec3(toPatient * glm::vec4(aim_[h].position, 1.0F));
          const glm::vec3 d =
              glm::normalize(glm::vec3(toPatient * glm::vec4(aim_[h].orientation * kForward, 0.0F)));
          const glm::vec3 centre = 0.5F * (hologram->info.boundsMin + hologram->info.boundsMax);
          const glm::vec3 through = o + d * glm::dot(centre - o, d);
          plane.enabled = true;
          plane.normal = d;
          plane.offset = glm::dot(d, through);
          message_ = "clip plane placed";
        } else {
          plane.enabled = false;
          message_ = "clip plane off";
        }
        session.setClipPlane(0, plane);
      }
    } else if (triggered_[h] && up) {
      triggered_[h] = false;
    }
  }
  out.panelPressed = out.panelPointer.has_value() && triggered_[xr::kRight];
  return out;
}

}  // namespace medverse::app
