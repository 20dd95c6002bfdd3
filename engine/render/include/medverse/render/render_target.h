#pragma once
// What a pass needs to know about where it draws. Offscreen targets, window
// swapchains and XR swapchain images all describe themselves this way.
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
  // 1: a mono pass; 2: a multiview pass (viewMask 0b11) over 2-layer images,
  // layer i drawn with RenderView::eyes[i]. Must equal RenderView::viewCount.
  uint32_t viewCount = 1;
  // Stereo targets only: the same images as one single-view pass per layer,
  // for drivers whose multiview cannot be trusted (Context::nativeMultiview()).
  VkRenderPass perViewRenderPass = VK_NULL_HANDLE;
  std::array<VkFramebuffer, 2> perViewFramebuffers{};
  // With MSAA the per-view passes keep the multisampled layers; the renderer
  // resolves them into the output image and leaves it in outputFinalLayout.
  VkImage perViewMsaaColor = VK_NULL_HANDLE;
  VkImage perViewOutput = VK_NULL_HANDLE;
  VkImageLayout outputFinalLayout = VK_IMAGE_LAYOUT_UNDEFINED;
};

}  // namespace medverse::render
