#pragma once
// Controller input as actions: grab (squeeze), select (trigger), menu,
// thumbstick, grip and aim poses for both hands, and haptics, with
// suggested bindings for the Khronos simple, Oculus Touch, Valve Index,
// HTC Vive and Microsoft motion controller profiles. The action set is
// created once per instance and attached to each session.
#include <array>
#include <memory>
#include <utility>
#include <vector>

#include <glm/vec2.hpp>

#include "medverse/core/result.h"
#include "medverse/xr/pose.h"
#include "medverse/xr/xr_check.h"

namespace medverse::xr {

enum Hand : int { kLeft = 0, kRight = 1 };

struct HandInput {
  bool active = false;       // a controller is bound and the session has focus
  float grab = 0.0F;         // squeeze, 0..1
  float select = 0.0F;       // trigger, 0..1
  bool menu = false;
  bool menuPressed = false;  // went down since the last sync
  bool menuShortPress = false;  // let go before kMenuLongPress (this frame)
  bool menuLongPress = false;   // held for kMenuLongPress (this frame, once per hold)
  glm::vec2 thumbstick{0.0F};
  bool gripValid = false;
  bool aimValid = false;
  Pose grip;  // in the app's base space, at the frame's predicted display time
  Pose aim;
};

struct FrameInput {
  XrTime time = 0;  // the predicted display time every pose was located at
  bool focused = false;
  std::array<HandInput, 2> hands;
};

// How long the menu button is held for a long press (recentering).
constexpr XrDuration kMenuLongPress = 1'000'000'000;  // 1 s

class ControllerInput {
 public:
  static Result<std::unique_ptr<ControllerInput>> create(XrInstance instance);
  ~ControllerInput();
  ControllerInput(const ControllerInput&) = delete;
  ControllerInput& operator=(const ControllerInput&) = delete;

  // Attaches the action set and creates the hands' action spaces.
  Status attach(XrSession session);
  // Destroys the action spaces (before the session is destroyed).
  void detach();
  // xrSyncActions, then states and poses located in `base` at `time`.
  Status sync(XrSpace base, XrTime time, FrameInput& out);
  Status vibrate(Hand hand, float amplitude, XrDuration duration);

  [[nodiscard]] XrPath handPath(Hand hand) const { return hands_[hand]; }

 private:
  explicit ControllerInput(XrInstance instance) : instance_(instance) {}
  Status init();
  Status suggest(const char* profile,
                 const std::vector<std::pair<XrAction, const char*>>& bindings);

  XrInstance instance_;
  XrSession session_ = XR_NULL_HANDLE;
  XrActionSet set_ = XR_NULL_HANDLE;
  XrAction grab_ = XR_NULL_HANDLE;
  XrAction select_ = XR_NULL_HANDLE;
  XrAction menu_ = XR_NULL_HANDLE;
  XrAction thumbstick_ = XR_NULL_HANDLE;
  XrAction gripPose_ = XR_NULL_HANDLE;
  XrAction aimPose_ = XR_NULL_HANDLE;
  XrAction haptic_ = XR_NULL_HANDLE;
  std::array<XrPath, 2> hands_{};
  std::array<XrSpace, 2> gripSpaces_{};
  std::array<XrSpace, 2> aimSpaces_{};
  std::array<XrTime, 2> menuDownSince_{};  // 0: up
  std::array<bool, 2> menuLongFired_{};
};

}  // namespace medverse::xr
