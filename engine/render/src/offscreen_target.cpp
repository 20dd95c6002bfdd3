#include "medverse/render/offscreen_target.h"

#include <cstring>
#include <string>
#include <vector>

#include "medverse/core/log.h"
#include "medverse/render/context.h"
#include "medverse/render/render_view.h"
#include "medverse/render/vk_result.h"
#include "scene_render_pass.h"

namespace medverse::render {

OffscreenTarget::OffscreenTarget(Context& context) : context_(context) {}

Result<std::unique_ptr<OffscreenTarget>> OffscreenTarget::create(Context& context, uint32_t width,
                                                                 uint32_t height,
                                                                 VkSampleCountFlagBits samples,
                                                                 uint32_t viewCount) {
  const uint32_t maxDim = context.properties().limits.maxFramebufferWidth;
  if (width == 0 || height == 0 || width > maxDim ||
      height > context.properties().limits.maxFramebufferHeight) {
    return makeError("render target size " + std::to_string(width) + "x" + std::to_string(height) +
                     " is outside 1.." + std::to_string(maxDim));
  }
  if (viewCount < 1 || viewCount > kMaxViews) {
    return makeError("render target view count " + std::to_string(viewCount) +
                     " is not 1 (mono) or 2 (stereo)");
  }
  if (viewCount > 1 && !context.multiviewEnabled()) {
    return makeError("stereo needs Vulkan multiview, which " + context.deviceName() + " lacks");
  }
  std::unique_ptr<OffscreenTarget> t(new OffscreenTarget(context));
  t->extent_ = {width, height};
  t->viewCount_ = viewCount;
  t->samples_ = context.supportedSamples(samples);
  if (t->samples_ != samples) {
    log::get("render")->warn("{}x MSAA unsupported on {}; using {}x", static_cast<int>(samples),
                             context.deviceName(), static_cast<int>(t->samples_));
  }
  const bool msaa = t->samples_ != VK_SAMPLE_COUNT_1_BIT;

  Result<Image> colorImage = createAttachmentImage(
      context, kColorFormat, t->extent_, t->samples_, viewCount,
      !msaa ? (VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT)
      // Stereo keeps the samples for an explicit resolve on per-view devices.
      : viewCount > 1 ? (VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT)
                      : (VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT));
  if (!colorImage) {
    return colorImage.error();
  }
  t->color_ = std::move(*colorImage);
  Result<Image> depthImage = createAttachmentImage(
      context, kDepthFormat, t->extent_, t->samples_, viewCount,
      VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT |
          // The volume pass reads depth in subpass 1.
          VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT);
  if (!depthImage) {
    return depthImage.error();
  }
  t->depth_ = std::move(*depthImage);
  if (msaa) {
    Result<Image> resolveImage = createAttachmentImage(
        context, kColorFormat, t->extent_, VK_SAMPLE_COUNT_1_BIT, viewCount,
        VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT |
            VK_IMAGE_USAGE_TRANSFER_DST_BIT);
    if (!resolveImage) {
      return resolveImage.error();
    }
    t->resolve_ = std::move(*resolveImage);
  }

  // The output image ends in TRANSFER_SRC_OPTIMAL, ready for readback.
  SceneRenderPassDesc pass;
  pass.colorFormat = kColorFormat;
  pass.depthFormat = kDepthFormat;
  pass.samples = t->samples_;
  pass.viewCount = viewCount;
  pass.outputFinalLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
  Result<VkRenderPass> renderPass = createSceneRenderPass(context.device(), pass);
  if (!renderPass) {
    return renderPass.error();
  }
  t->renderPass_ = *renderPass;
  Result<VkFramebuffer> framebuffer =
      createSceneFramebuffer(context.device(), t->renderPass_, t->extent_, t->color_.view(),
                             t->depth_.view(), msaa ? t->resolve_.view() : VK_NULL_HANDLE);
  if (!framebuffer) {
    return framebuffer.error();
  }
  t->framebuffer_ = *framebuffer;
  if (viewCount > 1) {
    Result<PerViewFramebuffers> perView = createPerViewFramebuffers(
        context.device(), pass, t->extent_, t->color_.handle(), t->depth_.handle(),
        msaa ? t->resolve_.handle() : VK_NULL_HANDLE);
    if (!perView) {
      return perView.error();
    }
    t->perView_ = std::make_unique<PerViewFramebuffers>(*perView);
  }

  Result<Buffer> readback =
      Buffer::create(context, static_cast<VkDeviceSize>(width) * height * 4 * viewCount,
                     VK_BUFFER_USAGE_TRANSFER_DST_BIT, MemoryUsage::Readback);
  if (!readback) {
    return readback.error();
  }
  t->readbackBuffer_ = std::move(*readback);
  return t;
}

OffscreenTarget::~OffscreenTarget() {
  vkDeviceWaitIdle(context_.device());
  if (perView_) {
    perView_->destroy(context_.device());
  }
  vkDestroyFramebuffer(context_.device(), framebuffer_, nullptr);
  vkDestroyRenderPass(context_.device(), renderPass_, nullptr);
}

RenderTargetInfo OffscreenTarget::info() const {
  RenderTargetInfo info{renderPass_, framebuffer_, extent_, samples_, kColorFormat};
  info.depthView = depth_.view();
  info.viewCount = viewCount_;
  if (perView_) {
    perView_->describe(info);
  }
  return info;
}

Result<RgbaImage> OffscreenTarget::readback() {
  Result<std::vector<RgbaImage>> views = readbackViews();
  if (!views) {
    return views.error();
  }
  return std::move(views->front());
}

Result<std::vector<RgbaImage>> OffscreenTarget::readbackViews() {
  const Image& output = samples_ == VK_SAMPLE_COUNT_1_BIT ? color_ : resolve_;
  Status s = context_.submitAndWait([&](VkCommandBuffer cmd) {
    // Layers land one after the other in the buffer, each tightly packed.
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, viewCount_};
    region.imageExtent = {extent_.width, extent_.height, 1};
    vkCmdCopyImageToBuffer(cmd, output.handle(), VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                           readbackBuffer_.handle(), 1, &region);
    // Make the transfer write visible to host reads after the fence.
    VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    barrier.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1,
                         &barrier, 0, nullptr, 0, nullptr);
  });
  if (!s) {
    return s.error();
  }
  context_.allocator().invalidate(readbackBuffer_.allocation());
  const size_t layerBytes = static_cast<size_t>(extent_.width) * extent_.height * 4;
  std::vector<RgbaImage> images(viewCount_);
  for (uint32_t i = 0; i < viewCount_; ++i) {
    images[i].width = extent_.width;
    images[i].height = extent_.height;
    images[i].pixels.resize(layerBytes);
    std::memcpy(images[i].pixels.data(),
                static_cast<const uint8_t*>(readbackBuffer_.mapped()) + i * layerBytes, layerBytes);
  }
  return images;
}

}  // namespace medverse::render
