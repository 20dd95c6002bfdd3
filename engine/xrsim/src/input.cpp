// Actions: action sets, suggested bindings per interaction profile, attach,
// sync and state queries, action spaces and haptics. The simulated
// controllers report generic controls (squeeze, trigger, menu, a, b, x, y,
// system, thumbstick) that every profile's component paths map onto.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "runtime.h"

namespace medverse::xrsim {
namespace {

struct Profile {
  const char* path;
  const char* name;
  std::vector<std::string> both;   // components on both hands
  std::vector<std::string> left;   // left hand only
  std::vector<std::string> right;  // right hand only
};

// From the specification's "Interaction Profile Paths" section.
const std::vector<Profile>& profiles() {
  static const std::vector<Profile> p = {
      {"/interaction_profiles/khr/simple_controller",
       "Khronos Simple Controller",
       {"input/select/click", "input/menu/click", "input/grip/pose", "input/aim/pose",
        "output/haptic"},
       {},
       {}},
      {"/interaction_profiles/oculus/touch_controller",
       "Oculus Touch Controller",
       {"input/squeeze/value", "input/trigger/value", "input/trigger/touch", "input/thumbstick/x",
        "input/thumbstick/y", "input/thumbstick/click", "input/thumbstick/touch",
        "input/thumbstick", "input/thumbrest/touch", "input/grip/pose", "input/aim/pose",
        "output/haptic"},
       {"input/x/click", "input/x/touch", "input/y/click", "input/y/touch", "input/menu/click"},
       {"input/a/click", "input/a/touch", "input/b/click", "input/b/touch", "input/system/click"}},
      {"/interaction_profiles/valve/index_controller",
       "Valve Index Controller",
       {"input/system/click",   "input/system/touch",     "input/a/click",
        "input/a/touch",        "input/b/click",          "input/b/touch",
        "input/squeeze/value",  "input/squeeze/force",    "input/trigger/click",
        "input/trigger/value",  "input/trigger/touch",    "input/thumbstick/x",
        "input/thumbstick/y",   "input/thumbstick/click", "input/thumbstick/touch",
        "input/thumbstick",     "input/trackpad/x",       "input/trackpad/y",
        "input/trackpad/force", "input/trackpad/touch",   "input/trackpad",
        "input/grip/pose",      "input/aim/pose",         "output/haptic"},
       {},
       {}},
      {"/interaction_profiles/htc/vive_controller",
       "HTC Vive Controller",
       {"input/system/click", "input/squeeze/click", "input/menu/click", "input/trigger/click",
        "input/trigger/value", "input/trackpad/x", "input/trackpad/y", "input/trackpad/click",
        "input/trackpad/touch", "input/trackpad", "input/grip/pose", "input/aim/pose",
        "output/haptic"},
       {},
       {}},
      {"/interaction_profiles/microsoft/motion_controller",
       "Microsoft Mixed Reality Motion Controller",
       {"input/menu/click", "input/squeeze/click", "input/trigger/value", "input/thumbstick/x",
        "input/thumbstick/y", "input/thumbstick/click", "input/thumbstick", "input/trackpad/x",
        "input/trackpad/y", "input/trackpad/click", "input/trackpad/touch", "input/trackpad",
        "input/grip/pose", "input/aim/pose", "output/haptic"},
       {},
       {}},
  };
  return p;
}

const Profile* findProfile(const std::string& path) {
  for (const Profile& p : profiles()) {
    if (path == p.path) {
      return &p;
    }
  }
  return nullptr;
}

// A binding path split into hand, identifier and component:
// /user/hand/right/input/squeeze/value → side 1, "input", "squeeze", "value".
struct Binding {
  int side = -1;
  bool output = false;
  std::string identifier;
  std::string component;  // empty when the path names the identifier only
};

bool splitBinding(const std::string& path, Binding& b) {
  static const std::string left = "/user/hand/left/";
  static const std::string right = "/user/hand/right/";
  std::string rest;
  if (path.rfind(left, 0) == 0) {
    b.side = 0;
    rest = path.substr(left.size());
  } else if (path.rfind(right, 0) == 0) {
    b.side = 1;
    rest = path.substr(right.size());
  } else {
    return false;
  }
  if (rest.rfind("output/", 0) == 0) {
    b.output = true;
    b.identifier = rest.substr(7);
    return true;
  }
  if (rest.rfind("input/", 0) != 0) {
    return false;
  }
  rest = rest.substr(6);
  size_t slash = rest.find('/');
  b.identifier = rest.substr(0, slash);
  b.component = slash == std::string::npos ? "" : rest.substr(slash + 1);
  return true;
}

// The value of one bound component for the hand's current sample. Returns
// false when the component cannot feed an action of this type.
bool evaluate(const Binding& b, XrActionType type, const HandSample& hand, float& x, float& y) {
  x = 0.0F;
  y = 0.0F;
  if (b.output) {
    return type == XR_ACTION_TYPE_VIBRATION_OUTPUT && b.identifier == "haptic";
  }
  if (type == XR_ACTION_TYPE_VIBRATION_OUTPUT) {
    return false;
  }
  if (b.identifier == "grip" || b.identifier == "aim") {
    return type == XR_ACTION_TYPE_POSE_INPUT;
  }
  if (type == XR_ACTION_TYPE_POSE_INPUT) {
    return false;
  }
  const bool stick = b.identifier == "thumbstick" || b.identifier == "trackpad";
  if (stick && b.component.empty()) {
    if (type != XR_ACTION_TYPE_VECTOR2F_INPUT) {
      return false;
    }
    x = hand.thumbstick.x;
    y = hand.thumbstick.y;
    return true;
  }
  if (type == XR_ACTION_TYPE_VECTOR2F_INPUT) {
    return false;
  }
  auto value = [&](const std::string& id) {
    auto it = hand.values.find(id);
    return it == hand.values.end() ? 0.0F : it->second;
  };
  float v = 0.0F;
  if (stick && (b.component == "x" || b.component == "y")) {
    v = b.component == "x" ? hand.thumbstick.x : hand.thumbstick.y;
  } else {
    const std::string id = b.identifier == "select" ? "trigger"
                           : stick                  ? "thumbstick"
                                                    : b.identifier;
    if (b.component == "click") {
      v = (stick ? value("thumbstick_click") : value(id)) >= 0.5F ? 1.0F : 0.0F;
    } else if (b.component == "touch") {
      v = (stick ? (glm::length(hand.thumbstick) > 0.0F || value("thumbstick_click") > 0.0F)
                 : (value(id) > 0.0F || value(id + "_touch") > 0.0F))
              ? 1.0F
              : 0.0F;
    } else {
      v = value(id);  // value, force, or the identifier itself
    }
  }
  if (type == XR_ACTION_TYPE_BOOLEAN_INPUT) {
    v = v >= 0.5F ? 1.0F : 0.0F;
  }
  x = v;
  return true;
}

Session* sessionOf(XrSession handle) {
  return lookup<Session>(handle);
}

bool wellFormedName(const char* s) {
  if (s == nullptr || *s == '\0') {
    return false;
  }
  for (const char* c = s; *c != '\0'; ++c) {
    if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' ||
          *c == '.')) {
      return false;
    }
  }
  return true;
}

