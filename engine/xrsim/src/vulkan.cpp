// XR_KHR_vulkan_enable and XR_KHR_vulkan_enable2, swapchains whose VkImages
// live on the application's device, and frame capture. The runtime touches
// the application's queue only inside xrAcquireSwapchainImage (first
// hand-over of an image) and xrEndFrame (capture), as the extensions'
// concurrency rules allow, and waits for its own fence before returning.
#include <algorithm>
#include <cstring>
#include <filesystem>

#include <stb/stb_image_write.h>

#include "runtime.h"

namespace medverse::xrsim {
namespace {

constexpr uint32_t kImagesPerSwapchain = 3;

// Colour formats first, in order of preference, then depth.
const std::vector<int64_t>& swapchainFormats() {
  static const std::vector<int64_t> f = {
      VK_FORMAT_R8G8B8A8_SRGB, VK_FORMAT_B8G8R8A8_SRGB, VK_FORMAT_R8G8B8A8_UNORM,
      VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_D32_SFLOAT, VK_FORMAT_D16_UNORM};
  return f;
}

bool isDepth(VkFormat f) { return f == VK_FORMAT_D32_SFLOAT || f == VK_FORMAT_D16_UNORM; }
bool isBgra(VkFormat f) { return f == VK_FORMAT_B8G8R8A8_SRGB || f == VK_FORMAT_B8G8R8A8_UNORM; }

Instance* instanceOf(XrInstance h) { return lookup<Instance>(h); }

XrResult fillRequirements(Instance* instance, XrSystemId id, XrGraphicsRequirementsVulkanKHR* req) {
  if (instance == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (id != kSystemId) {
    return XR_ERROR_SYSTEM_INVALID;
  }
  if (req == nullptr) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  req->minApiVersionSupported = XR_MAKE_VERSION(1, 0, 0);
  req->maxApiVersionSupported = XR_MAKE_VERSION(1, 3, 0);
  instance->graphicsRequirementsQueried = true;
  return XR_SUCCESS;
}

XrResult XRAPI_CALL GetVulkanGraphicsRequirementsKHR(XrInstance h, XrSystemId id,
                                                     XrGraphicsRequirementsVulkanKHR* req) {
  std::lock_guard lock(runtime().mutex);
  return fillRequirements(instanceOf(h), id, req);
}

XrResult XRAPI_CALL GetVulkanGraphicsRequirements2KHR(XrInstance h, XrSystemId id,
                                                      XrGraphicsRequirementsVulkan2KHR* req) {
  std::lock_guard lock(runtime().mutex);
  return fillRequirements(instanceOf(h), id, req);
}

// xrsim needs no Vulkan extensions of its own.
XrResult XRAPI_CALL GetVulkanInstanceExtensionsKHR(XrInstance h, XrSystemId id, uint32_t capacity,
                                                   uint32_t* count, char* buffer) {
  std::lock_guard lock(runtime().mutex);
  if (instanceOf(h) == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (id != kSystemId) {
    return XR_ERROR_SYSTEM_INVALID;
  }
  return twoCallString(capacity, count, buffer, "");
}

XrResult XRAPI_CALL GetVulkanDeviceExtensionsKHR(XrInstance h, XrSystemId id, uint32_t capacity,
                                                 uint32_t* count, char* buffer) {
  return GetVulkanInstanceExtensionsKHR(h, id, capacity, count, buffer);
}

XrResult pickPhysicalDevice(Instance* instance, VkInstance vkInstance, PFN_vkGetInstanceProcAddr gipa,
                            VkPhysicalDevice* out) {
  auto enumerate = reinterpret_cast<PFN_vkEnumeratePhysicalDevices>(
      gipa(vkInstance, "vkEnumeratePhysicalDevices"));
  auto properties = reinterpret_cast<PFN_vkGetPhysicalDeviceProperties>(
      gipa(vkInstance, "vkGetPhysicalDeviceProperties"));
  if (enumerate == nullptr || properties == nullptr) {
    return XR_ERROR_RUNTIME_FAILURE;
  }
  uint32_t count = 0;
  enumerate(vkInstance, &count, nullptr);
  std::vector<VkPhysicalDevice> devices(count);
  enumerate(vkInstance, &count, devices.data());
  if (devices.empty()) {
    XRSIM_ERROR("the Vulkan instance has no physical device");
    return XR_ERROR_RUNTIME_FAILURE;
  }
  // The "headset" is attached to the first GPU; a CPU device (lavapipe) last.
  VkPhysicalDevice best = devices[0];
  int bestScore = -1;
  for (VkPhysicalDevice d : devices) {
    VkPhysicalDeviceProperties p;
    properties(d, &p);
    int score = p.deviceType == VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU     ? 4
                : p.deviceType == VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU ? 3
                : p.deviceType == VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU    ? 2
                : p.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU            ? 1
                                                                         : 0;
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  instance->vkInstance = vkInstance;
  instance->physicalDevice = best;
  *out = best;
  return XR_SUCCESS;
}

XrResult XRAPI_CALL GetVulkanGraphicsDeviceKHR(XrInstance h, XrSystemId id, VkInstance vkInstance,
                                               VkPhysicalDevice* out) {
  std::lock_guard lock(runtime().mutex);
  Instance* instance = instanceOf(h);
  if (instance == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (id != kSystemId) {
    return XR_ERROR_SYSTEM_INVALID;
  }
  if (vkInstance == VK_NULL_HANDLE || out == nullptr) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  return pickPhysicalDevice(instance, vkInstance, &vkGetInstanceProcAddr, out);
}

XrResult XRAPI_CALL GetVulkanGraphicsDevice2KHR(XrInstance h, const XrVulkanGraphicsDeviceGetInfoKHR* info,
                                                VkPhysicalDevice* out) {
  std::lock_guard lock(runtime().mutex);
  Instance* instance = instanceOf(h);
  if (instance == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || out == nullptr || info->type != XR_TYPE_VULKAN_GRAPHICS_DEVICE_GET_INFO_KHR ||
      info->vulkanInstance == VK_NULL_HANDLE) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (info->systemId != kSystemId) {
    return XR_ERROR_SYSTEM_INVALID;
  }
  PFN_vkGetInstanceProcAddr gipa =
      instance->vkGetInstanceProcAddr != nullptr ? instance->vkGetInstanceProcAddr : &vkGetInstanceProcAddr;
  return pickPhysicalDevice(instance, info->vulkanInstance, gipa, out);
}

// XR_KHR_vulkan_enable2: the runtime creates the instance and device from the
// application's create info (adding what it needs; xrsim needs nothing) with
// the application's vkGetInstanceProcAddr, so the application's layers apply.
XrResult XRAPI_CALL CreateVulkanInstanceKHR(XrInstance h, const XrVulkanInstanceCreateInfoKHR* info,
                                            VkInstance* vkInstance, VkResult* vkResult) {
  std::lock_guard lock(runtime().mutex);
  Instance* instance = instanceOf(h);
  if (instance == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || vkInstance == nullptr || vkResult == nullptr ||
      info->type != XR_TYPE_VULKAN_INSTANCE_CREATE_INFO_KHR || info->pfnGetInstanceProcAddr == nullptr ||
      info->vulkanCreateInfo == nullptr || info->createFlags != 0) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (info->systemId != kSystemId) {
    return XR_ERROR_SYSTEM_INVALID;
  }
  auto create = reinterpret_cast<PFN_vkCreateInstance>(
      info->pfnGetInstanceProcAddr(VK_NULL_HANDLE, "vkCreateInstance"));
  if (create == nullptr) {
    return XR_ERROR_RUNTIME_FAILURE;
  }
  *vkResult = create(info->vulkanCreateInfo, info->vulkanAllocator, vkInstance);
  if (*vkResult != VK_SUCCESS) {
    return XR_ERROR_RUNTIME_FAILURE;  // the spec's answer when Vulkan itself fails
  }
  instance->vkGetInstanceProcAddr = info->pfnGetInstanceProcAddr;
  instance->vkInstance = *vkInstance;
  return XR_SUCCESS;
}

XrResult XRAPI_CALL CreateVulkanDeviceKHR(XrInstance h, const XrVulkanDeviceCreateInfoKHR* info,
                                          VkDevice* device, VkResult* vkResult) {
  std::lock_guard lock(runtime().mutex);
  Instance* instance = instanceOf(h);
  if (instance == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || device == nullptr || vkResult == nullptr ||
      info->type != XR_TYPE_VULKAN_DEVICE_CREATE_INFO_KHR || info->pfnGetInstanceProcAddr == nullptr ||
      info->vulkanCreateInfo == nullptr || info->createFlags != 0) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (info->systemId != kSystemId) {
    return XR_ERROR_SYSTEM_INVALID;
  }
  if (info->vulkanPhysicalDevice != instance->physicalDevice) {
    XRSIM_ERROR("xrCreateVulkanDeviceKHR: not the physical device xrGetVulkanGraphicsDevice2KHR returned");
    return XR_ERROR_VALIDATION_FAILURE;
  }
  auto create = reinterpret_cast<PFN_vkCreateDevice>(
      info->pfnGetInstanceProcAddr(instance->vkInstance, "vkCreateDevice"));
  if (create == nullptr) {
    return XR_ERROR_RUNTIME_FAILURE;
  }
  *vkResult = create(info->vulkanPhysicalDevice, info->vulkanCreateInfo, info->vulkanAllocator, device);
  if (*vkResult != VK_SUCCESS) {
    return XR_ERROR_RUNTIME_FAILURE;
  }
  return XR_SUCCESS;
}

// --- swapchains --------------------------------------------------------------

Session* sessionOf(XrSession h) { return lookup<Session>(h); }

XrResult XRAPI_CALL EnumerateSwapchainFormats(XrSession h, uint32_t capacity, uint32_t* count,
                                              int64_t* formats) {
  std::lock_guard lock(runtime().mutex);
  if (sessionOf(h) == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  return twoCall(capacity, count, formats, swapchainFormats());
}

XrResult XRAPI_CALL CreateSwapchain(XrSession h, const XrSwapchainCreateInfo* info, XrSwapchain* out) {
  std::lock_guard lock(runtime().mutex);
  Session* s = sessionOf(h);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || out == nullptr || info->type != XR_TYPE_SWAPCHAIN_CREATE_INFO) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (s->lost) {
    return XR_ERROR_SESSION_LOST;
  }
  const auto& formats = swapchainFormats();
  if (std::find(formats.begin(), formats.end(), info->format) == formats.end()) {
    return XR_ERROR_SWAPCHAIN_FORMAT_UNSUPPORTED;
  }
  if ((info->createFlags & XR_SWAPCHAIN_CREATE_PROTECTED_CONTENT_BIT) != 0 || info->sampleCount != 1 ||
      info->faceCount != 1) {
    return XR_ERROR_FEATURE_UNSUPPORTED;
  }
  if (info->width == 0 || info->height == 0 || info->width > 8192 || info->height > 8192 ||
      info->arraySize == 0 || info->arraySize > 16 || info->mipCount == 0 || info->mipCount > 16) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  const auto format = static_cast<VkFormat>(info->format);
  if (isDepth(format) != ((info->usageFlags & XR_SWAPCHAIN_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT) != 0) ||
      (isDepth(format) && (info->usageFlags & XR_SWAPCHAIN_USAGE_COLOR_ATTACHMENT_BIT) != 0)) {
    return XR_ERROR_FEATURE_UNSUPPORTED;
  }
  auto sc = std::make_unique<Swapchain>();
  sc->session = s;
  sc->info = *info;
  sc->info.next = nullptr;
  sc->format = format;
  sc->depth = isDepth(format);
  if (XrResult r = createSwapchainImages(*sc); XR_FAILED(r)) {
    destroySwapchainImages(*sc);
    return r;
  }
  Swapchain* raw = sc.release();
  s->swapchains.insert(raw);
  *out = toHandle<XrSwapchain>(raw);
  return XR_SUCCESS;
}

XrResult XRAPI_CALL DestroySwapchain(XrSwapchain h) {
  std::lock_guard lock(runtime().mutex);
  Swapchain* sc = lookup<Swapchain>(h);
  if (sc == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  destroySwapchainImages(*sc);
  sc->session->swapchains.erase(sc);
  forget(sc);
  delete sc;  // NOLINT(cppcoreguidelines-owning-memory)
  return XR_SUCCESS;
}

XrResult XRAPI_CALL EnumerateSwapchainImages(XrSwapchain h, uint32_t capacity, uint32_t* count,
                                             XrSwapchainImageBaseHeader* images) {
  std::lock_guard lock(runtime().mutex);
  Swapchain* sc = lookup<Swapchain>(h);
  if (sc == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (count == nullptr) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  *count = static_cast<uint32_t>(sc->images.size());
  if (capacity == 0) {
    return XR_SUCCESS;
  }
  if (capacity < sc->images.size()) {
    return XR_ERROR_SIZE_INSUFFICIENT;
  }
  auto* out = reinterpret_cast<XrSwapchainImageVulkanKHR*>(images);
  for (size_t i = 0; i < sc->images.size(); ++i) {
    if (out[i].type != XR_TYPE_SWAPCHAIN_IMAGE_VULKAN_KHR) {
      return XR_ERROR_VALIDATION_FAILURE;
    }
    out[i].image = sc->images[i].image;
  }
  return XR_SUCCESS;
}

XrResult XRAPI_CALL AcquireSwapchainImage(XrSwapchain h, const XrSwapchainImageAcquireInfo* /*info*/,
                                          uint32_t* index) {
  std::lock_guard lock(runtime().mutex);
  Swapchain* sc = lookup<Swapchain>(h);
  if (sc == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (index == nullptr) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (sc->session->lost) {
    return XR_ERROR_SESSION_LOST;
  }
  if (sc->acquired.size() == sc->images.size() ||
      ((sc->info.createFlags & XR_SWAPCHAIN_CREATE_STATIC_IMAGE_BIT) != 0 && sc->lastReleased >= 0)) {
    return XR_ERROR_CALL_ORDER_INVALID;
  }
  const uint32_t i = sc->nextIndex;
  sc->nextIndex = (sc->nextIndex + 1) % static_cast<uint32_t>(sc->images.size());
  if (XrResult r = handOverImage(*sc, i); XR_FAILED(r)) {
    return r;
  }
  sc->acquired.push_back(i);
  *index = i;
  return XR_SUCCESS;
}

XrResult XRAPI_CALL WaitSwapchainImage(XrSwapchain h, const XrSwapchainImageWaitInfo* info) {
  std::lock_guard lock(runtime().mutex);
  Swapchain* sc = lookup<Swapchain>(h);
  if (sc == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || info->type != XR_TYPE_SWAPCHAIN_IMAGE_WAIT_INFO) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (sc->session->lost) {
    return XR_ERROR_SESSION_LOST;
  }
  if (sc->acquired.empty() || sc->waited) {
    return XR_ERROR_CALL_ORDER_INVALID;
  }
  sc->waited = true;  // the compositor never holds an image: ready at once
  return XR_SUCCESS;
}

XrResult XRAPI_CALL ReleaseSwapchainImage(XrSwapchain h, const XrSwapchainImageReleaseInfo* /*info*/) {
  std::lock_guard lock(runtime().mutex);
  Swapchain* sc = lookup<Swapchain>(h);
  if (sc == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (sc->session->lost) {
    return XR_ERROR_SESSION_LOST;
  }
  if (!sc->waited) {
    return XR_ERROR_CALL_ORDER_INVALID;
  }
  sc->lastReleased = sc->acquired.front();
  sc->acquired.pop_front();
  sc->waited = false;
  return XR_SUCCESS;
}

uint32_t findMemoryType(Session& s, uint32_t bits, VkMemoryPropertyFlags wanted) {
  VkPhysicalDeviceMemoryProperties props;
  s.vk.getPhysicalDeviceMemoryProperties(s.physicalDevice, &props);
  for (uint32_t i = 0; i < props.memoryTypeCount; ++i) {
    if ((bits & (1U << i)) != 0 && (props.memoryTypes[i].propertyFlags & wanted) == wanted) {
      return i;
    }
  }
  return UINT32_MAX;
}

// Records into the session's command buffer, submits on the app's queue and
// waits for our fence.
template <typename F>
XrResult submitAndWait(Session& s, F&& record) {
  s.vk.resetCommandBuffer(s.commandBuffer, 0);
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  s.vk.beginCommandBuffer(s.commandBuffer, &begin);
  record(s.commandBuffer);
  s.vk.endCommandBuffer(s.commandBuffer);
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &s.commandBuffer;
  VkResult r = s.vk.queueSubmit(s.queue, 1, &submit, s.fence);
  if (r == VK_SUCCESS) {
    r = s.vk.waitForFences(s.device, 1, &s.fence, VK_TRUE, UINT64_MAX);
    s.vk.resetFences(s.device, 1, &s.fence);
  }
  if (r != VK_SUCCESS) {
    XRSIM_ERROR("Vulkan submission on the application's queue failed (%d)", static_cast<int>(r));
    return XR_ERROR_RUNTIME_FAILURE;
  }
  return XR_SUCCESS;
}

VkImageLayout attachmentLayout(const Swapchain& sc) {
  return sc.depth ? VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL
                  : VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
}

}  // namespace

XrResult loadDeviceDispatch(Session& s, PFN_vkGetInstanceProcAddr gipa) {
  VulkanDispatch& d = s.vk;
  d.getInstanceProcAddr = gipa;
  d.getDeviceProcAddr =
      reinterpret_cast<PFN_vkGetDeviceProcAddr>(gipa(s.vkInstance, "vkGetDeviceProcAddr"));
  d.getPhysicalDeviceMemoryProperties = reinterpret_cast<PFN_vkGetPhysicalDeviceMemoryProperties>(
      gipa(s.vkInstance, "vkGetPhysicalDeviceMemoryProperties"));
  if (d.getDeviceProcAddr == nullptr || d.getPhysicalDeviceMemoryProperties == nullptr) {
    return XR_ERROR_GRAPHICS_DEVICE_INVALID;
  }
  bool ok = true;
  auto load = [&](auto& fn, const char* name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(d.getDeviceProcAddr(s.device, name));
    ok = ok && fn != nullptr;
  };
  load(d.getDeviceQueue, "vkGetDeviceQueue");
  load(d.createImage, "vkCreateImage");
  load(d.destroyImage, "vkDestroyImage");
  load(d.getImageMemoryRequirements, "vkGetImageMemoryRequirements");
  load(d.allocateMemory, "vkAllocateMemory");
  load(d.freeMemory, "vkFreeMemory");
  load(d.bindImageMemory, "vkBindImageMemory");
  load(d.createBuffer, "vkCreateBuffer");
  load(d.destroyBuffer, "vkDestroyBuffer");
  load(d.getBufferMemoryRequirements, "vkGetBufferMemoryRequirements");
  load(d.bindBufferMemory, "vkBindBufferMemory");
  load(d.mapMemory, "vkMapMemory");
  load(d.unmapMemory, "vkUnmapMemory");
  load(d.createCommandPool, "vkCreateCommandPool");
  load(d.destroyCommandPool, "vkDestroyCommandPool");
  load(d.allocateCommandBuffers, "vkAllocateCommandBuffers");
  load(d.resetCommandBuffer, "vkResetCommandBuffer");
  load(d.beginCommandBuffer, "vkBeginCommandBuffer");
  load(d.endCommandBuffer, "vkEndCommandBuffer");
  load(d.cmdPipelineBarrier, "vkCmdPipelineBarrier");
  load(d.cmdCopyImageToBuffer, "vkCmdCopyImageToBuffer");
  load(d.queueSubmit, "vkQueueSubmit");
  load(d.createFence, "vkCreateFence");
  load(d.destroyFence, "vkDestroyFence");
  load(d.waitForFences, "vkWaitForFences");
  load(d.resetFences, "vkResetFences");
  return ok ? XR_SUCCESS : XR_ERROR_GRAPHICS_DEVICE_INVALID;
}

XrResult createSessionVulkanObjects(Session& s) {
  VkCommandPoolCreateInfo pool{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pool.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT | VK_COMMAND_POOL_CREATE_TRANSIENT_BIT;
  pool.queueFamilyIndex = s.queueFamily;
  if (s.vk.createCommandPool(s.device, &pool, nullptr, &s.commandPool) != VK_SUCCESS) {
    return XR_ERROR_RUNTIME_FAILURE;
  }
  VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  alloc.commandPool = s.commandPool;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = 1;
  if (s.vk.allocateCommandBuffers(s.device, &alloc, &s.commandBuffer) != VK_SUCCESS) {
    return XR_ERROR_RUNTIME_FAILURE;
  }
  VkFenceCreateInfo fence{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  if (s.vk.createFence(s.device, &fence, nullptr, &s.fence) != VK_SUCCESS) {
    return XR_ERROR_RUNTIME_FAILURE;
  }
  return XR_SUCCESS;
}

void destroySessionVulkanObjects(Session& s) {
  if (s.device == VK_NULL_HANDLE || s.vk.destroyFence == nullptr) {
    return;
  }
  if (s.fence != VK_NULL_HANDLE) {
    s.vk.destroyFence(s.device, s.fence, nullptr);
  }
  if (s.commandPool != VK_NULL_HANDLE) {
    s.vk.destroyCommandPool(s.device, s.commandPool, nullptr);  // frees the command buffer
  }
  s.fence = VK_NULL_HANDLE;
  s.commandPool = VK_NULL_HANDLE;
}

XrResult createSwapchainImages(Swapchain& sc) {
  Session& s = *sc.session;
  const XrSwapchainUsageFlags u = sc.info.usageFlags;
  VkImageUsageFlags usage = VK_IMAGE_USAGE_TRANSFER_SRC_BIT;  // for capture
  if ((u & XR_SWAPCHAIN_USAGE_COLOR_ATTACHMENT_BIT) != 0) {
    usage |= VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT;
  }
  if ((u & XR_SWAPCHAIN_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT) != 0) {
    usage |= VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT;
  }
  if ((u & XR_SWAPCHAIN_USAGE_UNORDERED_ACCESS_BIT) != 0) {
    usage |= VK_IMAGE_USAGE_STORAGE_BIT;
  }
  if ((u & XR_SWAPCHAIN_USAGE_TRANSFER_DST_BIT) != 0) {
    usage |= VK_IMAGE_USAGE_TRANSFER_DST_BIT;
  }
  if ((u & XR_SWAPCHAIN_USAGE_SAMPLED_BIT) != 0) {
    usage |= VK_IMAGE_USAGE_SAMPLED_BIT;
  }
  if ((u & XR_SWAPCHAIN_USAGE_INPUT_ATTACHMENT_BIT_KHR) != 0) {
    usage |= VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT;
  }
  const uint32_t count =
      (sc.info.createFlags & XR_SWAPCHAIN_CREATE_STATIC_IMAGE_BIT) != 0 ? 1 : kImagesPerSwapchain;
  for (uint32_t i = 0; i < count; ++i) {
    SwapchainImage img;
    VkImageCreateInfo ci{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
    ci.flags = (u & XR_SWAPCHAIN_USAGE_MUTABLE_FORMAT_BIT) != 0 ? VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT : 0;
    ci.imageType = VK_IMAGE_TYPE_2D;
    ci.format = sc.format;
    ci.extent = {sc.info.width, sc.info.height, 1};
    ci.mipLevels = sc.info.mipCount;
    ci.arrayLayers = sc.info.arraySize;
    ci.samples = VK_SAMPLE_COUNT_1_BIT;
    ci.tiling = VK_IMAGE_TILING_OPTIMAL;
    ci.usage = usage;
    ci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    ci.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    if (s.vk.createImage(s.device, &ci, nullptr, &img.image) != VK_SUCCESS) {
      return XR_ERROR_RUNTIME_FAILURE;
    }
    sc.images.push_back(img);
    VkMemoryRequirements req;
    s.vk.getImageMemoryRequirements(s.device, img.image, &req);
    VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    alloc.allocationSize = req.size;
    alloc.memoryTypeIndex = findMemoryType(s, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    if (alloc.memoryTypeIndex == UINT32_MAX) {
      alloc.memoryTypeIndex = findMemoryType(s, req.memoryTypeBits, 0);
    }
    if (s.vk.allocateMemory(s.device, &alloc, nullptr, &sc.images.back().memory) != VK_SUCCESS) {
      return XR_ERROR_RUNTIME_FAILURE;
    }
    s.vk.bindImageMemory(s.device, img.image, sc.images.back().memory, 0);
  }
  return XR_SUCCESS;
}

void destroySwapchainImages(Swapchain& sc) {
  Session& s = *sc.session;
  for (SwapchainImage& img : sc.images) {
    if (img.image != VK_NULL_HANDLE) {
      s.vk.destroyImage(s.device, img.image, nullptr);
    }
    if (img.memory != VK_NULL_HANDLE) {
      s.vk.freeMemory(s.device, img.memory, nullptr);
    }
  }
  sc.images.clear();
}

XrResult handOverImage(Swapchain& sc, uint32_t index) {
  SwapchainImage& img = sc.images[index];
  if (img.handedOver) {
    return XR_SUCCESS;
  }
  // First acquire: UNDEFINED → the attachment layout the extension promises,
  // on every layer and mip level.
  VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
  b.srcAccessMask = 0;
  b.dstAccessMask = VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT;
  b.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  b.newLayout = attachmentLayout(sc);
  b.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  b.image = img.image;
  b.subresourceRange = {static_cast<VkImageAspectFlags>(sc.depth ? VK_IMAGE_ASPECT_DEPTH_BIT
                                                                 : VK_IMAGE_ASPECT_COLOR_BIT),
                        0, sc.info.mipCount, 0, sc.info.arraySize};
  XrResult r = submitAndWait(*sc.session, [&](VkCommandBuffer cmd) {
    sc.session->vk.cmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
                                      VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0, 0, nullptr, 0, nullptr,
                                      1, &b);
  });
  if (XR_SUCCEEDED(r)) {
    img.handedOver = true;
  }
  return r;
}

void captureProjection(Session& s, const XrCompositionLayerProjection& layer, uint64_t frame,
                       bool keepAlpha) {
  Instance& instance = *s.instance;
  struct EyeCopy {
    Swapchain* sc;
    VkImage image;
    XrRect2Di rect;
    uint32_t layer;
    VkDeviceSize offset;
  };
  std::vector<EyeCopy> eyes;
  VkDeviceSize total = 0;
  for (uint32_t i = 0; i < layer.viewCount && i < 2; ++i) {
    const XrSwapchainSubImage& sub = layer.views[i].subImage;
    Swapchain* sc = lookup<Swapchain>(sub.swapchain);
    if (sc == nullptr || sc->depth || sc->lastReleased < 0) {
      return;
    }
    eyes.push_back({sc, sc->images[static_cast<size_t>(sc->lastReleased)].image, sub.imageRect,
                    sub.imageArrayIndex, total});
    total += static_cast<VkDeviceSize>(sub.imageRect.extent.width) * sub.imageRect.extent.height * 4;
  }
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkBufferCreateInfo bci{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  bci.size = total;
  bci.usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  bci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  if (s.vk.createBuffer(s.device, &bci, nullptr, &buffer) != VK_SUCCESS) {
    XRSIM_ERROR("capture: cannot create a readback buffer");
    return;
  }
  VkMemoryRequirements req;
  s.vk.getBufferMemoryRequirements(s.device, buffer, &req);
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = req.size;
  alloc.memoryTypeIndex = findMemoryType(
      s, req.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
  if (alloc.memoryTypeIndex == UINT32_MAX ||
      s.vk.allocateMemory(s.device, &alloc, nullptr, &memory) != VK_SUCCESS) {
    s.vk.destroyBuffer(s.device, buffer, nullptr);
    XRSIM_ERROR("capture: no host-visible memory");
    return;
  }
  s.vk.bindBufferMemory(s.device, buffer, memory, 0);

  XrResult r = submitAndWait(s, [&](VkCommandBuffer cmd) {
    for (const EyeCopy& e : eyes) {
      VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
      b.srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT;  // whatever the app last did
      b.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
      b.oldLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
      b.newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
      b.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
      b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
      b.image = e.image;
      b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, e.layer, 1};
      s.vk.cmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                              0, 0, nullptr, 0, nullptr, 1, &b);
      VkBufferImageCopy copy{};
      copy.bufferOffset = e.offset;
      copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, e.layer, 1};
      copy.imageOffset = {e.rect.offset.x, e.rect.offset.y, 0};
      copy.imageExtent = {static_cast<uint32_t>(e.rect.extent.width),
                          static_cast<uint32_t>(e.rect.extent.height), 1};
      s.vk.cmdCopyImageToBuffer(cmd, e.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, buffer, 1, &copy);
      // Back to the layout the app left it in, before the app touches it again.
      b.srcAccessMask = 0;
      b.dstAccessMask = VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT;
      b.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
      b.newLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
      s.vk.cmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                              0, 0, nullptr, 0, nullptr, 1, &b);
    }
    VkBufferMemoryBarrier hb{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
    hb.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    hb.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    hb.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    hb.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    hb.buffer = buffer;
    hb.size = VK_WHOLE_SIZE;
    s.vk.cmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0,
                            nullptr, 1, &hb, 0, nullptr);
  });
  if (XR_SUCCEEDED(r)) {
    void* mapped = nullptr;
    s.vk.mapMemory(s.device, memory, 0, VK_WHOLE_SIZE, 0, &mapped);
    std::error_code ec;
    std::filesystem::create_directories(instance.captureDir, ec);
    for (size_t i = 0; i < eyes.size(); ++i) {
      const EyeCopy& e = eyes[i];
      const auto w = static_cast<uint32_t>(e.rect.extent.width);
      const auto hgt = static_cast<uint32_t>(e.rect.extent.height);
      std::vector<uint8_t> px(static_cast<const uint8_t*>(mapped) + e.offset,
                              static_cast<const uint8_t*>(mapped) + e.offset + size_t{w} * hgt * 4);
      for (size_t p = 0; p < px.size(); p += 4) {
        if (isBgra(e.sc->format)) {
          std::swap(px[p], px[p + 2]);
        }
        if (!keepAlpha) {
          px[p + 3] = 255;
        }
      }
      char name[64];
      std::snprintf(name, sizeof name, "frame_%05llu_%s.png", static_cast<unsigned long long>(frame),
                    i == 0 ? "left" : "right");
      const std::string path = (std::filesystem::path(instance.captureDir) / name).string();
      if (stbi_write_png(path.c_str(), static_cast<int>(w), static_cast<int>(hgt), 4, px.data(),
                         static_cast<int>(w * 4)) == 0) {
        XRSIM_ERROR("capture: cannot write %s", path.c_str());
      } else {
        instance.captures.push_back(name);
      }
    }
    s.vk.unmapMemory(s.device, memory);
  }
  s.vk.destroyBuffer(s.device, buffer, nullptr);
  s.vk.freeMemory(s.device, memory, nullptr);
}

PFN_xrVoidFunction vulkanFunction(const char* name) {
#define XRSIM_ENTRY(fn)                               \
  if (std::strcmp(name, "xr" #fn) == 0) {             \
    return reinterpret_cast<PFN_xrVoidFunction>(&fn); \
  }
  XRSIM_ENTRY(GetVulkanGraphicsRequirementsKHR)
  XRSIM_ENTRY(GetVulkanGraphicsRequirements2KHR)
  XRSIM_ENTRY(GetVulkanInstanceExtensionsKHR)
  XRSIM_ENTRY(GetVulkanDeviceExtensionsKHR)
  XRSIM_ENTRY(GetVulkanGraphicsDeviceKHR)
  XRSIM_ENTRY(GetVulkanGraphicsDevice2KHR)
  XRSIM_ENTRY(CreateVulkanInstanceKHR)
  XRSIM_ENTRY(CreateVulkanDeviceKHR)
  XRSIM_ENTRY(EnumerateSwapchainFormats)
  XRSIM_ENTRY(CreateSwapchain)
  XRSIM_ENTRY(DestroySwapchain)
  XRSIM_ENTRY(EnumerateSwapchainImages)
  XRSIM_ENTRY(AcquireSwapchainImage)
  XRSIM_ENTRY(WaitSwapchainImage)
  XRSIM_ENTRY(ReleaseSwapchainImage)
#undef XRSIM_ENTRY
  return nullptr;
}

}  // namespace medverse::xrsim
