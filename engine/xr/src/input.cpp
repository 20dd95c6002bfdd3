#include "medverse/xr/input.h"

#include <cstring>
#include <string>
#include <vector>

#include "medverse/core/log.h"

namespace medverse::xr {
namespace {

Status createAction(XrInstance instance, XrActionSet set, const char* name, const char* localized,
                    XrActionType type, const std::array<XrPath, 2>& hands, XrAction& out) {
  XrActionCreateInfo info{XR_TYPE_ACTION_CREATE_INFO};
  std::snprintf(info.actionName, XR_MAX_ACTION_NAME_SIZE, "%s", name);
  std::snprintf(info.localizedActionName, XR_MAX_LOCALIZED_ACTION_NAME_SIZE, "%s", localized);
  info.actionType = type;
  info.countSubactionPaths = 2;
  info.subactionPaths = hands.data();
  MV_XR_TRY(instance, xrCreateAction(set, &info, &out));
  return {};
}

}  // namespace

Result<std::unique_ptr<ControllerInput>> ControllerInput::create(XrInstance instance) {
  std::unique_ptr<ControllerInput> input(new ControllerInput(instance));
  if (Status s = input->init(); !s) {
    return s.error();
  }
  return input;
}

Status ControllerInput::init() {
  MV_XR_TRY(instance_, xrStringToPath(instance_, "/user/hand/left", &hands_[kLeft]));
  MV_XR_TRY(instance_, xrStringToPath(instance_, "/user/hand/right", &hands_[kRight]));
  XrActionSetCreateInfo info{XR_TYPE_ACTION_SET_CREATE_INFO};
  std::snprintf(info.actionSetName, XR_MAX_ACTION_SET_NAME_SIZE, "medverse");
  std::snprintf(info.localizedActionSetName, XR_MAX_LOCALIZED_ACTION_SET_NAME_SIZE, "MedVerse");
  MV_XR_TRY(instance_, xrCreateActionSet(instance_, &info, &set_));

  struct Def {
    const char* name;
    const char* localized;
    XrActionType type;
    XrAction* out;
  };
  const Def defs[] = {
      {"grab", "Grab", XR_ACTION_TYPE_FLOAT_INPUT, &grab_},
      {"select", "Select", XR_ACTION_TYPE_FLOAT_INPUT, &select_},
      {"menu", "Menu", XR_ACTION_TYPE_BOOLEAN_INPUT, &menu_},
      {"thumbstick", "Thumbstick", XR_ACTION_TYPE_VECTOR2F_INPUT, &thumbstick_},
      {"grip_pose", "Grip pose", XR_ACTION_TYPE_POSE_INPUT, &gripPose_},
      {"aim_pose", "Aim pose", XR_ACTION_TYPE_POSE_INPUT, &aimPose_},
      {"haptic", "Haptic feedback", XR_ACTION_TYPE_VIBRATION_OUTPUT, &haptic_},
  };
  for (const Def& d : defs) {
    if (Status s = createAction(instance_, set_, d.name, d.localized, d.type, hands_, *d.out); !s) {
      return s;
    }
  }

  // Components are suggested for both hands unless prefixed "left:" or "right:".
  if (Status s = suggest("/interaction_profiles/khr/simple_controller",
                         {{grab_, "input/select/click"},
                          {select_, "input/select/click"},
                          {menu_, "input/menu/click"},
                          {gripPose_, "input/grip/pose"},
                          {aimPose_, "input/aim/pose"},
                          {haptic_, "output/haptic"}});
      !s) {
    return s;
  }
  if (Status s = suggest("/interaction_profiles/oculus/touch_controller",
                         {{grab_, "input/squeeze/value"},
                          {select_, "input/trigger/value"},
                          {menu_, "left:input/menu/click"},
                          {menu_, "right:input/b/click"},
                          {thumbstick_, "input/thumbstick"},
                          {gripPose_, "input/grip/pose"},
                          {aimPose_, "input/aim/pose"},
                          {haptic_, "output/haptic"}});
      !s) {
    return s;
  }
  if (Status s = suggest("/interaction_profiles/valve/index_controller",
                         {{grab_, "input/squeeze/value"},
                          {select_, "input/trigger/value"},
                          {menu_, "input/b/click"},
                          {thumbstick_, "input/thumbstick"},
                          {gripPose_, "input/grip/pose"},
                          {aimPose_, "input/aim/pose"},
                          {haptic_, "output/haptic"}});
      !s) {
    return s;
  }
  if (Status s = suggest("/interaction_profiles/htc/vive_controller",
                         {{grab_, "input/squeeze/click"},
                          {select_, "input/trigger/value"},
                          {menu_, "input/menu/click"},
                          {thumbstick_, "input/trackpad"},
                          {gripPose_, "input/grip/pose"},
                          {aimPose_, "input/aim/pose"},
                          {haptic_, "output/haptic"}});
      !s) {
    return s;
  }
  return suggest("/interaction_profiles/microsoft/motion_controller",
                 {{grab_, "input/squeeze/click"},
                  {select_, "input/trigger/value"},
                  {menu_, "input/menu/click"},
                  {thumbstick_, "input/thumbstick"},
                  {gripPose_, "input/grip/pose"},
                  {aimPose_, "input/aim/pose"},
                  {haptic_, "output/haptic"}});
}

// `component` is relative to /user/hand/<side>/; "left:" or "right:" limits
// it to one hand, otherwise it is suggested for both.
Status ControllerInput::suggest(const char* profile,
                                const std::vector<std::pair<XrAction, const char*>>& bindings) {
  XrPath profilePath = XR_NULL_PATH;
  MV_XR_TRY(instance_, xrStringToPath(instance_, profile, &profilePath));
  std::vector<XrActionSuggestedBinding> suggested;
  for (const auto& [action, spec] : bindings) {
    std::string component = spec;
    std::vector<std::string> sides{"left", "right"};
    if (component.rfind("left:", 0) == 0) {
      sides = {"left"};
      component = component.substr(5);
    } else if (component.rfind("right:", 0) == 0) {
      sides = {"right"};
      component = component.substr(6);
    }
    for (const std::string& side : sides) {
      const std::string path = "/user/hand/" + side + "/" + component;
      XrPath p = XR_NULL_PATH;
      MV_XR_TRY(instance_, xrStringToPath(instance_, path.c_str(), &p));
      suggested.push_back({action, p});
    }
  }
  XrInteractionProfileSuggestedBinding info{XR_TYPE_INTERACTION_PROFILE_SUGGESTED_BINDING};
  info.interactionProfile = profilePath;
  info.countSuggestedBindings = static_cast<uint32_t>(suggested.size());
  info.suggestedBindings = suggested.data();
  XrResult r = xrSuggestInteractionProfileBindings(instance_, &info);
  if (XR_FAILED(r)) {
    return makeError(std::string("suggesting bindings for ") + profile + " failed: " +
                     resultName(instance_, r));
  }
  return {};
}

ControllerInput::~ControllerInput() {
  detach();
  if (set_ != XR_NULL_HANDLE) {
    xrDestroyActionSet(set_);  // destroys its actions too
  }
}

Status ControllerInput::attach(XrSession session) {
  session_ = session;
  XrSessionActionSetsAttachInfo attach{XR_TYPE_SESSION_ACTION_SETS_ATTACH_INFO};
  attach.countActionSets = 1;
  attach.actionSets = &set_;
  MV_XR_TRY(instance_, xrAttachSessionActionSets(session, &attach));
  for (int h = 0; h < 2; ++h) {
    XrActionSpaceCreateInfo info{XR_TYPE_ACTION_SPACE_CREATE_INFO};
    info.subactionPath = hands_[h];
    info.poseInActionSpace = toXr(Pose{});
    info.action = gripPose_;
    MV_XR_TRY(instance_, xrCreateActionSpace(session, &info, &gripSpaces_[h]));
    info.action = aimPose_;
    MV_XR_TRY(instance_, xrCreateActionSpace(session, &info, &aimSpaces_[h]));
  }
  return {};
}

void ControllerInput::detach() {
  for (int h = 0; h < 2; ++h) {
    if (gripSpaces_[h] != XR_NULL_HANDLE) {
      xrDestroySpace(gripSpaces_[h]);
      gripSpaces_[h] = XR_NULL_HANDLE;
    }
    if (aimSpaces_[h] != XR_NULL_HANDLE) {
      xrDestroySpace(aimSpaces_[h]);
      aimSpaces_[h] = XR_NULL_HANDLE;
    }
  }
  session_ = XR_NULL_HANDLE;
}

Status ControllerInput::sync(XrSpace base, XrTime time, FrameInput& out) {
  out = {};
  out.time = time;
  XrActiveActionSet active{set_, XR_NULL_PATH};
  XrActionsSyncInfo sync{XR_TYPE_ACTIONS_SYNC_INFO};
  sync.countActiveActionSets = 1;
  sync.activeActionSets = &active;
  XrResult r = xrSyncActions(session_, &sync);
  if (XR_FAILED(r)) {
    return xrError(instance_, "xrSyncActions", r);
  }
  out.focused = r != XR_SESSION_NOT_FOCUSED;
  for (int h = 0; h < 2; ++h) {
    HandInput& hand = out.hands[h];
    XrActionStateGetInfo get{XR_TYPE_ACTION_STATE_GET_INFO};
    get.subactionPath = hands_[h];
    XrActionStateFloat f{XR_TYPE_ACTION_STATE_FLOAT};
    get.action = grab_;
    MV_XR_TRY(instance_, xrGetActionStateFloat(session_, &get, &f));
    hand.grab = f.isActive != 0 ? f.currentState : 0.0F;
    hand.active = f.isActive != 0;
    get.action = select_;
    MV_XR_TRY(instance_, xrGetActionStateFloat(session_, &get, &f));
    hand.select = f.isActive != 0 ? f.currentState : 0.0F;
    XrActionStateBoolean b{XR_TYPE_ACTION_STATE_BOOLEAN};
    get.action = menu_;
    MV_XR_TRY(instance_, xrGetActionStateBoolean(session_, &get, &b));
    hand.menu = b.isActive != 0 && b.currentState != 0;
    hand.menuPressed = hand.menu && b.changedSinceLastSync != 0;
    // Held for kMenuLongPress: recenter (once per hold); let go sooner: a
    // short press (quit). Timed on the predicted display times.
    if (hand.menu) {
      if (menuDownSince_[h] == 0) {
        menuDownSince_[h] = time;
        menuLongFired_[h] = false;
      }
      if (!menuLongFired_[h] && time - menuDownSince_[h] >= kMenuLongPress) {
        hand.menuLongPress = true;
        menuLongFired_[h] = true;
      }
    } else if (menuDownSince_[h] != 0) {
      hand.menuShortPress = !menuLongFired_[h];
      menuDownSince_[h] = 0;
    }
    XrActionStateVector2f v{XR_TYPE_ACTION_STATE_VECTOR2F};
    get.action = thumbstick_;
    MV_XR_TRY(instance_, xrGetActionStateVector2f(session_, &get, &v));
    hand.thumbstick = v.isActive != 0 ? glm::vec2(v.currentState.x, v.currentState.y) : glm::vec2(0);

    // Poses at the predicted display time, so that hands and head agree.
    const XrSpaceLocationFlags valid =
        XR_SPACE_LOCATION_POSITION_VALID_BIT | XR_SPACE_LOCATION_ORIENTATION_VALID_BIT;
    XrSpaceLocation loc{XR_TYPE_SPACE_LOCATION};
    MV_XR_TRY(instance_, xrLocateSpace(gripSpaces_[h], base, time, &loc));
    hand.gripValid = (loc.locationFlags & valid) == valid;
    hand.grip = fromXr(loc.pose);
    loc = {XR_TYPE_SPACE_LOCATION};
    MV_XR_TRY(instance_, xrLocateSpace(aimSpaces_[h], base, time, &loc));
    hand.aimValid = (loc.locationFlags & valid) == valid;
    hand.aim = fromXr(loc.pose);
  }
  return {};
}

Status ControllerInput::vibrate(Hand hand, float amplitude, XrDuration duration) {
  XrHapticActionInfo info{XR_TYPE_HAPTIC_ACTION_INFO};
  info.action = haptic_;
  info.subactionPath = hands_[hand];
  XrHapticVibration vibration{XR_TYPE_HAPTIC_VIBRATION};
  vibration.amplitude = amplitude;
  vibration.duration = duration;
  vibration.frequency = XR_FREQUENCY_UNSPECIFIED;
  MV_XR_TRY(instance_, xrApplyHapticFeedback(session_, &info,
                                             reinterpret_cast<const XrHapticBaseHeader*>(&vibration)));
  return {};
}

}  // namespace medverse::xr
