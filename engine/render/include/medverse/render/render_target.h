#pragma once
// What a pass needs to know about where it draws. Offscreen targets, window
// swapchains and XR swapchain images all describe themselves this way.
//
// Every target's render pass has two subpasses (createSceneRenderPass in
// scene_render_pass.cpp):
//   0 opaque: meshes and MPR slices write colour and depth;
//   1 translucent: the volume ray marcher reads the depth attachment as an
//     input attachment (rays stop at opaque surfaces), then transparent
//     meshes blend on top, depth-tested against the read-only depth, then
//     the UI (world panels and the overlay).
#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>

namespace medverse::render {

struct RenderTargetInfo {
  VkRenderPass renderPass = VK_NULL_HANDLE;
  VkFramebuffer framebuffer = VK_NULL_HANDLE;
  VkExtent2D extent{0, 0};  // per view
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  VkFormat colorFormat = VK_FORMAT_UNDEFINED;
  // The depth attachment's view (a 2-layer array view for stereo): subpass 1
  // reads it as an input attachment.
  VkImageView depthView = VK_NULL_HANDLE;
  // 1: a mono pass; 2: a multiview pass (viewMask 0b11) over 2-layer images,
  // layer i drawn with RenderView::eyes[i]. Must equal RenderView::viewCount.
  uint32_t viewCount = 1;
  // Stereo targets only: the same images as one single-view pass per layer,
  // for drivers whose multiview cannot be trusted (Context::nativeMultiview()).
  VkRenderPass perViewRenderPass = VK_NULL_HANDLE;
  std::array<VkFramebuffer, 2> perViewFramebuffers{};
  // The depth layer each per-view pass reads in subpass 1 (input attachment).
  std::array<VkImageView, 2> perViewDepthViews{};
  // With MSAA the per-view passes keep the multisampled layers; the renderer
  // resolves them into the output image and leaves it in outputFinalLayout.
  VkImage perViewMsaaColor = VK_NULL_HANDLE;
  VkImage perViewOutput = VK_NULL_HANDLE;
  VkImageLayout outputFinalLayout = VK_IMAGE_LAYOUT_UNDEFINED;
};

}  // namespace medverse::render
