#pragma once
// xrsim's internal state: one XrInstance at a time (the loader allows no
// more), its sessions, spaces, swapchains and actions. Every entry point
// takes the one runtime mutex, so the app may call from any thread; no call
// blocks on simulated time (xrWaitFrame advances a simulated clock instead
// of sleeping).
#define XR_NO_PROTOTYPES
#define XR_USE_GRAPHICS_API_VULKAN
#include <vulkan/vulkan.h>
// clang-format off
#include <openxr/openxr.h>
#include <openxr/openxr_platform.h>
// clang-format on

#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "script.h"

namespace medverse::xrsim {

// The negotiation structures of the OpenXR loader specification (Debian's
// 1.0.20 headers do not ship loader_interfaces.h).
enum XrLoaderInterfaceStructs {
  XR_LOADER_INTERFACE_STRUCT_UNINTIALIZED = 0,
  XR_LOADER_INTERFACE_STRUCT_LOADER_INFO,
  XR_LOADER_INTERFACE_STRUCT_API_LAYER_REQUEST,
  XR_LOADER_INTERFACE_STRUCT_RUNTIME_REQUEST,
  XR_LOADER_INTERFACE_STRUCT_API_LAYER_CREATE_INFO,
  XR_LOADER_INTERFACE_STRUCT_API_LAYER_NEXT_INFO,
};
constexpr uint32_t kLoaderInfoStructVersion = 1;
constexpr uint32_t kRuntimeInfoStructVersion = 1;
constexpr uint32_t kCurrentLoaderRuntimeVersion = 1;

struct XrNegotiateLoaderInfo {
  XrLoaderInterfaceStructs structType;
  uint32_t structVersion;
  size_t structSize;
  uint32_t minInterfaceVersion;
  uint32_t maxInterfaceVersion;
  XrVersion minApiVersion;
  XrVersion maxApiVersion;
};

struct XrNegotiateRuntimeRequest {
  XrLoaderInterfaceStructs structType;
  uint32_t structVersion;
  size_t structSize;
  uint32_t runtimeInterfaceVersion;
  XrVersion runtimeApiVersion;
  PFN_xrGetInstanceProcAddr getInstanceProcAddr;
};

constexpr XrSystemId kSystemId = 1;
constexpr const char* kRuntimeName = "MedVerse xrsim";

struct Instance;
struct Session;
struct ActionSet;

// Device-level Vulkan entry points, fetched through the application's
// vkGetInstanceProcAddr so that its layers (validation) see our calls.
struct VulkanDispatch {
  PFN_vkGetInstanceProcAddr getInstanceProcAddr = nullptr;
  PFN_vkGetDeviceProcAddr getDeviceProcAddr = nullptr;
  PFN_vkGetPhysicalDeviceMemoryProperties getPhysicalDeviceMemoryProperties = nullptr;
  PFN_vkGetDeviceQueue getDeviceQueue = nullptr;
  PFN_vkCreateImage createImage = nullptr;
  PFN_vkDestroyImage destroyImage = nullptr;
  PFN_vkGetImageMemoryRequirements getImageMemoryRequirements = nullptr;
  PFN_vkAllocateMemory allocateMemory = nullptr;
  PFN_vkFreeMemory freeMemory = nullptr;
  PFN_vkBindImageMemory bindImageMemory = nullptr;
  PFN_vkCreateBuffer createBuffer = nullptr;
  PFN_vkDestroyBuffer destroyBuffer = nullptr;
  PFN_vkGetBufferMemoryRequirements getBufferMemoryRequirements = nullptr;
  PFN_vkBindBufferMemory bindBufferMemory = nullptr;
  PFN_vkMapMemory mapMemory = nullptr;
  PFN_vkUnmapMemory unmapMemory = nullptr;
  PFN_vkCreateCommandPool createCommandPool = nullptr;
  PFN_vkDestroyCommandPool destroyCommandPool = nullptr;
  PFN_vkAllocateCommandBuffers allocateCommandBuffers = nullptr;
  PFN_vkResetCommandBuffer resetCommandBuffer = nullptr;
  PFN_vkBeginCommandBuffer beginCommandBuffer = nullptr;
  PFN_vkEndCommandBuffer endCommandBuffer = nullptr;
  PFN_vkCmdPipelineBarrier cmdPipelineBarrier = nullptr;
  PFN_vkCmdCopyImageToBuffer cmdCopyImageToBuffer = nullptr;
  PFN_vkQueueSubmit queueSubmit = nullptr;
  PFN_vkCreateFence createFence = nullptr;
  PFN_vkDestroyFence destroyFence = nullptr;
  PFN_vkWaitForFences waitForFences = nullptr;
  PFN_vkResetFences resetFences = nullptr;
};

struct SwapchainImage {
  VkImage image = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  bool handedOver = false;  // transitioned to the attachment layout once
};

struct Swapchain {
  Session* session = nullptr;
  XrSwapchainCreateInfo info{};
  VkFormat format = VK_FORMAT_UNDEFINED;
  bool depth = false;
  std::vector<SwapchainImage> images;
  std::deque<uint32_t> acquired;  // oldest first
  bool waited = false;            // the oldest acquired image has been waited on
  uint32_t nextIndex = 0;
  int64_t lastReleased = -1;
};

struct Action {
  ActionSet* set = nullptr;
  std::string name;
  std::string localizedName;
  XrActionType type = XR_ACTION_TYPE_BOOLEAN_INPUT;
  std::vector<XrPath> subactionPaths;
};

struct ActionSet {
  Instance* instance = nullptr;
  std::string name;
  std::string localizedName;
  uint32_t priority = 0;
  std::vector<Action*> actions;
  bool attached = false;
};

enum class SpaceKind { Reference, Action };
struct Space {
  Session* session = nullptr;
  SpaceKind kind = SpaceKind::Reference;
  XrReferenceSpaceType referenceType = XR_REFERENCE_SPACE_TYPE_LOCAL;
  Action* action = nullptr;
  XrPath subactionPath = XR_NULL_PATH;
  Pose offset;
};

struct ActionValue {
  bool active = false;
  float x = 0.0F;  // bool and float state, or vector x
  float y = 0.0F;
  bool changed = false;
  XrTime lastChange = 0;
};

// XR_FB_passthrough: the feature (one per session) and its layers.
struct PassthroughLayer;
struct Passthrough {
  Session* session = nullptr;
  bool running = false;
  std::set<PassthroughLayer*> layers;  // made from it and still alive
};
struct PassthroughLayer {
  Session* session = nullptr;
  Passthrough* passthrough = nullptr;  // null once the feature was destroyed
  bool running = false;
  XrPassthroughLayerPurposeFB purpose = XR_PASSTHROUGH_LAYER_PURPOSE_RECONSTRUCTION_FB;
};

struct Session {
  Instance* instance = nullptr;
  XrSessionState state = XR_SESSION_STATE_UNKNOWN;
  bool running = false;
  bool exitRequested = false;
  bool lost = false;
  XrViewConfigurationType viewConfiguration = XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO;