// The naming rules xrCreateActionSet and xrCreateAction share: a well-formed
// name, a localized name, both unique among the siblings (action sets of the
// instance, actions of the set).
template <typename Siblings>
XrResult checkNewNames(const char* name, const char* localizedName, const Siblings& siblings) {
  if (!wellFormedName(name)) {
    return XR_ERROR_PATH_FORMAT_INVALID;
  }
  if (localizedName[0] == '\0') {
    return XR_ERROR_LOCALIZED_NAME_INVALID;
  }
  for (const auto* sibling : siblings) {
    if (sibling->name == name) {
      return XR_ERROR_NAME_DUPLICATED;
    }
    if (sibling->localizedName == localizedName) {
      return XR_ERROR_LOCALIZED_NAME_DUPLICATED;
    }
  }
  return XR_SUCCESS;
}

bool topLevelHand(const Instance& instance, XrPath path) {
  const std::string* s = pathString(instance, path);
  return s != nullptr && (*s == "/user/hand/left" || *s == "/user/hand/right");
}

bool topLevelUserPath(const Instance& instance, XrPath path) {
  const std::string* s = pathString(instance, path);
  return s != nullptr && (*s == "/user/hand/left" || *s == "/user/hand/right" ||
                          *s == "/user/head" || *s == "/user/gamepad" || *s == "/user/treadmill");
}

