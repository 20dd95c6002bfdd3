#include "medverse/app/desktop_controls.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <glm/gtc/quaternion.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "medverse/app/consult_view.h"

namespace medverse::app {
namespace {

using platform::Key;
using platform::MouseButton;

std::string toUtf8(const std::u32string& text) {
  std::string out;
  for (char32_t c : text) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::u32string fromUtf8(const std::string& text) {
  std::u32string out;
  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    int extra = b < 0x80 ? 0 : b < 0xE0 ? 1 : b < 0xF0 ? 2 : 3;
    char32_t c = extra == 0 ? b : extra == 1 ? (b & 0x1F) : extra == 2 ? (b & 0x0F) : (b & 0x07);
    ++i;
    for (int k = 0; k < extra && i < text.size(); ++k, ++i) {
      c = (c << 6) | (static_cast<unsigned char>(text[i]) & 0x3F);
    }
    out += c;
  }
  return out;
}

}  // namespace

const std::vector<ui::Shortcut>& DesktopControls::shortcuts() {
  static const std::vector<ui::Shortcut> list = {
      {"Left drag", "orbit the camera around the hologram"},
      {"Right / middle drag", "pan"},
      {"Wheel", "zoom"},
      {"G + left drag, Ctrl + left drag", "grab the hologram and turn it"},
      {"Wheel while grabbing", "scale the hologram"},
      {"M, click, click", "measure a distance on the hologram (mm)"},
      {"N, click, type, Enter", "drop an annotation pin with a note"},
      {"X, click", "cut the hologram where you click, facing you (X, X removes the cut)"},
      {"Drag a round handle", "move that clip plane or slice along its normal"},
      {"1 2 3 4", "presets: case default, CT bone, CT soft tissue, MR brain"},
      {"L", "anatomy surfaces (the case's labelled structures) on / off"},
      {"C", "clip plane on / off (sagittal cut)"},
      {"V / B / S", "axial / coronal / sagittal slice on / off"},
      {"P", "select the next participant (for K)"},
      {"K", "grant / revoke control of the selected participant (expert)"},
      {"F", "spectator: follow the next participant, then the free camera"},
      {"H", "show / hide this help"},
      {"Esc", "cancel the current tool; quit when none is active"},
  };
  return list;
}

Ray cameraRay(const OrbitCamera& camera, glm::vec2 viewport, glm::vec2 pixel) {
  const float aspect = viewport.x / std::max(viewport.y, 1.0F);
  const render::CameraView v = camera.view(aspect);
  const glm::mat4 inv = glm::inverse(v.projection * v.view);
  // Vulkan clip space: +y down, depth 0 (near) to 1 (far).
  const float x = 2.0F * pixel.x / viewport.x - 1.0F;
  const float y = 2.0F * pixel.y / viewport.y - 1.0F;
  glm::vec4 nearP = inv * glm::vec4(x, y, 0.0F, 1.0F);
  glm::vec4 farP = inv * glm::vec4(x, y, 1.0F, 1.0F);
  nearP /= nearP.w;
  farP /= farP.w;
  return {glm::vec3(nearP), glm::normalize(glm::vec3(farP - nearP))};
}

std::optional<glm::vec2> projectToScreen(const OrbitCamera& camera, glm::vec2 viewport,
                                         const glm::vec3& point) {
  const float aspect = viewport.x / std::max(viewport.y, 1.0F);
  const render::CameraView v = camera.view(aspect);
  const glm::vec4 clip = v.projection * v.view * glm::vec4(point, 1.0F);
  if (clip.w <= 1e-6F) {
    return std::nullopt;
  }
  const glm::vec2 ndc = glm::vec2(clip) / clip.w;
  return glm::vec2((ndc.x + 1.0F) * 0.5F * viewport.x, (ndc.y + 1.0F) * 0.5F * viewport.y);
}

std::optional<PlaneRef> DesktopControls::activePlane() const {
  if (tool_ == Tool::PlaneDrag) {
    return dragRef_;
  }
  return hovered_;
}

std::optional<std::pair<PlaneRef, world::Plane>> DesktopControls::draggedPlane() const {
  if (tool_ != Tool::PlaneDrag) {
    return std::nullopt;
  }
  return std::make_pair(dragRef_, dragPlane_);
}

std::string DesktopControls::status() const {
  switch (tool_) {
    case Tool::Grab:
      return "Holding the hologram: drag to turn it, wheel to scale, let go to release";
    case Tool::MeasureFirst:
      return "Measure: click the first point on the hologram (Esc cancels)";
    case Tool::MeasureSecond:
      return "Measure: click the second point (Esc cancels)";
    case Tool::PinPlace:
      return "Pin: click where the pin goes (Esc cancels)";
    case Tool::PinText:
      return "Pin note: " + toUtf8(pinText_) + "_  (Enter drops the pin, Esc cancels)";
    case Tool::ClipPlace:
      return "Cut: click where the cut goes through the hologram (X again removes it, Esc "
             "cancels)";
    case Tool::PlaneDrag: {
      static const char* kSlices[3] = {"axial slice", "coronal slice", "sagittal slice"};
      const std::string what = dragRef_.kind == PlaneKind::Clip
                                   ? "clip plane " + std::to_string(dragRef_.index)
                                   : kSlices[std::min<uint8_t>(dragRef_.index, 2)];
      char offset[32];
      std::snprintf(offset, sizeof(offset), "%.1f", static_cast<double>(dragPlane_.offset));
      return "Moving the " + what + ": " + offset + " mm (let go to leave it there)";
    }
    case Tool::None:
      break;
  }
  if (grabKey_) {
    return "Grab: drag the hologram with the left button";
  }
  return message_;
}

void DesktopControls::beginGrab(ConsultSession& session, const ConsultFrame& frame) {
  if (!frame.hologram) {
    message_ = "no hologram to grab yet";
    return;
  }
  grabStart_ = frame.hologram->transform;
  dragX_ = 0.0F;
  dragY_ = 0.0F;
  scaleFactor_ = 1.0F;
  tool_ = Tool::Grab;
  releasePending_ = false;
  session.grab();
}

void DesktopControls::click(const platform::InputState& input, glm::vec2 viewport,
                            ConsultSession& session,
                            const std::optional<HologramGeometry>& hologram) {
  if (!hologram) {
    message_ = "no hologram in the room yet";
    return;
  }
  const Ray ray = cameraRay(camera_, viewport,
                            {static_cast<float>(input.cursorX), static_cast<float>(input.cursorY)});
  const std::optional<glm::vec3> hit =
      pickHologram(ray.origin, ray.direction, hologram->patientToWorld, hologram->info);
  if (!hit) {
    message_ = "missed the hologram: click on it";
    return;
  }
  if (tool_ == Tool::MeasureFirst) {
    firstPointMm_ = *hit;
    tool_ = Tool::MeasureSecond;
  } else if (tool_ == Tool::MeasureSecond) {
    session.measure(firstPointMm_, *hit);
    message_ = "measured " + measurementText(firstPointMm_, *hit);
    tool_ = Tool::None;
  } else if (tool_ == Tool::PinPlace) {
    pinMm_ = *hit;
    pinText_.clear();
    tool_ = Tool::PinText;
  }
}

void DesktopControls::keys(const platform::InputState& input, ConsultSession& session,
                           const ConsultFrame& frame,
                           const std::optional<HologramGeometry>& hologram) {
  if (tool_ == Tool::PinText) {
    for (char32_t c : input.text) {
      if (c >= 0x20) {
        pinText_ += c;
      }
    }
    if (input.pressed(Key::Backspace) && !pinText_.empty()) {
      pinText_.pop_back();
    }
    if (input.pressed(Key::Enter)) {
      const std::string text = pinText_.empty() ? std::string("Note") : toUtf8(pinText_);
      session.annotate(pinMm_, text);
      message_ = "pin dropped: " + text;
      tool_ = Tool::None;
    } else if (input.pressed(Key::Escape)) {
      tool_ = Tool::None;
    }
    return;  // typing: the other shortcuts are letters too
  }
  if (input.pressed(Key::Escape)) {
    if (tool_ != Tool::None && tool_ != Tool::Grab && tool_ != Tool::PlaneDrag) {
      tool_ = Tool::None;
    } else if (grabKey_) {
      grabKey_ = false;
    } else {
      quit_ = true;
    }
  }
  if (input.pressed(Key::H) || input.pressed(Key::F1)) {
    help_ = !help_;
  }
  if (tool_ == Tool::Grab || tool_ == Tool::PlaneDrag) {
    return;
  }
  if (input.pressed(Key::G)) {
    grabKey_ = !grabKey_;
  }
  if (input.pressed(Key::M)) {
    tool_ = Tool::MeasureFirst;
    grabKey_ = false;
  }
  if (input.pressed(Key::N)) {
    tool_ = Tool::PinPlace;
    grabKey_ = false;
  }
  if (input.pressed(Key::X)) {
    grabKey_ = false;
    if (tool_ == Tool::ClipPlace) {
      tool_ = Tool::None;
      if (frame.hologram && frame.hologram->clip[kPlacedClipPlane].enabled) {
        world::Plane off = frame.hologram->clip[kPlacedClipPlane];
        off.enabled = false;
        session.setClipPlane(kPlacedClipPlane, off);
        message_ = "cut removed";
      }
    } else if (tool_ != Tool::PlaneDrag) {
      tool_ = Tool::ClipPlace;
    }
  }
  controlKeys(input, session, frame);
  const Key presetKeys[4] = {Key::Num1, Key::Num2, Key::Num3, Key::Num4};
  for (uint8_t i = 0; i < 4; ++i) {
    if (input.pressed(presetKeys[i])) {
      session.setPreset(i);
      message_ = "preset: " + consultPresetNames()[i];
    }
  }
  if (frame.hologram && input.pressed(Key::L)) {
    const bool on = !frame.hologram->surfaces;
    session.setSurfaces(on);
    message_ = on ? "anatomy surfaces shown" : "anatomy surfaces hidden";
  }
  if (hologram && frame.hologram) {
    if (input.pressed(Key::C)) {
      const bool on = !frame.hologram->clip[0].enabled;
      session.setClipPlane(0, clipPlaneFor(0, hologram->info, 0.0F, on));
      message_ = on ? "clip plane on" : "clip plane off";
    }
    static const Key kSliceKeys[3] = {Key::V, Key::B, Key::S};
    static const char* kSliceNames[3] = {"axial", "coronal", "sagittal"};
    for (uint8_t i = 0; i < 3; ++i) {
      if (input.pressed(kSliceKeys[i])) {
        const bool on = !frame.hologram->slice[i].enabled;
        session.setSlicePlane(i, slicePlaneFor(i, hologram->info, 0.5F, on));
        message_ = std::string(kSliceNames[i]) + (on ? " slice on" : " slice off");
      }
    }
  }
  if (input.pressed(Key::F)) {
    // Participants to follow: everyone else who is not a spectator.
    std::vector<const ParticipantView*> targets;
    for (const ParticipantView& p : frame.participants) {
      if (!p.local && p.connected && p.role != net::Role::Spectator) {
        targets.push_back(&p);
      }
    }
    world::ClientId next = 0;
    for (size_t i = 0; i < targets.size(); ++i) {
      if (frame.following == 0) {
        next = targets.front()->clientId;
        break;
      }
      if (targets[i]->clientId == frame.following) {
        next = i + 1 < targets.size() ? targets[i + 1]->clientId : 0;
        break;
      }
    }
    if (next == 0 && frame.following == 0 && !targets.empty()) {
      next = targets.front()->clientId;
    }
    session.follow(next);
    message_ = "free camera";
    for (const ParticipantView* p : targets) {
      if (p->clientId == next) {
        message_ = "following " + p->name;
      }
    }
  }
}

void DesktopControls::placeClipPlane(const platform::InputState& input, glm::vec2 viewport,
                                     ConsultSession& session,
                                     const std::optional<HologramGeometry>& hologram) {
  tool_ = Tool::None;
  if (!hologram) {
    message_ = "no hologram in the room yet";
    return;
  }
  const Ray ray = cameraRay(camera_, viewport,
                            {static_cast<float>(input.cursorX), static_cast<float>(input.cursorY)});
  const std::optional<glm::vec3> entry =
      pickHologram(ray.origin, ray.direction, hologram->patientToWorld, hologram->info);
  if (!entry) {
    message_ = "missed the hologram: X, then click on it";
    return;
  }
  // A volume has no surface to stop at: the cut goes through the middle of
  // what the ray crosses, where the clicked structure most likely is, and
  // the handle then moves it deeper or shallower.
  const glm::vec3 far = ray.origin + ray.direction * 100.0F;
  const std::optional<glm::vec3> exit =
      pickHologram(far, -ray.direction, hologram->patientToWorld, hologram->info);
  const glm::vec3 through = exit ? 0.5F * (*entry + *exit) : *entry;
  const glm::mat4 toPatient = glm::inverse(hologram->patientToWorld);
  const glm::vec3 direction = glm::vec3(toPatient * glm::vec4(ray.direction, 0.0F));
  session.setClipPlane(kPlacedClipPlane, clipPlaneThrough(through, direction));
  message_ = "cut placed: drag its round handle to move it";
}

std::optional<PlaneHandle> DesktopControls::handleUnder(
    glm::vec2 cursor, glm::vec2 viewport, const ConsultFrame& frame,
    const std::optional<HologramGeometry>& hologram) const {
  if (!hologram || !frame.hologram) {
    return std::nullopt;
  }
  std::optional<PlaneHandle> best;
  float bestDistance = kHandlePickPixels;
  for (const PlaneHandle& h : planeHandles(*frame.hologram, hologram->info)) {
    const glm::vec3 world = glm::vec3(hologram->patientToWorld * glm::vec4(h.positionMm, 1.0F));
    const std::optional<glm::vec2> at = projectToScreen(camera_, viewport, world);
    if (at && glm::distance(*at, cursor) <= bestDistance) {
      bestDistance = glm::distance(*at, cursor);
      best = h;
    }
  }
  return best;
}

void DesktopControls::beginPlaneDrag(const PlaneHandle& handle, glm::vec2 cursor,
                                     glm::vec2 viewport, const HologramGeometry& hologram) {
  tool_ = Tool::PlaneDrag;
  dragRef_ = handle.ref;
  dragPlane_ = handle.plane;
  dragStartOffset_ = handle.plane.offset;
  lastSentOffset_ = handle.plane.offset;
  dragStartCursor_ = cursor;
  // How the mouse maps to the offset: the screen motion of 1 mm along the
  // normal, measured at the handle. When the normal points (nearly) at the
  // camera that motion vanishes; then moving the mouse up pushes the plane
  // away from the viewer, at the scale of 1 mm across the screen there.
  const glm::mat4& m = hologram.patientToWorld;
  const glm::vec3 at = glm::vec3(m * glm::vec4(handle.positionMm, 1.0F));
  const glm::vec3 step = glm::vec3(m * glm::vec4(handle.positionMm + handle.plane.normal, 1.0F));
  const std::optional<glm::vec2> a = projectToScreen(camera_, viewport, at);
  const std::optional<glm::vec2> b = projectToScreen(camera_, viewport, step);
  const float mmInRoom = glm::distance(at, step);
  const glm::vec3 up = glm::normalize(
      glm::cross(glm::cross(camera_.target - camera_.eye(), glm::vec3(0.0F, 1.0F, 0.0F)),
                 camera_.target - camera_.eye()));
  const std::optional<glm::vec2> c = projectToScreen(camera_, viewport, at + up * mmInRoom);
  dragViewPixelsPerMm_ = a && c ? std::max(glm::distance(*a, *c), 1e-3F) : 1.0F;
  dragPixelsPerMm_ = a && b ? *b - *a : glm::vec2(0.0F);
  dragAlongView_ = glm::length(dragPixelsPerMm_) < 0.3F * dragViewPixelsPerMm_;
  if (dragAlongView_) {
    // Up on the screen goes away from the camera along whichever way the
    // normal points.
    const glm::vec3 forward = glm::normalize(camera_.target - camera_.eye());
    const float sign = glm::dot(step - at, forward) >= 0.0F ? 1.0F : -1.0F;
    dragViewPixelsPerMm_ *= sign;
  }
}

void DesktopControls::dragPlane(glm::vec2 cursor, bool finished, ConsultSession& session,
                                const HologramGeometry& hologram) {
  const glm::vec2 moved = cursor - dragStartCursor_;
  float deltaMm = 0.0F;
  if (dragAlongView_) {
    deltaMm = -moved.y / dragViewPixelsPerMm_;
  } else {
    deltaMm = glm::dot(moved, dragPixelsPerMm_) / glm::dot(dragPixelsPerMm_, dragPixelsPerMm_);
  }
  dragPlane_ = withOffset(dragPlane_, dragStartOffset_ + deltaMm, hologram.info);
  // An intent per frame while it moves (the server coalesces them in its
  // audit trail), none while the mouse rests.
  if (std::abs(dragPlane_.offset - lastSentOffset_) > 0.01F) {
    lastSentOffset_ = dragPlane_.offset;
    if (dragRef_.kind == PlaneKind::Clip) {
      session.setClipPlane(dragRef_.index, dragPlane_);
    } else {
      session.setSlicePlane(dragRef_.index, dragPlane_);
    }
  }
  if (finished) {
    char text[64];
    std::snprintf(text, sizeof(text), "%.1f mm", static_cast<double>(dragPlane_.offset));
    message_ =
        (dragRef_.kind == PlaneKind::Clip ? "clip plane at " : "slice at ") + std::string(text);
    tool_ = Tool::None;
  }
}

void DesktopControls::controlKeys(const platform::InputState& input, ConsultSession& session,
                                  const ConsultFrame& frame) {
  // Whom control can be granted to: everyone else in the room but spectators.
  std::vector<const ParticipantView*> others;
  for (const ParticipantView& p : frame.participants) {
    if (!p.local && p.connected && p.role != net::Role::Spectator) {
      others.push_back(&p);
    }
  }
  const auto selected = std::find_if(others.begin(), others.end(), [&](const ParticipantView* p) {
    return p->clientId == selected_;
  });
  if (selected == others.end()) {
    selected_ = 0;  // left, or never chosen
  }
  if (input.pressed(Key::P)) {
    if (others.empty()) {
      message_ = "nobody to select: no other participant is here";
    } else {
      const ParticipantView* next = selected == others.end() || selected + 1 == others.end()
                                        ? others.front()
                                        : *(selected + 1);
      selected_ = next->clientId;
      message_ = "selected " + next->name + " (" + std::string(net::roleName(next->role)) +
                 (next->hasControl ? ", has control): K revokes it" : "): K grants control");
    }
  }
  if (input.pressed(Key::K)) {
    const auto it = std::find_if(others.begin(), others.end(), [&](const ParticipantView* p) {
      return p->clientId == selected_;
    });
    if (it == others.end()) {
      message_ = "select a participant with P first";
    } else if ((*it)->hasControl) {
      session.revokeControl((*it)->clientId);
      message_ = "revoking control from " + (*it)->name;
    } else {
      session.grantControl((*it)->clientId);
      message_ = "granting control to " + (*it)->name;
    }
  }
}

void DesktopControls::update(const platform::InputState& input, glm::vec2 viewport,
                             ConsultSession& session, const ConsultFrame& frame,
                             const std::optional<HologramGeometry>& hologram,
                             bool overlayHasPointer) {
  // A refusal from the server is news for the user.
  const auto& refusals = session.refusals();
  if (refusals.size() > refusalsSeen_) {
    const auto& r = refusals.back();
    message_ = "refused (" + r.intent + "): " + r.reason;
    for (size_t i = refusalsSeen_; i < refusals.size(); ++i) {
      if (refusals[i].intent == "grab" || refusals[i].intent == "move") {
        // The grab will not come: stop waiting for it.
        if (tool_ == Tool::Grab) {
          tool_ = Tool::None;
        }
        releasePending_ = false;
      }
    }
    refusalsSeen_ = refusals.size();
  }

  keys(input, session, frame, hologram);

  const glm::vec2 cursor{static_cast<float>(input.cursorX), static_cast<float>(input.cursorY)};
  hovered_.reset();
  std::optional<PlaneHandle> underMouse;
  if (tool_ == Tool::None && !grabKey_ && !overlayHasPointer && frame.canEdit) {
    underMouse = handleUnder(cursor, viewport, frame, hologram);
    if (underMouse) {
      hovered_ = underMouse->ref;
    }
  }

  const auto dx = static_cast<float>(input.cursorDeltaX);
  const auto dy = static_cast<float>(input.cursorDeltaY);
  const bool leftPressed = input.pressed(MouseButton::Left);
  const bool leftReleased = input.mouseReleased[static_cast<size_t>(MouseButton::Left)];
  const bool ctrl = input.down(Key::LeftControl) || input.down(Key::RightControl);

  if (leftPressed && !overlayHasPointer) {
    if (tool_ == Tool::MeasureFirst || tool_ == Tool::MeasureSecond || tool_ == Tool::PinPlace) {
      click(input, viewport, session, hologram);
    } else if (tool_ == Tool::ClipPlace) {
      placeClipPlane(input, viewport, session, hologram);
    } else if ((grabKey_ || ctrl) && tool_ == Tool::None) {
      grabKey_ = false;
      beginGrab(session, frame);
    } else if (tool_ == Tool::None && underMouse && hologram) {
      beginPlaneDrag(*underMouse, cursor, viewport, *hologram);
    }
  } else if (tool_ == Tool::PlaneDrag) {
    if (hologram) {
      dragPlane(cursor, leftReleased || !input.down(MouseButton::Left), session, *hologram);
    } else {
      tool_ = Tool::None;  // the hologram went away under the drag
    }
  } else if (tool_ == Tool::Grab && (input.down(MouseButton::Left) || leftReleased)) {
    dragX_ += dx;
    dragY_ += dy;
  } else if (input.down(MouseButton::Left) && tool_ == Tool::None && !overlayHasPointer) {
    camera_.orbit(dx, dy);
  }
  if (input.down(MouseButton::Right) || input.down(MouseButton::Middle)) {
    camera_.pan(dx, dy, viewport.y);
  }
  if (input.scrollY != 0.0) {
    if (tool_ == Tool::Grab) {
      scaleFactor_ = std::clamp(
          scaleFactor_ * std::pow(1.1F, static_cast<float>(input.scrollY)), 0.1F, 10.0F);
    } else if (!overlayHasPointer) {
      camera_.zoom(static_cast<float>(input.scrollY));
    }
  }

  if (tool_ == Tool::Grab) {
    // Horizontal drag turns about the room's vertical axis (the scene
    // follows the mouse); vertical drag tilts about the room's X axis.
    const glm::quat yaw = glm::angleAxis(dragX_ * kTurnPerPixel, glm::vec3(0.0F, 1.0F, 0.0F));
    const glm::quat pitch = glm::angleAxis(dragY_ * kTurnPerPixel, glm::vec3(1.0F, 0.0F, 0.0F));
    Transform t = grabStart_;
    t.rotation = glm::normalize(yaw * pitch * grabStart_.rotation);
    t.scale = grabStart_.scale * scaleFactor_;
    session.moveHologram(t);
    if (leftReleased || !input.down(MouseButton::Left)) {
      tool_ = Tool::None;
      releasePending_ = true;
      releaseWaitFrames_ = 0;
    }
  }
  if (releasePending_ && tool_ != Tool::Grab) {
    if (session.holdingHologram()) {
      session.release();
      releasePending_ = false;
      message_ = "released the hologram";
    } else if (++releaseWaitFrames_ > 600) {
      releasePending_ = false;  // never granted
      message_ = "the hologram was not handed over";
    }
  }
}

// ---- InputScript -------------------------------------------------------------

namespace {

std::optional<size_t> keyCode(const std::string& name) {
  if (name.size() == 1) {
    const char c = name[0];
    if (c >= 'a' && c <= 'z') {
      return static_cast<size_t>(c - 'a' + 'A');
    }
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ') {
      return static_cast<size_t>(c);
    }
  }
  static const std::map<std::string, Key> named = {
      {"Space", Key::Space},          {"Escape", Key::Escape},
      {"Enter", Key::Enter},          {"Tab", Key::Tab},
      {"Backspace", Key::Backspace},  {"Delete", Key::Delete},
      {"Left", Key::Left},            {"Right", Key::Right},
      {"Up", Key::Up},                {"Down", Key::Down},
      {"LeftShift", Key::LeftShift},  {"LeftControl", Key::LeftControl},
      {"LeftAlt", Key::LeftAlt},      {"RightControl", Key::RightControl},
      {"F1", Key::F1},
  };
  auto it = named.find(name);
  if (it == named.end()) {
    return std::nullopt;
  }
  return static_cast<size_t>(it->second);
}

}  // namespace