  // The application's device and the queue it lent us (XrGraphicsBindingVulkanKHR).
  VkInstance vkInstance = VK_NULL_HANDLE;
  VkPhysicalDevice physicalDevice = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  uint32_t queueFamily = 0;
  VulkanDispatch vk;
  VkCommandPool commandPool = VK_NULL_HANDLE;
  VkCommandBuffer commandBuffer = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;

  // Frame loop.
  uint32_t waitsPending = 0;   // xrWaitFrame calls not yet followed by xrBeginFrame
  bool frameBegun = false;
  uint64_t waitedFrameIndex = 0;
  uint64_t begunFrameIndex = 0;
  XrTime lastPredicted = 0;
  uint64_t framesEnded = 0;

  // Input.
  bool actionSetsAttached = false;
  XrPath interactionProfile = XR_NULL_PATH;
  std::map<std::pair<Action*, XrPath>, ActionValue> actionValues;  // XR_NULL_PATH = any hand
  bool synced = false;

  std::set<Space*> spaces;
  std::set<Swapchain*> swapchains;
  Passthrough* passthrough = nullptr;
  std::set<PassthroughLayer*> passthroughLayers;
};

// Which layers one xrEndFrame submitted, bottom first ("passthrough_fb",
// "projection+alpha+depth", ...), and over which frames.
struct LayerStack {
  std::vector<std::string> layers;
  uint64_t firstFrame = 0;
  uint64_t frames = 0;
};

struct Instance {
  std::set<std::string> extensions;
  XrInstanceCreateInfo createInfo{};
  std::string applicationName;
  HmdConfig hmd;
  Script script = Script::empty();
  bool graphicsRequirementsQueried = false;
  PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr = nullptr;  // enable2: the app's
  VkInstance vkInstance = VK_NULL_HANDLE;  // from xrCreateVulkanInstanceKHR or the app
  VkPhysicalDevice physicalDevice = VK_NULL_HANDLE;  // what we told the app to use

