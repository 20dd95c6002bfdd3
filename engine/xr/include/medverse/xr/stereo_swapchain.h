#pragma once
// One 2-layer array swapchain for colour and one for depth (layer i = eye i).
// The renderer draws into the colour images through the shared scene render
// pass (render::ExternalImageTarget: both eyes in one multiview pass, or one
// pass per eye where the driver's multiview is not trusted), with a depth
// attachment of its own that the volume pass can read; that depth is copied
// into the depth swapchain for XR_KHR_composition_layer_depth. The images
// belong to the runtime; between acquire and release they are ours, in
// attachment layouts.
#include <memory>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/render/external_image_target.h"
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
  // The stereo target (2 layers) over the acquired colour image.
  [[nodiscard]] render::RenderTargetInfo target() const;
  // After the scene pass: copies its depth (both layers) into the acquired
  // depth swapchain image, which is left in DEPTH_STENCIL_ATTACHMENT_OPTIMAL.
  void recordDepthCopy(VkCommandBuffer cmd) const;

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
  std::unique_ptr<render::ExternalImageTarget> target_;
  uint32_t colorIndex_ = 0;
  uint32_t depthIndex_ = 0;
};

}  // namespace medverse::xr
