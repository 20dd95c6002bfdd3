#pragma once
// The OpenXR instance and the head-mounted system it drives: extensions,
// the stereo view configuration, the environment blend mode for VR or AR,
// and the Vulkan context created the way XR_KHR_vulkan_enable2 requires
// (the runtime creates the VkInstance and VkDevice from our create info).
#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/render/context.h"
#include "medverse/xr/xr_check.h"

namespace medverse::xr {

enum class ViewMode {
  Vr,  // opaque display
  // See-through or passthrough: XR_FB_passthrough's camera layer beneath
  // ours when the runtime offers it, else an alpha-blend or additive display.
  Ar,
};

// XR_FB_passthrough's entry points, loaded when passthrough is used.
struct FbPassthrough {
  PFN_xrCreatePassthroughFB createPassthrough = nullptr;
  PFN_xrDestroyPassthroughFB destroyPassthrough = nullptr;
  PFN_xrCreatePassthroughLayerFB createLayer = nullptr;
  PFN_xrDestroyPassthroughLayerFB destroyLayer = nullptr;
};

struct RuntimeOptions {
  std::string applicationName = "MedVerse";
  ViewMode mode = ViewMode::Vr;
};

// What the OpenXR debug messenger (XR_EXT_debug_utils: the loader and the
// core validation layer) reported. Any error fails a test.
struct XrValidationReport {
  uint32_t errors = 0;
  uint32_t warnings = 0;
  std::vector<std::string> firstErrors;
};

class XrRuntime {
 public:
  static Result<std::unique_ptr<XrRuntime>> create(const RuntimeOptions& options = {});
  ~XrRuntime();
  XrRuntime(const XrRuntime&) = delete;
  XrRuntime& operator=(const XrRuntime&) = delete;

  [[nodiscard]] XrInstance instance() const { return instance_; }
  [[nodiscard]] XrSystemId system() const { return system_; }
  [[nodiscard]] const std::string& runtimeName() const { return runtimeName_; }
  [[nodiscard]] const std::string& systemName() const { return systemName_; }
  [[nodiscard]] XrEnvironmentBlendMode blendMode() const { return blendMode_; }
  [[nodiscard]] const std::array<XrViewConfigurationView, 2>& views() const { return views_; }
  [[nodiscard]] bool depthLayerSupported() const { return depthLayer_; }
  [[nodiscard]] bool fbPassthroughOffered() const { return fbPassthrough_; }
  // AR through XR_FB_passthrough: each session runs a passthrough layer
  // beneath its projection layer (blend mode opaque, clear alpha 0).
  [[nodiscard]] bool passthroughEnabled() const { return passthrough_; }
  [[nodiscard]] const FbPassthrough& fbPassthrough() const { return fb_; }

  // Creates the Vulkan context through the runtime (XR_KHR_vulkan_enable2).
  Result<std::unique_ptr<render::Context>> createContext(bool validation);

  [[nodiscard]] XrValidationReport validationReport() const;
  void onDebugMessage(XrDebugUtilsMessageSeverityFlagsEXT severity, const char* message);

 private:
  XrRuntime() = default;
  Status init(const RuntimeOptions& options);
  Status loadPassthroughFunctions();

  XrInstance instance_ = XR_NULL_HANDLE;
  XrSystemId system_ = XR_NULL_SYSTEM_ID;
  XrDebugUtilsMessengerEXT messenger_ = XR_NULL_HANDLE;
  std::string runtimeName_;
  std::string systemName_;
  XrEnvironmentBlendMode blendMode_ = XR_ENVIRONMENT_BLEND_MODE_OPAQUE;
  std::array<XrViewConfigurationView, 2> views_{};
  bool depthLayer_ = false;
  bool fbPassthrough_ = false;
  bool passthrough_ = false;
  FbPassthrough fb_;
  bool debugUtils_ = false;

  PFN_xrGetVulkanGraphicsRequirements2KHR getRequirements_ = nullptr;
  PFN_xrCreateVulkanInstanceKHR createVkInstance_ = nullptr;
  PFN_xrGetVulkanGraphicsDevice2KHR getVkDevice_ = nullptr;
  PFN_xrCreateVulkanDeviceKHR createVkDevice_ = nullptr;

  mutable std::mutex reportMutex_;
  XrValidationReport report_;
};

}  // namespace medverse::xr