  std::vector<std::string> paths;  // XrPath n is paths[n - 1]
  std::map<std::string, XrPath> pathIds;

  std::deque<XrEventDataBuffer> events;
  uint64_t frameCounter = 0;  // xrWaitFrame calls over the instance's life
  XrTime epoch = 0;           // predicted display time of frame 0
  XrDuration period = 0;
  std::set<size_t> firedEvents;  // script events already applied
  // Where LOCAL and STAGE sit in the simulated world, from a display time
  // on: a runtime recenter (scripted) appends a new origin.
  std::vector<std::pair<XrTime, Pose>> localOrigins;
  std::vector<std::pair<XrTime, Pose>> stageOrigins;

  std::set<Session*> sessions;
  std::set<ActionSet*> actionSets;
  std::set<Action*> actions;
  // Suggested bindings per interaction profile: (action, binding path).
  std::map<XrPath, std::vector<std::pair<Action*, XrPath>>> suggested;

  // What MEDVERSE_XRSIM_REPORT records when the instance is destroyed.
  std::vector<std::string> stateLog;
  uint32_t sessionsCreated = 0;
  uint64_t hapticPulses[2] = {0, 0};
  std::vector<std::string> captures;
  std::map<std::string, uint32_t> implicitlyDestroyed;
  std::vector<LayerStack> layerStacks;  // distinct stacks, in order of first use
  uint32_t passthroughsCreated = 0;
  uint32_t passthroughLayersCreated = 0;
  uint32_t passthroughStarts = 0;
  std::vector<std::string> passthroughMisuse;  // the first few, for the report
  uint32_t recenters = 0;

