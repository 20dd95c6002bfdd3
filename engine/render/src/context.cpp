#include "medverse/render/context.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "medverse/core/log.h"
#include "medverse/render/memory.h"
#include "medverse/render/vk_result.h"

namespace medverse::render {
namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";
constexpr size_t kMaxRecordedErrors = 8;

std::mutex g_processReportMutex;
ValidationReport g_processReport;

void record(ValidationReport& report, bool error, const char* message) {
  if (error) {
    ++report.errors;
    if (report.firstErrors.size() < kMaxRecordedErrors) {
      report.firstErrors.emplace_back(message);
    }
  } else {
    ++report.warnings;
  }
}

VKAPI_ATTR VkBool32 VKAPI_CALL debugCallback(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                             VkDebugUtilsMessageTypeFlagsEXT /*types*/,
                                             const VkDebugUtilsMessengerCallbackDataEXT* data,
                                             void* user) {
  auto* context = static_cast<Context*>(user);
  context->onValidationMessage(severity, data->pMessage != nullptr ? data->pMessage : "");
  return VK_FALSE;  // never abort the call: we count and report instead
}

VkDebugUtilsMessengerCreateInfoEXT messengerInfo(Context* context) {
  VkDebugUtilsMessengerCreateInfoEXT info{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
  info.messageSeverity =
      VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
  info.pfnUserCallback = debugCallback;
  info.pUserData = context;
  return info;
}

bool hasLayer(const char* name) {
  uint32_t count = 0;
  vkEnumerateInstanceLayerProperties(&count, nullptr);
  std::vector<VkLayerProperties> layers(count);
  vkEnumerateInstanceLayerProperties(&count, layers.data());
  return std::any_of(layers.begin(), layers.end(),
                     [&](const VkLayerProperties& l) { return std::strcmp(l.layerName, name) == 0; });
}

bool hasInstanceExtension(const char* name) {
  uint32_t count = 0;
  vkEnumerateInstanceExtensionProperties(nullptr, &count, nullptr);
  std::vector<VkExtensionProperties> exts(count);
  vkEnumerateInstanceExtensionProperties(nullptr, &count, exts.data());
  return std::any_of(exts.begin(), exts.end(), [&](const VkExtensionProperties& e) {
    return std::strcmp(e.extensionName, name) == 0;
  });
}

int deviceTypeScore(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return 4;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return 3;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return 1;
    default:
      return 0;
  }
}

// On Mesa's lavapipe (llvmpipe) 22.3.6 the clipped triangles of view 1 of a
// multiview pass vanish from layer 1 and land in layer 0 (most likely the
// clipper interpolates the view/layer index like any vertex output; see
// tests/render/test_stereo.cpp). Other drivers get native multiview.
bool choseNativeMultiview(VkPhysicalDevice device, MultiviewPolicy policy) {
  if (const char* env = std::getenv("MEDVERSE_MULTIVIEW"); env != nullptr) {  // NOLINT(concurrency-mt-unsafe)
    if (std::strcmp(env, "native") == 0) {
      policy = MultiviewPolicy::Native;
    } else if (std::strcmp(env, "per-view") == 0) {
      policy = MultiviewPolicy::PerViewPasses;
    }
  }
  if (policy != MultiviewPolicy::Auto) {
    return policy == MultiviewPolicy::Native;
  }
  VkPhysicalDeviceVulkan12Properties props12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES};
  VkPhysicalDeviceProperties2 props{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  props.pNext = &props12;
  vkGetPhysicalDeviceProperties2(device, &props);
  return props12.driverID != VK_DRIVER_ID_MESA_LLVMPIPE;
}

}  // namespace

bool validationRequestedByEnv() {
  const char* env = std::getenv("MEDVERSE_VALIDATION");  // NOLINT(concurrency-mt-unsafe)
  return env != nullptr && std::strcmp(env, "1") == 0;
}

Result<std::unique_ptr<Context>> Context::create(const ContextOptions& options) {
  std::unique_ptr<Context> context(new Context());
  if (Status s = context->createInstance(options); !s) {
    return s.error();
  }
  if (Status s = context->pickPhysicalDevice(options); !s) {
    return s.error();
  }
  if (Status s = context->createDevice(options); !s) {
    return s.error();
  }
  context->allocator_ = std::make_unique<GpuAllocator>(context->physicalDevice_, context->device_);
  return context;
}

