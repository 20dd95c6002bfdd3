#pragma once
// The render pass every scene target uses (offscreen, window swapchain, XR
// images): attachment 0 colour, 1 depth, 2 single-sample resolve (MSAA only),
// cleared on load, and two subpasses (see render_target.h): 0 opaque, 1
// volume + transparent + UI reading depth as an input attachment. Targets differ only in where the output ends up, which is
// what the desc says. A viewCount of 2 makes it a multiview pass (one draw
// covers both layers; shaders index per-view data with gl_ViewIndex).
#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/render/render_target.h"
#include "medverse/render/resources.h"

namespace medverse::render {

class Context;

inline constexpr uint32_t kSceneSubpassCount = 2;

struct SceneRenderPassDesc {
  VkFormat colorFormat = VK_FORMAT_UNDEFINED;
  VkFormat depthFormat = VK_FORMAT_D32_SFLOAT;
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  uint32_t viewCount = 1;
  // Layout of the output (resolve image with MSAA, else the colour image)
  // after the pass: TRANSFER_SRC for readback, PRESENT_SRC for a window,
  // COLOR_ATTACHMENT for XR swapchain images.
  VkImageLayout outputFinalLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
  // MSAA only: false keeps the multisampled colour (stored, left in
  // TRANSFER_SRC_OPTIMAL) for a vkCmdResolveImage after the pass, and the
  // pass has no resolve attachment.
  bool resolveInPass = true;
  // Store the depth attachment (for a copy after the pass); else its
  // contents are discarded at the end of the pass.
  bool storeDepth = false;
};

// The view mask of a pass drawing `viewCount` views: 0 (not multiview) for 1.
constexpr uint32_t viewMaskFor(uint32_t viewCount) {
  return viewCount <= 1 ? 0U : ((1U << viewCount) - 1U);
}

Result<VkRenderPass> createSceneRenderPass(VkDevice device, const SceneRenderPassDesc& desc);

// An attachment image with one layer per view (a 2D array view when stereo).
Result<Image> createAttachmentImage(Context& context, VkFormat format, VkExtent2D extent,
                                    VkSampleCountFlagBits samples, uint32_t viewCount,
                                    VkImageUsageFlags usage);

// The framebuffer of a scene render pass: colour, depth and (MSAA) resolve
// views. A multiview framebuffer has one layer; the views select the layers.
Result<VkFramebuffer> createSceneFramebuffer(VkDevice device, VkRenderPass renderPass,
                                             VkExtent2D extent, VkImageView color,
                                             VkImageView depth, VkImageView resolve);

// A stereo target's images seen one layer at a time: a single-view render
// pass and a framebuffer per layer. The renderer draws through these when
// the driver's multiview is not trusted. With MSAA the passes keep the
// multisampled layers and the renderer resolves both with one
// vkCmdResolveImage (on lavapipe 22.3 a resolve attachment viewing layer 1
// of an array image leaves that layer unwritten; measured by the per-view
// test in tests/render/test_stereo.cpp before this workaround).
struct PerViewFramebuffers {
  VkRenderPass renderPass = VK_NULL_HANDLE;
  std::array<VkFramebuffer, 2> framebuffers{};
  std::array<VkImageView, 2> depthViews{};  // per layer, owned by `views`
  std::vector<VkImageView> views;      // per-layer views of the target's images
  VkImage msaaColor = VK_NULL_HANDLE;  // resolve source (MSAA only)
  VkImage output = VK_NULL_HANDLE;     // resolve destination (MSAA only)
  VkImageLayout outputFinalLayout = VK_IMAGE_LAYOUT_UNDEFINED;

  // Fills the per-view fields of a target's info.
  void describe(RenderTargetInfo& info) const;

  void destroy(VkDevice device);
};

// color, depth and resolve (VK_NULL_HANDLE without MSAA) are the target's
// 2-layer images; desc describes the multiview pass they belong to.
Result<PerViewFramebuffers> createPerViewFramebuffers(VkDevice device,
                                                      const SceneRenderPassDesc& desc,
                                                      VkExtent2D extent, VkImage color,
                                                      VkImage depth, VkImage resolve);

}  // namespace medverse::render
