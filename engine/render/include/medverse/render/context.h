#pragma once
// The Vulkan instance, the chosen physical device, the logical device and its
// graphics queue, plus the validation messenger. One Context per process is
// the normal case; every GPU object records which Context owns it.
#include <vulkan/vulkan.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "medverse/core/result.h"

namespace medverse::render {

class GpuAllocator;

// True when MEDVERSE_VALIDATION=1 is set (tests always set it).
bool validationRequestedByEnv();

// How stereo (2-view) targets are drawn.
enum class MultiviewPolicy {
  Auto,           // native multiview unless the driver is known to get it wrong
  Native,         // always one multiview pass (VK_KHR_multiview)
  PerViewPasses,  // one single-view pass per eye into the same 2-layer images
};

struct ContextOptions {
  bool validation = validationRequestedByEnv();
  std::string applicationName = "MedVerse";
  std::vector<std::string> instanceExtensions;  // e.g. the window system's surface extensions
  std::vector<std::string> deviceExtensions;    // e.g. VK_KHR_swapchain
  // Substring of a device name to prefer (MEDVERSE_GPU overrides when set).
  std::string preferredDevice;

  // Creation through someone else, e.g. the OpenXR runtime
  // (XR_KHR_vulkan_enable2: xrCreateVulkanInstanceKHR, xrGetVulkanGraphicsDevice2KHR,
  // xrCreateVulkanDeviceKHR). Each hook, when set, replaces vkCreateInstance,
  // the physical-device choice and vkCreateDevice; the Context still owns and
  // destroys what they create.
  struct ExternalCreation {
    std::function<VkResult(const VkInstanceCreateInfo&, VkInstance*)> createInstance;
    std::function<Result<VkPhysicalDevice>(VkInstance)> physicalDevice;
    std::function<VkResult(VkPhysicalDevice, const VkDeviceCreateInfo&, VkDevice*)> createDevice;
  };
  ExternalCreation external;

  // MEDVERSE_MULTIVIEW=native|per-view overrides Auto (benchmarks, bug hunts).
  MultiviewPolicy multiview = MultiviewPolicy::Auto;
};

// What the validation layer reported since the context was created. Any
// error is a failure: apps exit non-zero and tests assert errors == 0.
struct ValidationReport {
  uint32_t errors = 0;
  uint32_t warnings = 0;
  std::vector<std::string> firstErrors;  // up to a few, for test output
};

// Everything the validation layer reported in this process, across every
// Context, including messages emitted while a Context was being destroyed
// (leaked objects are reported by vkDestroyDevice). Apps read it at exit.
ValidationReport processValidationReport();

class Context {
 public:
  static Result<std::unique_ptr<Context>> create(const ContextOptions& options = {});
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  [[nodiscard]] VkInstance instance() const { return instance_; }
  [[nodiscard]] VkPhysicalDevice physicalDevice() const { return physicalDevice_; }
  [[nodiscard]] VkDevice device() const { return device_; }
  [[nodiscard]] VkQueue queue() const { return queue_; }
  [[nodiscard]] uint32_t queueFamily() const { return queueFamily_; }
  [[nodiscard]] const VkPhysicalDeviceProperties& properties() const { return properties_; }
  [[nodiscard]] std::string deviceName() const { return properties_.deviceName; }
  [[nodiscard]] bool isCpuDevice() const {
    return properties_.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
  }
  [[nodiscard]] bool validationEnabled() const { return validation_; }
  // VK_KHR_multiview (core in 1.1) is enabled: stereo targets can be made.
  [[nodiscard]] bool multiviewEnabled() const { return multiview_; }
  // Stereo frames are drawn by one multiview pass (true) or by one pass per
  // view (false). On Mesa's lavapipe 22.3 triangles of view 1 that need
  // clipping (anything crossing the near plane: floors, walls) land in
  // layer 0, so Auto draws per view there; see docs/RENDERING.md.
  [[nodiscard]] bool nativeMultiview() const { return nativeMultiview_; }
  // Whether a device extension (ContextOptions::deviceExtensions) is enabled.
  [[nodiscard]] bool deviceExtensionEnabled(const std::string& name) const;
  [[nodiscard]] ValidationReport validationReport() const;
  [[nodiscard]] GpuAllocator& allocator() { return *allocator_; }

  // Records commands into a one-time command buffer, submits them and waits.
  // For uploads and readbacks, not for per-frame work.
  Status submitAndWait(const std::function<void(VkCommandBuffer)>& record);

  // Largest MSAA sample count not above `wanted` that colour and depth targets support.
  [[nodiscard]] VkSampleCountFlagBits supportedSamples(VkSampleCountFlagBits wanted) const;

  // Called by the debug messenger; public for the C callback only.
  void onValidationMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity, const char* message);

 private:
  Context() = default;
  Status createInstance(const ContextOptions& options);
  Status pickPhysicalDevice(const ContextOptions& options);
  Status useExternalPhysicalDevice(VkPhysicalDevice device);
  Status createDevice(const ContextOptions& options);

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  VkPhysicalDevice physicalDevice_ = VK_NULL_HANDLE;
  VkPhysicalDeviceProperties properties_{};
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  uint32_t queueFamily_ = 0;
  VkCommandPool uploadPool_ = VK_NULL_HANDLE;
  VkFence uploadFence_ = VK_NULL_HANDLE;
  std::mutex submitMutex_;
  bool validation_ = false;
  bool multiview_ = false;
  bool nativeMultiview_ = false;
  std::vector<std::string> deviceExtensions_;
  std::unique_ptr<GpuAllocator> allocator_;

  mutable std::mutex reportMutex_;
  ValidationReport report_;
};

}  // namespace medverse::render
