#pragma once
// What a pass needs to know about where it draws. Offscreen targets, window
// swapchains and XR swapchain images all describe themselves this way.
#include <vulkan/vulkan.h>

namespace medverse::render {

struct RenderTargetInfo {
  VkRenderPass renderPass = VK_NULL_HANDLE;
  VkFramebuffer framebuffer = VK_NULL_HANDLE;
  VkExtent2D extent{0, 0};
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  VkFormat colorFormat = VK_FORMAT_UNDEFINED;
};

}  // namespace medverse::render
