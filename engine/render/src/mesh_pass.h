#pragma once
// Opaque (and alpha-blended) triangle meshes with the metallic-roughness
// light model of shaders/mesh.frag.
#include <vulkan/vulkan.h>

#include <array>
#include <map>
#include <vector>

#include "frame_uniforms.h"
#include "gpu_mesh.h"
#include "medverse/core/result.h"
#include "medverse/render/render_target.h"
#include "medverse/render/render_view.h"
#include "medverse/render/renderer.h"
#include "medverse/render/resources.h"

namespace medverse::render {

class Context;

class MeshPass {
 public:
  explicit MeshPass(Context& context) : context_(context) {}
  ~MeshPass();
  MeshPass(const MeshPass&) = delete;
  MeshPass& operator=(const MeshPass&) = delete;

  Status init();
  // Frame uniform buffers: one per frame in flight (the GPU never reads a
  // buffer the CPU is rewriting) and per view for stereo drawn one pass per
  // view (each pass sees its eye as view 0). The volume and UI passes read
  // the same buffers through descriptor sets of their own.
  static constexpr uint32_t kUniformSets = kFrameUniformSets;

  // Writes this frame's uniforms into uniform set `set` (< kUniformSets);
  // call before recording.
  void updateFrame(const RenderView& view, uint32_t set);
  // Records draws inside an active render pass `target.renderPass` (the
  // target's own pass, or its per-view pass), reading uniform set `set`:
  // opaque meshes in subpass 0, or (transparent = true) meshes with opacity
  // below 1 in subpass 1, sorted back to front by their bounds' centres.
  Status record(VkCommandBuffer cmd, const RenderView& view, const RenderTargetInfo& target,
                const std::vector<GpuMesh>& meshes, FrameStats& stats, uint32_t set,
                bool transparent);
  // The frame uniform buffer of uniform set `set` (frame.glsl).
  [[nodiscard]] const Buffer& frameUniforms(uint32_t set) const { return frameUniforms_.at(set); }

 private:
  Result<VkPipeline> pipelineFor(VkRenderPass renderPass, VkSampleCountFlagBits samples,
                                 bool blended);

  Context& context_;
  VkDescriptorSetLayout setLayout_ = VK_NULL_HANDLE;
  VkPipelineLayout pipelineLayout_ = VK_NULL_HANDLE;
  VkDescriptorPool descriptorPool_ = VK_NULL_HANDLE;
  std::array<VkDescriptorSet, kUniformSets> frameSets_{};
  VkShaderModule vertexShader_ = VK_NULL_HANDLE;
  VkShaderModule fragmentShader_ = VK_NULL_HANDLE;
  std::array<Buffer, kUniformSets> frameUniforms_;
  // Pipelines per (render pass, blended): a render pass fixes format and samples.
  std::map<std::pair<VkRenderPass, bool>, VkPipeline> pipelines_;
};

}  // namespace medverse::render
