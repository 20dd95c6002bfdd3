#include "medverse/xr/stereo_swapchain.h"

#include <algorithm>

#include "medverse/render/context.h"
#include "medverse/render/vk_result.h"

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
  info.usageFlags = XR_SWAPCHAIN_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT;
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

  VkDevice device = context_.device();
  auto makeViews = [&](const std::vector<VkImage>& images, VkFormat format, VkImageAspectFlags aspect,
                       std::vector<VkImageView>& views) -> Status {
    for (VkImage image : images) {
      for (uint32_t eye = 0; eye < 2; ++eye) {
        VkImageViewCreateInfo v{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
        v.image = image;
        v.viewType = VK_IMAGE_VIEW_TYPE_2D;
        v.format = format;
        v.subresourceRange = {aspect, 0, 1, eye, 1};
        VkImageView view = VK_NULL_HANDLE;
        MV_VK_TRY(vkCreateImageView(device, &v, nullptr, &view));
        views.push_back(view);
      }
    }
    return {};
  };
  if (Status s = makeViews(colorImages_, kColorFormat, VK_IMAGE_ASPECT_COLOR_BIT, colorViews_); !s) {
    return s;
  }
  if (Status s = makeViews(depthImages_, depthFormat_, VK_IMAGE_ASPECT_DEPTH_BIT, depthViews_); !s) {
    return s;
  }

  // The runtime hands images over in attachment layouts and takes them back
  // in the same (XR_KHR_vulkan_enable); depth is stored for the depth layer.
  VkAttachmentDescription a[2]{};
  a[0].format = kColorFormat;
  a[0].samples = VK_SAMPLE_COUNT_1_BIT;
  a[0].loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
  a[0].storeOp = VK_ATTACHMENT_STORE_OP_STORE;
  a[0].stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  a[0].stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  a[0].initialLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
  a[0].finalLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
  a[1] = a[0];
  a[1].format = depthFormat_;
  a[1].initialLayout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL;
  a[1].finalLayout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL;
  VkAttachmentReference colorRef{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  VkAttachmentReference depthRef{1, VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL};
  VkSubpassDescription subpass{};
  subpass.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  subpass.colorAttachmentCount = 1;
  subpass.pColorAttachments = &colorRef;
  subpass.pDepthStencilAttachment = &depthRef;
  const VkPipelineStageFlags attachmentStages = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT |
                                                VK_PIPELINE_STAGE_EARLY_FRAGMENT_TESTS_BIT |
                                                VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT;
  const VkAccessFlags attachmentWrites =
      VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT;
  VkSubpassDependency deps[2]{};
  deps[0].srcSubpass = VK_SUBPASS_EXTERNAL;
  deps[0].dstSubpass = 0;
  deps[0].srcStageMask = attachmentStages;
  deps[0].srcAccessMask = attachmentWrites;
  deps[0].dstStageMask = attachmentStages;
  deps[0].dstAccessMask = attachmentWrites | VK_ACCESS_COLOR_ATTACHMENT_READ_BIT |
                          VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_READ_BIT;
  deps[1].srcSubpass = 0;
  deps[1].dstSubpass = VK_SUBPASS_EXTERNAL;
  deps[1].srcStageMask = attachmentStages;
  deps[1].srcAccessMask = attachmentWrites;
  deps[1].dstStageMask = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
  deps[1].dstAccessMask = VK_ACCESS_MEMORY_READ_BIT;
  VkRenderPassCreateInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
  rp.attachmentCount = 2;
  rp.pAttachments = a;
  rp.subpassCount = 1;
  rp.pSubpasses = &subpass;
  rp.dependencyCount = 2;
  rp.pDependencies = deps;
  MV_VK_TRY(vkCreateRenderPass(device, &rp, nullptr, &renderPass_));
  return {};
}

StereoSwapchain::~StereoSwapchain() {
  VkDevice device = context_.device();
  vkDeviceWaitIdle(device);
  for (auto& [key, fb] : framebuffers_) {
    vkDestroyFramebuffer(device, fb, nullptr);
  }
  for (VkImageView v : colorViews_) {
    vkDestroyImageView(device, v, nullptr);
  }
  for (VkImageView v : depthViews_) {
    vkDestroyImageView(device, v, nullptr);
  }
  vkDestroyRenderPass(device, renderPass_, nullptr);
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

Result<render::RenderTargetInfo> StereoSwapchain::target(int eye) {
  auto key = std::make_tuple(colorIndex_, depthIndex_, eye);
  auto it = framebuffers_.find(key);
  if (it == framebuffers_.end()) {
    VkImageView views[2] = {colorViews_[colorIndex_ * 2 + eye], depthViews_[depthIndex_ * 2 + eye]};
    VkFramebufferCreateInfo fb{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
    fb.renderPass = renderPass_;
    fb.attachmentCount = 2;
    fb.pAttachments = views;
    fb.width = width_;
    fb.height = height_;
    fb.layers = 1;
    VkFramebuffer framebuffer = VK_NULL_HANDLE;
    MV_VK_TRY(vkCreateFramebuffer(context_.device(), &fb, nullptr, &framebuffer));
    it = framebuffers_.emplace(key, framebuffer).first;
  }
  render::RenderTargetInfo info;
  info.renderPass = renderPass_;
  info.framebuffer = it->second;
  info.extent = {width_, height_};
  info.samples = VK_SAMPLE_COUNT_1_BIT;
  info.colorFormat = kColorFormat;
  return info;
}

}  // namespace medverse::xr
