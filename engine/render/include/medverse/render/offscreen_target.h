#pragma once
// A colour + depth render target with MSAA, resolved into a single-sample
// image that can be read back to the CPU (headless mode, screenshots, tests).
#include <vulkan/vulkan.h>

#include <memory>

#include "medverse/core/result.h"
#include "medverse/render/image_io.h"
#include "medverse/render/render_target.h"
#include "medverse/render/resources.h"

namespace medverse::render {

class Context;

class OffscreenTarget {
 public:
  // Colour is sRGB (shaders write linear light), depth is 32-bit float.
  static constexpr VkFormat kColorFormat = VK_FORMAT_R8G8B8A8_SRGB;
  static constexpr VkFormat kDepthFormat = VK_FORMAT_D32_SFLOAT;

  static Result<std::unique_ptr<OffscreenTarget>> create(
      Context& context, uint32_t width, uint32_t height,
      VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_4_BIT);
  ~OffscreenTarget();
  OffscreenTarget(const OffscreenTarget&) = delete;
  OffscreenTarget& operator=(const OffscreenTarget&) = delete;

  [[nodiscard]] RenderTargetInfo info() const;
  [[nodiscard]] VkSampleCountFlagBits samples() const { return samples_; }

  // Copies the last rendered frame to the CPU. Valid after a pass has drawn
  // into this target (the render pass leaves it in TRANSFER_SRC_OPTIMAL).
  Result<RgbaImage> readback();

 private:
  explicit OffscreenTarget(Context& context) : context_(context) {}
  Context& context_;
  VkExtent2D extent_{};
  VkSampleCountFlagBits samples_ = VK_SAMPLE_COUNT_1_BIT;
  Image color_;    // multisampled (or the output when samples == 1)
  Image depth_;
  Image resolve_;  // single-sample output, TRANSFER_SRC
  Buffer readbackBuffer_;
  VkRenderPass renderPass_ = VK_NULL_HANDLE;
  VkFramebuffer framebuffer_ = VK_NULL_HANDLE;
};

}  // namespace medverse::render
