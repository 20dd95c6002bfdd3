#include "medverse/render/offscreen_target.h"

#include <cstring>
#include <string>
#include <vector>

#include "medverse/core/log.h"
#include "medverse/render/context.h"
#include "medverse/render/vk_result.h"

namespace medverse::render {

Result<std::unique_ptr<OffscreenTarget>> OffscreenTarget::create(Context& context, uint32_t width,
                                                                 uint32_t height,
                                                                 VkSampleCountFlagBits samples) {
  const uint32_t maxDim = context.properties().limits.maxFramebufferWidth;
  if (width == 0 || height == 0 || width > maxDim ||
      height > context.properties().limits.maxFramebufferHeight) {
    return makeError("render target size " + std::to_string(width) + "x" + std::to_string(height) +
                     " is outside 1.." + std::to_string(maxDim));
  }
  std::unique_ptr<OffscreenTarget> t(new OffscreenTarget(context));
  t->extent_ = {width, height};
  t->samples_ = context.supportedSamples(samples);
  if (t->samples_ != samples) {
    log::get("render")->warn("{}x MSAA unsupported on {}; using {}x", static_cast<int>(samples),
                             context.deviceName(), static_cast<int>(t->samples_));
  }
  const bool msaa = t->samples_ != VK_SAMPLE_COUNT_1_BIT;
  const VkExtent3D extent{width, height, 1};

  ImageDesc color;
  color.format = kColorFormat;
  color.extent = extent;
  color.samples = t->samples_;
  color.usage = msaa ? (VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT)
                     : (VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT);
  Result<Image> colorImage = Image::create(context, color);
  if (!colorImage) {
    return colorImage.error();
  }
  t->color_ = std::move(*colorImage);

  ImageDesc depth;
  depth.format = kDepthFormat;
  depth.extent = extent;
  depth.samples = t->samples_;
  // INPUT_ATTACHMENT: the volume pass reads depth in subpass 1.
  depth.usage = VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT |
                VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT;
  depth.aspect = VK_IMAGE_ASPECT_DEPTH_BIT;
  Result<Image> depthImage = Image::create(context, depth);
  if (!depthImage) {
    return depthImage.error();
  }
  t->depth_ = std::move(*depthImage);

  if (msaa) {
    ImageDesc resolve;
    resolve.format = kColorFormat;
    resolve.extent = extent;
    resolve.usage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    Result<Image> resolveImage = Image::create(context, resolve);
    if (!resolveImage) {
      return resolveImage.error();
    }
    t->resolve_ = std::move(*resolveImage);
  }

  // Attachments: 0 colour, 1 depth, 2 resolve (MSAA only). The output image
  // ends in TRANSFER_SRC_OPTIMAL, ready for readback.
  std::vector<VkAttachmentDescription> attachments;
  VkAttachmentDescription a{};
  a.format = kColorFormat;
  a.samples = t->samples_;
  a.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
  a.storeOp = msaa ? VK_ATTACHMENT_STORE_OP_DONT_CARE : VK_ATTACHMENT_STORE_OP_STORE;
  a.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  a.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  a.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  a.finalLayout = msaa ? VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL : VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
  attachments.push_back(a);
  a.format = kDepthFormat;
  a.storeOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  // Depth ends in the layout subpass 1 uses: no final transition to order
  // against its reads (the next frame starts from UNDEFINED anyway).
  a.finalLayout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_READ_ONLY_OPTIMAL;
  attachments.push_back(a);
  if (msaa) {
    a.format = kColorFormat;
    a.samples = VK_SAMPLE_COUNT_1_BIT;
    a.loadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
    a.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
    a.finalLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    attachments.push_back(a);
  }
  VkAttachmentReference colorRef{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  VkAttachmentReference depthRef{1, VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL};
  VkAttachmentReference resolveRef{2, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  // Two subpasses (render_target.h): 0 draws opaque geometry; 1 reads its
  // depth as an input attachment (volume rays stop at it) while keeping it
  // bound read-only for the depth test of transparent meshes. Both uses of
  // attachment 1 in subpass 1 share the read-only layout, as Vulkan requires.
  // The MSAA resolve happens at the end of the last subpass.
  VkAttachmentReference depthReadRef{1, VK_IMAGE_LAYOUT_DEPTH_STENCIL_READ_ONLY_OPTIMAL};
  VkSubpassDescription subpasses[2]{};
  subpasses[0].pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  subpasses[0].colorAttachmentCount = 1;
  subpasses[0].pColorAttachments = &colorRef;
  subpasses[0].pDepthStencilAttachment = &depthRef;
  subpasses[1].pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  subpasses[1].inputAttachmentCount = 1;
  subpasses[1].pInputAttachments = &depthReadRef;
  subpasses[1].colorAttachmentCount = 1;
  subpasses[1].pColorAttachments = &colorRef;
  subpasses[1].pDepthStencilAttachment = &depthReadRef;
  subpasses[1].pResolveAttachments = msaa ? &resolveRef : nullptr;

  // In: the previous frame's readback (transfer) and attachment writes must
  // finish before this frame clears. Out: the resolve must land before the
  // readback copy reads it.
  VkSubpassDependency deps[3]{};
  deps[0].srcSubpass = VK_SUBPASS_EXTERNAL;
  deps[0].dstSubpass = 0;
  deps[0].srcStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT |
                         VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT;
  deps[0].srcAccessMask =
      VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT;
  deps[0].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT |
                         VK_PIPELINE_STAGE_EARLY_FRAGMENT_TESTS_BIT |
                         VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT;
  deps[0].dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_COLOR_ATTACHMENT_READ_BIT |
                          VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT |
                          VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_READ_BIT;
  deps[1].srcSubpass = 1;
  deps[1].dstSubpass = VK_SUBPASS_EXTERNAL;
  deps[1].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  deps[1].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  deps[1].dstStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT;
  deps[1].dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  // Subpass 0 -> 1: opaque depth and colour are written before the volume
  // reads depth (input attachment, same pixel: BY_REGION) and blends colour.
  deps[2].srcSubpass = 0;
  deps[2].dstSubpass = 1;
  deps[2].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT |
                         VK_PIPELINE_STAGE_EARLY_FRAGMENT_TESTS_BIT |
                         VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT;
  deps[2].srcAccessMask =
      VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT;
  deps[2].dstStageMask = VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT |
                         VK_PIPELINE_STAGE_EARLY_FRAGMENT_TESTS_BIT |
                         VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT |
                         VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  deps[2].dstAccessMask = VK_ACCESS_INPUT_ATTACHMENT_READ_BIT |
                          VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_READ_BIT |
                          VK_ACCESS_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  deps[2].dependencyFlags = VK_DEPENDENCY_BY_REGION_BIT;

  VkRenderPassCreateInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
  rp.attachmentCount = static_cast<uint32_t>(attachments.size());
  rp.pAttachments = attachments.data();
  rp.subpassCount = 2;
  rp.pSubpasses = subpasses;
  rp.dependencyCount = 3;
  rp.pDependencies = deps;
  MV_VK_TRY(vkCreateRenderPass(context.device(), &rp, nullptr, &t->renderPass_));

  std::vector<VkImageView> views{t->color_.view(), t->depth_.view()};
  if (msaa) {
    views.push_back(t->resolve_.view());
  }
  VkFramebufferCreateInfo fb{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
  fb.renderPass = t->renderPass_;
  fb.attachmentCount = static_cast<uint32_t>(views.size());
  fb.pAttachments = views.data();
  fb.width = width;
  fb.height = height;
  fb.layers = 1;
  MV_VK_TRY(vkCreateFramebuffer(context.device(), &fb, nullptr, &t->framebuffer_));

  Result<Buffer> readback = Buffer::create(context, static_cast<VkDeviceSize>(width) * height * 4,
                                           VK_BUFFER_USAGE_TRANSFER_DST_BIT, MemoryUsage::Readback);
  if (!readback) {
    return readback.error();
  }
  t->readbackBuffer_ = std::move(*readback);
  return t;
}

OffscreenTarget::~OffscreenTarget() {
  vkDeviceWaitIdle(context_.device());
  vkDestroyFramebuffer(context_.device(), framebuffer_, nullptr);
  vkDestroyRenderPass(context_.device(), renderPass_, nullptr);
}

RenderTargetInfo OffscreenTarget::info() const {
  return {renderPass_, framebuffer_, extent_, samples_, kColorFormat, depth_.view()};
}

Result<RgbaImage> OffscreenTarget::readback() {
  const Image& output = samples_ == VK_SAMPLE_COUNT_1_BIT ? color_ : resolve_;
  Status s = context_.submitAndWait([&](VkCommandBuffer cmd) {
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
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
  RgbaImage image;
  image.width = extent_.width;
  image.height = extent_.height;
  image.pixels.resize(static_cast<size_t>(extent_.width) * extent_.height * 4);
  std::memcpy(image.pixels.data(), readbackBuffer_.mapped(), image.pixels.size());
  return image;
}

}  // namespace medverse::render
