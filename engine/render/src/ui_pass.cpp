#include "ui_pass.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "frame_uniforms.h"
#include "medverse/render/context.h"
#include "medverse/render/renderer.h"
#include "medverse/render/vk_result.h"
#include "pipeline_builder.h"
#include "medverse/shaders/ui_frag.h"
#include "medverse/shaders/ui_panel_frag.h"
#include "medverse/shaders/ui_panel_vert.h"
#include "medverse/shaders/ui_vert.h"

namespace medverse::render {
namespace {

constexpr VkFormat kPanelFormat = VK_FORMAT_R8G8B8A8_SRGB;
constexpr VkFormat kTextureFormat = VK_FORMAT_R8G8B8A8_SRGB;
constexpr uint32_t kMaxTextureSets = 1024;

struct UiConstants {
  glm::vec2 scale;
  glm::vec2 translate;
};

struct PanelConstants {
  glm::mat4 model;
  glm::vec4 params;  // xy uv scale, z double-sided
};
static_assert(sizeof(PanelConstants) <= 128, "push constants must fit the guaranteed 128 bytes");

Result<VkShaderModule> createShader(VkDevice device, const uint32_t* code, size_t bytes) {
  VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  info.codeSize = bytes;
  info.pCode = code;
  VkShaderModule module = VK_NULL_HANDLE;
  MV_VK_TRY(vkCreateShaderModule(device, &info, nullptr, &module));
  return module;
}

// Panel textures are allocated in steps so that a label growing by a few
// pixels does not reallocate every frame.
uint32_t roundUp(uint32_t value, uint32_t step) {
  return (value + step - 1) / step * step;
}

// Checks the indices of one UiDrawData; `what` names it in errors.
Status validateUi(const UiDrawData& ui, const std::string& what, size_t textureCount) {
  if (!std::isfinite(ui.displaySize.x) || !std::isfinite(ui.displaySize.y)) {
    return makeError(what + " has a non-finite display size");
  }
  for (size_t c = 0; c < ui.commands.size(); ++c) {
    const UiDrawCommand& cmd = ui.commands[c];
    const std::string where = what + " command " + std::to_string(c);
    if (!cmd.texture.valid() || cmd.texture.index >= textureCount) {
      return makeError(where + " uses UI texture " + std::to_string(cmd.texture.index) +
                       ", which was never uploaded");
    }
    if (static_cast<size_t>(cmd.indexOffset) + cmd.indexCount > ui.indices.size()) {
      return makeError(where + " reads indices " + std::to_string(cmd.indexOffset) + ".." +
                       std::to_string(cmd.indexOffset + cmd.indexCount) + " of " +
                       std::to_string(ui.indices.size()));
    }
    for (uint32_t i = cmd.indexOffset; i < cmd.indexOffset + cmd.indexCount; ++i) {
      if (static_cast<size_t>(ui.indices[i]) + cmd.vertexOffset >= ui.vertices.size()) {
        return makeError(where + " index " + std::to_string(i) + " names vertex " +
                         std::to_string(ui.indices[i] + cmd.vertexOffset) + " of " +
                         std::to_string(ui.vertices.size()));
      }
    }
  }
  return {};
}

}  // namespace

UiPass::~UiPass() {
  VkDevice device = context_.device();
  for (auto& [rp, pipeline] : uiPipelines_) {
    vkDestroyPipeline(device, pipeline, nullptr);
  }
  for (auto& [rp, pipeline] : panelPipelines_) {
    vkDestroyPipeline(device, pipeline, nullptr);
  }
  for (PanelSlot& slot : panelSlots_) {
    vkDestroyFramebuffer(device, slot.framebuffer, nullptr);
  }
  panelSlots_.clear();
  textures_.clear();
  for (VkShaderModule m : {uiVert_, uiFrag_, panelVert_, panelFrag_}) {
    vkDestroyShaderModule(device, m, nullptr);
  }
  vkDestroyRenderPass(device, panelRenderPass_, nullptr);
  vkDestroyDescriptorPool(device, pool_, nullptr);
  vkDestroyPipelineLayout(device, uiLayout_, nullptr);
  vkDestroyPipelineLayout(device, panelLayout_, nullptr);
  vkDestroyDescriptorSetLayout(device, frameSetLayout_, nullptr);
  vkDestroyDescriptorSetLayout(device, textureSetLayout_, nullptr);
  vkDestroySampler(device, sampler_, nullptr);
}

Status UiPass::init(std::span<const Buffer* const> frameUniforms) {
  if (frameUniforms.size() != kFrameUniformSets) {
    return makeError("UI pass: expected " + std::to_string(kFrameUniformSets) +
                     " frame uniform buffers, got " + std::to_string(frameUniforms.size()));
  }
  VkDevice device = context_.device();

  VkSamplerCreateInfo samplerInfo{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
  samplerInfo.magFilter = VK_FILTER_LINEAR;
  samplerInfo.minFilter = VK_FILTER_LINEAR;
  samplerInfo.mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST;
  samplerInfo.addressModeU = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  samplerInfo.addressModeV = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  samplerInfo.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  samplerInfo.maxLod = 0.0F;
  MV_VK_TRY(vkCreateSampler(device, &samplerInfo, nullptr, &sampler_));

  VkDescriptorSetLayoutBinding frameBinding{
      0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1,
      VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, nullptr};
  VkDescriptorSetLayoutCreateInfo setInfo{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  setInfo.bindingCount = 1;
  setInfo.pBindings = &frameBinding;
  MV_VK_TRY(vkCreateDescriptorSetLayout(device, &setInfo, nullptr, &frameSetLayout_));
  VkDescriptorSetLayoutBinding textureBinding{0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1,
                                              VK_SHADER_STAGE_FRAGMENT_BIT, nullptr};
  setInfo.pBindings = &textureBinding;
  MV_VK_TRY(vkCreateDescriptorSetLayout(device, &setInfo, nullptr, &textureSetLayout_));

  VkPushConstantRange uiPush{VK_SHADER_STAGE_VERTEX_BIT, 0, sizeof(UiConstants)};
  VkPipelineLayoutCreateInfo layoutInfo{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  layoutInfo.setLayoutCount = 1;
  layoutInfo.pSetLayouts = &textureSetLayout_;
  layoutInfo.pushConstantRangeCount = 1;
  layoutInfo.pPushConstantRanges = &uiPush;
  MV_VK_TRY(vkCreatePipelineLayout(device, &layoutInfo, nullptr, &uiLayout_));
  VkDescriptorSetLayout panelSets[2] = {frameSetLayout_, textureSetLayout_};
  VkPushConstantRange panelPush{VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0,
                                sizeof(PanelConstants)};
  layoutInfo.setLayoutCount = 2;
  layoutInfo.pSetLayouts = panelSets;
  layoutInfo.pPushConstantRanges = &panelPush;
  MV_VK_TRY(vkCreatePipelineLayout(device, &layoutInfo, nullptr, &panelLayout_));

  VkDescriptorPoolSize sizes[2] = {{VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, kFrameUniformSets},
                                   {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, kMaxTextureSets}};
  VkDescriptorPoolCreateInfo poolInfo{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  poolInfo.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
  poolInfo.maxSets = kFrameUniformSets + kMaxTextureSets;
  poolInfo.poolSizeCount = 2;
  poolInfo.pPoolSizes = sizes;
  MV_VK_TRY(vkCreateDescriptorPool(device, &poolInfo, nullptr, &pool_));
  for (uint32_t f = 0; f < kFrameUniformSets; ++f) {
    VkDescriptorSetAllocateInfo alloc{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    alloc.descriptorPool = pool_;
    alloc.descriptorSetCount = 1;
    alloc.pSetLayouts = &frameSetLayout_;
    MV_VK_TRY(vkAllocateDescriptorSets(device, &alloc, &frameSets_[f]));
    VkDescriptorBufferInfo bufferInfo{frameUniforms[f]->handle(), 0, sizeof(FrameUniforms)};
    VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    write.dstSet = frameSets_[f];
    write.descriptorCount = 1;
    write.descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
    write.pBufferInfo = &bufferInfo;
    vkUpdateDescriptorSets(device, 1, &write, 0, nullptr);
  }

  // Panel textures: cleared to transparent, drawn, then sampled by the scene.
  VkAttachmentDescription attachment{};
  attachment.format = kPanelFormat;
  attachment.samples = VK_SAMPLE_COUNT_1_BIT;
  attachment.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
  attachment.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
  attachment.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  attachment.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  attachment.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  attachment.finalLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
  VkAttachmentReference colorRef{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  VkSubpassDescription subpass{};
  subpass.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  subpass.colorAttachmentCount = 1;
  subpass.pColorAttachments = &colorRef;
  // In: the previous frame's sampling of this texture finishes before the
  // clear. Out: the UI lands before the scene samples it.
  VkSubpassDependency deps[2]{};
  deps[0].srcSubpass = VK_SUBPASS_EXTERNAL;
  deps[0].dstSubpass = 0;
  deps[0].srcStageMask = VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT;
  deps[0].srcAccessMask = 0;
  deps[0].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  deps[0].dstAccessMask =
      VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_COLOR_ATTACHMENT_READ_BIT;
  deps[1].srcSubpass = 0;
  deps[1].dstSubpass = VK_SUBPASS_EXTERNAL;
  deps[1].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  deps[1].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  deps[1].dstStageMask = VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT;
  deps[1].dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
  VkRenderPassCreateInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
  rp.attachmentCount = 1;
  rp.pAttachments = &attachment;
  rp.subpassCount = 1;
  rp.pSubpasses = &subpass;
  rp.dependencyCount = 2;
  rp.pDependencies = deps;
  MV_VK_TRY(vkCreateRenderPass(device, &rp, nullptr, &panelRenderPass_));

  struct ShaderSource {
    VkShaderModule* module;
    const uint32_t* code;
    size_t bytes;
  };
  for (const ShaderSource& s :
       {ShaderSource{&uiVert_, k_ui_vert, sizeof(k_ui_vert)},
        ShaderSource{&uiFrag_, k_ui_frag, sizeof(k_ui_frag)},
        ShaderSource{&panelVert_, k_ui_panel_vert, sizeof(k_ui_panel_vert)},
        ShaderSource{&panelFrag_, k_ui_panel_frag, sizeof(k_ui_panel_frag)}}) {
    Result<VkShaderModule> m = createShader(device, s.code, s.bytes);
    if (!m) {
      return m.error();
    }
    *s.module = *m;
  }
  return {};
}

Result<VkDescriptorSet> UiPass::allocateTextureSet(VkImageView view) {
  VkDescriptorSetAllocateInfo alloc{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
  alloc.descriptorPool = pool_;
  alloc.descriptorSetCount = 1;
  alloc.pSetLayouts = &textureSetLayout_;
  VkDescriptorSet set = VK_NULL_HANDLE;
  if (VkResult r = vkAllocateDescriptorSets(context_.device(), &alloc, &set); r != VK_SUCCESS) {
    return makeError("out of UI texture slots (at most " + std::to_string(kMaxTextureSets) +
                     " textures and panels): " + vkResultName(r));
  }
  VkDescriptorImageInfo imageInfo{sampler_, view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
  VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
  write.dstSet = set;
  write.descriptorCount = 1;
  write.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
  write.pImageInfo = &imageInfo;
  vkUpdateDescriptorSets(context_.device(), 1, &write, 0, nullptr);
  return set;
}

Result<UiTextureHandle> UiPass::uploadTexture(uint32_t width, uint32_t height,
                                              std::span<const uint8_t> rgba) {
  const std::string what = "UI texture " + std::to_string(width) + "x" + std::to_string(height);
  if (width == 0 || height == 0 || width > kMaxPanelSize || height > kMaxPanelSize) {
    return makeError(what + ": each side must be 1.." + std::to_string(kMaxPanelSize));
  }
  const size_t bytes = static_cast<size_t>(width) * height * 4;
  if (rgba.size() != bytes) {
    return makeError(what + " needs " + std::to_string(bytes) + " bytes of RGBA8, got " +
                     std::to_string(rgba.size()));
  }
  Result<Buffer> staging =
      Buffer::create(context_, bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, MemoryUsage::Upload);
  if (!staging) {
    return staging.error();
  }
  std::memcpy(staging->mapped(), rgba.data(), bytes);
  context_.allocator().flush(staging->allocation());

  ImageDesc desc;
  desc.format = kTextureFormat;
  desc.extent = {width, height, 1};
  desc.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
  Result<Image> image = Image::create(context_, desc);
  if (!image) {
    return image.error();
  }
  Status s = context_.submitAndWait([&](VkCommandBuffer cmd) {
    VkImageMemoryBarrier barrier{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    barrier.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.image = image->handle();
    barrier.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    barrier.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    barrier.newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    barrier.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0,
                         0, nullptr, 0, nullptr, 1, &barrier);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {width, height, 1};
    vkCmdCopyBufferToImage(cmd, staging->handle(), image->handle(),
                           VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
    barrier.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    barrier.newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    barrier.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                         0, 0, nullptr, 0, nullptr, 1, &barrier);
  });
  if (!s) {
    return s.error();
  }
  Result<VkDescriptorSet> set = allocateTextureSet(image->view());
  if (!set) {
    return set.error();
  }
  textures_.push_back(Texture{std::move(*image), *set});
  return UiTextureHandle{static_cast<uint32_t>(textures_.size() - 1)};
}

Status UiPass::ensurePanelSlot(size_t i, VkExtent2D size) {
  if (panelSlots_.size() <= i) {
    panelSlots_.resize(i + 1);
  }
  PanelSlot& slot = panelSlots_[i];
  slot.used = size;
  const bool fits = slot.extent.width >= size.width && slot.extent.height >= size.height;
  const bool wasteful =
      slot.extent.width > 2 * size.width + 64 || slot.extent.height > 2 * size.height + 64;
  if (slot.framebuffer != VK_NULL_HANDLE && fits && !wasteful) {
    return {};
  }
  // Another frame in flight may still sample the old texture through the
  // slot's descriptor set: let everything finish before replacing it (rare:
  // only when a panel outgrows its texture or shrinks a lot).
  if (slot.framebuffer != VK_NULL_HANDLE) {
    MV_VK_TRY(vkDeviceWaitIdle(context_.device()));
  }
  vkDestroyFramebuffer(context_.device(), slot.framebuffer, nullptr);
  slot.framebuffer = VK_NULL_HANDLE;
  slot.image = Image();
  slot.extent = {std::min(roundUp(size.width, 64), kMaxPanelSize),
                 std::min(roundUp(size.height, 32), kMaxPanelSize)};
  ImageDesc desc;
  desc.format = kPanelFormat;
  desc.extent = {slot.extent.width, slot.extent.height, 1};
  desc.usage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_SAMPLED_BIT;
  Result<Image> image = Image::create(context_, desc);
  if (!image) {
    return image.error();
  }
  slot.image = std::move(*image);
  VkImageView view = slot.image.view();
  VkFramebufferCreateInfo fb{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
  fb.renderPass = panelRenderPass_;
  fb.attachmentCount = 1;
  fb.pAttachments = &view;
  fb.width = slot.extent.width;
  fb.height = slot.extent.height;
  fb.layers = 1;
  MV_VK_TRY(vkCreateFramebuffer(context_.device(), &fb, nullptr, &slot.framebuffer));
  if (slot.set == VK_NULL_HANDLE) {
    Result<VkDescriptorSet> set = allocateTextureSet(view);
    if (!set) {
      return set.error();
    }
    slot.set = *set;
  } else {
    VkDescriptorImageInfo imageInfo{sampler_, view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
    VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    write.dstSet = slot.set;
    write.descriptorCount = 1;
    write.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
    write.pImageInfo = &imageInfo;
    vkUpdateDescriptorSets(context_.device(), 1, &write, 0, nullptr);
  }
  return {};
}

Status UiPass::ensureGeometryCapacity(size_t vertexBytes, size_t indexBytes) {
  auto grow = [&](Buffer& buffer, size_t bytes, VkBufferUsageFlags usage) -> Status {
    if (buffer.handle() != VK_NULL_HANDLE && buffer.size() >= bytes) {
      return {};
    }
    VkDeviceSize size = VkDeviceSize{64} * 1024;
    while (size < bytes) {
      size *= 2;
    }
    Result<Buffer> b = Buffer::create(context_, size, usage, MemoryUsage::Upload);
    if (!b) {
      return b.error();
    }
    buffer = std::move(*b);
    return {};
  };
  if (Status s = grow(vertices_[frameSlot_], vertexBytes, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT); !s) {
    return s;
  }
  return grow(indices_[frameSlot_], indexBytes, VK_BUFFER_USAGE_INDEX_BUFFER_BIT);
}

Status UiPass::prepare(const RenderView& view, uint32_t frameSlot) {
  frameSlot_ = frameSlot % Renderer::kFramesInFlight;

  size_t vertexCount = view.overlay.vertices.size();
  size_t indexCount = view.overlay.indices.size();
  if (Status s = validateUi(view.overlay, "UI overlay", textures_.size()); !s) {
    return s;
  }
  for (size_t i = 0; i < view.panels.size(); ++i) {
    const UiDrawData& ui = view.panels[i].ui;
    const std::string what = "UI panel " + std::to_string(i);
    if (Status s = validateUi(ui, what, textures_.size()); !s) {
      return s;
    }
    if (ui.displaySize.x > kMaxPanelSize || ui.displaySize.y > kMaxPanelSize) {
      return makeError(what + " is " + std::to_string(ui.displaySize.x) + "x" +
                       std::to_string(ui.displaySize.y) + " pixels; at most " +
                       std::to_string(kMaxPanelSize) + " per side");
    }
    vertexCount += ui.vertices.size();
    indexCount += ui.indices.size();
  }
  if (vertexCount == 0 || indexCount == 0) {
    panelBases_.assign(view.panels.size(), GeometryBase{});
    return {};
  }
  if (Status s =
          ensureGeometryCapacity(vertexCount * sizeof(UiVertex), indexCount * sizeof(uint32_t));
      !s) {
    return s;
  }
  auto* vertexOut = static_cast<UiVertex*>(vertices_[frameSlot_].mapped());
  auto* indexOut = static_cast<uint32_t*>(indices_[frameSlot_].mapped());
  GeometryBase next;
  auto append = [&](const UiDrawData& ui) {
    GeometryBase base = next;
    std::copy(ui.vertices.begin(), ui.vertices.end(), vertexOut + next.vertex);
    std::copy(ui.indices.begin(), ui.indices.end(), indexOut + next.index);
    next.vertex += static_cast<uint32_t>(ui.vertices.size());
    next.index += static_cast<uint32_t>(ui.indices.size());
    return base;
  };
  panelBases_.clear();
  for (size_t i = 0; i < view.panels.size(); ++i) {
    const UiDrawData& ui = view.panels[i].ui;
    panelBases_.push_back(append(ui));
    if (!ui.empty()) {
      const VkExtent2D size{static_cast<uint32_t>(std::ceil(ui.displaySize.x)),
                            static_cast<uint32_t>(std::ceil(ui.displaySize.y))};
      if (Status s = ensurePanelSlot(i, size); !s) {
        return s;
      }
      if (Result<VkPipeline> p = uiPipelineFor(panelRenderPass_, VK_SAMPLE_COUNT_1_BIT); !p) {
        return p.error();
      }
    }
  }
  overlayBase_ = append(view.overlay);
  context_.allocator().flush(vertices_[frameSlot_].allocation());
  context_.allocator().flush(indices_[frameSlot_].allocation());
  return {};
}

void UiPass::drawUi(VkCommandBuffer cmd, VkPipeline pipeline, const UiDrawData& ui,
                    GeometryBase base, VkExtent2D framebuffer, FrameStats& stats) {
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline);
  const VkViewport vp{
      0.0F, 0.0F, static_cast<float>(framebuffer.width), static_cast<float>(framebuffer.height),
      0.0F, 1.0F};
  vkCmdSetViewport(cmd, 0, 1, &vp);
  const UiConstants constants{2.0F / ui.displaySize, glm::vec2(-1.0F)};
  vkCmdPushConstants(cmd, uiLayout_, VK_SHADER_STAGE_VERTEX_BIT, 0, sizeof(constants), &constants);
  VkDeviceSize offset = 0;
  VkBuffer vb = vertices_[frameSlot_].handle();
  vkCmdBindVertexBuffers(cmd, 0, 1, &vb, &offset);
  vkCmdBindIndexBuffer(cmd, indices_[frameSlot_].handle(), 0, VK_INDEX_TYPE_UINT32);
  // Clip rectangles are in display pixels; the framebuffer may be larger.
  const glm::vec2 toFramebuffer =
      glm::vec2(static_cast<float>(framebuffer.width), static_cast<float>(framebuffer.height)) /
      ui.displaySize;
  uint32_t boundTexture = UINT32_MAX;
  for (const UiDrawCommand& c : ui.commands) {
    if (c.indexCount == 0) {
      continue;
    }
    const float x0 = std::clamp(c.clipRect.x * toFramebuffer.x, 0.0F, vp.width);
    const float y0 = std::clamp(c.clipRect.y * toFramebuffer.y, 0.0F, vp.height);
    const float x1 = std::clamp(c.clipRect.z * toFramebuffer.x, 0.0F, vp.width);
    const float y1 = std::clamp(c.clipRect.w * toFramebuffer.y, 0.0F, vp.height);
    if (x1 <= x0 || y1 <= y0) {
      continue;
    }
    const VkRect2D scissor{
        {static_cast<int32_t>(std::floor(x0)), static_cast<int32_t>(std::floor(y0))},
        {static_cast<uint32_t>(std::ceil(x1) - std::floor(x0)),
         static_cast<uint32_t>(std::ceil(y1) - std::floor(y0))}};
    vkCmdSetScissor(cmd, 0, 1, &scissor);
    if (c.texture.index != boundTexture) {
      vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, uiLayout_, 0, 1,
                              &textures_[c.texture.index].set, 0, nullptr);
      boundTexture = c.texture.index;
    }
    vkCmdDrawIndexed(cmd, c.indexCount, 1, base.index + c.indexOffset,
                     static_cast<int32_t>(base.vertex + c.vertexOffset), 0);
    ++stats.drawCalls;
    stats.triangles += c.indexCount / 3;
  }
}

void UiPass::recordPanelTextures(VkCommandBuffer cmd, const RenderView& view, FrameStats& stats) {
  for (size_t i = 0; i < view.panels.size(); ++i) {
    const UiDrawData& ui = view.panels[i].ui;
    if (ui.empty()) {
      continue;
    }
    const PanelSlot& slot = panelSlots_[i];
    VkClearValue clear{};
    clear.color = {{0.0F, 0.0F, 0.0F, 0.0F}};
    VkRenderPassBeginInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
    rp.renderPass = panelRenderPass_;
    rp.framebuffer = slot.framebuffer;
    rp.renderArea = {{0, 0}, slot.extent};
    rp.clearValueCount = 1;
    rp.pClearValues = &clear;
    vkCmdBeginRenderPass(cmd, &rp, VK_SUBPASS_CONTENTS_INLINE);
    // prepare() created this pipeline when it saw the first panel.
    drawUi(cmd, uiPipelines_.at(panelRenderPass_), ui, panelBases_[i], slot.used, stats);
    vkCmdEndRenderPass(cmd);
  }
}

Status UiPass::recordInScene(VkCommandBuffer cmd, const RenderView& view,
                             const RenderTargetInfo& target, uint32_t set, FrameStats& stats) {
  bool panelsBound = false;
  for (size_t i = 0; i < view.panels.size(); ++i) {
    const UiPanel& panel = view.panels[i];
    if (panel.ui.empty()) {
      continue;
    }
    if (!panelsBound) {
      Result<VkPipeline> pipeline = panelPipelineFor(target.renderPass, target.samples);
      if (!pipeline) {
        return pipeline.error();
      }
      vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, *pipeline);
      const VkViewport vp{0.0F,
                          0.0F,
                          static_cast<float>(target.extent.width),
                          static_cast<float>(target.extent.height),
                          0.0F,
                          1.0F};
      const VkRect2D scissor{{0, 0}, target.extent};
      vkCmdSetViewport(cmd, 0, 1, &vp);
      vkCmdSetScissor(cmd, 0, 1, &scissor);
      vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, panelLayout_, 0, 1,
                              &frameSets_.at(set), 0, nullptr);
      panelsBound = true;
    }
    const PanelSlot& slot = panelSlots_[i];
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, panelLayout_, 1, 1, &slot.set, 0,
                            nullptr);
    const PanelConstants constants{
        panel.model,
        glm::vec4(static_cast<float>(slot.used.width) / static_cast<float>(slot.extent.width),
                  static_cast<float>(slot.used.height) / static_cast<float>(slot.extent.height),
                  panel.doubleSided ? 1.0F : 0.0F, 0.0F)};
    vkCmdPushConstants(cmd, panelLayout_, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT,
                       0, sizeof(constants), &constants);
    vkCmdDraw(cmd, 6, 1, 0, 0);
    ++stats.drawCalls;
    stats.triangles += 2;
  }
  if (!view.overlay.empty()) {
    Result<VkPipeline> pipeline = uiPipelineFor(target.renderPass, target.samples);
    if (!pipeline) {
      return pipeline.error();
    }
    drawUi(cmd, *pipeline, view.overlay, overlayBase_, target.extent, stats);
  }
  return {};
}

Result<VkPipeline> UiPass::uiPipelineFor(VkRenderPass renderPass, VkSampleCountFlagBits samples) {
  if (auto it = uiPipelines_.find(renderPass); it != uiPipelines_.end()) {
    return it->second;
  }
  Result<VkPipeline> p = createPipeline(renderPass, samples, false);
  if (p) {
    uiPipelines_[renderPass] = *p;
  }
  return p;
}

Result<VkPipeline> UiPass::panelPipelineFor(VkRenderPass renderPass,
                                            VkSampleCountFlagBits samples) {
  if (auto it = panelPipelines_.find(renderPass); it != panelPipelines_.end()) {
    return it->second;
  }
  Result<VkPipeline> p = createPipeline(renderPass, samples, true);
  if (p) {
    panelPipelines_[renderPass] = *p;
  }
  return p;
}

Result<VkPipeline> UiPass::createPipeline(VkRenderPass renderPass, VkSampleCountFlagBits samples,
                                          bool worldPanel) {
  VkPipelineShaderStageCreateInfo stages[2]{};
  stages[0].sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  stages[0].stage = VK_SHADER_STAGE_VERTEX_BIT;
  stages[0].module = worldPanel ? panelVert_ : uiVert_;
  stages[0].pName = "main";
  stages[1].sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  stages[1].stage = VK_SHADER_STAGE_FRAGMENT_BIT;
  stages[1].module = worldPanel ? panelFrag_ : uiFrag_;
  stages[1].pName = "main";

  VkVertexInputBindingDescription binding{0, sizeof(UiVertex), VK_VERTEX_INPUT_RATE_VERTEX};
  VkVertexInputAttributeDescription attributes[3]{
      {0, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(UiVertex, position)},
      {1, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(UiVertex, uv)},
      {2, 0, VK_FORMAT_R8G8B8A8_UNORM, offsetof(UiVertex, color)}};
  VkPipelineVertexInputStateCreateInfo vertexInput{
      VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
  if (!worldPanel) {
    vertexInput.vertexBindingDescriptionCount = 1;
    vertexInput.pVertexBindingDescriptions = &binding;
    vertexInput.vertexAttributeDescriptionCount = 3;
    vertexInput.pVertexAttributeDescriptions = attributes;
  }
  VkPipelineInputAssemblyStateCreateInfo assembly{
      VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
  assembly.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
  VkPipelineRasterizationStateCreateInfo raster{
      VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
  raster.polygonMode = VK_POLYGON_MODE_FILL;
  raster.cullMode = VK_CULL_MODE_NONE;  // panels decide per side in the fragment shader
  raster.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE;
  raster.lineWidth = 1.0F;
  VkPipelineMultisampleStateCreateInfo multisample{
      VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
  multisample.rasterizationSamples = samples;
  VkPipelineDepthStencilStateCreateInfo depth{
      VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO};
  depth.depthTestEnable = worldPanel ? VK_TRUE : VK_FALSE;  // the overlay is over everything
  depth.depthWriteEnable = VK_FALSE;
  depth.depthCompareOp = VK_COMPARE_OP_LESS_OR_EQUAL;
  GraphicsPipelineParts parts;
  parts.stages = stages;
  parts.vertexInput = &vertexInput;
  parts.assembly = &assembly;
  parts.raster = &raster;
  parts.multisample = &multisample;
  parts.depth = &depth;
  // UI geometry has straight alpha; panel textures hold premultiplied colour.
  parts.blend = worldPanel ? BlendMode::Premultiplied : BlendMode::StraightAlpha;
  parts.layout = worldPanel ? panelLayout_ : uiLayout_;
  parts.renderPass = renderPass;
  // Scene targets: subpass 1, after the volume and transparent meshes (see
  // renderer.cpp); the panel-texture pass has a single subpass.
  parts.subpass = renderPass == panelRenderPass_ ? 0 : 1;
  return createGraphicsPipeline(context_.device(), parts);
}

}  // namespace medverse::render
