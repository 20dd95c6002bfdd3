// Loader negotiation, the instance, the system (a stereo HMD), view
// configurations, paths, events and the simulated clock.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>
#include <openxr/openxr_reflection.h>

#include "runtime.h"

namespace medverse::xrsim {

Runtime& runtime() {
  static Runtime r;
  return r;
}

void forget(void* p) { runtime().live.erase(p); }

bool logEnabled() {
  static const bool on = [] {
    const char* v = std::getenv("MEDVERSE_XRSIM_LOG");  // NOLINT(concurrency-mt-unsafe)
    return v != nullptr && std::strcmp(v, "0") != 0;
  }();
  return on;
}

XrResult twoCallString(uint32_t capacity, uint32_t* countOutput, char* buffer,
                       const std::string& s) {
  if (countOutput == nullptr) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  *countOutput = static_cast<uint32_t>(s.size() + 1);
  if (capacity == 0) {
    return XR_SUCCESS;
  }
  if (capacity < s.size() + 1) {
    return XR_ERROR_SIZE_INSUFFICIENT;
  }
  std::memcpy(buffer, s.c_str(), s.size() + 1);
  return XR_SUCCESS;
}

const char* stateName(XrSessionState state) {
  switch (state) {
    case XR_SESSION_STATE_IDLE: return "IDLE";
    case XR_SESSION_STATE_READY: return "READY";
    case XR_SESSION_STATE_SYNCHRONIZED: return "SYNCHRONIZED";
    case XR_SESSION_STATE_VISIBLE: return "VISIBLE";
    case XR_SESSION_STATE_FOCUSED: return "FOCUSED";
    case XR_SESSION_STATE_STOPPING: return "STOPPING";
    case XR_SESSION_STATE_LOSS_PENDING: return "LOSS_PENDING";
    case XR_SESSION_STATE_EXITING: return "EXITING";
    default: return "UNKNOWN";
  }
}

XrPath internPath(Instance& instance, const std::string& path) {
  auto it = instance.pathIds.find(path);
  if (it != instance.pathIds.end()) {
    return it->second;
  }
  instance.paths.push_back(path);
  XrPath id = instance.paths.size();
  instance.pathIds[path] = id;
  return id;
}

const std::string* pathString(const Instance& instance, XrPath path) {
  if (path == XR_NULL_PATH || path > instance.paths.size()) {
    return nullptr;
  }
  return &instance.paths[path - 1];
}

void queueEvent(Instance& instance, const XrEventDataBuffer& event) {
  instance.events.push_back(event);
}

void setSessionState(Session& session, XrSessionState state, XrTime time) {
  session.state = state;
  XrEventDataBuffer buffer{XR_TYPE_EVENT_DATA_BUFFER};
  auto* e = reinterpret_cast<XrEventDataSessionStateChanged*>(&buffer);
  e->type = XR_TYPE_EVENT_DATA_SESSION_STATE_CHANGED;
  e->next = nullptr;
  e->session = reinterpret_cast<XrSession>(&session);
  e->state = state;
  e->time = time;
  queueEvent(*session.instance, buffer);
  session.instance->stateLog.emplace_back(stateName(state));
  XRSIM_LOG("session state -> %s", stateName(state));
}

XrTime currentTime(const Instance& instance) {
  const uint64_t f = instance.frameCounter > 0 ? instance.frameCounter - 1 : 0;
  return instance.epoch + static_cast<XrTime>(f) * instance.period;
}

double scriptSeconds(const Instance& instance, XrTime time) {
  return static_cast<double>(time - instance.epoch) * 1e-9;
}

Pose headPose(const Instance& instance, XrTime time) {
  return instance.script.head(scriptSeconds(instance, time));
}

// LOCAL at start: the head's position when the script starts,
// gravity-aligned, facing where the head faced (the specification's "origin
// at the user's head at startup").
Pose initialLocalOrigin(const Instance& instance) {
  Pose head0 = instance.script.head(0.0);
  glm::vec3 forward = head0.orientation * glm::vec3(0, 0, -1);
  float yaw = std::atan2(-forward.x, -forward.z);
  return {head0.position, glm::angleAxis(yaw, glm::vec3(0, 1, 0))};
}

bool configuredHmd(HmdConfig& hmd) {
  std::string error;
  Script script = Script::empty();
  if (const char* path = std::getenv("MEDVERSE_XRSIM_SCRIPT"); path != nullptr && *path != '\0') {  // NOLINT
    std::optional<Script> loaded = Script::load(path, error);
    if (!loaded) {
      return false;  // xrCreateInstance reports it
    }
    script = std::move(*loaded);
  }
  return script.configure(hmd, error);
}

Pose eyePose(const Instance& instance, XrTime time, int eye) {
  Pose offset;
  offset.position.x = (eye == 0 ? -0.5F : 0.5F) * instance.hmd.ipd;
  return compose(headPose(instance, time), offset);
}

namespace {

struct OfferedExtension {
  const char* name;
  uint32_t version;
};

// What xrsim offers: XR_FB_passthrough only when the HMD is configured as a
// passthrough headset (it is read before any instance exists).
std::vector<OfferedExtension> offeredExtensions() {
  std::vector<OfferedExtension> e = {
      {XR_KHR_VULKAN_ENABLE_EXTENSION_NAME, XR_KHR_vulkan_enable_SPEC_VERSION},
      {XR_KHR_VULKAN_ENABLE2_EXTENSION_NAME, XR_KHR_vulkan_enable2_SPEC_VERSION},
      {XR_KHR_COMPOSITION_LAYER_DEPTH_EXTENSION_NAME, XR_KHR_composition_layer_depth_SPEC_VERSION},
  };
  HmdConfig hmd;
  if (configuredHmd(hmd) && hmd.passthrough) {
    e.push_back({XR_FB_PASSTHROUGH_EXTENSION_NAME, XR_FB_passthrough_SPEC_VERSION});
  }
  return e;
}

Instance* instanceOf(XrInstance handle) {
  Instance* i = lookup<Instance>(handle);
  return i;
}

XrEnvironmentBlendMode blendMode(const std::string& name) {
  if (name == "additive") {
    return XR_ENVIRONMENT_BLEND_MODE_ADDITIVE;
  }
  if (name == "alpha_blend") {
    return XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND;
  }
  return XR_ENVIRONMENT_BLEND_MODE_OPAQUE;
}

bool parseFrameList(const std::string& text, std::set<uint64_t>& frames, bool& all) {
  if (text == "all") {
    all = true;
    return true;
  }
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    unsigned long long a = 0;
    unsigned long long b = 0;
    char dash = 0;
    char extra = 0;
    int n = std::sscanf(item.c_str(), "%llu%c%llu%c", &a, &dash, &b, &extra);
    if (n == 1) {
      frames.insert(a);
    } else if (n == 3 && dash == '-' && b >= a && b - a < 100000) {
      for (auto f = a; f <= b; ++f) {
        frames.insert(f);
      }
    } else {
      return false;
    }
    if (comma == std::string::npos) {
      break;
    }
    start = comma + 1;
  }
  return true;
}

void writeReport(const Instance& instance) {
  if (instance.reportPath.empty()) {
    return;
  }
  nlohmann::json j;
  j["frames"] = instance.frameCounter;
  j["sessions_created"] = instance.sessionsCreated;
  j["session_states"] = instance.stateLog;
  j["haptic_pulses"] = {instance.hapticPulses[0], instance.hapticPulses[1]};
  j["captures"] = instance.captures;
  j["implicitly_destroyed"] = instance.implicitlyDestroyed;
  j["layer_stacks"] = nlohmann::json::array();
  for (const LayerStack& stack : instance.layerStacks) {
    j["layer_stacks"].push_back(
        {{"layers", stack.layers}, {"first_frame", stack.firstFrame}, {"frames", stack.frames}});
  }
  j["passthrough"] = {{"created", instance.passthroughsCreated},
                      {"layers_created", instance.passthroughLayersCreated},
                      {"starts", instance.passthroughStarts},
                      {"misuse", instance.passthroughMisuse}};
  j["recenters"] = instance.recenters;
  std::ofstream out(instance.reportPath);
  out << j.dump(2) << "\n";
  if (!out) {
    XRSIM_ERROR("cannot write the report %s", instance.reportPath.c_str());
  }
}

// --- global functions --------------------------------------------------------

XrResult XRAPI_CALL EnumerateInstanceExtensionProperties(const char* layerName,
                                                         uint32_t capacity, uint32_t* count,
                                                         XrExtensionProperties* props) {
  if (layerName != nullptr && layerName[0] != '\0') {
    return XR_ERROR_API_LAYER_NOT_PRESENT;
  }
  if (count == nullptr) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  const std::vector<OfferedExtension> offered = offeredExtensions();
  const auto n = static_cast<uint32_t>(offered.size());
  *count = n;
  if (capacity == 0) {
    return XR_SUCCESS;
  }
  if (capacity < n) {
    return XR_ERROR_SIZE_INSUFFICIENT;
  }
  for (uint32_t i = 0; i < n; ++i) {
    std::snprintf(props[i].extensionName, XR_MAX_EXTENSION_NAME_SIZE, "%s", offered[i].name);
    props[i].extensionVersion = offered[i].version;
  }
  return XR_SUCCESS;
}

XrResult XRAPI_CALL EnumerateApiLayerProperties(uint32_t /*capacity*/, uint32_t* count,
                                                XrApiLayerProperties* /*props*/) {
  if (count == nullptr) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  *count = 0;
  return XR_SUCCESS;
}

XrResult XRAPI_CALL CreateInstance(const XrInstanceCreateInfo* info, XrInstance* out) {
  std::lock_guard lock(runtime().mutex);
  if (info == nullptr || out == nullptr || info->type != XR_TYPE_INSTANCE_CREATE_INFO) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (runtime().instance != nullptr) {
    return XR_ERROR_LIMIT_REACHED;
  }
  if (XR_VERSION_MAJOR(info->applicationInfo.apiVersion) != 1) {
    return XR_ERROR_API_VERSION_UNSUPPORTED;
  }
  if (info->applicationInfo.applicationName[0] == '\0') {
    return XR_ERROR_NAME_INVALID;
  }
  auto instance = std::make_unique<Instance>();
  const std::vector<OfferedExtension> offered = offeredExtensions();
  for (uint32_t i = 0; i < info->enabledExtensionCount; ++i) {
    const char* e = info->enabledExtensionNames[i];
    bool known = std::any_of(offered.begin(), offered.end(), [&](const OfferedExtension& k) {
      return std::strcmp(k.name, e) == 0;
    });
    if (!known) {
      XRSIM_ERROR("extension %s is not offered", e);
      return XR_ERROR_EXTENSION_NOT_PRESENT;
    }
    instance->extensions.insert(e);
  }
  instance->applicationName = info->applicationInfo.applicationName;

  std::string error;
  if (const char* path = std::getenv("MEDVERSE_XRSIM_SCRIPT"); path != nullptr && *path != '\0') {  // NOLINT
    std::optional<Script> script = Script::load(path, error);
    if (!script) {
      XRSIM_ERROR("%s", error.c_str());
      return XR_ERROR_RUNTIME_FAILURE;
    }
    instance->script = std::move(*script);
  }
  if (!instance->script.configure(instance->hmd, error)) {
    XRSIM_ERROR("%s", error.c_str());
    return XR_ERROR_RUNTIME_FAILURE;
  }
  instance->period = static_cast<XrDuration>(std::llround(1e9 / instance->hmd.refreshHz));
  instance->epoch = 1'000'000'000;  // 1 s: display times stay positive and readable
  instance->script.resolveFrames(static_cast<double>(instance->period) * 1e-9);
  instance->stageOrigins.push_back({0, Pose{}});
  instance->localOrigins.push_back({0, initialLocalOrigin(*instance)});

  if (const char* dir = std::getenv("MEDVERSE_XRSIM_CAPTURE"); dir != nullptr && *dir != '\0') {  // NOLINT
    instance->captureDir = dir;
    const char* frames = std::getenv("MEDVERSE_XRSIM_CAPTURE_FRAMES");  // NOLINT
    if (frames != nullptr && *frames != '\0') {
      if (!parseFrameList(frames, instance->captureFrames, instance->captureAll)) {
        XRSIM_ERROR("MEDVERSE_XRSIM_CAPTURE_FRAMES='%s' is not 'all' or a list like 0,10,20-25",
                    frames);
        return XR_ERROR_RUNTIME_FAILURE;
      }
    } else if (!instance->script.captureFrames().empty()) {
      instance->captureFrames.insert(instance->script.captureFrames().begin(),
                                     instance->script.captureFrames().end());
    } else {
      instance->captureAll = true;
    }
  }
  if (const char* report = std::getenv("MEDVERSE_XRSIM_REPORT"); report != nullptr) {  // NOLINT
    instance->reportPath = report;
  }
  // Environment shortcuts for apps we cannot script otherwise (hello_xr).
  auto envFrame = [&](const char* name, ScriptEventKind kind) -> bool {
    const char* v = std::getenv(name);  // NOLINT
    if (v == nullptr || *v == '\0') {
      return true;
    }
    char* end = nullptr;
    unsigned long long f = std::strtoull(v, &end, 10);
    if (end == v || *end != '\0') {
      XRSIM_ERROR("%s='%s' is not a frame index", name, v);
      return false;
    }
    const_cast<std::vector<ScriptEvent>&>(instance->script.events()).push_back({kind, f});
    return true;
  };
  if (!envFrame("MEDVERSE_XRSIM_EXIT_FRAME", ScriptEventKind::Exit) ||
      !envFrame("MEDVERSE_XRSIM_LOSS_FRAME", ScriptEventKind::SessionLoss)) {
    return XR_ERROR_RUNTIME_FAILURE;
  }

  XRSIM_LOG("instance for '%s': %ux%u per eye, %.1f Hz, IPD %.1f mm", instance->applicationName.c_str(),
            instance->hmd.eyeWidth, instance->hmd.eyeHeight, instance->hmd.refreshHz,
            instance->hmd.ipd * 1000.0F);
  runtime().instance = instance.get();
  *out = toHandle<XrInstance>(instance.release());
  return XR_SUCCESS;
}

XrResult XRAPI_CALL DestroyInstance(XrInstance handle) {
  std::lock_guard lock(runtime().mutex);
  Instance* instance = instanceOf(handle);
  if (instance == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  for (Session* s : std::vector<Session*>(instance->sessions.begin(), instance->sessions.end())) {
    instance->implicitlyDestroyed["session"]++;
    destroySession(s);
  }
  for (Action* a : instance->actions) {
    instance->implicitlyDestroyed["action"]++;
    forget(a);
    delete a;  // NOLINT(cppcoreguidelines-owning-memory)
  }
  for (ActionSet* s : instance->actionSets) {
    instance->implicitlyDestroyed["action_set"]++;
    forget(s);
    delete s;  // NOLINT(cppcoreguidelines-owning-memory)
  }
  writeReport(*instance);
  forget(instance);
  runtime().instance = nullptr;
  delete instance;  // NOLINT(cppcoreguidelines-owning-memory)
  return XR_SUCCESS;
}

XrResult XRAPI_CALL GetInstanceProperties(XrInstance handle, XrInstanceProperties* props) {
  std::lock_guard lock(runtime().mutex);
  if (instanceOf(handle) == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (props == nullptr) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  props->runtimeVersion = XR_MAKE_VERSION(0, 1, 0);
  std::snprintf(props->runtimeName, XR_MAX_RUNTIME_NAME_SIZE, "%s", kRuntimeName);
  return XR_SUCCESS;
}

XrResult XRAPI_CALL PollEvent(XrInstance handle, XrEventDataBuffer* event) {
  std::lock_guard lock(runtime().mutex);
  Instance* instance = instanceOf(handle);
  if (instance == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (event == nullptr) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (instance->events.empty()) {
    return XR_EVENT_UNAVAILABLE;
  }
  *event = instance->events.front();
  instance->events.pop_front();
  return XR_SUCCESS;
}

XrResult XRAPI_CALL ResultToString(XrInstance handle, XrResult value,
                                   char buffer[XR_MAX_RESULT_STRING_SIZE]) {
  if (instanceOf(handle) == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
#define XRSIM_RESULT_CASE(name, val) \
  case name:                         \
    std::snprintf(buffer, XR_MAX_RESULT_STRING_SIZE, "%s", #name); \
    return XR_SUCCESS;
  switch (value) {
    XR_LIST_ENUM_XrResult(XRSIM_RESULT_CASE) default : break;
  }
#undef XRSIM_RESULT_CASE
  std::snprintf(buffer, XR_MAX_RESULT_STRING_SIZE, "%s_%d", value < 0 ? "XR_UNKNOWN_FAILURE" : "XR_UNKNOWN_SUCCESS",
                static_cast<int>(value));
  return XR_SUCCESS;
}

XrResult XRAPI_CALL StructureTypeToString(XrInstance handle, XrStructureType value,
                                          char buffer[XR_MAX_STRUCTURE_NAME_SIZE]) {
  if (instanceOf(handle) == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
#define XRSIM_TYPE_CASE(name, val) \
  case name:                       \
    std::snprintf(buffer, XR_MAX_STRUCTURE_NAME_SIZE, "%s", #name); \
    return XR_SUCCESS;
  switch (value) {
    XR_LIST_ENUM_XrStructureType(XRSIM_TYPE_CASE) default : break;
  }
#undef XRSIM_TYPE_CASE
  std::snprintf(buffer, XR_MAX_STRUCTURE_NAME_SIZE, "XR_UNKNOWN_STRUCTURE_TYPE_%d",
                static_cast<int>(value));
  return XR_SUCCESS;
}

XrResult XRAPI_CALL GetSystem(XrInstance handle, const XrSystemGetInfo* info, XrSystemId* id) {
  std::lock_guard lock(runtime().mutex);
  if (instanceOf(handle) == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || id == nullptr || info->type != XR_TYPE_SYSTEM_GET_INFO) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (info->formFactor == XR_FORM_FACTOR_HEAD_MOUNTED_DISPLAY) {
    *id = kSystemId;
    return XR_SUCCESS;
  }
  if (info->formFactor == XR_FORM_FACTOR_HANDHELD_DISPLAY) {
    return XR_ERROR_FORM_FACTOR_UNSUPPORTED;
  }
  return XR_ERROR_VALIDATION_FAILURE;
}

XrResult XRAPI_CALL GetSystemProperties(XrInstance handle, XrSystemId id, XrSystemProperties* props) {
  std::lock_guard lock(runtime().mutex);
  Instance* instance = instanceOf(handle);
  if (instance == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (id != kSystemId) {
    return XR_ERROR_SYSTEM_INVALID;
  }
  if (props == nullptr || props->type != XR_TYPE_SYSTEM_PROPERTIES) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  props->systemId = kSystemId;
  props->vendorId = 0x4D56;  // "MV"
  std::snprintf(props->systemName, XR_MAX_SYSTEM_NAME_SIZE, "MedVerse simulated HMD");
  props->graphicsProperties.maxSwapchainImageWidth = 8192;
  props->graphicsProperties.maxSwapchainImageHeight = 8192;
  props->graphicsProperties.maxLayerCount = XR_MIN_COMPOSITION_LAYERS_SUPPORTED;
  props->trackingProperties.orientationTracking = XR_TRUE;
  props->trackingProperties.positionTracking = XR_TRUE;
  for (auto* next = static_cast<XrBaseOutStructure*>(props->next); next != nullptr;
       next = next->next) {
    if (next->type == XR_TYPE_SYSTEM_PASSTHROUGH_PROPERTIES_FB) {
      if (instance->extensions.count(XR_FB_PASSTHROUGH_EXTENSION_NAME) == 0) {
        return XR_ERROR_VALIDATION_FAILURE;  // a struct of an extension not enabled
      }
      reinterpret_cast<XrSystemPassthroughPropertiesFB*>(next)->supportsPassthrough = XR_TRUE;
    }
  }
  return XR_SUCCESS;
}

XrResult XRAPI_CALL EnumerateEnvironmentBlendModes(XrInstance handle, XrSystemId id,
                                                   XrViewConfigurationType type, uint32_t capacity,
                                                   uint32_t* count, XrEnvironmentBlendMode* modes) {
  std::lock_guard lock(runtime().mutex);
  Instance* instance = instanceOf(handle);
  if (instance == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (id != kSystemId) {
    return XR_ERROR_SYSTEM_INVALID;
  }
  if (type != XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO) {
    return XR_ERROR_VIEW_CONFIGURATION_TYPE_UNSUPPORTED;
  }
  std::vector<XrEnvironmentBlendMode> list;
  for (const auto& m : instance->hmd.blendModes) {
    list.push_back(blendMode(m));
  }
  return twoCall(capacity, count, modes, list);
}

XrResult XRAPI_CALL EnumerateViewConfigurations(XrInstance handle, XrSystemId id, uint32_t capacity,
                                                uint32_t* count, XrViewConfigurationType* types) {
  std::lock_guard lock(runtime().mutex);
  if (instanceOf(handle) == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (id != kSystemId) {
    return XR_ERROR_SYSTEM_INVALID;
  }
  return twoCall(capacity, count, types,
                 std::vector<XrViewConfigurationType>{XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO});
}

XrResult XRAPI_CALL GetViewConfigurationProperties(XrInstance handle, XrSystemId id,
                                                   XrViewConfigurationType type,
                                                   XrViewConfigurationProperties* props) {
  std::lock_guard lock(runtime().mutex);
  if (instanceOf(handle) == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (id != kSystemId) {
    return XR_ERROR_SYSTEM_INVALID;
  }
  if (type != XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO) {
    return XR_ERROR_VIEW_CONFIGURATION_TYPE_UNSUPPORTED;
  }
  if (props == nullptr) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  props->viewConfigurationType = type;
  props->fovMutable = XR_FALSE;
  return XR_SUCCESS;
}

XrResult XRAPI_CALL EnumerateViewConfigurationViews(XrInstance handle, XrSystemId id,
                                                    XrViewConfigurationType type, uint32_t capacity,
                                                    uint32_t* count, XrViewConfigurationView* views) {
  std::lock_guard lock(runtime().mutex);
  Instance* instance = instanceOf(handle);
  if (instance == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (id != kSystemId) {
    return XR_ERROR_SYSTEM_INVALID;
  }
  if (type != XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO) {
    return XR_ERROR_VIEW_CONFIGURATION_TYPE_UNSUPPORTED;
  }
  if (count == nullptr) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  *count = 2;
  if (capacity == 0) {
    return XR_SUCCESS;
  }
  if (capacity < 2) {
    return XR_ERROR_SIZE_INSUFFICIENT;
  }
  for (uint32_t i = 0; i < 2; ++i) {
    views[i].recommendedImageRectWidth = instance->hmd.eyeWidth;
    views[i].maxImageRectWidth = 8192;
    views[i].recommendedImageRectHeight = instance->hmd.eyeHeight;
    views[i].maxImageRectHeight = 8192;
    views[i].recommendedSwapchainSampleCount = 1;
    views[i].maxSwapchainSampleCount = 1;
  }
  return XR_SUCCESS;
}

// Paths: lowercase letters, digits, '-', '_', '.', separated by single '/'.
bool wellFormedPath(const char* s) {
  if (s == nullptr || s[0] != '/') {
    return false;
  }
  size_t n = std::strlen(s);
  if (n >= XR_MAX_PATH_LENGTH || s[n - 1] == '/') {
    return false;
  }
  for (size_t i = 0; i < n; ++i) {
    char c = s[i];
    if (c == '/') {
      if (i + 1 < n && s[i + 1] == '/') {
        return false;
      }
      continue;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

XrResult XRAPI_CALL StringToPath(XrInstance handle, const char* string, XrPath* path) {
  std::lock_guard lock(runtime().mutex);
  Instance* instance = instanceOf(handle);
  if (instance == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (path == nullptr) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (!wellFormedPath(string)) {
    return XR_ERROR_PATH_FORMAT_INVALID;
  }
  *path = internPath(*instance, string);
  return XR_SUCCESS;
}

XrResult XRAPI_CALL PathToString(XrInstance handle, XrPath path, uint32_t capacity, uint32_t* count,
                                 char* buffer) {
  std::lock_guard lock(runtime().mutex);
  Instance* instance = instanceOf(handle);
  if (instance == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  const std::string* s = pathString(*instance, path);
  if (s == nullptr) {
    return XR_ERROR_PATH_INVALID;
  }
  return twoCallString(capacity, count, buffer, *s);
}

}  // namespace

// Defined in the other translation units.
PFN_xrVoidFunction sessionFunction(const char* name);
PFN_xrVoidFunction inputFunction(const char* name);
PFN_xrVoidFunction vulkanFunction(const char* name);

namespace {

XrResult XRAPI_CALL GetInstanceProcAddr(XrInstance handle, const char* name,
                                        PFN_xrVoidFunction* function) {
  if (name == nullptr || function == nullptr) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  *function = nullptr;
  std::lock_guard lock(runtime().mutex);
  // Before an instance exists only these three may be fetched.
  if (handle == XR_NULL_HANDLE) {
    if (std::strcmp(name, "xrEnumerateInstanceExtensionProperties") == 0 ||
        std::strcmp(name, "xrCreateInstance") == 0 ||
        std::strcmp(name, "xrEnumerateApiLayerProperties") == 0 ||
        std::strcmp(name, "xrGetInstanceProcAddr") == 0) {
      *function = lookupFunction(name);
      return XR_SUCCESS;
    }
    return XR_ERROR_HANDLE_INVALID;
  }
  Instance* instance = instanceOf(handle);
  if (instance == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  PFN_xrVoidFunction f = lookupFunction(name);
  if (f == nullptr) {
    return XR_ERROR_FUNCTION_UNSUPPORTED;
  }
  // Extension functions exist only when their extension is enabled.
  const bool v1 = std::strstr(name, "KHR") != nullptr &&
                  (std::strcmp(name, "xrGetVulkanInstanceExtensionsKHR") == 0 ||
                   std::strcmp(name, "xrGetVulkanDeviceExtensionsKHR") == 0 ||
                   std::strcmp(name, "xrGetVulkanGraphicsDeviceKHR") == 0 ||
                   std::strcmp(name, "xrGetVulkanGraphicsRequirementsKHR") == 0);
  const bool v2 = std::strcmp(name, "xrCreateVulkanInstanceKHR") == 0 ||
                  std::strcmp(name, "xrCreateVulkanDeviceKHR") == 0 ||
                  std::strcmp(name, "xrGetVulkanGraphicsDevice2KHR") == 0 ||
                  std::strcmp(name, "xrGetVulkanGraphicsRequirements2KHR") == 0;
  const bool fb = passthroughFunction(name) != nullptr;
  if ((v1 && instance->extensions.count(XR_KHR_VULKAN_ENABLE_EXTENSION_NAME) == 0) ||
      (v2 && instance->extensions.count(XR_KHR_VULKAN_ENABLE2_EXTENSION_NAME) == 0) ||
      (fb && instance->extensions.count(XR_FB_PASSTHROUGH_EXTENSION_NAME) == 0)) {
    return XR_ERROR_FUNCTION_UNSUPPORTED;
  }
  *function = f;
  return XR_SUCCESS;
}

}  // namespace

PFN_xrVoidFunction lookupFunction(const char* name) {
#define XRSIM_ENTRY(fn)                                    \
  if (std::strcmp(name, "xr" #fn) == 0) {                  \
    return reinterpret_cast<PFN_xrVoidFunction>(&fn);      \
  }
  XRSIM_ENTRY(GetInstanceProcAddr)
  XRSIM_ENTRY(EnumerateInstanceExtensionProperties)
  XRSIM_ENTRY(EnumerateApiLayerProperties)
  XRSIM_ENTRY(CreateInstance)
  XRSIM_ENTRY(DestroyInstance)
  XRSIM_ENTRY(GetInstanceProperties)
  XRSIM_ENTRY(PollEvent)
  XRSIM_ENTRY(ResultToString)
  XRSIM_ENTRY(StructureTypeToString)
  XRSIM_ENTRY(GetSystem)
  XRSIM_ENTRY(GetSystemProperties)
  XRSIM_ENTRY(EnumerateEnvironmentBlendModes)
  XRSIM_ENTRY(EnumerateViewConfigurations)
  XRSIM_ENTRY(GetViewConfigurationProperties)
  XRSIM_ENTRY(EnumerateViewConfigurationViews)
  XRSIM_ENTRY(StringToPath)
  XRSIM_ENTRY(PathToString)
#undef XRSIM_ENTRY
  if (PFN_xrVoidFunction f = sessionFunction(name); f != nullptr) {
    return f;
  }
  if (PFN_xrVoidFunction f = inputFunction(name); f != nullptr) {
    return f;
  }
  if (PFN_xrVoidFunction f = passthroughFunction(name); f != nullptr) {
    return f;
  }
  return vulkanFunction(name);
}

}  // namespace medverse::xrsim

// The one exported symbol (see xrsim.map).
extern "C" __attribute__((visibility("default"))) XrResult XRAPI_CALL xrNegotiateLoaderRuntimeInterface(
    const medverse::xrsim::XrNegotiateLoaderInfo* loaderInfo,
    medverse::xrsim::XrNegotiateRuntimeRequest* request) {
  using namespace medverse::xrsim;  // NOLINT(google-build-using-namespace)
  if (loaderInfo == nullptr || request == nullptr ||
      loaderInfo->structType != XR_LOADER_INTERFACE_STRUCT_LOADER_INFO ||
      loaderInfo->structVersion != kLoaderInfoStructVersion ||
      loaderInfo->structSize != sizeof(XrNegotiateLoaderInfo) ||
      request->structType != XR_LOADER_INTERFACE_STRUCT_RUNTIME_REQUEST ||
      request->structVersion != kRuntimeInfoStructVersion ||
      request->structSize != sizeof(XrNegotiateRuntimeRequest)) {
    return XR_ERROR_INITIALIZATION_FAILED;
  }
  if (loaderInfo->minInterfaceVersion > kCurrentLoaderRuntimeVersion ||
      loaderInfo->maxInterfaceVersion < kCurrentLoaderRuntimeVersion ||
      XR_VERSION_MAJOR(loaderInfo->maxApiVersion) < 1 ||
      XR_VERSION_MAJOR(loaderInfo->minApiVersion) > 1) {
    return XR_ERROR_INITIALIZATION_FAILED;
  }
  request->runtimeInterfaceVersion = kCurrentLoaderRuntimeVersion;
  request->runtimeApiVersion = XR_CURRENT_API_VERSION;
  request->getInstanceProcAddr = reinterpret_cast<PFN_xrGetInstanceProcAddr>(
      lookupFunction("xrGetInstanceProcAddr"));
  return XR_SUCCESS;
}