Result<InputScript> InputScript::load(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    return makeError("--input-script " + path.string() + ": cannot open the file");
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), "--input-script " + path.string());
}

Result<InputScript> InputScript::parse(const std::string& json, const std::string& what) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& e) {
    return makeError(what + ": not JSON: " + e.what());
  }
  if (!doc.is_object() || !doc.contains("events") || !doc["events"].is_array()) {
    return makeError(what + ": expected an object with an \"events\" array");
  }
  InputScript script;
  size_t index = 0;
  for (const nlohmann::json& e : doc["events"]) {
    const std::string where = what + ": event " + std::to_string(index++);
    if (!e.is_object() || !e.contains("frame") || !e["frame"].is_number_unsigned()) {
      return makeError(where + ": needs \"frame\" (a frame number from 0)");
    }
    Event ev;
    ev.frame = e["frame"].get<uint32_t>();
    const std::string action = e.value("action", std::string("press"));
    if (e.contains("x") || e.contains("y")) {
      if (!e.value("x", nlohmann::json()).is_number() ||
          !e.value("y", nlohmann::json()).is_number()) {
        return makeError(where + ": \"x\" and \"y\" must both be numbers");
      }
      ev.position = {e["x"].get<double>(), e["y"].get<double>()};
      ev.hasPosition = true;
    }
    if (e.contains("key")) {
      if (!e["key"].is_string()) {
        return makeError(where + ": \"key\" must be a key name such as \"G\" or \"Enter\"");
      }
      const std::optional<size_t> code = keyCode(e["key"].get<std::string>());
      if (!code) {
        return makeError(where + ": unknown key \"" + e["key"].get<std::string>() + "\"");
      }
      ev.code = *code;
      if (action == "press") {
        ev.kind = Event::Kind::KeyPress;
      } else if (action == "down") {
        ev.kind = Event::Kind::KeyDown;
      } else if (action == "up") {
        ev.kind = Event::Kind::KeyUp;
      } else {
        return makeError(where + ": \"action\" must be press, down or up");
      }
    } else if (e.contains("mouse")) {
      const std::string button = e["mouse"].is_string() ? e["mouse"].get<std::string>() : "";
      if (button == "left") {
        ev.code = static_cast<size_t>(MouseButton::Left);
      } else if (button == "right") {
        ev.code = static_cast<size_t>(MouseButton::Right);
      } else if (button == "middle") {
        ev.code = static_cast<size_t>(MouseButton::Middle);
      } else {
        return makeError(where + ": \"mouse\" must be left, right or middle");
      }
      if (action == "down") {
        ev.kind = Event::Kind::MouseDown;
      } else if (action == "up") {
        ev.kind = Event::Kind::MouseUp;
      } else {
        return makeError(where + ": a mouse \"action\" must be down or up");
      }
    } else if (e.contains("move")) {
      const nlohmann::json& m = e["move"];
      if (!m.is_array() || m.size() != 2 || !m[0].is_number() || !m[1].is_number()) {
        return makeError(where + ": \"move\" must be [x, y] in pixels");
      }
      ev.kind = Event::Kind::Move;
      ev.position = {m[0].get<double>(), m[1].get<double>()};
      ev.hasPosition = true;
    } else if (e.contains("text")) {
      if (!e["text"].is_string()) {
        return makeError(where + ": \"text\" must be a string");
      }
      ev.kind = Event::Kind::Text;
      ev.text = fromUtf8(e["text"].get<std::string>());
    } else if (e.contains("scroll")) {
      if (!e["scroll"].is_number()) {
        return makeError(where + ": \"scroll\" must be a number of wheel notches");
      }
      ev.kind = Event::Kind::Scroll;
      ev.scroll = e["scroll"].get<double>();
    } else {
      return makeError(where + ": needs one of key, mouse, move, text, scroll");
    }
    script.events_.push_back(std::move(ev));
  }
  std::stable_sort(script.events_.begin(), script.events_.end(),
                   [](const Event& a, const Event& b) { return a.frame < b.frame; });
  script.state_.cursorInWindow = true;
  return script;
}

