#pragma once
// Opaque (and alpha-blended) triangle meshes with the metallic-roughness
// light model of shaders/mesh.frag.
#include <vulkan/vulkan.h>

#include <map>
#include <vector>

#include "gpu_mesh.h"
#include "medverse/core/result.h"
#include "medverse/render/render_target.h"
#include "medverse/render/render_view.h"
#include "medverse/render/resources.h"

namespace medverse::render {

class Context;
struct FrameStats;

class MeshPass {
 public:
  explicit MeshPass(Context& context) : context_(context) {}
  ~MeshPass();
  MeshPass(const MeshPass&) = delete;
  MeshPass& operator=(const MeshPass&) = delete;

  Status init();
  // Writes this frame's uniforms; call before recording.
  void updateFrame(const RenderView& view);
  // Records draws inside an active render pass compatible with `target`:
  // opaque meshes in subpass 0, or (transparent = true) meshes with opacity
  // below 1 in subpass 1, sorted back to front by their bounds' centres.
  Status record(VkCommandBuffer cmd, const RenderView& view, const RenderTargetInfo& target,
                const std::vector<GpuMesh>& meshes, FrameStats& stats, bool transparent);
  // The per-frame uniform buffer (frame.glsl), shared with the volume pass.
  [[nodiscard]] const Buffer& frameUniforms() const { return frameUniforms_; }

 private:
  Result<VkPipeline> pipelineFor(const RenderTargetInfo& target, bool blended);

  Context& context_;
  VkDescriptorSetLayout setLayout_ = VK_NULL_HANDLE;
  VkPipelineLayout pipelineLayout_ = VK_NULL_HANDLE;
  VkDescriptorPool descriptorPool_ = VK_NULL_HANDLE;
  VkDescriptorSet frameSet_ = VK_NULL_HANDLE;
  VkShaderModule vertexShader_ = VK_NULL_HANDLE;
  VkShaderModule fragmentShader_ = VK_NULL_HANDLE;
  Buffer frameUniforms_;
  // Pipelines per (render pass, blended): a render pass fixes format and samples.
  std::map<std::pair<VkRenderPass, bool>, VkPipeline> pipelines_;
};

}  // namespace medverse::render