  std::string captureDir;
  std::set<uint64_t> captureFrames;
  bool captureAll = false;
  std::string reportPath;
};

// The single runtime state, guarded by one mutex.
struct Runtime {
  std::recursive_mutex mutex;
  Instance* instance = nullptr;
  std::set<void*> live;  // every handle we have handed out
};
Runtime& runtime();

template <typename T>
T* fromHandle(uint64_t h) {
  return reinterpret_cast<T*>(static_cast<uintptr_t>(h));  // NOLINT(performance-no-int-to-ptr)
}
template <typename T, typename H>
T* lookup(H handle) {
  void* p = reinterpret_cast<void*>(handle);  // NOLINT
  return runtime().live.count(p) != 0 ? static_cast<T*>(p) : nullptr;
}
template <typename H, typename T>
H toHandle(T* p) {
  runtime().live.insert(p);
  return reinterpret_cast<H>(p);
}
void forget(void* p);

bool logEnabled();
#define XRSIM_LOG(...)                           \
  do {                                           \
    if (::medverse::xrsim::logEnabled()) {       \
      std::fprintf(stderr, "xrsim: " __VA_ARGS__); \
      std::fputc('\n', stderr);                  \
    }                                            \
  } while (0)
#define XRSIM_ERROR(...)                        \
  do {                                          \
    std::fprintf(stderr, "xrsim: " __VA_ARGS__); \
    std::fputc('\n', stderr);                   \
  } while (0)

// Helpers shared by the entry points.
XrPath internPath(Instance& instance, const std::string& path);
const std::string* pathString(const Instance& instance, XrPath path);
void queueEvent(Instance& instance, const XrEventDataBuffer& event);
void setSessionState(Session& session, XrSessionState state, XrTime time);
XrTime currentTime(const Instance& instance);
double scriptSeconds(const Instance& instance, XrTime time);
const char* stateName(XrSessionState state);

// Poses of the simulated devices in STAGE space (the simulated world).
Pose headPose(const Instance& instance, XrTime time);
Pose eyePose(const Instance& instance, XrTime time, int eye);
Pose initialLocalOrigin(const Instance& instance);
// Where LOCAL or STAGE is in the simulated world at `time`.
Pose spaceOrigin(const std::vector<std::pair<XrTime, Pose>>& origins, XrTime time);
bool locateInStage(const Space& space, XrTime time, Pose& pose);

// Input: bindings, evaluated values, profiles.
bool profileKnown(const std::string& profile);
bool bindingValid(const std::string& profile, const std::string& binding);
void syncActionValues(Session& session, const std::vector<XrActiveActionSet>& sets, XrTime time);
bool actionBoundToPose(const Session& session, const Action& action, XrPath subaction,
                       XrPath* binding);

// Vulkan: swapchain images on the app's device, capture.
XrResult loadDeviceDispatch(Session& session, PFN_vkGetInstanceProcAddr gipa);
XrResult createSessionVulkanObjects(Session& session);
void destroySessionVulkanObjects(Session& session);
XrResult createSwapchainImages(Swapchain& swapchain);
void destroySwapchainImages(Swapchain& swapchain);
XrResult handOverImage(Swapchain& swapchain, uint32_t index);
// Writes the projection layer's two views to PNG. `keepAlpha` for blended
// (AR) modes; opaque displays ignore alpha, so the capture does too.
void captureProjection(Session& session, const XrCompositionLayerProjection& layer,
                       uint64_t frame, bool keepAlpha);

// XR_FB_passthrough: whether a layer may be composited now (else why not),
// a misuse note for the report, and the implicit clean-up with the session.
bool passthroughLayerRunning(const PassthroughLayer& layer, std::string& why);
void notePassthroughMisuse(Instance& instance, const std::string& what);
void destroyPassthroughObjects(Session& session);

// Destroys a session and everything created from it.
XrResult destroySession(Session* session);

// The dispatch table for xrGetInstanceProcAddr.
PFN_xrVoidFunction lookupFunction(const char* name);
PFN_xrVoidFunction passthroughFunction(const char* name);

// The HMD as the environment configures it (MEDVERSE_XRSIM_SCRIPT's hmd
// section, then MEDVERSE_XRSIM_* variables), for the global functions that
// run before any instance (which extensions are offered).
bool configuredHmd(HmdConfig& hmd);

template <typename T>
XrResult twoCall(uint32_t capacity, uint32_t* countOutput, T* out, const std::vector<T>& items) {
  if (countOutput == nullptr) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  *countOutput = static_cast<uint32_t>(items.size());
  if (capacity == 0) {
    return XR_SUCCESS;
  }
  if (capacity < items.size()) {
    return XR_ERROR_SIZE_INSUFFICIENT;
  }
  for (size_t i = 0; i < items.size(); ++i) {
    out[i] = items[i];
  }
  return XR_SUCCESS;
}

XrResult twoCallString(uint32_t capacity, uint32_t* countOutput, char* buffer,
                       const std::string& s);

}  // namespace medverse::xrsim
