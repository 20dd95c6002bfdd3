#pragma once
// What a pass needs to know about where it draws. Offscreen targets, window
// swapchains and XR swapchain images all describe themselves this way.
//
// Every target's render pass has two subpasses (see offscreen_target.cpp):
//   0 opaque: meshes and MPR slices write colour and depth;
//   1 translucent: the volume ray marcher reads the depth attachment as an
//     input attachment (rays stop at opaque surfaces), then transparent
//     meshes blend on top, depth-tested against the read-only depth.
#include <vulkan/vulkan.h>

namespace medverse::render {

struct RenderTargetInfo {
  VkRenderPass renderPass = VK_NULL_HANDLE;
  VkFramebuffer framebuffer = VK_NULL_HANDLE;
  VkExtent2D extent{0, 0};
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  VkFormat colorFormat = VK_FORMAT_UNDEFINED;
  // The depth attachment's view: subpass 1 reads it as an input attachment.
  VkImageView depthView = VK_NULL_HANDLE;
};

}  // namespace medverse::render
