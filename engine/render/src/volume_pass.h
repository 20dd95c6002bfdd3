#pragma once
// The volume hologram: MPR slices (opaque quads, subpass 0) and GPU ray
// marching (subpass 1, reading the opaque depth as an input attachment).
// Design notes in docs/RENDERING.md.
#include <vulkan/vulkan.h>

#include <array>
#include <map>
#include <span>
#include <vector>

#include "frame_uniforms.h"

#include "medverse/core/result.h"
#include "medverse/render/render_target.h"
#include "medverse/render/render_view.h"
#include "medverse/render/renderer.h"
#include "medverse/render/resources.h"
#include "medverse/render/volume.h"

namespace medverse::render {

class Context;

// An uploaded volume: values normalised to R16_UNORM (value = minValue + n *
// (maxValue - minValue)) and its brick grid of (min, max) in the same units.
struct GpuVolume {
  Image texture;
  Image bricks;
  VolumeInfo info;
  glm::mat4 textureToPatient{1.0F};  // [0,1]^3 -> patient mm
  glm::mat4 patientToTexture{1.0F};
};

Result<GpuVolume> createGpuVolume(Context& context, const VolumeData& data);

class VolumePass {
 public:
  explicit VolumePass(Context& context) : context_(context) {}
  ~VolumePass();
  VolumePass(const VolumePass&) = delete;
  VolumePass& operator=(const VolumePass&) = delete;

  // frameUniforms: the kFrameUniformSets frame uniform buffers (MeshPass).
  Status init(std::span<const Buffer* const> frameUniforms);
  // Checks the view's volume instances, bakes transfer functions that
  // changed, writes per-instance uniforms and descriptors of frame slot
  // `frameSlot`. Call before recording; the slot's previous frame must have
  // finished (Renderer::beginFrame waits for it).
  Status prepare(const RenderView& view, const RenderTargetInfo& target, uint32_t frameSlot,
                 const std::vector<GpuVolume>& volumes);
  // Points uniform set `set`'s depth input attachment at `depthView`, the
  // depth attachment of the pass that set is drawn in (the target's view, or
  // one layer's view for a per-view pass). Before recording the frame.
  void bindDepth(uint32_t set, VkImageView depthView);
  // Subpass 0: visible MPR slices of every instance, reading frame uniform
  // set `set`; target.renderPass is the pass being recorded.
  Status recordSlices(VkCommandBuffer cmd, const RenderView& view, const RenderTargetInfo& target,
                      uint32_t set, FrameStats& stats);
  // Subpass 1: ray marching of every instance with showVolume.
  Status recordVolumes(VkCommandBuffer cmd, const RenderView& view, const RenderTargetInfo& target,
                       uint32_t set, FrameStats& stats);

 private:
  struct Slot {
    Buffer uniforms;
    Image transfer;    // RGBA16F, kTransferEntries
    Image opacitySum;  // R32F running sum of the entries' opacities
    Buffer staging;    // for re-baking
    VkDescriptorSet set = VK_NULL_HANDLE;
    TransferFunction baked;
    bool hasBaked = false;
    uint32_t boundVolume = UINT32_MAX;
  };
  Status bake(Slot& slot, const TransferFunction& tf);
  Result<VkPipeline> pipelineFor(const RenderTargetInfo& target, bool slices);

  Context& context_;
  VkDescriptorSetLayout frameDepthLayout_ = VK_NULL_HANDLE;  // frame UBO + depth input
  VkDescriptorSetLayout frameLayout_ = VK_NULL_HANDLE;       // frame UBO
  VkDescriptorSetLayout instanceLayout_ = VK_NULL_HANDLE;
  VkPipelineLayout volumeLayout_ = VK_NULL_HANDLE;
  VkPipelineLayout sliceLayout_ = VK_NULL_HANDLE;
  VkDescriptorPool pool_ = VK_NULL_HANDLE;
  // Per frame uniform set (frame_uniforms.h).
  std::array<VkDescriptorSet, kFrameUniformSets> frameDepthSets_{};
  std::array<VkDescriptorSet, kFrameUniformSets> frameSets_{};
  VkSampler linearSampler_ = VK_NULL_HANDLE;
  VkSampler nearestSampler_ = VK_NULL_HANDLE;
  VkShaderModule volumeVert_ = VK_NULL_HANDLE;
  VkShaderModule volumeFrag_ = VK_NULL_HANDLE;
  VkShaderModule volumeFragMs_ = VK_NULL_HANDLE;  // reads a multisampled depth
  VkShaderModule sliceVert_ = VK_NULL_HANDLE;
  VkShaderModule sliceFrag_ = VK_NULL_HANDLE;
  // Per frame in flight: the GPU may still read the other slot's uniforms.
  std::array<std::array<Slot, kMaxVolumes>, Renderer::kFramesInFlight> slots_;
  uint32_t frameSlot_ = 0;  // of the last prepare()
  std::map<std::pair<VkRenderPass, bool>, VkPipeline> pipelines_;
};

}  // namespace medverse::render
