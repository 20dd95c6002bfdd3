#include "medverse/xr/stereo_swapchain.h"

#include <algorithm>

#include "medverse/render/context.h"

namespace medverse::xr {
namespace {

Result<std::vector<VkImage>> enumerateImages(XrInstance instance, XrSwapchain swapchain) {
  uint32_t count = 0;
  MV_XR_TRY(instance, xrEnumerateSwapchainImages(swapchain, 0, &count, nullptr));
  std::vector<XrSwapchainImageVulkan2KHR> images(count, {XR_TYPE_SWAPCHAIN_IMAGE_VULKAN2_KHR});
  MV_XR_TRY(instance, xrEnumerateSwapchainImages(
                          swapchain, count, &count,
                          reinterpret_cast<XrSwapchainImageBaseHeader*>(images.data())));
  std::vector<VkImage> out;
  for (const auto& i : images) {
    out.push_back(i.image);
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<StereoSwapchain>> StereoSwapchain::create(XrInstance instance,
                                                                 XrSession session,
                                                                 render::Context& context,
                                                                 uint32_t width, uint32_t height) {
  std::unique_ptr<StereoSwapchain> s(new StereoSwapchain(instance, context));
  s->width_ = width;
  s->height_ = height;
  if (Status st = s->init(session); !st) {
    return st.error();
  }
  return s;
}

Status StereoSwapchain::init(XrSession session) {
  uint32_t count = 0;
  MV_XR_TRY(instance_, xrEnumerateSwapchainFormats(session, 0, &count, nullptr));
  std::vector<int64_t> formats(count);
  MV_XR_TRY(instance_, xrEnumerateSwapchainFormats(session, count, &count, formats.data()));
  auto offered = [&](VkFormat f) {
    return std::find(formats.begin(), formats.end(), static_cast<int64_t>(f)) != formats.end();
  };
  if (!offered(kColorFormat)) {
    return makeError("the OpenXR runtime offers no VK_FORMAT_R8G8B8A8_SRGB swapchain");
  }
  depthFormat_ = offered(VK_FORMAT_D32_SFLOAT)  ? VK_FORMAT_D32_SFLOAT
                 : offered(VK_FORMAT_D16_UNORM) ? VK_FORMAT_D16_UNORM
                                                : VK_FORMAT_UNDEFINED;
  if (depthFormat_ == VK_FORMAT_UNDEFINED) {
    return makeError("the OpenXR runtime offers no D32 or D16 depth swapchain format");
  }
  XrSwapchainCreateInfo info{XR_TYPE_SWAPCHAIN_CREATE_INFO};
  info.usageFlags = XR_SWAPCHAIN_USAGE_COLOR_ATTACHMENT_BIT | XR_SWAPCHAIN_USAGE_SAMPLED_BIT;
  info.format = kColorFormat;
  info.sampleCount = 1;
  info.width = width_;
  info.height = height_;
  info.faceCount = 1;
  info.arraySize = 2;
  info.mipCount = 1;
  MV_XR_TRY(instance_, xrCreateSwapchain(session, &info, &color_));
  // Filled by a copy of the scene pass's depth (recordDepthCopy).
  info.usageFlags =
      XR_SWAPCHAIN_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT | XR_SWAPCHAIN_USAGE_TRANSFER_DST_BIT;
  info.format = depthFormat_;
  MV_XR_TRY(instance_, xrCreateSwapchain(session, &info, &depth_));
  Result<std::vector<VkImage>> ci = enumerateImages(instance_, color_);
  if (!ci) {
    return ci.error();
  }
  colorImages_ = std::move(*ci);
  Result<std::vector<VkImage>> di = enumerateImages(instance_, depth_);
  if (!di) {
    return di.error();
  }
  depthImages_ = std::move(*di);

  // The scene pass draws the colour images directly (single-sample, as the
  // runtime composites them) and keeps its depth for the copy into the
  // depth swapchain.
  render::ExternalImages images;
  images.images = colorImages_;
  images.format = kColorFormat;
  images.extent = {width_, height_};
  images.viewCount = 2;
  images.finalLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
  images.depthFormat = depthFormat_;
  images.keepDepth = true;
  Result<std::unique_ptr<render::ExternalImageTarget>> target =
      render::ExternalImageTarget::create(context_, images, VK_SAMPLE_COUNT_1_BIT);
  if (!target) {
    return makeError("XR swapchain target: " + target.error().message);
  }
  target_ = std::move(*target);
  return {};
}

StereoSwapchain::~StereoSwapchain() {
  vkDeviceWaitIdle(context_.device());
  target_.reset();
  if (color_ != XR_NULL_HANDLE) {
    xrDestroySwapchain(color_);
  }
  if (depth_ != XR_NULL_HANDLE) {
    xrDestroySwapchain(depth_);
  }
}

Status StereoSwapchain::acquire() {
  XrSwapchainImageAcquireInfo acquire{XR_TYPE_SWAPCHAIN_IMAGE_ACQUIRE_INFO};
  XrSwapchainImageWaitInfo wait{XR_TYPE_SWAPCHAIN_IMAGE_WAIT_INFO};
  wait.timeout = XR_INFINITE_DURATION;
  MV_XR_TRY(instance_, xrAcquireSwapchainImage(color_, &acquire, &colorIndex_));
  MV_XR_TRY(instance_, xrWaitSwapchainImage(color_, &wait));
  MV_XR_TRY(instance_, xrAcquireSwapchainImage(depth_, &acquire, &depthIndex_));
  MV_XR_TRY(instance_, xrWaitSwapchainImage(depth_, &wait));
  return {};
}

Status StereoSwapchain::release() {
  XrSwapchainImageReleaseInfo release{XR_TYPE_SWAPCHAIN_IMAGE_RELEASE_INFO};
  MV_XR_TRY(instance_, xrReleaseSwapchainImage(color_, &release));
  MV_XR_TRY(instance_, xrReleaseSwapchainImage(depth_, &release));
  return {};
}

render::RenderTargetInfo StereoSwapchain::target() const {
  return target_->info(colorIndex_);
}

void StereoSwapchain::recordDepthCopy(VkCommandBuffer cmd) const {
  VkImageMemoryBarrier before[2]{};
  for (VkImageMemoryBarrier& b : before) {
    b.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER;
    b.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.subresourceRange = {VK_IMAGE_ASPECT_DEPTH_BIT, 0, 1, 0, 2};
  }
  // The scene's depth, as the pass left it (read-only after subpass 1).
  before[0].srcAccessMask = VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT;
  before[0].dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  before[0].oldLayout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_READ_ONLY_OPTIMAL;
  before[0].newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
  before[0].image = target_->depthImage();
  // The runtime's image: every texel is rewritten, so its contents can go.
  before[1].srcAccessMask = 0;
  before[1].dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  before[1].oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  before[1].newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
  before[1].image = depthImages_[depthIndex_];
  vkCmdPipelineBarrier(cmd,
                       VK_PIPELINE_STAGE_EARLY_FRAGMENT_TESTS_BIT |
                           VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT |
                           VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                       VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0, nullptr, 2, before);
  VkImageCopy region{};
  region.srcSubresource = {VK_IMAGE_ASPECT_DEPTH_BIT, 0, 0, 2};
  region.dstSubresource = region.srcSubresource;
  region.extent = {width_, height_, 1};
  vkCmdCopyImage(cmd, target_->depthImage(), VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                 depthImages_[depthIndex_], VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
  VkImageMemoryBarrier after = before[1];
  after.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  after.dstAccessMask = VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT;
  after.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
  after.newLayout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL;
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0,
                       0, nullptr, 0, nullptr, 1, &after);
}

}  // namespace medverse::xr
