#pragma once
// A render target around images someone else owns: the swapchain images of
// an OpenXR session (xrEnumerateSwapchainImages), typically 2-layer arrays,
// one layer per eye, in a colour format the caller chose from the runtime's
// list. The target owns the MSAA colour and depth attachments and resolves
// into the caller's image; it creates views of those images but never frees
// them. One framebuffer per image: draw into info(index) for the image index
// the runtime handed out (xrAcquireSwapchainImage).
#include <vulkan/vulkan.h>

#include <memory>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/render/render_target.h"
#include "medverse/render/resources.h"

namespace medverse::render {

class Context;
struct PerViewFramebuffers;

struct ExternalImages {
  // Caller-owned. Usage: COLOR_ATTACHMENT, plus TRANSFER_DST for stereo with
  // MSAA (devices drawn per view resolve with vkCmdResolveImage).
  std::vector<VkImage> images;
  VkFormat format = VK_FORMAT_UNDEFINED;
  VkExtent2D extent{0, 0};  // per layer
  uint32_t viewCount = 2;   // layers drawn, one per view (1: mono)
  // Layout the images are left in: OpenXR expects COLOR_ATTACHMENT_OPTIMAL
  // when an image is released back to the runtime.
  VkImageLayout finalLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
  // The target's own depth attachment (read by the volume pass in subpass 1).
  VkFormat depthFormat = VK_FORMAT_D32_SFLOAT;
  // Keep the depth after the pass (stored, TRANSFER_SRC usage, left in
  // DEPTH_STENCIL_READ_ONLY_OPTIMAL) for a copy into an XR depth swapchain.
  // Single-sample targets only: a multisampled depth cannot be copied.
  bool keepDepth = false;
};

class ExternalImageTarget {
 public:
  static Result<std::unique_ptr<ExternalImageTarget>> create(
      Context& context, const ExternalImages& images,
      VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_4_BIT);
  ~ExternalImageTarget();
  ExternalImageTarget(const ExternalImageTarget&) = delete;
  ExternalImageTarget& operator=(const ExternalImageTarget&) = delete;

  [[nodiscard]] uint32_t imageCount() const { return static_cast<uint32_t>(framebuffers_.size()); }
  // The target that draws into images[index].
  [[nodiscard]] RenderTargetInfo info(uint32_t index) const;
  [[nodiscard]] VkSampleCountFlagBits samples() const { return samples_; }
  // The depth attachment (ExternalImages::viewCount layers).
  [[nodiscard]] VkImage depthImage() const { return depth_.handle(); }

 private:
  explicit ExternalImageTarget(Context& context);
  Context& context_;
  ExternalImages desc_;
  VkSampleCountFlagBits samples_ = VK_SAMPLE_COUNT_1_BIT;
  Image color_;  // MSAA only
  Image depth_;
  std::vector<VkImageView> views_;  // of the caller's images
  std::vector<VkFramebuffer> framebuffers_;
  VkRenderPass renderPass_ = VK_NULL_HANDLE;
  std::vector<PerViewFramebuffers> perView_;  // stereo only, one per image
};

}  // namespace medverse::render