XrResult XRAPI_CALL CreateActionSet(XrInstance handle, const XrActionSetCreateInfo* info,
                                    XrActionSet* out) {
  std::lock_guard lock(runtime().mutex);
  Instance* instance = lookup<Instance>(handle);
  if (instance == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || out == nullptr || info->type != XR_TYPE_ACTION_SET_CREATE_INFO) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (const XrResult names =
          checkNewNames(info->actionSetName, info->localizedActionSetName, instance->actionSets);
      names != XR_SUCCESS) {
    return names;
  }
  auto* set = new ActionSet();  // NOLINT(cppcoreguidelines-owning-memory)
  set->instance = instance;
  set->name = info->actionSetName;
  set->localizedName = info->localizedActionSetName;
  set->priority = info->priority;
  instance->actionSets.insert(set);
  *out = toHandle<XrActionSet>(set);
  return XR_SUCCESS;
}

void destroyAction(Action* action) {
  Instance& instance = *action->set->instance;
  for (Session* s : instance.sessions) {
    for (auto it = s->actionValues.begin(); it != s->actionValues.end();) {
      it = it->first.first == action ? s->actionValues.erase(it) : std::next(it);
    }
    for (Space* sp : s->spaces) {
      if (sp->action == action) {
        sp->action = nullptr;
      }
    }
  }
  for (auto& [profile, list] : instance.suggested) {
    list.erase(
        std::remove_if(list.begin(), list.end(), [&](const auto& b) { return b.first == action; }),
        list.end());
  }
  auto& actions = action->set->actions;
  actions.erase(std::remove(actions.begin(), actions.end(), action), actions.end());
  instance.actions.erase(action);
  forget(action);
  delete action;  // NOLINT(cppcoreguidelines-owning-memory)
}

