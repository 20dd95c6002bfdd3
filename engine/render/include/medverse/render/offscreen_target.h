#pragma once
// A colour + depth render target with MSAA, resolved into a single-sample
// image that can be read back to the CPU (headless mode, screenshots, tests).
// With viewCount 2 the images are 2-layer arrays drawn by one multiview pass
// (stereo): layer 0 is the left eye, layer 1 the right.
#include <vulkan/vulkan.h>

#include <memory>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/render/image_io.h"
#include "medverse/render/render_target.h"
#include "medverse/render/resources.h"

namespace medverse::render {

class Context;
struct PerViewFramebuffers;

class OffscreenTarget {
 public:
  // Colour is sRGB (shaders write linear light), depth is 32-bit float.
  static constexpr VkFormat kColorFormat = VK_FORMAT_R8G8B8A8_SRGB;
  static constexpr VkFormat kDepthFormat = VK_FORMAT_D32_SFLOAT;

  // width x height is the size of each view; viewCount is 1 (mono) or 2 (stereo).
  static Result<std::unique_ptr<OffscreenTarget>> create(
      Context& context, uint32_t width, uint32_t height,
      VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_4_BIT, uint32_t viewCount = 1);
  ~OffscreenTarget();
  OffscreenTarget(const OffscreenTarget&) = delete;
  OffscreenTarget& operator=(const OffscreenTarget&) = delete;

  [[nodiscard]] RenderTargetInfo info() const;
  [[nodiscard]] VkSampleCountFlagBits samples() const { return samples_; }
  [[nodiscard]] uint32_t viewCount() const { return viewCount_; }

  // Copies the last rendered frame to the CPU: view 0 (mono, or the left eye).
  // Valid after a pass has drawn into this target (the render pass leaves it
  // in TRANSFER_SRC_OPTIMAL).
  Result<RgbaImage> readback();
  // Every view, in view order (left eye first).
  Result<std::vector<RgbaImage>> readbackViews();

 private:
  explicit OffscreenTarget(Context& context);
  Context& context_;
  VkExtent2D extent_{};
  VkSampleCountFlagBits samples_ = VK_SAMPLE_COUNT_1_BIT;
  uint32_t viewCount_ = 1;
  Image color_;    // multisampled (or the output when samples == 1)
  Image depth_;
  Image resolve_;  // single-sample output, TRANSFER_SRC
  Buffer readbackBuffer_;
  VkRenderPass renderPass_ = VK_NULL_HANDLE;
  VkFramebuffer framebuffer_ = VK_NULL_HANDLE;
  std::unique_ptr<PerViewFramebuffers> perView_;  // stereo only
};

}  // namespace medverse::render
