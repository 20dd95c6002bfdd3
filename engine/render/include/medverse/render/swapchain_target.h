#pragma once
// A window's swapchain as a render target. The window system gives the
// surface; this owns the swapchain, its MSAA colour and depth attachments,
// and the synchronization of presenting:
//  - acquire waits for nothing on the CPU: the renderer's beginFrame() has
//    already waited for the frame slot, whose acquire semaphore is free again;
//  - each swapchain image has its own "rendered" semaphore that present waits on;
//  - out-of-date or suboptimal swapchains, and resizes, rebuild the swapchain
//    at the next acquire; a minimised window (0 x 0) skips frames.
// vsync on presents with FIFO; off prefers MAILBOX, then IMMEDIATE.
#include <vulkan/vulkan.h>

#include <memory>
#include <optional>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/render/image_io.h"
#include "medverse/render/render_target.h"
#include "medverse/render/renderer.h"
#include "medverse/render/resources.h"

namespace medverse::render {

class Context;

struct SwapchainOptions {
  bool vsync = true;
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_4_BIT;
  // Lets captureNextFrame() copy presented images back (needs TRANSFER_SRC
  // usage on the surface; lavapipe's X11 surfaces have it).
  bool allowScreenshots = true;
};

// One acquired swapchain image, ready to be drawn and presented.
struct SwapchainFrame {
  uint32_t imageIndex = 0;
  RenderTargetInfo target;
  FrameSync sync;  // pass to Renderer::submitFrame
};

class SwapchainTarget {
 public:
  // Takes ownership of `surface` (destroyed with the target). framebufferSize
  // is the window's, used when the surface leaves the size to the swapchain.
  static Result<std::unique_ptr<SwapchainTarget>> create(Context& context, VkSurfaceKHR surface,
                                                         VkExtent2D framebufferSize,
                                                         const SwapchainOptions& options = {});
  ~SwapchainTarget();
  SwapchainTarget(const SwapchainTarget&) = delete;
  SwapchainTarget& operator=(const SwapchainTarget&) = delete;

  // The window's framebuffer size changed (0 x 0: minimised); the swapchain
  // is rebuilt at the next acquire.
  void resize(VkExtent2D framebufferSize);

  // Acquires the next image for frame slot `slot` (from Renderer::beginFrame).
  // Empty when there is nothing to draw into (minimised): skip the frame.
  Result<std::optional<SwapchainFrame>> acquire(uint32_t slot);
  // Queues the frame for display.
  Status present(const SwapchainFrame& frame);

  // The next acquired frame is also copied to the CPU before it is presented;
  // lastCapture() returns it once the GPU is done (it waits for that).
  Status captureNextFrame();
  Result<RgbaImage> lastCapture();

  [[nodiscard]] VkExtent2D extent() const { return extent_; }
  [[nodiscard]] VkFormat format() const { return format_; }
  [[nodiscard]] VkPresentModeKHR presentMode() const { return presentMode_; }
  [[nodiscard]] uint32_t imageCount() const { return static_cast<uint32_t>(images_.size()); }
  // How many times the swapchain was rebuilt after creation (resize, out of date).
  [[nodiscard]] uint32_t rebuilds() const { return rebuilds_; }

 private:
  explicit SwapchainTarget(Context& context);
  Status build();
  void destroySwapchainResources();
  void recordCapture(VkCommandBuffer cmd, uint32_t imageIndex);

  Context& context_;
  SwapchainOptions options_;
  VkSurfaceKHR surface_ = VK_NULL_HANDLE;
  VkSwapchainKHR swapchain_ = VK_NULL_HANDLE;
  VkFormat format_ = VK_FORMAT_UNDEFINED;
  VkColorSpaceKHR colorSpace_ = VK_COLOR_SPACE_SRGB_NONLINEAR_KHR;
  VkPresentModeKHR presentMode_ = VK_PRESENT_MODE_FIFO_KHR;
  VkSampleCountFlagBits samples_ = VK_SAMPLE_COUNT_1_BIT;
  VkExtent2D extent_{0, 0};
  VkExtent2D framebufferSize_{0, 0};
  bool needsRebuild_ = false;
  bool screenshotsSupported_ = false;
  uint32_t rebuilds_ = 0;
  VkRenderPass renderPass_ = VK_NULL_HANDLE;  // kept across rebuilds (same format)
  std::vector<VkImage> images_;
  std::vector<VkImageView> views_;
  std::vector<VkFramebuffer> framebuffers_;
  std::vector<VkSemaphore> rendered_;  // per image: the frame's drawing is done
  std::vector<VkSemaphore> acquired_;  // per frame slot: the image may be drawn into
  Image color_;                        // MSAA only
  Image depth_;
  Buffer captureBuffer_;
  bool captureRequested_ = false;
  bool captureRecorded_ = false;
  VkExtent2D captureExtent_{0, 0};
};

}  // namespace medverse::render