XrResult XRAPI_CALL DestroyActionSet(XrActionSet handle) {
  std::lock_guard lock(runtime().mutex);
  ActionSet* set = lookup<ActionSet>(handle);
  if (set == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  for (Action* a : std::vector<Action*>(set->actions)) {  // actions are the set's children
    destroyAction(a);
  }
  set->instance->actionSets.erase(set);
  forget(set);
  delete set;  // NOLINT(cppcoreguidelines-owning-memory)
  return XR_SUCCESS;
}

XrResult XRAPI_CALL CreateAction(XrActionSet handle, const XrActionCreateInfo* info,
                                 XrAction* out) {
  std::lock_guard lock(runtime().mutex);
  ActionSet* set = lookup<ActionSet>(handle);
  if (set == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || out == nullptr || info->type != XR_TYPE_ACTION_CREATE_INFO) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (set->attached) {
    return XR_ERROR_ACTIONSETS_ALREADY_ATTACHED;
  }
  if (const XrResult names =
          checkNewNames(info->actionName, info->localizedActionName, set->actions);
      names != XR_SUCCESS) {
    return names;
  }
  std::vector<XrPath> subactions;
  for (uint32_t i = 0; i < info->countSubactionPaths; ++i) {
    XrPath p = info->subactionPaths[i];
    if (!topLevelUserPath(*set->instance, p) ||
        std::find(subactions.begin(), subactions.end(), p) != subactions.end()) {
      return XR_ERROR_PATH_UNSUPPORTED;
    }
    subactions.push_back(p);
  }
  auto* action = new Action();  // NOLINT(cppcoreguidelines-owning-memory)
  action->set = set;
  action->name = info->actionName;
  action->localizedName = info->localizedActionName;
  action->type = info->actionType;
  action->subactionPaths = std::move(subactions);
  set->actions.push_back(action);
  set->instance->actions.insert(action);
  *out = toHandle<XrAction>(action);
  return XR_SUCCESS;
}

XrResult XRAPI_CALL DestroyAction(XrAction handle) {
  std::lock_guard lock(runtime().mutex);
  Action* action = lookup<Action>(handle);
  if (action == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  destroyAction(action);
  return XR_SUCCESS;
}

XrResult XRAPI_CALL SuggestInteractionProfileBindings(
    XrInstance handle, const XrInteractionProfileSuggestedBinding* suggested) {
  std::lock_guard lock(runtime().mutex);
  Instance* instance = lookup<Instance>(handle);
  if (instance == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (suggested == nullptr || suggested->type != XR_TYPE_INTERACTION_PROFILE_SUGGESTED_BINDING ||
      suggested->countSuggestedBindings == 0) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  const std::string* profile = pathString(*instance, suggested->interactionProfile);
  if (profile == nullptr) {
    return XR_ERROR_PATH_INVALID;
  }
  if (findProfile(*profile) == nullptr) {
    XRSIM_LOG("unknown interaction profile %s", profile->c_str());
    return XR_ERROR_PATH_UNSUPPORTED;
  }
  std::vector<std::pair<Action*, XrPath>> list;
  for (uint32_t i = 0; i < suggested->countSuggestedBindings; ++i) {
    const XrActionSuggestedBinding& b = suggested->suggestedBindings[i];
    Action* action = lookup<Action>(b.action);
    if (action == nullptr) {
      return XR_ERROR_HANDLE_INVALID;
    }
    if (action->set->attached) {
      return XR_ERROR_ACTIONSETS_ALREADY_ATTACHED;
    }
    const std::string* binding = pathString(*instance, b.binding);
    if (binding == nullptr) {
      return XR_ERROR_PATH_INVALID;
    }
    if (!bindingValid(*profile, *binding)) {
      XRSIM_ERROR("%s is not a binding of %s", binding->c_str(), profile->c_str());
      return XR_ERROR_PATH_UNSUPPORTED;
    }
    list.emplace_back(action, b.binding);
  }
  instance->suggested[suggested->interactionProfile] = std::move(list);
  return XR_SUCCESS;
}

XrResult XRAPI_CALL AttachSessionActionSets(XrSession handle,
                                            const XrSessionActionSetsAttachInfo* info) {
  std::lock_guard lock(runtime().mutex);
  Session* s = sessionOf(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || info->type != XR_TYPE_SESSION_ACTION_SETS_ATTACH_INFO ||
      info->countActionSets == 0) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (s->actionSetsAttached) {
    return XR_ERROR_ACTIONSETS_ALREADY_ATTACHED;
  }
  for (uint32_t i = 0; i < info->countActionSets; ++i) {
    if (lookup<ActionSet>(info->actionSets[i]) == nullptr) {
      return XR_ERROR_HANDLE_INVALID;
    }
  }
  for (uint32_t i = 0; i < info->countActionSets; ++i) {
    ActionSet* set = lookup<ActionSet>(info->actionSets[i]);
    set->attached = true;
    for (Action* a : set->actions) {
      s->actionValues[{a, XR_NULL_PATH}] = {};
      for (XrPath p : a->subactionPaths) {
        s->actionValues[{a, p}] = {};
      }
    }
  }
  s->actionSetsAttached = true;
  // The simulated controllers are the configured profile when the app knows
  // it; otherwise the runtime rebinds to a profile the app did suggest.
  Instance& instance = *s->instance;
  std::vector<std::string> order{instance.hmd.interactionProfile};
  for (const Profile& p : profiles()) {
    order.emplace_back(p.path);
  }
  for (const std::string& candidate : order) {
    auto it = instance.pathIds.find(candidate);
    if (it != instance.pathIds.end() && !instance.suggested[it->second].empty()) {
      s->interactionProfile = it->second;
      break;
    }
  }
  if (s->interactionProfile != XR_NULL_PATH) {
    XRSIM_LOG("interaction profile %s", pathString(instance, s->interactionProfile)->c_str());
    XrEventDataBuffer buffer{XR_TYPE_EVENT_DATA_BUFFER};
    auto* e = reinterpret_cast<XrEventDataInteractionProfileChanged*>(&buffer);
    e->type = XR_TYPE_EVENT_DATA_INTERACTION_PROFILE_CHANGED;
    e->next = nullptr;
    e->session = handle;
    queueEvent(instance, buffer);
  }
  return XR_SUCCESS;
}

XrResult XRAPI_CALL GetCurrentInteractionProfile(XrSession handle, XrPath userPath,
                                                 XrInteractionProfileState* state) {
  std::lock_guard lock(runtime().mutex);
  Session* s = sessionOf(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (state == nullptr || state->type != XR_TYPE_INTERACTION_PROFILE_STATE) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (!s->actionSetsAttached) {
    return XR_ERROR_ACTIONSET_NOT_ATTACHED;
  }
  if (!topLevelUserPath(*s->instance, userPath)) {
    return XR_ERROR_PATH_UNSUPPORTED;
  }
  state->interactionProfile =
      topLevelHand(*s->instance, userPath) ? s->interactionProfile : XR_NULL_PATH;
  return XR_SUCCESS;
}

XrResult XRAPI_CALL SyncActions(XrSession handle, const XrActionsSyncInfo* info) {
  std::lock_guard lock(runtime().mutex);
  Session* s = sessionOf(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || info->type != XR_TYPE_ACTIONS_SYNC_INFO) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (s->lost) {
    return XR_ERROR_SESSION_LOST;
  }
  std::vector<XrActiveActionSet> sets;
  for (uint32_t i = 0; i < info->countActiveActionSets; ++i) {
    const XrActiveActionSet& a = info->activeActionSets[i];
    ActionSet* set = lookup<ActionSet>(a.actionSet);
    if (set == nullptr) {
      return XR_ERROR_HANDLE_INVALID;
    }
    if (!s->actionSetsAttached || !set->attached) {
      return XR_ERROR_ACTIONSET_NOT_ATTACHED;
    }
    if (a.subactionPath != XR_NULL_PATH && !topLevelUserPath(*s->instance, a.subactionPath)) {
      return XR_ERROR_PATH_UNSUPPORTED;
    }
    sets.push_back(a);
  }
  const bool focused = s->state == XR_SESSION_STATE_FOCUSED;
  syncActionValues(*s, focused ? sets : std::vector<XrActiveActionSet>{},
                   s->lastPredicted > 0 ? s->lastPredicted : currentTime(*s->instance));
  return focused ? XR_SUCCESS : XR_SESSION_NOT_FOCUSED;
}

XrResult stateFor(XrSession handle, const XrActionStateGetInfo* info, XrActionType type,
                  const ActionValue** value) {
  Session* s = sessionOf(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || info->type != XR_TYPE_ACTION_STATE_GET_INFO) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  Action* action = lookup<Action>(info->action);
  if (action == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (action->type != type) {
    return XR_ERROR_ACTION_TYPE_MISMATCH;
  }
  auto it = s->actionValues.find({action, info->subactionPath});
  if (it == s->actionValues.end()) {
    if (s->actionValues.count({action, XR_NULL_PATH}) == 0) {
      return XR_ERROR_ACTIONSET_NOT_ATTACHED;
    }
    return XR_ERROR_PATH_UNSUPPORTED;
  }
  *value = &it->second;
  return XR_SUCCESS;
}

XrResult XRAPI_CALL GetActionStateBoolean(XrSession handle, const XrActionStateGetInfo* info,
                                          XrActionStateBoolean* state) {
  std::lock_guard lock(runtime().mutex);
  const ActionValue* v = nullptr;
  if (XrResult r = stateFor(handle, info, XR_ACTION_TYPE_BOOLEAN_INPUT, &v); XR_FAILED(r)) {
    return r;
  }
  state->currentState = v->x >= 0.5F ? XR_TRUE : XR_FALSE;
  state->changedSinceLastSync = v->changed ? XR_TRUE : XR_FALSE;
  state->lastChangeTime = v->lastChange;
  state->isActive = v->active ? XR_TRUE : XR_FALSE;
  return XR_SUCCESS;
}

XrResult XRAPI_CALL GetActionStateFloat(XrSession handle, const XrActionStateGetInfo* info,
                                        XrActionStateFloat* state) {
  std::lock_guard lock(runtime().mutex);
  const ActionValue* v = nullptr;
  if (XrResult r = stateFor(handle, info, XR_ACTION_TYPE_FLOAT_INPUT, &v); XR_FAILED(r)) {
    return r;
  }
  state->currentState = v->x;
  state->changedSinceLastSync = v->changed ? XR_TRUE : XR_FALSE;
  state->lastChangeTime = v->lastChange;
  state->isActive = v->active ? XR_TRUE : XR_FALSE;
  return XR_SUCCESS;
}

XrResult XRAPI_CALL GetActionStateVector2f(XrSession handle, const XrActionStateGetInfo* info,
                                           XrActionStateVector2f* state) {
  std::lock_guard lock(runtime().mutex);
  const ActionValue* v = nullptr;
  if (XrResult r = stateFor(handle, info, XR_ACTION_TYPE_VECTOR2F_INPUT, &v); XR_FAILED(r)) {
    return r;
  }
  state->currentState = {v->x, v->y};
  state->changedSinceLastSync = v->changed ? XR_TRUE : XR_FALSE;
  state->lastChangeTime = v->lastChange;
  state->isActive = v->active ? XR_TRUE : XR_FALSE;
  return XR_SUCCESS;
}

XrResult XRAPI_CALL GetActionStatePose(XrSession handle, const XrActionStateGetInfo* info,
                                       XrActionStatePose* state) {
  std::lock_guard lock(runtime().mutex);
  const ActionValue* v = nullptr;
  if (XrResult r = stateFor(handle, info, XR_ACTION_TYPE_POSE_INPUT, &v); XR_FAILED(r)) {
    return r;
  }
  state->isActive = v->active ? XR_TRUE : XR_FALSE;
  return XR_SUCCESS;
}

XrResult XRAPI_CALL EnumerateBoundSourcesForAction(XrSession handle,
                                                   const XrBoundSourcesForActionEnumerateInfo* info,
                                                   uint32_t capacity, uint32_t* count,
                                                   XrPath* sources) {
  std::lock_guard lock(runtime().mutex);
  Session* s = sessionOf(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  Action* action = lookup<Action>(info->action);
  if (action == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (s->actionValues.count({action, XR_NULL_PATH}) == 0) {
    return XR_ERROR_ACTIONSET_NOT_ATTACHED;
  }
  std::vector<XrPath> list;
  if (s->interactionProfile != XR_NULL_PATH) {
    for (const auto& [a, binding] : s->instance->suggested[s->interactionProfile]) {
      if (a == action) {
        list.push_back(binding);
      }
    }
  }
  return twoCall(capacity, count, sources, list);
}

std::string titleCase(const std::string& id) {
  std::string out;
  bool upper = true;
  for (char c : id) {
    if (c == '_' || c == '-') {
      out += ' ';
      upper = true;
    } else {
      out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    }
  }
  return out;
}

XrResult XRAPI_CALL GetInputSourceLocalizedName(XrSession handle,
                                                const XrInputSourceLocalizedNameGetInfo* info,
                                                uint32_t capacity, uint32_t* count, char* buffer) {
  std::lock_guard lock(runtime().mutex);
  Session* s = sessionOf(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || info->whichComponents == 0) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (!s->actionSetsAttached) {
    return XR_ERROR_ACTIONSET_NOT_ATTACHED;
  }
  const std::string* path = pathString(*s->instance, info->sourcePath);
  Binding b;
  if (path == nullptr || !splitBinding(*path, b)) {
    return XR_ERROR_PATH_UNSUPPORTED;
  }
  std::string name;
  auto add = [&](const std::string& part) {
    if (!name.empty()) {
      name += ' ';
    }
    name += part;
  };
  if ((info->whichComponents & XR_INPUT_SOURCE_LOCALIZED_NAME_USER_PATH_BIT) != 0) {
    add(b.side == 0 ? "Left Hand" : "Right Hand");
  }
  if ((info->whichComponents & XR_INPUT_SOURCE_LOCALIZED_NAME_INTERACTION_PROFILE_BIT) != 0) {
    const std::string* profile = pathString(*s->instance, s->interactionProfile);
    const Profile* p = profile != nullptr ? findProfile(*profile) : nullptr;
    add(p != nullptr ? p->name : "Controller");
  }
  if ((info->whichComponents & XR_INPUT_SOURCE_LOCALIZED_NAME_COMPONENT_BIT) != 0) {
    add(titleCase(b.identifier) + (b.component.empty() ? "" : " " + titleCase(b.component)));
  }
  return twoCallString(capacity, count, buffer, name);
}

XrResult XRAPI_CALL CreateActionSpace(XrSession handle, const XrActionSpaceCreateInfo* info,
                                      XrSpace* out) {
  std::lock_guard lock(runtime().mutex);
  Session* s = sessionOf(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || out == nullptr || info->type != XR_TYPE_ACTION_SPACE_CREATE_INFO) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  Action* action = lookup<Action>(info->action);
  if (action == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (action->type != XR_ACTION_TYPE_POSE_INPUT) {
    return XR_ERROR_ACTION_TYPE_MISMATCH;
  }
  if (info->subactionPath != XR_NULL_PATH &&
      std::find(action->subactionPaths.begin(), action->subactionPaths.end(),
                info->subactionPath) == action->subactionPaths.end()) {
    return XR_ERROR_PATH_UNSUPPORTED;
  }
  const auto& q = info->poseInActionSpace.orientation;
  if (std::abs(std::sqrt(q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w) - 1.0F) > 0.01F) {
    return XR_ERROR_POSE_INVALID;
  }
  auto* space = new Space();  // NOLINT(cppcoreguidelines-owning-memory)
  space->session = s;
  space->kind = SpaceKind::Action;
  space->action = action;
  space->subactionPath = info->subactionPath;
  const auto& p = info->poseInActionSpace;
  space->offset = {{p.position.x, p.position.y, p.position.z},
                   glm::normalize(glm::quat(q.w, q.x, q.y, q.z))};
  s->spaces.insert(space);
  *out = toHandle<XrSpace>(space);
  return XR_SUCCESS;
}

XrResult hapticCheck(XrSession handle, const XrHapticActionInfo* info, Session** session,
                     Action** action) {
  Session* s = sessionOf(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || info->type != XR_TYPE_HAPTIC_ACTION_INFO) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  Action* a = lookup<Action>(info->action);
  if (a == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (a->type != XR_ACTION_TYPE_VIBRATION_OUTPUT) {
    return XR_ERROR_ACTION_TYPE_MISMATCH;
  }
  if (s->actionValues.count({a, XR_NULL_PATH}) == 0) {
    return XR_ERROR_ACTIONSET_NOT_ATTACHED;
  }
  if (s->actionValues.count({a, info->subactionPath}) == 0) {
    return XR_ERROR_PATH_UNSUPPORTED;
  }
  if (s->lost) {
    return XR_ERROR_SESSION_LOST;
  }
  *session = s;
  *action = a;
  return XR_SUCCESS;
}

XrResult XRAPI_CALL ApplyHapticFeedback(XrSession handle, const XrHapticActionInfo* info,
                                        const XrHapticBaseHeader* haptic) {
  std::lock_guard lock(runtime().mutex);
  Session* s = nullptr;
  Action* a = nullptr;
  if (XrResult r = hapticCheck(handle, info, &s, &a); XR_FAILED(r)) {
    return r;
  }
  if (haptic == nullptr || haptic->type != XR_TYPE_HAPTIC_VIBRATION) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (s->state != XR_SESSION_STATE_FOCUSED) {
    return XR_SESSION_NOT_FOCUSED;
  }
  Instance& instance = *s->instance;
  for (const auto& [action, binding] : instance.suggested[s->interactionProfile]) {
    Binding b;
    if (action != a || !splitBinding(*pathString(instance, binding), b) || !b.output) {
      continue;
    }
    const std::string* sub = pathString(instance, info->subactionPath);
    if (sub == nullptr || pathString(instance, binding)->rfind(*sub, 0) == 0) {
      instance.hapticPulses[b.side]++;
    }
  }
  return XR_SUCCESS;
}

XrResult XRAPI_CALL StopHapticFeedback(XrSession handle, const XrHapticActionInfo* info) {
  std::lock_guard lock(runtime().mutex);
  Session* s = nullptr;
  Action* a = nullptr;
  if (XrResult r = hapticCheck(handle, info, &s, &a); XR_FAILED(r)) {
    return r;
  }
  return s->state == XR_SESSION_STATE_FOCUSED ? XR_SUCCESS : XR_SESSION_NOT_FOCUSED;
}

}  // namespace

bool profileKnown(const std::string& profile) {
  return findProfile(profile) != nullptr;
}

bool bindingValid(const std::string& profile, const std::string& binding) {
  const Profile* p = findProfile(profile);
  Binding b;
  if (p == nullptr || !splitBinding(binding, b)) {
    return false;
  }
  const std::string prefix = b.side == 0 ? "/user/hand/left/" : "/user/hand/right/";
  auto matches = [&](const std::vector<std::string>& list) {
    for (const std::string& c : list) {
      const std::string full = prefix + c;
      // A component, or an identifier whose components the runtime picks from.
      if (binding == full || (full.rfind(binding + "/", 0) == 0)) {
        return true;
      }
    }
    return false;
  };
  return matches(p->both) || matches(b.side == 0 ? p->left : p->right);
}

bool actionBoundToPose(const Session& session, const Action& action, XrPath subaction,
                       XrPath* binding) {
  const Instance& instance = *session.instance;
  auto it = instance.suggested.find(session.interactionProfile);
  if (it == instance.suggested.end()) {
    return false;
  }
  const std::string* sub = pathString(instance, subaction);
  for (const auto& [a, path] : it->second) {
    if (a != &action) {
      continue;
    }
    const std::string& p = *pathString(instance, path);
    if (p.find("/input/grip/pose") == std::string::npos &&
        p.find("/input/aim/pose") == std::string::npos) {
      continue;
    }
    if (sub == nullptr || p.rfind(*sub + "/", 0) == 0) {
      *binding = path;
      return true;
    }
  }
  return false;
}

void syncActionValues(Session& session, const std::vector<XrActiveActionSet>& sets, XrTime time) {
  Instance& instance = *session.instance;
  const double seconds = scriptSeconds(instance, time);
  const HandSample hands[2] = {instance.script.hand(0, seconds), instance.script.hand(1, seconds)};
  const auto& bindings = instance.suggested[session.interactionProfile];
  session.synced = true;
  for (auto& [key, value] : session.actionValues) {
    Action* action = key.first;
    const std::string* sub = pathString(instance, key.second);
    bool active = false;
    float x = 0.0F;
    float y = 0.0F;
    for (const XrActiveActionSet& set : sets) {
      if (reinterpret_cast<ActionSet*>(set.actionSet) != action->set) {  // NOLINT
        continue;
      }
      const std::string* setSub = pathString(instance, set.subactionPath);
      for (const auto& [a, path] : bindings) {
        if (a != action) {
          continue;
        }
        const std::string& p = *pathString(instance, path);
        if ((sub != nullptr && p.rfind(*sub + "/", 0) != 0) ||
            (setSub != nullptr && p.rfind(*setSub + "/", 0) != 0)) {
          continue;
        }
        Binding b;
        float bx = 0.0F;
        float by = 0.0F;
        if (!splitBinding(p, b) || !evaluate(b, action->type, hands[b.side], bx, by)) {
          continue;
        }
        active = true;
        // Several sources: booleans OR, floats the largest magnitude, vectors the longest.
        if (action->type == XR_ACTION_TYPE_VECTOR2F_INPUT) {
          if (bx * bx + by * by > x * x + y * y) {
            x = bx;
            y = by;
          }
        } else if (std::abs(bx) > std::abs(x)) {
          x = bx;
        }
      }
    }
    value.changed = active && value.active && (x != value.x || y != value.y);
    if (value.changed || (active && !value.active)) {
      value.lastChange = time;
    }
    value.active = active;
    value.x = x;
    value.y = y;
  }
}

PFN_xrVoidFunction inputFunction(const char* name) {
#define XRSIM_ENTRY(fn)                               \
  if (std::strcmp(name, "xr" #fn) == 0) {             \
    return reinterpret_cast<PFN_xrVoidFunction>(&fn); \
  }
  XRSIM_ENTRY(CreateActionSet)
  XRSIM_ENTRY(DestroyActionSet)
  XRSIM_ENTRY(CreateAction)
  XRSIM_ENTRY(DestroyAction)
  XRSIM_ENTRY(SuggestInteractionProfileBindings)
  XRSIM_ENTRY(AttachSessionActionSets)
  XRSIM_ENTRY(GetCurrentInteractionProfile)
  XRSIM_ENTRY(SyncActions)
  XRSIM_ENTRY(GetActionStateBoolean)
  XRSIM_ENTRY(GetActionStateFloat)
  XRSIM_ENTRY(GetActionStateVector2f)
  XRSIM_ENTRY(GetActionStatePose)
  XRSIM_ENTRY(EnumerateBoundSourcesForAction)
  XRSIM_ENTRY(GetInputSourceLocalizedName)
  XRSIM_ENTRY(CreateActionSpace)
  XRSIM_ENTRY(ApplyHapticFeedback)
  XRSIM_ENTRY(StopHapticFeedback)
#undef XRSIM_ENTRY
  return nullptr;
}

}  // namespace medverse::xrsim
