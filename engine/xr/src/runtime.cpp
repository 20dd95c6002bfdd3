#include "medverse/xr/runtime.h"

#include <algorithm>
#include <cstring>

#include "medverse/core/log.h"

namespace medverse::xr {
namespace {

constexpr size_t kMaxRecordedErrors = 8;

XRAPI_ATTR XrBool32 XRAPI_CALL debugCallback(XrDebugUtilsMessageSeverityFlagsEXT severity,
                                             XrDebugUtilsMessageTypeFlagsEXT /*types*/,
                                             const XrDebugUtilsMessengerCallbackDataEXT* data,
                                             void* user) {
  static_cast<XrRuntime*>(user)->onDebugMessage(
      severity, data != nullptr && data->message != nullptr ? data->message : "");
  return XR_FALSE;
}

template <typename F>
Status loadFunction(XrInstance instance, const char* name, F& out) {
  PFN_xrVoidFunction f = nullptr;
  MV_XR_TRY(instance, xrGetInstanceProcAddr(instance, name, &f));
  out = reinterpret_cast<F>(f);
  return {};
}

}  // namespace

Result<std::unique_ptr<XrRuntime>> XrRuntime::create(const RuntimeOptions& options) {
  std::unique_ptr<XrRuntime> r(new XrRuntime());
  if (Status s = r->init(options); !s) {
    return s.error();
  }
  return r;
}

Status XrRuntime::init(const RuntimeOptions& options) {
  uint32_t count = 0;
  MV_XR_TRY(XR_NULL_HANDLE, xrEnumerateInstanceExtensionProperties(nullptr, 0, &count, nullptr));
  std::vector<XrExtensionProperties> available(count, {XR_TYPE_EXTENSION_PROPERTIES});
  MV_XR_TRY(XR_NULL_HANDLE,
            xrEnumerateInstanceExtensionProperties(nullptr, count, &count, available.data()));
  auto has = [&](const char* name) {
    return std::any_of(available.begin(), available.end(), [&](const XrExtensionProperties& e) {
      return std::strcmp(e.extensionName, name) == 0;
    });
  };
  if (!has(XR_KHR_VULKAN_ENABLE2_EXTENSION_NAME)) {
    return makeError("the OpenXR runtime does not offer XR_KHR_vulkan_enable2, which MedVerse needs");
  }
  std::vector<const char*> extensions{XR_KHR_VULKAN_ENABLE2_EXTENSION_NAME};
  depthLayer_ = has(XR_KHR_COMPOSITION_LAYER_DEPTH_EXTENSION_NAME);
  if (depthLayer_) {
    extensions.push_back(XR_KHR_COMPOSITION_LAYER_DEPTH_EXTENSION_NAME);
  }
  debugUtils_ = has(XR_EXT_DEBUG_UTILS_EXTENSION_NAME);
  if (debugUtils_) {
    extensions.push_back(XR_EXT_DEBUG_UTILS_EXTENSION_NAME);
  }
  fbPassthrough_ = has(XR_FB_PASSTHROUGH_EXTENSION_NAME);
  // AR on a passthrough-camera headset (Quest): the runtime composites its
  // camera view beneath our layer, whatever blend mode the display has.
  if (options.mode == ViewMode::Ar && fbPassthrough_) {
    extensions.push_back(XR_FB_PASSTHROUGH_EXTENSION_NAME);
  }

  XrInstanceCreateInfo info{XR_TYPE_INSTANCE_CREATE_INFO};
  std::snprintf(info.applicationInfo.applicationName, XR_MAX_APPLICATION_NAME_SIZE, "%s",
                options.applicationName.c_str());
  info.applicationInfo.applicationVersion = 1;
  std::snprintf(info.applicationInfo.engineName, XR_MAX_ENGINE_NAME_SIZE, "MedVerse");
  info.applicationInfo.engineVersion = 1;
  info.applicationInfo.apiVersion = XR_MAKE_VERSION(1, 0, 0);
  info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  info.enabledExtensionNames = extensions.data();
  // Chained so that instance creation itself is reported too.
  XrDebugUtilsMessengerCreateInfoEXT messenger{XR_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
  messenger.messageSeverities = XR_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                                XR_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  messenger.messageTypes = XR_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                           XR_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                           XR_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT |
                           XR_DEBUG_UTILS_MESSAGE_TYPE_CONFORMANCE_BIT_EXT;
  messenger.userCallback = debugCallback;
  messenger.userData = this;
  if (debugUtils_) {
    info.next = &messenger;
  }
  MV_XR_TRY(XR_NULL_HANDLE, xrCreateInstance(&info, &instance_));
  if (debugUtils_) {
    PFN_xrCreateDebugUtilsMessengerEXT createMessenger = nullptr;
    if (Status s = loadFunction(instance_, "xrCreateDebugUtilsMessengerEXT", createMessenger); !s) {
      return s;
    }
    MV_XR_TRY(instance_, createMessenger(instance_, &messenger, &messenger_));
  }

  XrInstanceProperties props{XR_TYPE_INSTANCE_PROPERTIES};
  MV_XR_TRY(instance_, xrGetInstanceProperties(instance_, &props));
  runtimeName_ = props.runtimeName;

  XrSystemGetInfo systemInfo{XR_TYPE_SYSTEM_GET_INFO};
  systemInfo.formFactor = XR_FORM_FACTOR_HEAD_MOUNTED_DISPLAY;
  XrResult r = xrGetSystem(instance_, &systemInfo, &system_);
  if (r == XR_ERROR_FORM_FACTOR_UNAVAILABLE) {
    return makeError("no headset is connected to the OpenXR runtime " + runtimeName_ +
                     " (XR_ERROR_FORM_FACTOR_UNAVAILABLE); switch it on and try again");
  }
  MV_XR_TRY(instance_, r);
  XrSystemProperties systemProps{XR_TYPE_SYSTEM_PROPERTIES};
  XrSystemPassthroughPropertiesFB passthroughProps{XR_TYPE_SYSTEM_PASSTHROUGH_PROPERTIES_FB};
  const bool askPassthrough = options.mode == ViewMode::Ar && fbPassthrough_;
  if (askPassthrough) {
    systemProps.next = &passthroughProps;
  }
  MV_XR_TRY(instance_, xrGetSystemProperties(instance_, system_, &systemProps));
  systemName_ = systemProps.systemName;
  if (askPassthrough && passthroughProps.supportsPassthrough != XR_FALSE) {
    if (Status s = loadPassthroughFunctions(); !s) {
      return s;
    }
    passthrough_ = true;
  }

  // Stereo is what MedVerse renders; mono (handheld) is not supported.
  uint32_t configCount = 0;
  MV_XR_TRY(instance_, xrEnumerateViewConfigurations(instance_, system_, 0, &configCount, nullptr));
  std::vector<XrViewConfigurationType> configs(configCount);
  MV_XR_TRY(instance_, xrEnumerateViewConfigurations(instance_, system_, configCount, &configCount,
                                                     configs.data()));
  if (std::find(configs.begin(), configs.end(), XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO) ==
      configs.end()) {
    return makeError("the XR system " + systemName_ + " has no stereo view configuration");
  }
  uint32_t viewCount = 0;
  MV_XR_TRY(instance_, xrEnumerateViewConfigurationViews(
                           instance_, system_, XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO, 0,
                           &viewCount, nullptr));
  if (viewCount != 2) {
    return makeError("the stereo view configuration has " + std::to_string(viewCount) + " views");
  }
  views_.fill({XR_TYPE_VIEW_CONFIGURATION_VIEW});
  MV_XR_TRY(instance_, xrEnumerateViewConfigurationViews(
                           instance_, system_, XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO, 2,
                           &viewCount, views_.data()));

  uint32_t blendCount = 0;
  MV_XR_TRY(instance_, xrEnumerateEnvironmentBlendModes(
                           instance_, system_, XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO, 0,
                           &blendCount, nullptr));
  std::vector<XrEnvironmentBlendMode> blends(blendCount);
  MV_XR_TRY(instance_, xrEnumerateEnvironmentBlendModes(
                           instance_, system_, XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO,
                           blendCount, &blendCount, blends.data()));
  auto offered = [&](XrEnvironmentBlendMode m) {
    return std::find(blends.begin(), blends.end(), m) != blends.end();
  };
  if (options.mode == ViewMode::Vr) {
    blendMode_ = offered(XR_ENVIRONMENT_BLEND_MODE_OPAQUE) ? XR_ENVIRONMENT_BLEND_MODE_OPAQUE
                                                           : blends.front();
  } else if (passthrough_) {
    // The passthrough layer goes beneath the projection layer, which is
    // blended over it by its alpha; the display itself stays opaque.
    blendMode_ = offered(XR_ENVIRONMENT_BLEND_MODE_OPAQUE) ? XR_ENVIRONMENT_BLEND_MODE_OPAQUE
                                                           : blends.front();
  } else if (offered(XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND)) {
    blendMode_ = XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND;
  } else if (offered(XR_ENVIRONMENT_BLEND_MODE_ADDITIVE)) {
    blendMode_ = XR_ENVIRONMENT_BLEND_MODE_ADDITIVE;
  } else {
    return makeError("AR mode needs a see-through or passthrough headset: " + systemName_ +
                     " offers only the opaque blend mode" +
                     (fbPassthrough_ ? " and its XR_FB_passthrough reports no passthrough support"
                                     : " and no XR_FB_passthrough"));
  }

  if (Status s = loadFunction(instance_, "xrGetVulkanGraphicsRequirements2KHR", getRequirements_); !s) {
    return s;
  }
  if (Status s = loadFunction(instance_, "xrCreateVulkanInstanceKHR", createVkInstance_); !s) {
    return s;
  }
  if (Status s = loadFunction(instance_, "xrGetVulkanGraphicsDevice2KHR", getVkDevice_); !s) {
    return s;
  }
  if (Status s = loadFunction(instance_, "xrCreateVulkanDeviceKHR", createVkDevice_); !s) {
    return s;
  }
  log::get("xr")->info("OpenXR runtime {}: {} ({}x{} per eye)", runtimeName_, systemName_,
                       views_[0].recommendedImageRectWidth, views_[0].recommendedImageRectHeight);
  return {};
}

Status XrRuntime::loadPassthroughFunctions() {
  FbPassthrough& f = fb_;
  if (Status s = loadFunction(instance_, "xrCreatePassthroughFB", f.createPassthrough); !s) {
    return s;
  }
  if (Status s = loadFunction(instance_, "xrDestroyPassthroughFB", f.destroyPassthrough); !s) {
    return s;
  }
  if (Status s = loadFunction(instance_, "xrCreatePassthroughLayerFB", f.createLayer); !s) {
    return s;
  }
  return loadFunction(instance_, "xrDestroyPassthroughLayerFB", f.destroyLayer);
}

XrRuntime::~XrRuntime() {
  if (messenger_ != XR_NULL_HANDLE) {
    PFN_xrDestroyDebugUtilsMessengerEXT destroy = nullptr;
    if (loadFunction(instance_, "xrDestroyDebugUtilsMessengerEXT", destroy) && destroy != nullptr) {
      destroy(messenger_);
    }
  }
  if (instance_ != XR_NULL_HANDLE) {
    xrDestroyInstance(instance_);
  }
}

Result<std::unique_ptr<render::Context>> XrRuntime::createContext(bool validation) {
  XrGraphicsRequirementsVulkan2KHR requirements{XR_TYPE_GRAPHICS_REQUIREMENTS_VULKAN2_KHR};
  MV_XR_TRY(instance_, getRequirements_(instance_, system_, &requirements));
  if (requirements.minApiVersionSupported > XR_MAKE_VERSION(1, 2, 0)) {
    return makeError("the OpenXR runtime needs Vulkan " +
                     std::to_string(XR_VERSION_MAJOR(requirements.minApiVersionSupported)) + "." +
                     std::to_string(XR_VERSION_MINOR(requirements.minApiVersionSupported)) +
                     "; MedVerse uses Vulkan 1.2");
  }
  render::ContextOptions options;
  options.validation = validation;
  options.applicationName = "MedVerse (XR)";
  options.external.createInstance = [this](const VkInstanceCreateInfo& ci, VkInstance* out) {
    XrVulkanInstanceCreateInfoKHR info{XR_TYPE_VULKAN_INSTANCE_CREATE_INFO_KHR};
    info.systemId = system_;
    info.pfnGetInstanceProcAddr = &vkGetInstanceProcAddr;
    info.vulkanCreateInfo = &ci;
    VkResult vr = VK_SUCCESS;
    XrResult r = createVkInstance_(instance_, &info, out, &vr);
    if (XR_FAILED(r)) {
      log::get("xr")->error("xrCreateVulkanInstanceKHR: {}", resultName(instance_, r));
      return vr != VK_SUCCESS ? vr : VK_ERROR_INITIALIZATION_FAILED;
    }
    return vr;
  };
  options.external.physicalDevice = [this](VkInstance vk) -> Result<VkPhysicalDevice> {
    XrVulkanGraphicsDeviceGetInfoKHR info{XR_TYPE_VULKAN_GRAPHICS_DEVICE_GET_INFO_KHR};
    info.systemId = system_;
    info.vulkanInstance = vk;
    VkPhysicalDevice device = VK_NULL_HANDLE;
    MV_XR_TRY(instance_, getVkDevice_(instance_, &info, &device));
    return device;
  };
  options.external.createDevice = [this](VkPhysicalDevice pd, const VkDeviceCreateInfo& ci,
                                         VkDevice* out) {
    XrVulkanDeviceCreateInfoKHR info{XR_TYPE_VULKAN_DEVICE_CREATE_INFO_KHR};
    info.systemId = system_;
    info.pfnGetInstanceProcAddr = &vkGetInstanceProcAddr;
    info.vulkanPhysicalDevice = pd;
    info.vulkanCreateInfo = &ci;
    VkResult vr = VK_SUCCESS;
    XrResult r = createVkDevice_(instance_, &info, out, &vr);
    if (XR_FAILED(r)) {
      log::get("xr")->error("xrCreateVulkanDeviceKHR: {}", resultName(instance_, r));
      return vr != VK_SUCCESS ? vr : VK_ERROR_INITIALIZATION_FAILED;
    }
    return vr;
  };
  return render::Context::create(options);
}

void XrRuntime::onDebugMessage(XrDebugUtilsMessageSeverityFlagsEXT severity, const char* message) {
  const bool error = (severity & XR_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) != 0;
  {
    std::lock_guard lock(reportMutex_);
    if (error) {
      ++report_.errors;
      if (report_.firstErrors.size() < kMaxRecordedErrors) {
        report_.firstErrors.emplace_back(message);
      }
    } else {
      ++report_.warnings;
    }
  }
  if (error) {
    log::get("openxr")->error("{}", message);
  } else {
    log::get("openxr")->warn("{}", message);
  }
}

XrValidationReport XrRuntime::validationReport() const {
  std::lock_guard lock(reportMutex_);
  return report_;
}

}  // namespace medverse::xr
