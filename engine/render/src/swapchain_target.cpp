#include "medverse/render/swapchain_target.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "medverse/core/log.h"
#include "medverse/render/context.h"
#include "medverse/render/vk_result.h"
#include "scene_render_pass.h"

namespace medverse::render {
namespace {

constexpr VkFormat kDepthFormat = VK_FORMAT_D32_SFLOAT;

// Shaders write linear light and rely on an sRGB format to encode it.
VkSurfaceFormatKHR chooseFormat(const std::vector<VkSurfaceFormatKHR>& formats) {
  for (VkFormat wanted : {VK_FORMAT_B8G8R8A8_SRGB, VK_FORMAT_R8G8B8A8_SRGB}) {
    for (const VkSurfaceFormatKHR& f : formats) {
      if (f.format == wanted && f.colorSpace == VK_COLOR_SPACE_SRGB_NONLINEAR_KHR) {
        return f;
      }
    }
  }
  log::get("render")->warn(
      "the window offers no sRGB swapchain format; colours will look too dark");
  return formats.front();
}

VkPresentModeKHR choosePresentMode(const std::vector<VkPresentModeKHR>& modes, bool vsync) {
  if (!vsync) {
    for (VkPresentModeKHR wanted : {VK_PRESENT_MODE_MAILBOX_KHR, VK_PRESENT_MODE_IMMEDIATE_KHR}) {
      if (std::find(modes.begin(), modes.end(), wanted) != modes.end()) {
        return wanted;
      }
    }
    log::get("render")->warn("vsync off: the window offers only FIFO presentation; keeping vsync");
  }
  return VK_PRESENT_MODE_FIFO_KHR;  // always supported
}

}  // namespace

SwapchainTarget::SwapchainTarget(Context& context) : context_(context) {}

Result<std::unique_ptr<SwapchainTarget>> SwapchainTarget::create(Context& context,
                                                                 VkSurfaceKHR surface,
                                                                 VkExtent2D framebufferSize,
                                                                 const SwapchainOptions& options) {
  std::unique_ptr<SwapchainTarget> t(new SwapchainTarget(context));
  t->surface_ = surface;  // owned from here, even on failure
  t->options_ = options;
  t->framebufferSize_ = framebufferSize;
  if (!context.deviceExtensionEnabled(VK_KHR_SWAPCHAIN_EXTENSION_NAME)) {
    return makeError("a window needs the Vulkan context created with VK_KHR_swapchain");
  }
  VkPhysicalDevice gpu = context.physicalDevice();
  VkBool32 supported = VK_FALSE;
  MV_VK_TRY(vkGetPhysicalDeviceSurfaceSupportKHR(gpu, context.queueFamily(), surface, &supported));
  if (supported != VK_TRUE) {
    return makeError(context.deviceName() + " cannot present to this window");
  }
  uint32_t count = 0;
  MV_VK_TRY(vkGetPhysicalDeviceSurfaceFormatsKHR(gpu, surface, &count, nullptr));
  std::vector<VkSurfaceFormatKHR> formats(count);
  MV_VK_TRY(vkGetPhysicalDeviceSurfaceFormatsKHR(gpu, surface, &count, formats.data()));
  if (formats.empty()) {
    return makeError("the window offers no swapchain formats");
  }
  const VkSurfaceFormatKHR format = chooseFormat(formats);
  t->format_ = format.format;
  t->colorSpace_ = format.colorSpace;
  MV_VK_TRY(vkGetPhysicalDeviceSurfacePresentModesKHR(gpu, surface, &count, nullptr));
  std::vector<VkPresentModeKHR> modes(count);
  MV_VK_TRY(vkGetPhysicalDeviceSurfacePresentModesKHR(gpu, surface, &count, modes.data()));
  t->presentMode_ = choosePresentMode(modes, options.vsync);
  t->samples_ = context.supportedSamples(options.samples);

  SceneRenderPassDesc pass;
  pass.colorFormat = t->format_;
  pass.depthFormat = kDepthFormat;
  pass.samples = t->samples_;
  pass.outputFinalLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
  Result<VkRenderPass> renderPass = createSceneRenderPass(context.device(), pass);
  if (!renderPass) {
    return renderPass.error();
  }
  t->renderPass_ = *renderPass;

  for (uint32_t i = 0; i < Renderer::kFramesInFlight; ++i) {
    VkSemaphoreCreateInfo info{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    VkSemaphore semaphore = VK_NULL_HANDLE;
    MV_VK_TRY(vkCreateSemaphore(context.device(), &info, nullptr, &semaphore));
    t->acquired_.push_back(semaphore);
  }
  if (Status s = t->build(); !s) {
    return s.error();
  }
  log::get("render")->info("swapchain {}x{}, {} images, {} ({}x MSAA)", t->extent_.width,
                           t->extent_.height, t->images_.size(),
                           t->presentMode_ == VK_PRESENT_MODE_FIFO_KHR ? "vsync (FIFO)"
                           : t->presentMode_ == VK_PRESENT_MODE_MAILBOX_KHR
                               ? "no vsync (MAILBOX)"
                               : "no vsync (IMMEDIATE)",
                           static_cast<int>(t->samples_));
  return t;
}

SwapchainTarget::~SwapchainTarget() {
  VkDevice device = context_.device();
  vkDeviceWaitIdle(device);
  destroySwapchainResources();
  for (VkSemaphore s : rendered_) {
    vkDestroySemaphore(device, s, nullptr);
  }
  for (VkSemaphore s : acquired_) {
    vkDestroySemaphore(device, s, nullptr);
  }
  vkDestroyRenderPass(device, renderPass_, nullptr);
  if (swapchain_ != VK_NULL_HANDLE) {
    vkDestroySwapchainKHR(device, swapchain_, nullptr);
  }
  vkDestroySurfaceKHR(context_.instance(), surface_, nullptr);
}

void SwapchainTarget::destroySwapchainResources() {
  VkDevice device = context_.device();
  for (VkFramebuffer fb : framebuffers_) {
    vkDestroyFramebuffer(device, fb, nullptr);
  }
  for (VkImageView view : views_) {
    vkDestroyImageView(device, view, nullptr);
  }
  framebuffers_.clear();
  views_.clear();
  images_.clear();
  color_ = Image();
  depth_ = Image();
}

Status SwapchainTarget::build() {
  VkDevice device = context_.device();
  VkSurfaceCapabilitiesKHR caps;
  MV_VK_TRY(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(context_.physicalDevice(), surface_, &caps));
  VkExtent2D extent = caps.currentExtent;
  if (extent.width == UINT32_MAX) {  // the surface takes the swapchain's size
    extent.width =
        std::clamp(framebufferSize_.width, caps.minImageExtent.width, caps.maxImageExtent.width);
    extent.height =
        std::clamp(framebufferSize_.height, caps.minImageExtent.height, caps.maxImageExtent.height);
  }
  if (extent.width == 0 || extent.height == 0 || framebufferSize_.width == 0 ||
      framebufferSize_.height == 0) {
    extent_ = {0, 0};  // minimised: nothing to build until the window is back
    needsRebuild_ = true;
    return {};
  }
  vkDeviceWaitIdle(device);  // old images may still be in flight
  destroySwapchainResources();

  screenshotsSupported_ = options_.allowScreenshots &&
                          (caps.supportedUsageFlags & VK_IMAGE_USAGE_TRANSFER_SRC_BIT) != 0;
  uint32_t imageCount = caps.minImageCount + 1;
  if (caps.maxImageCount != 0) {
    imageCount = std::min(imageCount, caps.maxImageCount);
  }
  VkSwapchainCreateInfoKHR info{VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR};
  info.surface = surface_;
  info.minImageCount = imageCount;
  info.imageFormat = format_;
  info.imageColorSpace = colorSpace_;
  info.imageExtent = extent;
  info.imageArrayLayers = 1;
  info.imageUsage =
      VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT |
      (screenshotsSupported_ ? VkImageUsageFlags{VK_IMAGE_USAGE_TRANSFER_SRC_BIT} : 0U);
  info.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE;
  info.preTransform = caps.currentTransform;
  info.compositeAlpha = (caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR) != 0
                            ? VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR
                            : VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR;
  info.presentMode = presentMode_;
  info.clipped = VK_TRUE;
  info.oldSwapchain = swapchain_;
  VkSwapchainKHR created = VK_NULL_HANDLE;
  MV_VK_TRY(vkCreateSwapchainKHR(device, &info, nullptr, &created));
  if (swapchain_ != VK_NULL_HANDLE) {
    vkDestroySwapchainKHR(device, swapchain_, nullptr);
    ++rebuilds_;
  }
  swapchain_ = created;
  extent_ = extent;
  needsRebuild_ = false;

  uint32_t count = 0;
  MV_VK_TRY(vkGetSwapchainImagesKHR(device, swapchain_, &count, nullptr));
  images_.resize(count);
  MV_VK_TRY(vkGetSwapchainImagesKHR(device, swapchain_, &count, images_.data()));

  const bool msaa = samples_ != VK_SAMPLE_COUNT_1_BIT;
  if (msaa) {
    Result<Image> color = createAttachmentImage(
        context_, format_, extent_, samples_, 1,
        VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT);
    if (!color) {
      return color.error();
    }
    color_ = std::move(*color);
  }
  Result<Image> depth = createAttachmentImage(
      context_, kDepthFormat, extent_, samples_, 1,
      VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT |
          VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT);  // the volume pass reads depth in subpass 1
  if (!depth) {
    return depth.error();
  }
  depth_ = std::move(*depth);

  for (VkImage image : images_) {
    VkImageViewCreateInfo viewInfo{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    viewInfo.image = image;
    viewInfo.viewType = VK_IMAGE_VIEW_TYPE_2D;
    viewInfo.format = format_;
    viewInfo.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    VkImageView view = VK_NULL_HANDLE;
    MV_VK_TRY(vkCreateImageView(device, &viewInfo, nullptr, &view));
    views_.push_back(view);
    Result<VkFramebuffer> fb =
        createSceneFramebuffer(device, renderPass_, extent_, msaa ? color_.view() : view,
                               depth_.view(), msaa ? view : VK_NULL_HANDLE);
    if (!fb) {
      return fb.error();
    }
    framebuffers_.push_back(*fb);
  }
  // One "rendered" semaphore per image; kept across rebuilds (a present may
  // still wait on one), only ever added to.
  while (rendered_.size() < images_.size()) {
    VkSemaphoreCreateInfo semaphoreInfo{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    VkSemaphore semaphore = VK_NULL_HANDLE;
    MV_VK_TRY(vkCreateSemaphore(device, &semaphoreInfo, nullptr, &semaphore));
    rendered_.push_back(semaphore);
  }
  return {};
}

void SwapchainTarget::resize(VkExtent2D framebufferSize) {
  if (framebufferSize.width != framebufferSize_.width ||
      framebufferSize.height != framebufferSize_.height) {
    framebufferSize_ = framebufferSize;
    needsRebuild_ = true;
  }
}

Result<std::optional<SwapchainFrame>> SwapchainTarget::acquire(uint32_t slot) {
  if (slot >= acquired_.size()) {
    return makeError("swapchain acquire: frame slot " + std::to_string(slot) + " out of range");
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (needsRebuild_ || swapchain_ == VK_NULL_HANDLE) {
      if (Status s = build(); !s) {
        return s.error();
      }
    }
    if (extent_.width == 0 || extent_.height == 0) {
      return std::optional<SwapchainFrame>();  // minimised
    }
    uint32_t index = 0;
    const VkResult r = vkAcquireNextImageKHR(context_.device(), swapchain_, UINT64_MAX,
                                             acquired_[slot], VK_NULL_HANDLE, &index);
    if (r == VK_ERROR_OUT_OF_DATE_KHR) {
      needsRebuild_ = true;  // nothing was acquired; rebuild and try once more
      continue;
    }
    if (r != VK_SUCCESS && r != VK_SUBOPTIMAL_KHR) {
      return vkError("vkAcquireNextImageKHR", r);
    }
    if (r == VK_SUBOPTIMAL_KHR) {
      needsRebuild_ = true;  // still presentable: draw this one, rebuild after
    }
    SwapchainFrame frame;
    frame.imageIndex = index;
    frame.target = {renderPass_, framebuffers_[index], extent_, samples_, format_};
    frame.target.depthView = depth_.view();
    frame.sync.wait = acquired_[slot];
    frame.sync.waitStage = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    frame.sync.signal = rendered_[index];
    if (captureRequested_ && screenshotsSupported_) {
      const VkDeviceSize bytes = VkDeviceSize{extent_.width} * extent_.height * 4;
      if (captureBuffer_.size() < bytes) {
        vkDeviceWaitIdle(context_.device());  // an earlier capture may still be writing
        Result<Buffer> buffer = Buffer::create(context_, bytes, VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                               MemoryUsage::Readback);
        if (!buffer) {
          return buffer.error();
        }
        captureBuffer_ = std::move(*buffer);
      }
      captureRequested_ = false;
      captureRecorded_ = true;
      captureExtent_ = extent_;
      frame.sync.afterPass = [this, index](VkCommandBuffer cmd) { recordCapture(cmd, index); };
    }
    return std::optional<SwapchainFrame>(std::move(frame));
  }
  return std::optional<SwapchainFrame>();  // out of date twice in a row: skip this frame
}

Status SwapchainTarget::present(const SwapchainFrame& frame) {
  VkPresentInfoKHR info{VK_STRUCTURE_TYPE_PRESENT_INFO_KHR};
  info.waitSemaphoreCount = 1;
  info.pWaitSemaphores = &frame.sync.signal;
  info.swapchainCount = 1;
  info.pSwapchains = &swapchain_;
  info.pImageIndices = &frame.imageIndex;
  const VkResult r = vkQueuePresentKHR(context_.queue(), &info);
  if (r == VK_ERROR_OUT_OF_DATE_KHR || r == VK_SUBOPTIMAL_KHR) {
    needsRebuild_ = true;
    return {};
  }
  if (r != VK_SUCCESS) {
    return vkError("vkQueuePresentKHR", r);
  }
  return {};
}

void SwapchainTarget::recordCapture(VkCommandBuffer cmd, uint32_t imageIndex) {
  VkImageMemoryBarrier toTransfer{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
  toTransfer.srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  toTransfer.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  toTransfer.oldLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
  toTransfer.newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
  toTransfer.srcQueueFamilyIndex = toTransfer.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  toTransfer.image = images_[imageIndex];
  toTransfer.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  vkCmdPipelineBarrier(
      cmd, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
      VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0, nullptr, 1, &toTransfer);
  VkBufferImageCopy region{};
  region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  region.imageExtent = {extent_.width, extent_.height, 1};
  vkCmdCopyImageToBuffer(cmd, images_[imageIndex], VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                         captureBuffer_.handle(), 1, &region);
  VkImageMemoryBarrier toPresent = toTransfer;
  toPresent.srcAccessMask = 0;  // the copy only read it
  toPresent.dstAccessMask = 0;  // presentation is ordered by the semaphore
  toPresent.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
  toPresent.newLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
  VkMemoryBarrier toHost{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  toHost.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  toHost.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                       VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT | VK_PIPELINE_STAGE_HOST_BIT, 0, 1,
                       &toHost, 0, nullptr, 1, &toPresent);
}

Status SwapchainTarget::captureNextFrame() {
  if (!screenshotsSupported_) {
    return makeError(
        "this window's swapchain cannot be read back (the surface lacks TRANSFER_SRC usage)");
  }
  captureRequested_ = true;
  return {};
}

Result<RgbaImage> SwapchainTarget::lastCapture() {
  if (!captureRecorded_) {
    return makeError("no frame was captured: call captureNextFrame() before drawing one");
  }
  MV_VK_TRY(vkQueueWaitIdle(context_.queue()));
  context_.allocator().invalidate(captureBuffer_.allocation());
  RgbaImage image;
  image.width = captureExtent_.width;
  image.height = captureExtent_.height;
  image.pixels.resize(static_cast<size_t>(image.width) * image.height * 4);
  std::memcpy(image.pixels.data(), captureBuffer_.mapped(), image.pixels.size());
  if (format_ == VK_FORMAT_B8G8R8A8_SRGB || format_ == VK_FORMAT_B8G8R8A8_UNORM) {
    for (size_t i = 0; i < image.pixels.size(); i += 4) {
      std::swap(image.pixels[i], image.pixels[i + 2]);
    }
  }
  return image;
}

}  // namespace medverse::render
