#pragma once
// The renderer's public face: upload meshes once, then draw a RenderView into
// a target each frame. Passes (mesh today; volume, UI and others later) are
// internal; callers only describe what to draw.
#include <vulkan/vulkan.h>

#include <cstdint>
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
  uint32_t volumes = 0;  // ray-marched volume instances
};

class Renderer {
 public:
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
  // finish (headless and tests; windowed targets pipeline frames later).
  Status render(const RenderView& view, const RenderTargetInfo& target);

  [[nodiscard]] const FrameStats& lastFrameStats() const { return stats_; }
  [[nodiscard]] Context& context() { return context_; }

 private:
  explicit Renderer(Context& context);
  Status init();

  Context& context_;
  VkCommandPool commandPool_ = VK_NULL_HANDLE;
  VkCommandBuffer commandBuffer_ = VK_NULL_HANDLE;
  VkFence frameFence_ = VK_NULL_HANDLE;
  std::unique_ptr<MeshPass> meshPass_;
  std::unique_ptr<UiPass> uiPass_;
  std::unique_ptr<VolumePass> volumePass_;
  std::vector<GpuMesh> meshes_;
  std::vector<GpuVolume> volumes_;
  FrameStats stats_;
};

}  // namespace medverse::render