Status Context::createInstance(const ContextOptions& options) {
  uint32_t loaderVersion = 0;
  vkEnumerateInstanceVersion(&loaderVersion);
  if (loaderVersion < VK_API_VERSION_1_2) {
    return makeError("the Vulkan loader supports only " + std::to_string(VK_API_VERSION_MAJOR(loaderVersion)) +
                     "." + std::to_string(VK_API_VERSION_MINOR(loaderVersion)) +
                     "; MedVerse needs Vulkan 1.2 or newer");
  }

  std::vector<const char*> extensions;
  for (const auto& e : options.instanceExtensions) {
    extensions.push_back(e.c_str());
  }
  std::vector<const char*> layers;
  validation_ = options.validation;
  if (validation_) {
    if (!hasLayer(kValidationLayer)) {
      return makeError(
          "Vulkan validation was requested (MEDVERSE_VALIDATION=1) but VK_LAYER_KHRONOS_validation "
          "is not installed; run scripts/setup (package vulkan-validationlayers)");
    }
    if (!hasInstanceExtension(VK_EXT_DEBUG_UTILS_EXTENSION_NAME)) {
      return makeError("validation needs VK_EXT_debug_utils, which this Vulkan loader lacks");
    }
    layers.push_back(kValidationLayer);
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  }

  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = options.applicationName.c_str();
  app.applicationVersion = VK_MAKE_API_VERSION(0, 0, 1, 0);
  app.pEngineName = "MedVerse";
  app.engineVersion = VK_MAKE_API_VERSION(0, 0, 1, 0);
  app.apiVersion = VK_API_VERSION_1_2;

  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.pApplicationInfo = &app;
  info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  info.enabledLayerCount = static_cast<uint32_t>(layers.size());
  info.ppEnabledLayerNames = layers.data();

  // Synchronization validation catches missing barriers, which lavapipe
  // (executing in order on the CPU) would otherwise forgive silently.
  VkValidationFeatureEnableEXT enables[] = {VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
  VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
  features.enabledValidationFeatureCount = 1;
  features.pEnabledValidationFeatures = enables;
  VkDebugUtilsMessengerCreateInfoEXT messenger = messengerInfo(this);
  if (validation_) {
    // Chained so that instance creation and destruction are validated too.
    messenger.pNext = &features;
    info.pNext = &messenger;
  }
  MV_VK_TRY(options.external.createInstance ? options.external.createInstance(info, &instance_)
                                             : vkCreateInstance(&info, nullptr, &instance_));

  if (validation_) {
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
    VkDebugUtilsMessengerCreateInfoEXT info2 = messengerInfo(this);
    MV_VK_TRY(create(instance_, &info2, nullptr, &messenger_));
  }
  return {};
}

Status Context::pickPhysicalDevice(const ContextOptions& options) {
  if (options.external.physicalDevice) {
    Result<VkPhysicalDevice> device = options.external.physicalDevice(instance_);
    if (!device) {
      return device.error();
    }
    return useExternalPhysicalDevice(*device);
  }
  uint32_t count = 0;
  MV_VK_TRY(vkEnumeratePhysicalDevices(instance_, &count, nullptr));
  if (count == 0) {
    return makeError(
        "no Vulkan device found; install mesa-vulkan-drivers (lavapipe) with scripts/setup");
  }
  std::vector<VkPhysicalDevice> devices(count);
  MV_VK_TRY(vkEnumeratePhysicalDevices(instance_, &count, devices.data()));

  std::string preferred = options.preferredDevice;
  if (const char* env = std::getenv("MEDVERSE_GPU"); env != nullptr) {  // NOLINT(concurrency-mt-unsafe)
    preferred = env;
  }

  int bestScore = -1;
  std::string rejected;
  for (VkPhysicalDevice device : devices) {
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(device, &props);
    if (props.apiVersion < VK_API_VERSION_1_2) {
      rejected += std::string(" ") + props.deviceName + " (Vulkan < 1.2);";
      continue;
    }
    uint32_t familyCount = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(device, &familyCount, nullptr);
    std::vector<VkQueueFamilyProperties> families(familyCount);
    vkGetPhysicalDeviceQueueFamilyProperties(device, &familyCount, families.data());
    int family = -1;
    for (uint32_t i = 0; i < familyCount; ++i) {
      if ((families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) != 0) {
        family = static_cast<int>(i);
        break;
      }
    }
    if (family < 0) {
      rejected += std::string(" ") + props.deviceName + " (no graphics queue);";
      continue;
    }
    // A discrete GPU when present, lavapipe (CPU) as the last resort.
    int score = deviceTypeScore(props.deviceType) * 10;
    if (!preferred.empty() && std::strstr(props.deviceName, preferred.c_str()) != nullptr) {
      score += 100;
    }
    if (score > bestScore) {
      bestScore = score;
      physicalDevice_ = device;
      properties_ = props;
      queueFamily_ = static_cast<uint32_t>(family);
    }
  }
  if (physicalDevice_ == VK_NULL_HANDLE) {
    return makeError("no usable Vulkan 1.2 device with a graphics queue:" + rejected);
  }
  log::get("render")->info("Vulkan device: {} (Vulkan {}.{}.{}){}", properties_.deviceName,
                           VK_API_VERSION_MAJOR(properties_.apiVersion),
                           VK_API_VERSION_MINOR(properties_.apiVersion),
                           VK_API_VERSION_PATCH(properties_.apiVersion),
                           validation_ ? ", validation on" : "");
  return {};
}

Status Context::useExternalPhysicalDevice(VkPhysicalDevice device) {
  vkGetPhysicalDeviceProperties(device, &properties_);
  if (properties_.apiVersion < VK_API_VERSION_1_2) {
    return makeError(std::string("the device chosen for us, ") + properties_.deviceName +
                     ", supports only Vulkan < 1.2");
  }
  uint32_t familyCount = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(device, &familyCount, nullptr);
  std::vector<VkQueueFamilyProperties> families(familyCount);
  vkGetPhysicalDeviceQueueFamilyProperties(device, &familyCount, families.data());
  for (uint32_t i = 0; i < familyCount; ++i) {
    if ((families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) != 0) {
      physicalDevice_ = device;
      queueFamily_ = i;
      log::get("render")->info("Vulkan device (chosen by the XR runtime): {}{}",
                               properties_.deviceName, validation_ ? ", validation on" : "");
      return {};
    }
  }
  return makeError(std::string("the device chosen for us, ") + properties_.deviceName +
                   ", has no graphics queue");
}

Status Context::createDevice(const ContextOptions& options) {
  float priority = 1.0F;
  VkDeviceQueueCreateInfo queueInfo{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queueInfo.queueFamilyIndex = queueFamily_;
  queueInfo.queueCount = 1;
  queueInfo.pQueuePriorities = &priority;

  uint32_t extCount = 0;
  vkEnumerateDeviceExtensionProperties(physicalDevice_, nullptr, &extCount, nullptr);
  std::vector<VkExtensionProperties> available(extCount);
  vkEnumerateDeviceExtensionProperties(physicalDevice_, nullptr, &extCount, available.data());
  std::vector<const char*> extensions;
  for (const auto& e : options.deviceExtensions) {
    bool found = std::any_of(available.begin(), available.end(), [&](const VkExtensionProperties& p) {
      return e == p.extensionName;
    });
    if (!found) {
      return makeError("Vulkan device " + deviceName() + " lacks the extension " + e);
    }
    extensions.push_back(e.c_str());
  }
  deviceExtensions_ = options.deviceExtensions;

  // Features the passes rely on (multiview is core in 1.1; requested for stereo).
  VkPhysicalDeviceVulkan11Features supported11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
  VkPhysicalDeviceFeatures2 supported{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  supported.pNext = &supported11;
  vkGetPhysicalDeviceFeatures2(physicalDevice_, &supported);

  VkPhysicalDeviceVulkan11Features enabled11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
  enabled11.multiview = supported11.multiview;
  multiview_ = supported11.multiview == VK_TRUE;
  nativeMultiview_ = multiview_ && choseNativeMultiview(physicalDevice_, options.multiview);
  VkPhysicalDeviceFeatures2 enabled{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  enabled.pNext = &enabled11;
  enabled.features.samplerAnisotropy = supported.features.samplerAnisotropy;
  enabled.features.fillModeNonSolid = supported.features.fillModeNonSolid;
  enabled.features.sampleRateShading = supported.features.sampleRateShading;

  VkDeviceCreateInfo info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  info.pNext = &enabled;
  info.queueCreateInfoCount = 1;
  info.pQueueCreateInfos = &queueInfo;
  info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  MV_VK_TRY(options.external.createDevice ? options.external.createDevice(physicalDevice_, info, &device_)
                                           : vkCreateDevice(physicalDevice_, &info, nullptr, &device_));
  vkGetDeviceQueue(device_, queueFamily_, 0, &queue_);

  VkCommandPoolCreateInfo poolInfo{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  poolInfo.flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT | VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  poolInfo.queueFamilyIndex = queueFamily_;
  MV_VK_TRY(vkCreateCommandPool(device_, &poolInfo, nullptr, &uploadPool_));
  VkFenceCreateInfo fenceInfo{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  MV_VK_TRY(vkCreateFence(device_, &fenceInfo, nullptr, &uploadFence_));
  return {};
}

Context::~Context() {
  if (device_ != VK_NULL_HANDLE) {
    vkDeviceWaitIdle(device_);
    allocator_.reset();
    vkDestroyFence(device_, uploadFence_, nullptr);
    vkDestroyCommandPool(device_, uploadPool_, nullptr);
    vkDestroyDevice(device_, nullptr);
  }
  if (messenger_ != VK_NULL_HANDLE) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    destroy(instance_, messenger_, nullptr);
  }
  if (instance_ != VK_NULL_HANDLE) {
    vkDestroyInstance(instance_, nullptr);
  }
}

Status Context::submitAndWait(const std::function<void(VkCommandBuffer)>& record) {
  std::lock_guard lock(submitMutex_);
  VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  alloc.commandPool = uploadPool_;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = 1;
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  MV_VK_TRY(vkAllocateCommandBuffers(device_, &alloc, &cmd));
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  vkBeginCommandBuffer(cmd, &begin);
  record(cmd);
  vkEndCommandBuffer(cmd);
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &cmd;
  VkResult r = vkQueueSubmit(queue_, 1, &submit, uploadFence_);
  if (r == VK_SUCCESS) {
    r = vkWaitForFences(device_, 1, &uploadFence_, VK_TRUE, UINT64_MAX);
    vkResetFences(device_, 1, &uploadFence_);
  }
  vkFreeCommandBuffers(device_, uploadPool_, 1, &cmd);
  if (r != VK_SUCCESS) {
    return vkError("one-time submission", r);
  }
  return {};
}

VkSampleCountFlagBits Context::supportedSamples(VkSampleCountFlagBits wanted) const {
  VkSampleCountFlags counts = properties_.limits.framebufferColorSampleCounts &
                              properties_.limits.framebufferDepthSampleCounts;
  for (auto s = static_cast<uint32_t>(wanted); s > 1; s >>= 1U) {
    if ((counts & s) != 0) {
      return static_cast<VkSampleCountFlagBits>(s);
    }
  }
  return VK_SAMPLE_COUNT_1_BIT;
}

void Context::onValidationMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                  const char* message) {
  const bool error = (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) != 0;
  {
    std::lock_guard lock(reportMutex_);
    record(report_, error, message);
  }
  {
    std::lock_guard lock(g_processReportMutex);
    record(g_processReport, error, message);
  }
  if (error) {
    log::get("vulkan")->error("{}", message);
  } else {
    log::get("vulkan")->warn("{}", message);
  }
}

bool Context::deviceExtensionEnabled(const std::string& name) const {
  return std::find(deviceExtensions_.begin(), deviceExtensions_.end(), name) !=
         deviceExtensions_.end();
}

ValidationReport processValidationReport() {
  std::lock_guard lock(g_processReportMutex);
  return g_processReport;
}

ValidationReport Context::validationReport() const {
  std::lock_guard lock(reportMutex_);
  return report_;
}

}  // namespace medverse::render
