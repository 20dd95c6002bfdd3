#include "volume_pass.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <glm/gtc/packing.hpp>
#include <string>

#include "medverse/render/context.h"
#include "medverse/render/renderer.h"
#include "medverse/render/vk_result.h"
#include "pipeline_builder.h"
#include "medverse/shaders/slice_frag.h"
#include "medverse/shaders/slice_vert.h"
#include "medverse/shaders/volume_frag.h"
#include "medverse/shaders/volume_ms_frag.h"
#include "medverse/shaders/volume_vert.h"

namespace medverse::render {
namespace {

// Entries of the baked transfer function: 1024 keeps a 4000 HU CT range at
// about 4 HU per entry, finer than any preset's features.
constexpr uint32_t kTransferEntries = 1024;
constexpr VkDeviceSize kTransferBytes = VkDeviceSize{kTransferEntries} * 8;  // RGBA16F
constexpr VkDeviceSize kSumBytes = VkDeviceSize{kTransferEntries} * 4;       // R32F

constexpr int kFlagSkipping = 1;
constexpr int kFlagEarlyTermination = 2;
constexpr int kFlagGradientShading = 4;
constexpr int kFlagMirrored = 8;

// std140 mirror of shaders/volume_common.glsl's VolumeBlock.
struct VolumeUniforms {
  glm::mat4 worldToPatient;
  glm::mat4 patientToWorld;
  glm::mat4 patientToTexture;
  glm::mat4 textureToPatient;
  glm::vec4 clipPlanes[kMaxClipPlanes];
  glm::vec4 cropMin;
  glm::vec4 cropMax;
  glm::vec4 dims;
  glm::vec4 brickCount;
  glm::vec4 march;
  glm::vec4 valueMap;
  glm::vec4 valueRange;
  glm::vec4 slices[3];
  glm::vec4 boundsMin;
  glm::vec4 boundsMax;
};
static_assert(sizeof(VolumeUniforms) == 4 * 64 + (kMaxClipPlanes + 12) * 16);

Result<VkShaderModule> createShader(VkDevice device, const uint32_t* code, size_t bytes) {
  VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  info.codeSize = bytes;
  info.pCode = code;
  VkShaderModule module = VK_NULL_HANDLE;
  MV_VK_TRY(vkCreateShaderModule(device, &info, nullptr, &module));
  return module;
}

Result<VkDescriptorSetLayout> createSetLayout(VkDevice device,
                                              const std::vector<VkDescriptorSetLayoutBinding>& b) {
  VkDescriptorSetLayoutCreateInfo info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  info.bindingCount = static_cast<uint32_t>(b.size());
  info.pBindings = b.data();
  VkDescriptorSetLayout layout = VK_NULL_HANDLE;
  MV_VK_TRY(vkCreateDescriptorSetLayout(device, &info, nullptr, &layout));
  return layout;
}

VkDescriptorSetLayoutBinding binding(uint32_t index, VkDescriptorType type,
                                     VkShaderStageFlags stages) {
  VkDescriptorSetLayoutBinding b{};
  b.binding = index;
  b.descriptorType = type;
  b.descriptorCount = 1;
  b.stageFlags = stages;
  return b;
}

// Transfer-function coordinate u = n * a + b for a normalised texture value
// n, with the instance's window/level applied (see VolumeInstance::window).
glm::vec2 valueMap(const VolumeInstance& instance, const VolumeInfo& info) {
  const TransferFunction& tf = instance.transfer;
  const float tfLo = tf.points.front().value;
  const float range = tf.points.back().value - tfLo;
  if (range <= 0.0F) {
    return {0.0F, 0.0F};
  }
  float alpha = 1.0F;
  float beta = 0.0F;
  if (instance.window.width > 0.0F) {
    const WindowLevel natural = windowOf(tf);
    alpha = natural.width / instance.window.width;
    beta = natural.center - instance.window.center * alpha;
  }
  const float span = info.maxValue > info.minValue ? info.maxValue - info.minValue : 1.0F;
  return {alpha * span / range, (alpha * info.minValue + beta - tfLo) / range};
}

}  // namespace

VolumePass::~VolumePass() {
  VkDevice device = context_.device();
  for (auto& [key, pipeline] : pipelines_) {
    vkDestroyPipeline(device, pipeline, nullptr);
  }
  for (VkShaderModule m : {volumeVert_, volumeFrag_, volumeFragMs_, sliceVert_, sliceFrag_}) {
    vkDestroyShaderModule(device, m, nullptr);
  }
  vkDestroySampler(device, linearSampler_, nullptr);
  vkDestroySampler(device, nearestSampler_, nullptr);
  vkDestroyDescriptorPool(device, pool_, nullptr);
  vkDestroyPipelineLayout(device, volumeLayout_, nullptr);
  vkDestroyPipelineLayout(device, sliceLayout_, nullptr);
  vkDestroyDescriptorSetLayout(device, frameDepthLayout_, nullptr);
  vkDestroyDescriptorSetLayout(device, frameLayout_, nullptr);
  vkDestroyDescriptorSetLayout(device, instanceLayout_, nullptr);
}

Status VolumePass::init(std::span<const Buffer* const> frameUniforms) {
  VkDevice device = context_.device();
  const VkShaderStageFlags vsfs = VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT;
  const VkShaderStageFlags fs = VK_SHADER_STAGE_FRAGMENT_BIT;
  Result<VkDescriptorSetLayout> frameDepth =
      createSetLayout(device, {binding(0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, vsfs),
                               binding(1, VK_DESCRIPTOR_TYPE_INPUT_ATTACHMENT, fs)});
  if (!frameDepth) {
    return frameDepth.error();
  }
  frameDepthLayout_ = *frameDepth;
  Result<VkDescriptorSetLayout> frame =
      createSetLayout(device, {binding(0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, vsfs)});
  if (!frame) {
    return frame.error();
  }
  frameLayout_ = *frame;
  const VkDescriptorType sampler = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
  Result<VkDescriptorSetLayout> instance = createSetLayout(
      device, {binding(0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, vsfs), binding(1, sampler, fs),
               binding(2, sampler, fs), binding(3, sampler, fs), binding(4, sampler, fs)});
  if (!instance) {
    return instance.error();
  }
  instanceLayout_ = *instance;

  for (bool slices : {false, true}) {
    VkDescriptorSetLayout sets[2] = {slices ? frameLayout_ : frameDepthLayout_, instanceLayout_};
    VkPushConstantRange push{slices ? vsfs : fs, 0, sizeof(int32_t)};
    VkPipelineLayoutCreateInfo info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    info.setLayoutCount = 2;
    info.pSetLayouts = sets;
    info.pushConstantRangeCount = 1;
    info.pPushConstantRanges = &push;
    MV_VK_TRY(
        vkCreatePipelineLayout(device, &info, nullptr, slices ? &sliceLayout_ : &volumeLayout_));
  }

  constexpr uint32_t kInstanceSets = Renderer::kFramesInFlight * kMaxVolumes;
  const VkDescriptorPoolSize sizes[] = {
      {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 2 * kFrameUniformSets + kInstanceSets},
      {VK_DESCRIPTOR_TYPE_INPUT_ATTACHMENT, kFrameUniformSets},
      {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 4 * kInstanceSets}};
  VkDescriptorPoolCreateInfo poolInfo{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  poolInfo.maxSets = 2 * kFrameUniformSets + kInstanceSets;
  poolInfo.poolSizeCount = 3;
  poolInfo.pPoolSizes = sizes;
  MV_VK_TRY(vkCreateDescriptorPool(device, &poolInfo, nullptr, &pool_));
  if (frameUniforms.size() != kFrameUniformSets) {
    return makeError("volume pass: expected " + std::to_string(kFrameUniformSets) +
                     " frame uniform buffers, got " + std::to_string(frameUniforms.size()));
  }
  std::vector<VkDescriptorSetLayout> layouts;
  layouts.insert(layouts.end(), kFrameUniformSets, frameDepthLayout_);
  layouts.insert(layouts.end(), kFrameUniformSets, frameLayout_);
  layouts.insert(layouts.end(), kInstanceSets, instanceLayout_);
  std::vector<VkDescriptorSet> sets(layouts.size());
  VkDescriptorSetAllocateInfo alloc{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
  alloc.descriptorPool = pool_;
  alloc.descriptorSetCount = static_cast<uint32_t>(layouts.size());
  alloc.pSetLayouts = layouts.data();
  MV_VK_TRY(vkAllocateDescriptorSets(device, &alloc, sets.data()));
  for (uint32_t f = 0; f < kFrameUniformSets; ++f) {
    frameDepthSets_[f] = sets[f];
    frameSets_[f] = sets[kFrameUniformSets + f];
    VkDescriptorBufferInfo frameInfo{frameUniforms[f]->handle(), 0, VK_WHOLE_SIZE};
    for (VkDescriptorSet set : {frameDepthSets_[f], frameSets_[f]}) {
      VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
      write.dstSet = set;
      write.dstBinding = 0;
      write.descriptorCount = 1;
      write.descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
      write.pBufferInfo = &frameInfo;
      vkUpdateDescriptorSets(device, 1, &write, 0, nullptr);
    }
  }

  for (uint32_t i = 0; i < kInstanceSets; ++i) {
    Slot& slot = slots_[i / kMaxVolumes][i % kMaxVolumes];
    slot.set = sets[2 * kFrameUniformSets + i];
    Result<Buffer> ubo = Buffer::create(context_, sizeof(VolumeUniforms),
                                        VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT, MemoryUsage::Upload);
    if (!ubo) {
      return ubo.error();
    }
    slot.uniforms = std::move(*ubo);
    ImageDesc desc;
    desc.type = VK_IMAGE_TYPE_1D;
    desc.viewType = VK_IMAGE_VIEW_TYPE_1D;
    desc.extent = {kTransferEntries, 1, 1};
    desc.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    desc.format = VK_FORMAT_R16G16B16A16_SFLOAT;
    Result<Image> transfer = Image::create(context_, desc);
    if (!transfer) {
      return transfer.error();
    }
    slot.transfer = std::move(*transfer);
    desc.format = VK_FORMAT_R32_SFLOAT;
    Result<Image> sum = Image::create(context_, desc);
    if (!sum) {
      return sum.error();
    }
    slot.opacitySum = std::move(*sum);
    Result<Buffer> staging = Buffer::create(context_, kTransferBytes + kSumBytes,
                                            VK_BUFFER_USAGE_TRANSFER_SRC_BIT, MemoryUsage::Upload);
    if (!staging) {
      return staging.error();
    }
    slot.staging = std::move(*staging);
    VkDescriptorBufferInfo uboInfo{slot.uniforms.handle(), 0, VK_WHOLE_SIZE};
    VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    write.dstSet = slot.set;
    write.dstBinding = 0;
    write.descriptorCount = 1;
    write.descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
    write.pBufferInfo = &uboInfo;
    vkUpdateDescriptorSets(device, 1, &write, 0, nullptr);
  }

  VkSamplerCreateInfo samplerInfo{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
  samplerInfo.magFilter = VK_FILTER_LINEAR;
  samplerInfo.minFilter = VK_FILTER_LINEAR;
  samplerInfo.mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST;
  samplerInfo.addressModeU = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  samplerInfo.addressModeV = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  samplerInfo.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  samplerInfo.maxLod = 0.0F;
  MV_VK_TRY(vkCreateSampler(device, &samplerInfo, nullptr, &linearSampler_));
  samplerInfo.magFilter = VK_FILTER_NEAREST;
  samplerInfo.minFilter = VK_FILTER_NEAREST;
  MV_VK_TRY(vkCreateSampler(device, &samplerInfo, nullptr, &nearestSampler_));

  struct Code {
    VkShaderModule* module;
    const uint32_t* words;
    size_t bytes;
  };
  for (const Code& c : {Code{&volumeVert_, k_volume_vert, sizeof(k_volume_vert)},
                        Code{&volumeFrag_, k_volume_frag, sizeof(k_volume_frag)},
                        Code{&volumeFragMs_, k_volume_ms_frag, sizeof(k_volume_ms_frag)},
                        Code{&sliceVert_, k_slice_vert, sizeof(k_slice_vert)},
                        Code{&sliceFrag_, k_slice_frag, sizeof(k_slice_frag)}}) {
    Result<VkShaderModule> m = createShader(device, c.words, c.bytes);
    if (!m) {
      return m.error();
    }
    *c.module = *m;
  }
  return {};
}

Status VolumePass::bake(Slot& slot, const TransferFunction& tf) {
  const float lo = tf.points.front().value;
  const float hi = tf.points.back().value;
  auto* rgba = static_cast<uint16_t*>(slot.staging.mapped());
  auto* sums =
      reinterpret_cast<float*>(static_cast<std::byte*>(slot.staging.mapped()) + kTransferBytes);
  float running = 0.0F;
  for (uint32_t i = 0; i < kTransferEntries; ++i) {
    const float value = lo + (hi - lo) * static_cast<float>(i) / (kTransferEntries - 1);
    const glm::vec4 c = evaluate(tf, value);
    for (int ch = 0; ch < 4; ++ch) {
      rgba[size_t{4} * i + ch] = glm::packHalf1x16(c[ch]);
    }
    running += c.a;
    sums[i] = running;
  }
  context_.allocator().flush(slot.staging.allocation());
  Status s = context_.submitAndWait([&](VkCommandBuffer cmd) {
    VkImageMemoryBarrier barriers[2]{};
    for (int i = 0; i < 2; ++i) {
      barriers[i].sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER;
      barriers[i].dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
      barriers[i].oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;  // every texel is rewritten
      barriers[i].newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
      barriers[i].srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
      barriers[i].dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
      barriers[i].image = i == 0 ? slot.transfer.handle() : slot.opacitySum.handle();
      barriers[i].subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    }
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                         0, 0, nullptr, 0, nullptr, 2, barriers);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {kTransferEntries, 1, 1};
    vkCmdCopyBufferToImage(cmd, slot.staging.handle(), slot.transfer.handle(),
                           VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
    region.bufferOffset = kTransferBytes;
    vkCmdCopyBufferToImage(cmd, slot.staging.handle(), slot.opacitySum.handle(),
                           VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
    for (auto& b : barriers) {
      b.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
      b.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
      b.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
      b.newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    }
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                         0, 0, nullptr, 0, nullptr, 2, barriers);
  });
  if (!s) {
    return s;
  }
  slot.baked = tf;
  slot.hasBaked = true;
  return {};
}

Status VolumePass::prepare(const RenderView& view, const RenderTargetInfo& target,
                           uint32_t frameSlot, const std::vector<GpuVolume>& volumes) {
  if (view.volumes.size() > kMaxVolumes) {
    return makeError("render view has " + std::to_string(view.volumes.size()) +
                     " volume instances; at most " + std::to_string(kMaxVolumes) + " are drawn");
  }
  VkDevice device = context_.device();
  if (!view.volumes.empty() && target.depthView == VK_NULL_HANDLE) {
    return makeError("the render target exposes no depth view; the volume pass needs it");
  }
  frameSlot_ = frameSlot % Renderer::kFramesInFlight;

  for (size_t i = 0; i < view.volumes.size(); ++i) {
    const VolumeInstance& instance = view.volumes[i];
    const std::string where = "volume instance " + std::to_string(i) + ": ";
    if (!instance.volume.valid() || instance.volume.index >= volumes.size()) {
      return makeError(where + "names volume " + std::to_string(instance.volume.index) +
                       ", which was never uploaded");
    }
    if (Status s = validate(instance.transfer); !s) {
      return makeError(where + s.error().message);
    }
    if (instance.clipPlanes.size() > kMaxClipPlanes) {
      return makeError(where + std::to_string(instance.clipPlanes.size()) +
                       " clip planes; at most " + std::to_string(kMaxClipPlanes));
    }
    if (!(instance.stepVoxels >= 0.05F && instance.stepVoxels <= 4.0F)) {
      return makeError(where + "stepVoxels " + std::to_string(instance.stepVoxels) +
                       " is outside [0.05, 4]");
    }
    if (std::abs(glm::determinant(glm::mat3(instance.model))) < 1e-20F) {
      return makeError(where + "the model matrix is singular");
    }
    const GpuVolume& gpu = volumes[instance.volume.index];
    Slot& slot = slots_[frameSlot_][i];
    if (!slot.hasBaked || !(slot.baked == instance.transfer)) {
      if (Status s = bake(slot, instance.transfer); !s) {
        return s;
      }
    }
    if (slot.boundVolume != instance.volume.index) {
      VkDescriptorImageInfo images[4] = {
          {linearSampler_, gpu.texture.view(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL},
          {nearestSampler_, gpu.bricks.view(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL},
          {linearSampler_, slot.transfer.view(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL},
          {nearestSampler_, slot.opacitySum.view(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL}};
      VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
      write.dstSet = slot.set;
      write.dstBinding = 1;
      write.descriptorCount = 4;
      write.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
      write.pImageInfo = images;
      vkUpdateDescriptorSets(device, 1, &write, 0, nullptr);
      slot.boundVolume = instance.volume.index;
    }

    const VolumeInfo& info = gpu.info;
    VolumeUniforms u{};
    u.patientToWorld = instance.model;
    u.worldToPatient = glm::inverse(instance.model);
    u.patientToTexture = gpu.patientToTexture;
    u.textureToPatient = gpu.textureToPatient;
    for (size_t p = 0; p < instance.clipPlanes.size(); ++p) {
      u.clipPlanes[p] = instance.clipPlanes[p];
    }
    u.cropMin = glm::vec4(instance.crop.min, instance.crop.enabled ? 1.0F : 0.0F);
    u.cropMax = glm::vec4(instance.crop.max, 0.0F);
    u.dims = glm::vec4(glm::vec3(info.dims), static_cast<float>(kVolumeBrickSize));
    u.brickCount = glm::vec4(glm::vec3(info.bricks), 0.0F);
    const float minSpacing = std::min({info.spacing.x, info.spacing.y, info.spacing.z});
    const float step = instance.stepVoxels * minSpacing;
    int flags = 0;
    flags |= instance.emptySpaceSkipping ? kFlagSkipping : 0;
    flags |= instance.earlyTermination ? kFlagEarlyTermination : 0;
    flags |= instance.gradientShading ? kFlagGradientShading : 0;
    const float handedness = glm::determinant(glm::mat3(instance.model)) *
                             glm::determinant(glm::mat3(gpu.textureToPatient));
    flags |= handedness < 0.0F ? kFlagMirrored : 0;
    u.march = glm::vec4(step, step / 1.0F, static_cast<float>(flags),
                        static_cast<float>(instance.clipPlanes.size()));
    const glm::vec2 map = valueMap(instance, info);
    u.valueMap = glm::vec4(map, static_cast<float>(kTransferEntries), 0.0F);
    u.valueRange =
        glm::vec4(info.minValue,
                  info.maxValue > info.minValue ? info.maxValue - info.minValue : 1.0F, 0.0F, 0.0F);
    for (int a = 0; a < 3; ++a) {
      const SlicePlane& sp = instance.slices[a];
      u.slices[a] =
          glm::vec4(sp.position, sp.window.center, sp.window.width, sp.visible ? 1.0F : 0.0F);
    }
    u.boundsMin = glm::vec4(info.boundsMin, 0.0F);
    u.boundsMax = glm::vec4(info.boundsMax, 0.0F);
    std::memcpy(slot.uniforms.mapped(), &u, sizeof(u));
    context_.allocator().flush(slot.uniforms.allocation());
  }
  return {};
}

void VolumePass::bindDepth(uint32_t set, VkImageView depthView) {
  if (depthView == VK_NULL_HANDLE) {
    return;
  }
  // Rewritten every frame: the set belongs to a frame slot whose previous
  // frame has finished, and a rebuilt target (window resize) may hand out a
  // new view under an old handle value.
  VkDescriptorImageInfo depthInfo{VK_NULL_HANDLE, depthView,
                                  VK_IMAGE_LAYOUT_DEPTH_STENCIL_READ_ONLY_OPTIMAL};
  VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
  write.dstSet = frameDepthSets_.at(set);
  write.dstBinding = 1;
  write.descriptorCount = 1;
  write.descriptorType = VK_DESCRIPTOR_TYPE_INPUT_ATTACHMENT;
  write.pImageInfo = &depthInfo;
  vkUpdateDescriptorSets(context_.device(), 1, &write, 0, nullptr);
}

Result<VkPipeline> VolumePass::pipelineFor(const RenderTargetInfo& target, bool slices) {
  auto key = std::make_pair(target.renderPass, slices);
  if (auto it = pipelines_.find(key); it != pipelines_.end()) {
    return it->second;
  }
  VkPipelineShaderStageCreateInfo stages[2]{};
  for (int i = 0; i < 2; ++i) {
    stages[i].sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    stages[i].stage = i == 0 ? VK_SHADER_STAGE_VERTEX_BIT : VK_SHADER_STAGE_FRAGMENT_BIT;
    stages[i].pName = "main";
  }
  stages[0].module = slices ? sliceVert_ : volumeVert_;
  const bool msaa = target.samples != VK_SAMPLE_COUNT_1_BIT;
  stages[1].module = slices ? sliceFrag_ : (msaa ? volumeFragMs_ : volumeFrag_);

  VkPipelineVertexInputStateCreateInfo vertexInput{
      VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
  VkPipelineInputAssemblyStateCreateInfo assembly{
      VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
  assembly.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
  // Slices are seen from both sides. The ray marcher draws the box's back
  // faces (front faces culled), so a camera inside the volume still gets rays.
  VkPipelineRasterizationStateCreateInfo raster{
      VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
  raster.polygonMode = VK_POLYGON_MODE_FILL;
  raster.cullMode = slices ? VK_CULL_MODE_NONE : VK_CULL_MODE_FRONT_BIT;
  raster.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE;
  raster.lineWidth = 1.0F;
  VkPipelineMultisampleStateCreateInfo multisample{
      VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
  multisample.rasterizationSamples = target.samples;
  // Slices are opaque scene geometry. The ray marcher does its own depth
  // logic against the input attachment, so it neither tests nor writes.
  VkPipelineDepthStencilStateCreateInfo depth{
      VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO};
  depth.depthTestEnable = slices ? VK_TRUE : VK_FALSE;
  depth.depthWriteEnable = slices ? VK_TRUE : VK_FALSE;
  depth.depthCompareOp = VK_COMPARE_OP_LESS_OR_EQUAL;
  GraphicsPipelineParts parts;
  parts.stages = stages;
  parts.vertexInput = &vertexInput;
  parts.assembly = &assembly;
  parts.raster = &raster;
  parts.multisample = &multisample;
  parts.depth = &depth;
  // Slices are opaque; the ray marcher's premultiplied front-to-back result
  // blends over what subpass 0 drew.
  parts.blend = slices ? BlendMode::Off : BlendMode::Premultiplied;
  parts.layout = slices ? sliceLayout_ : volumeLayout_;
  parts.renderPass = target.renderPass;
  parts.subpass = slices ? 0 : 1;
  Result<VkPipeline> created = createGraphicsPipeline(context_.device(), parts);
  if (!created) {
    return created.error();
  }
  const VkPipeline pipeline = *created;
  pipelines_[key] = pipeline;
  return pipeline;
}

Status VolumePass::recordSlices(VkCommandBuffer cmd, const RenderView& view,
                                const RenderTargetInfo& target, uint32_t set, FrameStats& stats) {
  bool bound = false;
  for (size_t i = 0; i < view.volumes.size(); ++i) {
    const VolumeInstance& instance = view.volumes[i];
    for (int32_t axis = 0; axis < 3; ++axis) {
      const SlicePlane& sp = instance.slices[axis];
      if (!sp.visible) {
        continue;
      }
      if (!bound) {
        Result<VkPipeline> pipeline = pipelineFor(target, true);
        if (!pipeline) {
          return pipeline.error();
        }
        VkViewport vp{0.0F,
                      0.0F,
                      static_cast<float>(target.extent.width),
                      static_cast<float>(target.extent.height),
                      0.0F,
                      1.0F};
        VkRect2D scissor{{0, 0}, target.extent};
        vkCmdSetViewport(cmd, 0, 1, &vp);
        vkCmdSetScissor(cmd, 0, 1, &scissor);
        vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, *pipeline);
        vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, sliceLayout_, 0, 1,
                                &frameSets_.at(set), 0, nullptr);
        bound = true;
      }
      vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, sliceLayout_, 1, 1,
                              &slots_[frameSlot_][i].set, 0, nullptr);
      vkCmdPushConstants(cmd, sliceLayout_,
                         VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(axis),
                         &axis);
      vkCmdDraw(cmd, 6, 1, 0, 0);
      ++stats.drawCalls;
      stats.triangles += 2;
    }
  }
  return {};
}

Status VolumePass::recordVolumes(VkCommandBuffer cmd, const RenderView& view,
                                 const RenderTargetInfo& target, uint32_t set, FrameStats& stats) {
  bool bound = false;
  for (size_t i = 0; i < view.volumes.size(); ++i) {
    if (!view.volumes[i].showVolume) {
      continue;
    }
    if (!bound) {
      Result<VkPipeline> pipeline = pipelineFor(target, false);
      if (!pipeline) {
        return pipeline.error();
      }
      VkViewport vp{0.0F,
                    0.0F,
                    static_cast<float>(target.extent.width),
                    static_cast<float>(target.extent.height),
                    0.0F,
                    1.0F};
      VkRect2D scissor{{0, 0}, target.extent};
      vkCmdSetViewport(cmd, 0, 1, &vp);
      vkCmdSetScissor(cmd, 0, 1, &scissor);
      vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, *pipeline);
      vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, volumeLayout_, 0, 1,
                              &frameDepthSets_.at(set), 0, nullptr);
      const auto samples = static_cast<int32_t>(target.samples);
      vkCmdPushConstants(cmd, volumeLayout_, VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(samples),
                         &samples);
      bound = true;
    }
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, volumeLayout_, 1, 1,
                            &slots_[frameSlot_][i].set, 0, nullptr);
    vkCmdDraw(cmd, 36, 1, 0, 0);
    ++stats.drawCalls;
    ++stats.volumes;
  }
  return {};
}

}  // namespace medverse::render
