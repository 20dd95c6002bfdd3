#pragma once
// The renderer's public face: upload meshes once, then draw a RenderView into
// a target each frame. Passes (mesh today; volume, UI and others later) are
// internal; callers only describe what to draw.
#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "medverse/assets/mesh.h"
#include "medverse/core/result.h"
#include "medverse/render/render_target.h"
#include "medverse/render/render_view.h"

namespace medverse::render {

class Context;
class MeshPass;
class UiPass;
class VolumePass;
struct GpuMesh;
struct GpuVolume;

struct FrameStats {
  uint32_t drawCalls = 0;
  uint64_t triangles = 0;
  uint32_t volumes = 0;  // ray-marched volume instances (once per frame, not per eye)
};

// How one frame synchronizes with the outside (a window's swapchain, an XR
// runtime): what the GPU waits for before drawing, what it signals when done,
// and extra commands recorded after the scene pass (e.g. a screenshot copy).
struct FrameSync {
  VkSemaphore wait = VK_NULL_HANDLE;
  VkPipelineStageFlags waitStage = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  VkSemaphore signal = VK_NULL_HANDLE;
  std::function<void(VkCommandBuffer)> afterPass;
};

class Renderer {
 public:
  // Frames the CPU may record ahead of the GPU; per-frame resources
  // (command buffer, fence, frame uniforms) exist once per slot.
  static constexpr uint32_t kFramesInFlight = 2;

  static Result<std::unique_ptr<Renderer>> create(Context& context);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  Result<MeshHandle> uploadMesh(const assets::MeshData& mesh);
  // A texture for UI draw commands (a font atlas, an icon): RGBA8 with
  // sRGB-encoded colour and linear alpha, rows top first.
  Result<UiTextureHandle> uploadUiTexture(uint32_t width, uint32_t height,
                                          std::span<const uint8_t> rgba);
  // Uploads a volume as a 3D texture (values normalised to 16 bits) with its
  // min/max brick grid for empty-space skipping. Errors name the volume.
  Result<VolumeHandle> uploadVolume(const VolumeData& volume);
  // What was uploaded; handle must come from uploadVolume.
  [[nodiscard]] Result<VolumeInfo> volumeInfo(VolumeHandle handle) const;

  // Records and submits one frame into the target, and waits for it to
  // finish (headless, screenshots, tests, XR images released right after).
  Status render(const RenderView& view, const RenderTargetInfo& target,
                const FrameSync& sync = {});

  // Pipelined frames (window, XR). beginFrame() waits until the GPU is done
  // with the frame that last used the next slot and returns the slot, so
  // per-slot resources of the caller (e.g. an acquire semaphore) are free
  // again too; submitFrame() records and submits into that slot and returns
  // without waiting.
  Result<uint32_t> beginFrame();
  Status submitFrame(const RenderView& view, const RenderTargetInfo& target,
                     const FrameSync& sync = {});
  // Waits until every submitted frame has finished.
  Status waitIdle();

  [[nodiscard]] const FrameStats& lastFrameStats() const { return stats_; }
  [[nodiscard]] Context& context() { return context_; }

 private:
  explicit Renderer(Context& context);
  Status init();

  struct FrameSlot {
    VkCommandBuffer commandBuffer = VK_NULL_HANDLE;
    VkFence done = VK_NULL_HANDLE;  // signalled when the slot's last submission finished
  };

  Context& context_;
  VkCommandPool commandPool_ = VK_NULL_HANDLE;
  std::array<FrameSlot, kFramesInFlight> slots_{};
  uint64_t frameNumber_ = 0;
  uint32_t slot_ = 0;
  bool frameBegun_ = false;
  std::unique_ptr<MeshPass> meshPass_;
  std::unique_ptr<UiPass> uiPass_;
  std::unique_ptr<VolumePass> volumePass_;
  std::vector<GpuMesh> meshes_;
  std::vector<GpuVolume> volumes_;
  FrameStats stats_;
};

}  // namespace medverse::render
