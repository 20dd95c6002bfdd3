#pragma once
// One 2-layer array swapchain for colour and one for depth (layer i = eye i),
// with a render pass and per-eye framebuffers over each layer so that the
// renderer draws each eye into its layer. The images belong to the runtime;
// between acquire and release they are ours, in attachment layouts.
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/render/render_target.h"
#include "medverse/xr/xr_check.h"

namespace medverse::render {
class Context;
}

namespace medverse::xr {

class StereoSwapchain {
 public:
  static constexpr VkFormat kColorFormat = VK_FORMAT_R8G8B8A8_SRGB;

  static Result<std::unique_ptr<StereoSwapchain>> create(XrInstance instance, XrSession session,
                                                         render::Context& context, uint32_t width,
                                                         uint32_t height);
  ~StereoSwapchain();
  StereoSwapchain(const StereoSwapchain&) = delete;
  StereoSwapchain& operator=(const StereoSwapchain&) = delete;

  Status acquire();  // acquire + wait, colour and depth
  Status release();
  [[nodiscard]] Result<render::RenderTargetInfo> target(int eye);

  [[nodiscard]] XrSwapchain color() const { return color_; }
  [[nodiscard]] XrSwapchain depth() const { return depth_; }
  [[nodiscard]] uint32_t width() const { return width_; }
  [[nodiscard]] uint32_t height() const { return height_; }

 private:
  StereoSwapchain(XrInstance instance, render::Context& context)
      : instance_(instance), context_(context) {}
  Status init(XrSession session);

  XrInstance instance_;
  render::Context& context_;
  uint32_t width_ = 0;
  uint32_t height_ = 0;
  VkFormat depthFormat_ = VK_FORMAT_UNDEFINED;
  XrSwapchain color_ = XR_NULL_HANDLE;
  XrSwapchain depth_ = XR_NULL_HANDLE;
  std::vector<VkImage> colorImages_;
  std::vector<VkImage> depthImages_;
  std::vector<VkImageView> colorViews_;  // [image * 2 + eye]
  std::vector<VkImageView> depthViews_;
  VkRenderPass renderPass_ = VK_NULL_HANDLE;
  std::map<std::tuple<uint32_t, uint32_t, int>, VkFramebuffer> framebuffers_;
  uint32_t colorIndex_ = 0;
  uint32_t depthIndex_ = 0;
};

}  // namespace medverse::xr
