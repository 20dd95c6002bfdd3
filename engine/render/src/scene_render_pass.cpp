#include "scene_render_pass.h"

#include <vector>

#include "medverse/render/context.h"
#include "medverse/render/vk_result.h"

namespace medverse::render {

Result<VkRenderPass> createSceneRenderPass(VkDevice device, const SceneRenderPassDesc& desc) {
  const bool msaa = desc.samples != VK_SAMPLE_COUNT_1_BIT;
  const bool resolveAttachment = msaa && desc.resolveInPass;
  std::vector<VkAttachmentDescription> attachments;
  VkAttachmentDescription a{};
  a.format = desc.colorFormat;
  a.samples = desc.samples;
  a.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
  a.storeOp = resolveAttachment ? VK_ATTACHMENT_STORE_OP_DONT_CARE : VK_ATTACHMENT_STORE_OP_STORE;
  a.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  a.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  a.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  a.finalLayout = resolveAttachment ? VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL
                  : msaa            ? VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL
                                    : desc.outputFinalLayout;
  attachments.push_back(a);
  a.format = desc.depthFormat;
  a.storeOp = desc.storeDepth ? VK_ATTACHMENT_STORE_OP_STORE : VK_ATTACHMENT_STORE_OP_DONT_CARE;
  // Depth ends in the layout subpass 1 uses: no final transition to order
  // against its reads (the next frame starts from UNDEFINED anyway).
  a.finalLayout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_READ_ONLY_OPTIMAL;
  attachments.push_back(a);
  if (resolveAttachment) {
    a.format = desc.colorFormat;
    a.samples = VK_SAMPLE_COUNT_1_BIT;
    a.loadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
    a.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
    a.finalLayout = desc.outputFinalLayout;
    attachments.push_back(a);
  }
  VkAttachmentReference colorRef{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  VkAttachmentReference depthRef{1, VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL};
  VkAttachmentReference resolveRef{2, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  // Two subpasses (render_target.h): 0 draws opaque geometry; 1 reads its
  // depth as an input attachment (volume rays stop at it) while keeping it
  // bound read-only for the depth test of transparent meshes and UI panels.
  // Both uses of attachment 1 in subpass 1 share the read-only layout, as
  // Vulkan requires. The MSAA resolve happens at the end of the last subpass.
  VkAttachmentReference depthReadRef{1, VK_IMAGE_LAYOUT_DEPTH_STENCIL_READ_ONLY_OPTIMAL};
  VkSubpassDescription subpasses[kSceneSubpassCount]{};
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
  subpasses[1].pResolveAttachments = resolveAttachment ? &resolveRef : nullptr;

  const uint32_t viewMask = viewMaskFor(desc.viewCount);

  // In: earlier work on the same attachments (the previous frame's pass and
  // its depth reads, its readback copy, a swapchain acquire waited at colour
  // output) must finish before this frame clears. Out: the output must be
  // written before a copy reads it (readback, window screenshot) or the next
  // user takes it.
  VkSubpassDependency deps[3]{};
  deps[0].srcSubpass = VK_SUBPASS_EXTERNAL;
  deps[0].dstSubpass = 0;
  deps[0].srcStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT |
                         VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT |
                         VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT |
                         VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT;
  deps[0].srcAccessMask =
      VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT;
  deps[0].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT |
                         VK_PIPELINE_STAGE_EARLY_FRAGMENT_TESTS_BIT |
                         VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT;
  deps[0].dstAccessMask =
      VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_COLOR_ATTACHMENT_READ_BIT |
      VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT | VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_READ_BIT;
  deps[1].srcSubpass = kSceneSubpassCount - 1;
  deps[1].dstSubpass = VK_SUBPASS_EXTERNAL;
  deps[1].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  deps[1].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  deps[1].dstStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT;
  deps[1].dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  // Subpass 0 -> 1: opaque depth and colour are written before the volume
  // reads depth (input attachment, same pixel: BY_REGION; same view:
  // VIEW_LOCAL in a multiview pass) and blends colour.
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
  if (viewMask != 0) {
    deps[2].dependencyFlags |= VK_DEPENDENCY_VIEW_LOCAL_BIT;
  }

  VkRenderPassCreateInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
  rp.attachmentCount = static_cast<uint32_t>(attachments.size());
  rp.pAttachments = attachments.data();
  rp.subpassCount = kSceneSubpassCount;
  rp.pSubpasses = subpasses;
  rp.dependencyCount = 3;
  rp.pDependencies = deps;

  // Multiview: every subpass draws all views (VUID-VkRenderPassCreateInfo-pNext-02513:
  // all masks non-zero or all zero), so a pass with more subpasses repeats the
  // mask per subpass; dependencies between such subpasses want
  // VK_DEPENDENCY_VIEW_LOCAL_BIT. The views are spatially correlated (both
  // eyes see nearly the same thing), which lets drivers share work.
  const std::vector<uint32_t> viewMasks(rp.subpassCount, viewMask);
  VkRenderPassMultiviewCreateInfo multiview{VK_STRUCTURE_TYPE_RENDER_PASS_MULTIVIEW_CREATE_INFO};
  multiview.subpassCount = rp.subpassCount;
  multiview.pViewMasks = viewMasks.data();
  multiview.correlationMaskCount = 1;
  multiview.pCorrelationMasks = &viewMask;
  if (viewMask != 0) {
    rp.pNext = &multiview;
  }
  VkRenderPass renderPass = VK_NULL_HANDLE;
  MV_VK_TRY(vkCreateRenderPass(device, &rp, nullptr, &renderPass));
  return renderPass;
}

Result<Image> createAttachmentImage(Context& context, VkFormat format, VkExtent2D extent,
                                    VkSampleCountFlagBits samples, uint32_t viewCount,
                                    VkImageUsageFlags usage) {
  ImageDesc desc;
  desc.format = format;
  desc.extent = {extent.width, extent.height, 1};
  desc.samples = samples;
  desc.layers = viewCount;
  desc.viewType = viewCount > 1 ? VK_IMAGE_VIEW_TYPE_2D_ARRAY : VK_IMAGE_VIEW_TYPE_2D;
  desc.usage = usage;
  const bool isDepth = format == VK_FORMAT_D32_SFLOAT || format == VK_FORMAT_D16_UNORM ||
                       format == VK_FORMAT_X8_D24_UNORM_PACK32;
  desc.aspect = isDepth ? VK_IMAGE_ASPECT_DEPTH_BIT : VK_IMAGE_ASPECT_COLOR_BIT;
  return Image::create(context, desc);
}

Result<VkFramebuffer> createSceneFramebuffer(VkDevice device, VkRenderPass renderPass,
                                             VkExtent2D extent, VkImageView color,
                                             VkImageView depth, VkImageView resolve) {
  std::vector<VkImageView> views{color, depth};
  if (resolve != VK_NULL_HANDLE) {
    views.push_back(resolve);
  }
  VkFramebufferCreateInfo fb{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
  fb.renderPass = renderPass;
  fb.attachmentCount = static_cast<uint32_t>(views.size());
  fb.pAttachments = views.data();
  fb.width = extent.width;
  fb.height = extent.height;
  fb.layers = 1;
  VkFramebuffer framebuffer = VK_NULL_HANDLE;
  MV_VK_TRY(vkCreateFramebuffer(device, &fb, nullptr, &framebuffer));
  return framebuffer;
}

void PerViewFramebuffers::describe(RenderTargetInfo& info) const {
  info.perViewRenderPass = renderPass;
  info.perViewFramebuffers = framebuffers;
  info.perViewDepthViews = depthViews;
  info.perViewMsaaColor = msaaColor;
  info.perViewOutput = output;
  info.outputFinalLayout = outputFinalLayout;
}

void PerViewFramebuffers::destroy(VkDevice device) {
  for (VkFramebuffer& fb : framebuffers) {
    vkDestroyFramebuffer(device, fb, nullptr);
    fb = VK_NULL_HANDLE;
  }
  for (VkImageView view : views) {
    vkDestroyImageView(device, view, nullptr);
  }
  views.clear();
  vkDestroyRenderPass(device, renderPass, nullptr);
  renderPass = VK_NULL_HANDLE;
}

Result<PerViewFramebuffers> createPerViewFramebuffers(VkDevice device,
                                                      const SceneRenderPassDesc& desc,
                                                      VkExtent2D extent, VkImage color,
                                                      VkImage depth, VkImage resolve) {
  PerViewFramebuffers out;
  SceneRenderPassDesc single = desc;
  single.viewCount = 1;
  single.resolveInPass = false;
  if (resolve != VK_NULL_HANDLE) {
    out.msaaColor = color;
    out.output = resolve;
  }
  out.outputFinalLayout = desc.outputFinalLayout;
  Result<VkRenderPass> pass = createSceneRenderPass(device, single);
  if (!pass) {
    return pass.error();
  }
  out.renderPass = *pass;
  auto layerView = [&](VkImage image, VkFormat format, VkImageAspectFlags aspect,
                       uint32_t layer) -> Result<VkImageView> {
    VkImageViewCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    info.image = image;
    info.viewType = VK_IMAGE_VIEW_TYPE_2D;
    info.format = format;
    info.subresourceRange = {aspect, 0, 1, layer, 1};
    VkImageView view = VK_NULL_HANDLE;
    MV_VK_TRY(vkCreateImageView(device, &info, nullptr, &view));
    out.views.push_back(view);
    return view;
  };
  for (uint32_t layer = 0; layer < desc.viewCount && layer < out.framebuffers.size(); ++layer) {
    Result<VkImageView> c = layerView(color, desc.colorFormat, VK_IMAGE_ASPECT_COLOR_BIT, layer);
    Result<VkImageView> d = layerView(depth, desc.depthFormat, VK_IMAGE_ASPECT_DEPTH_BIT, layer);
    if (!c || !d) {
      out.destroy(device);
      return makeError("cannot create per-layer views of a stereo target: " +
                       (c ? d.error().message : c.error().message));
    }
    Result<VkFramebuffer> fb =
        createSceneFramebuffer(device, out.renderPass, extent, *c, *d, VK_NULL_HANDLE);
    if (!fb) {
      out.destroy(device);
      return fb.error();
    }
    out.framebuffers[layer] = *fb;
    out.depthViews[layer] = *d;
  }
  return out;
}

}  // namespace medverse::render
