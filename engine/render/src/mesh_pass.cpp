#include "mesh_pass.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "frame_uniforms.h"
#include "medverse/assets/mesh.h"
#include "medverse/render/context.h"
#include "medverse/render/renderer.h"
#include "medverse/render/vk_result.h"
#include "pipeline_builder.h"
#include "medverse/shaders/mesh_frag.h"
#include "medverse/shaders/mesh_vert.h"

namespace medverse::render {
namespace {

struct DrawConstants {
  glm::mat4 model;
  glm::vec4 baseColor;
  glm::vec4 roughnessMetallic;
  glm::vec4 emissive;
};
static_assert(sizeof(DrawConstants) <= 128, "push constants must fit the guaranteed 128 bytes");

Result<VkShaderModule> createShader(VkDevice device, const uint32_t* code, size_t bytes) {
  VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  info.codeSize = bytes;
  info.pCode = code;
  VkShaderModule module = VK_NULL_HANDLE;
  MV_VK_TRY(vkCreateShaderModule(device, &info, nullptr, &module));
  return module;
}

}  // namespace

MeshPass::~MeshPass() {
  VkDevice device = context_.device();
  for (auto& [key, pipeline] : pipelines_) {
    vkDestroyPipeline(device, pipeline, nullptr);
  }
  vkDestroyShaderModule(device, vertexShader_, nullptr);
  vkDestroyShaderModule(device, fragmentShader_, nullptr);
  vkDestroyDescriptorPool(device, descriptorPool_, nullptr);
  vkDestroyPipelineLayout(device, pipelineLayout_, nullptr);
  vkDestroyDescriptorSetLayout(device, setLayout_, nullptr);
}

Status MeshPass::init() {
  VkDevice device = context_.device();
  VkDescriptorSetLayoutBinding binding{};
  binding.binding = 0;
  binding.descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
  binding.descriptorCount = 1;
  binding.stageFlags = VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT;
  VkDescriptorSetLayoutCreateInfo setInfo{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  setInfo.bindingCount = 1;
  setInfo.pBindings = &binding;
  MV_VK_TRY(vkCreateDescriptorSetLayout(device, &setInfo, nullptr, &setLayout_));

  VkPushConstantRange push{VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0,
                           sizeof(DrawConstants)};
  VkPipelineLayoutCreateInfo layoutInfo{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  layoutInfo.setLayoutCount = 1;
  layoutInfo.pSetLayouts = &setLayout_;
  layoutInfo.pushConstantRangeCount = 1;
  layoutInfo.pPushConstantRanges = &push;
  MV_VK_TRY(vkCreatePipelineLayout(device, &layoutInfo, nullptr, &pipelineLayout_));

  VkDescriptorPoolSize poolSize{VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, kUniformSets};
  VkDescriptorPoolCreateInfo poolInfo{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  poolInfo.maxSets = kUniformSets;
  poolInfo.poolSizeCount = 1;
  poolInfo.pPoolSizes = &poolSize;
  MV_VK_TRY(vkCreateDescriptorPool(device, &poolInfo, nullptr, &descriptorPool_));
  for (uint32_t i = 0; i < kUniformSets; ++i) {
    VkDescriptorSetAllocateInfo alloc{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    alloc.descriptorPool = descriptorPool_;
    alloc.descriptorSetCount = 1;
    alloc.pSetLayouts = &setLayout_;
    MV_VK_TRY(vkAllocateDescriptorSets(device, &alloc, &frameSets_[i]));

    Result<Buffer> ubo = Buffer::create(context_, sizeof(FrameUniforms),
                                        VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT, MemoryUsage::Upload);
    if (!ubo) {
      return ubo.error();
    }
    frameUniforms_[i] = std::move(*ubo);
    VkDescriptorBufferInfo bufferInfo{frameUniforms_[i].handle(), 0, sizeof(FrameUniforms)};
    VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    write.dstSet = frameSets_[i];
    write.dstBinding = 0;
    write.descriptorCount = 1;
    write.descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
    write.pBufferInfo = &bufferInfo;
    vkUpdateDescriptorSets(device, 1, &write, 0, nullptr);
  }

  Result<VkShaderModule> vs = createShader(device, k_mesh_vert, sizeof(k_mesh_vert));
  if (!vs) {
    return vs.error();
  }
  vertexShader_ = *vs;
  Result<VkShaderModule> fs = createShader(device, k_mesh_frag, sizeof(k_mesh_frag));
  if (!fs) {
    return fs.error();
  }
  fragmentShader_ = *fs;
  return {};
}

Result<VkPipeline> MeshPass::pipelineFor(VkRenderPass renderPass, VkSampleCountFlagBits samples,
                                         bool blended) {
  auto key = std::make_pair(renderPass, blended);
  if (auto it = pipelines_.find(key); it != pipelines_.end()) {
    return it->second;
  }
  VkPipelineShaderStageCreateInfo stages[2]{};
  stages[0].sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  stages[0].stage = VK_SHADER_STAGE_VERTEX_BIT;
  stages[0].module = vertexShader_;
  stages[0].pName = "main";
  stages[1].sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  stages[1].stage = VK_SHADER_STAGE_FRAGMENT_BIT;
  stages[1].module = fragmentShader_;
  stages[1].pName = "main";

  VkVertexInputBindingDescription vertexBinding{0, sizeof(assets::Vertex),
                                                VK_VERTEX_INPUT_RATE_VERTEX};
  VkVertexInputAttributeDescription attributes[2]{
      {0, 0, VK_FORMAT_R32G32B32_SFLOAT, offsetof(assets::Vertex, position)},
      {1, 0, VK_FORMAT_R32G32B32_SFLOAT, offsetof(assets::Vertex, normal)}};
  VkPipelineVertexInputStateCreateInfo vertexInput{
      VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
  vertexInput.vertexBindingDescriptionCount = 1;
  vertexInput.pVertexBindingDescriptions = &vertexBinding;
  vertexInput.vertexAttributeDescriptionCount = 2;
  vertexInput.pVertexAttributeDescriptions = attributes;

  VkPipelineInputAssemblyStateCreateInfo assembly{
      VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
  assembly.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;


  // Counter-clockwise front faces: with the y-flipping projection of
  // camera.h, meshes keep the glTF/OpenGL winding convention.
  VkPipelineRasterizationStateCreateInfo raster{
      VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
  raster.polygonMode = VK_POLYGON_MODE_FILL;
  raster.cullMode = blended ? VK_CULL_MODE_NONE : VK_CULL_MODE_BACK_BIT;
  raster.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE;
  raster.lineWidth = 1.0F;

  VkPipelineMultisampleStateCreateInfo multisample{
      VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
  multisample.rasterizationSamples = samples;

  VkPipelineDepthStencilStateCreateInfo depth{
      VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO};
  depth.depthTestEnable = VK_TRUE;
  depth.depthWriteEnable = blended ? VK_FALSE : VK_TRUE;
  depth.depthCompareOp = VK_COMPARE_OP_LESS_OR_EQUAL;

  GraphicsPipelineParts parts;
  parts.stages = stages;
  parts.vertexInput = &vertexInput;
  parts.assembly = &assembly;
  parts.raster = &raster;
  parts.multisample = &multisample;
  parts.depth = &depth;
  parts.blend = blended ? BlendMode::StraightAlpha : BlendMode::Off;
  parts.layout = pipelineLayout_;
  parts.renderPass = renderPass;
  parts.subpass = blended ? 1 : 0;  // transparent meshes draw after the volume
  Result<VkPipeline> created = createGraphicsPipeline(context_.device(), parts);
  if (!created) {
    return created.error();
  }
  const VkPipeline pipeline = *created;
  pipelines_[key] = pipeline;
  return pipeline;
}

void MeshPass::updateFrame(const RenderView& view, uint32_t set) {
  FrameUniforms u = makeFrameUniforms(view);
  std::memcpy(frameUniforms_.at(set).mapped(), &u, sizeof(u));
  context_.allocator().flush(frameUniforms_.at(set).allocation());
}

Status MeshPass::record(VkCommandBuffer cmd, const RenderView& view, const RenderTargetInfo& target,
                        const std::vector<GpuMesh>& meshes, FrameStats& stats, uint32_t set,
                        bool transparent) {
  VkViewport vp{0.0F, 0.0F, static_cast<float>(target.extent.width),
                static_cast<float>(target.extent.height), 0.0F, 1.0F};
  VkRect2D scissor{{0, 0}, target.extent};
  vkCmdSetViewport(cmd, 0, 1, &vp);
  vkCmdSetScissor(cmd, 0, 1, &scissor);

  // Opaque in subpass 0; blended in subpass 1 (depth-tested, not written),
  // farthest first so nearer layers blend over farther ones.
  std::vector<std::pair<float, const MeshInstance*>> order;
  for (const MeshInstance& instance : view.meshes) {
    const bool isBlended = instance.material.baseColor.a < 1.0F;
    if (isBlended != transparent) {
      continue;
    }
    if (!instance.mesh.valid() || instance.mesh.index >= meshes.size()) {
      return makeError("render view names mesh " + std::to_string(instance.mesh.index) +
                       ", which was never uploaded");
    }
    float depth = 0.0F;
    if (transparent) {
      const glm::vec3 centre = meshes[instance.mesh.index].boundsCenter;
      // Stereo sorts for the left eye: the eyes are close enough that the
      // order rarely differs.
      const glm::vec4 viewPos = view.cameraFor(0).view * instance.model * glm::vec4(centre, 1.0F);
      depth = viewPos.z;  // more negative = farther (right-handed view space)
    }
    order.emplace_back(depth, &instance);
  }
  if (order.empty()) {
    return {};
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Result<VkPipeline> pipeline = pipelineFor(target.renderPass, target.samples, transparent);
  if (!pipeline) {
    return pipeline.error();
  }
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, *pipeline);
  vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipelineLayout_, 0, 1,
                          &frameSets_.at(set), 0, nullptr);
  for (const auto& [depth, instancePtr] : order) {
    const MeshInstance& instance = *instancePtr;
    const GpuMesh& mesh = meshes[instance.mesh.index];
    DrawConstants constants{instance.model, instance.material.baseColor,
                            glm::vec4(instance.material.roughness, instance.material.metallic,
                                      0.0F, 0.0F),
                            glm::vec4(instance.material.emissive, 0.0F)};
    vkCmdPushConstants(cmd, pipelineLayout_, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT,
                       0, sizeof(constants), &constants);
    VkDeviceSize offset = 0;
    VkBuffer vb = mesh.vertices.handle();
    vkCmdBindVertexBuffers(cmd, 0, 1, &vb, &offset);
    vkCmdBindIndexBuffer(cmd, mesh.indices.handle(), 0, VK_INDEX_TYPE_UINT32);
    vkCmdDrawIndexed(cmd, mesh.indexCount, 1, 0, 0, 0);
    ++stats.drawCalls;
    stats.triangles += mesh.indexCount / 3;
  }
  return {};
}

}  // namespace medverse::render