uint32_t InputScript::length() const {
  return events_.empty() ? 0 : events_.back().frame + 1;
}

platform::InputState InputScript::frameInput(uint32_t frame) {
  platform::InputState& s = state_;
  s.cursorDeltaX = s.cursorDeltaY = 0.0;
  s.scrollX = s.scrollY = 0.0;
  s.mousePressed.fill(false);
  s.mouseReleased.fill(false);
  s.keyPressed.fill(false);
  s.text.clear();
  for (; next_ < events_.size() && events_[next_].frame <= frame; ++next_) {
    const Event& e = events_[next_];
    if (e.hasPosition) {
      s.cursorDeltaX += e.position.x - s.cursorX;
      s.cursorDeltaY += e.position.y - s.cursorY;
      s.cursorX = e.position.x;
      s.cursorY = e.position.y;
    }
    switch (e.kind) {
      case Event::Kind::KeyPress:
        s.keyPressed.at(e.code) = true;
        break;
      case Event::Kind::KeyDown:
        s.keyPressed.at(e.code) = true;
        s.keyDown.at(e.code) = true;
        break;
      case Event::Kind::KeyUp:
        s.keyDown.at(e.code) = false;
        break;
      case Event::Kind::MouseDown:
        s.mousePressed.at(e.code) = true;
        s.mouseDown.at(e.code) = true;
        break;
      case Event::Kind::MouseUp:
        s.mouseReleased.at(e.code) = true;
        s.mouseDown.at(e.code) = false;
        break;
      case Event::Kind::Move:
        break;
      case Event::Kind::Text:
        s.text += e.text;
        break;
      case Event::Kind::Scroll:
        s.scrollY += e.scroll;
        break;
    }
  }
  return s;
}

}  // namespace medverse::app
