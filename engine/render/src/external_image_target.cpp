#include "medverse/render/external_image_target.h"

#include <string>

#include "medverse/render/context.h"
#include "medverse/render/render_view.h"
#include "medverse/render/vk_result.h"
#include "scene_render_pass.h"

namespace medverse::render {

ExternalImageTarget::ExternalImageTarget(Context& context) : context_(context) {}

Result<std::unique_ptr<ExternalImageTarget>> ExternalImageTarget::create(
    Context& context, const ExternalImages& images, VkSampleCountFlagBits samples) {
  if (images.images.empty()) {
    return makeError("external image target: no images given");
  }
  if (images.extent.width == 0 || images.extent.height == 0) {
    return makeError("external image target: image size is zero");
  }
  if (images.format == VK_FORMAT_UNDEFINED) {
    return makeError("external image target: no colour format given");
  }
  if (images.viewCount < 1 || images.viewCount > kMaxViews) {
    return makeError("external image target: view count " + std::to_string(images.viewCount) +
                     " is not 1 (mono) or 2 (stereo)");
  }
  if (images.viewCount > 1 && !context.multiviewEnabled()) {
    return makeError("stereo needs Vulkan multiview, which " + context.deviceName() + " lacks");
  }
  VkFormatProperties props;
  vkGetPhysicalDeviceFormatProperties(context.physicalDevice(), images.format, &props);
  if ((props.optimalTilingFeatures & VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BIT) == 0) {
    return makeError("external image target: format " + std::to_string(images.format) +
                     " cannot be a colour attachment on " + context.deviceName());
  }
  std::unique_ptr<ExternalImageTarget> t(new ExternalImageTarget(context));
  t->desc_ = images;
  t->samples_ = context.supportedSamples(samples);
  if (images.keepDepth && t->samples_ != VK_SAMPLE_COUNT_1_BIT) {
    return makeError("external image target: keepDepth needs a single-sample target (a "
                     "multisampled depth cannot be copied out)");
  }
  const bool msaa = t->samples_ != VK_SAMPLE_COUNT_1_BIT;
  if (msaa) {
    Result<Image> color = createAttachmentImage(
        context, images.format, images.extent, t->samples_, images.viewCount,
        images.viewCount > 1
            ? (VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT)
            : (VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT));
    if (!color) {
      return color.error();
    }
    t->color_ = std::move(*color);
  }
  Result<Image> depth = createAttachmentImage(
      context, images.depthFormat, images.extent, t->samples_, images.viewCount,
      VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT |
          // The volume pass reads depth in subpass 1.
          VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT |
          (images.keepDepth ? VK_IMAGE_USAGE_TRANSFER_SRC_BIT
                            : VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT));
  if (!depth) {
    return depth.error();
  }
  t->depth_ = std::move(*depth);

  SceneRenderPassDesc pass;
  pass.colorFormat = images.format;
  pass.depthFormat = images.depthFormat;
  pass.storeDepth = images.keepDepth;
  pass.samples = t->samples_;
  pass.viewCount = images.viewCount;
  pass.outputFinalLayout = images.finalLayout;
  Result<VkRenderPass> renderPass = createSceneRenderPass(context.device(), pass);
  if (!renderPass) {
    return renderPass.error();
  }
  t->renderPass_ = *renderPass;

  for (VkImage image : images.images) {
    VkImageViewCreateInfo viewInfo{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    viewInfo.image = image;
    viewInfo.viewType = images.viewCount > 1 ? VK_IMAGE_VIEW_TYPE_2D_ARRAY : VK_IMAGE_VIEW_TYPE_2D;
    viewInfo.format = images.format;
    viewInfo.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, images.viewCount};
    VkImageView view = VK_NULL_HANDLE;
    MV_VK_TRY(vkCreateImageView(context.device(), &viewInfo, nullptr, &view));
    t->views_.push_back(view);
    Result<VkFramebuffer> framebuffer = createSceneFramebuffer(
        context.device(), t->renderPass_, images.extent, msaa ? t->color_.view() : view,
        t->depth_.view(), msaa ? view : VK_NULL_HANDLE);
    if (!framebuffer) {
      return framebuffer.error();
    }
    t->framebuffers_.push_back(*framebuffer);
    if (images.viewCount > 1) {
      Result<PerViewFramebuffers> perView = createPerViewFramebuffers(
          context.device(), pass, images.extent, msaa ? t->color_.handle() : image,
          t->depth_.handle(), msaa ? image : VK_NULL_HANDLE);
      if (!perView) {
        return perView.error();
      }
      t->perView_.push_back(*perView);
    }
  }
  return t;
}

ExternalImageTarget::~ExternalImageTarget() {
  VkDevice device = context_.device();
  vkDeviceWaitIdle(device);
  for (PerViewFramebuffers& perView : perView_) {
    perView.destroy(device);
  }
  for (VkFramebuffer fb : framebuffers_) {
    vkDestroyFramebuffer(device, fb, nullptr);
  }
  for (VkImageView view : views_) {
    vkDestroyImageView(device, view, nullptr);
  }
  vkDestroyRenderPass(device, renderPass_, nullptr);
}

RenderTargetInfo ExternalImageTarget::info(uint32_t index) const {
  RenderTargetInfo info{renderPass_, framebuffers_.at(index), desc_.extent, samples_,
                        desc_.format};
  info.depthView = depth_.view();
  info.viewCount = desc_.viewCount;
  if (!perView_.empty()) {
    perView_.at(index).describe(info);
  }
  return info;
}

}  // namespace medverse::render
