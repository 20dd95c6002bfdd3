#include "medverse/render/renderer.h"

#include <span>
#include <string>

#include "gpu_mesh.h"
#include "medverse/render/context.h"
#include "medverse/render/vk_result.h"
#include "mesh_pass.h"
#include "ui_pass.h"
#include "volume_pass.h"

namespace medverse::render {

Renderer::Renderer(Context& context) : context_(context) {}

Result<std::unique_ptr<Renderer>> Renderer::create(Context& context) {
  std::unique_ptr<Renderer> renderer(new Renderer(context));
  if (Status s = renderer->init(); !s) {
    return s.error();
  }
  return renderer;
}

Status Renderer::init() {
  VkDevice device = context_.device();
  VkCommandPoolCreateInfo poolInfo{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  poolInfo.queueFamilyIndex = context_.queueFamily();
  MV_VK_TRY(vkCreateCommandPool(device, &poolInfo, nullptr, &commandPool_));
  VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  alloc.commandPool = commandPool_;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = 1;
  MV_VK_TRY(vkAllocateCommandBuffers(device, &alloc, &commandBuffer_));
  VkFenceCreateInfo fenceInfo{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  MV_VK_TRY(vkCreateFence(device, &fenceInfo, nullptr, &frameFence_));

  meshPass_ = std::make_unique<MeshPass>(context_);
  if (Status s = meshPass_->init(); !s) {
    return s;
  }
  volumePass_ = std::make_unique<VolumePass>(context_);
  if (Status s = volumePass_->init(meshPass_->frameUniforms()); !s) {
    return s;
  }
  uiPass_ = std::make_unique<UiPass>(context_);
  return uiPass_->init();
}

Renderer::~Renderer() {
  VkDevice device = context_.device();
  vkDeviceWaitIdle(device);
  uiPass_.reset();
  volumePass_.reset();
  meshPass_.reset();
  meshes_.clear();
  volumes_.clear();
  vkDestroyFence(device, frameFence_, nullptr);
  vkDestroyCommandPool(device, commandPool_, nullptr);
}

Result<MeshHandle> Renderer::uploadMesh(const assets::MeshData& mesh) {
  if (Status s = assets::validate(mesh); !s) {
    return makeError("cannot upload mesh '" + mesh.name + "': " + s.error().message);
  }
  if (mesh.indices.empty()) {
    return makeError("cannot upload mesh '" + mesh.name + "': it has no triangles");
  }
  GpuMesh gpu;
  Result<Buffer> vb = Buffer::createWithData(context_, std::as_bytes(std::span(mesh.vertices)),
                                             VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
  if (!vb) {
    return vb.error();
  }
  Result<Buffer> ib = Buffer::createWithData(context_, std::as_bytes(std::span(mesh.indices)),
                                             VK_BUFFER_USAGE_INDEX_BUFFER_BIT);
  if (!ib) {
    return ib.error();
  }
  gpu.vertices = std::move(*vb);
  gpu.indices = std::move(*ib);
  gpu.indexCount = static_cast<uint32_t>(mesh.indices.size());
  gpu.boundsCenter = 0.5F * (mesh.boundsMin + mesh.boundsMax);
  meshes_.push_back(std::move(gpu));
  return MeshHandle{static_cast<uint32_t>(meshes_.size() - 1)};
}

Result<UiTextureHandle> Renderer::uploadUiTexture(uint32_t width, uint32_t height,
                                                  std::span<const uint8_t> rgba) {
  return uiPass_->uploadTexture(width, height, rgba);
}

Result<VolumeHandle> Renderer::uploadVolume(const VolumeData& volume) {
  Result<GpuVolume> gpu = createGpuVolume(context_, volume);
  if (!gpu) {
    return gpu.error();
  }
  volumes_.push_back(std::move(*gpu));
  return VolumeHandle{static_cast<uint32_t>(volumes_.size() - 1)};
}

Result<VolumeInfo> Renderer::volumeInfo(VolumeHandle handle) const {
  if (!handle.valid() || handle.index >= volumes_.size()) {
    return makeError("volume " + std::to_string(handle.index) + " was never uploaded");
  }
  return volumes_[handle.index].info;
}

Status Renderer::render(const RenderView& view, const RenderTargetInfo& target) {
  VkDevice device = context_.device();
  stats_ = {};
  meshPass_->updateFrame(view);
  if (Status s = uiPass_->prepare(view); !s) {
    return s;
  }
  if (Status s = volumePass_->prepare(view, target, volumes_); !s) {
    return s;
  }

  MV_VK_TRY(vkResetCommandBuffer(commandBuffer_, 0));
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  MV_VK_TRY(vkBeginCommandBuffer(commandBuffer_, &begin));
  uiPass_->recordPanelTextures(commandBuffer_, view, stats_);

  VkClearValue clears[3]{};
  clears[0].color = {{view.clearColor.r, view.clearColor.g, view.clearColor.b, view.clearColor.a}};
  clears[1].depthStencil = {1.0F, 0};
  clears[2].color = clears[0].color;
  VkRenderPassBeginInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
  rp.renderPass = target.renderPass;
  rp.framebuffer = target.framebuffer;
  rp.renderArea = {{0, 0}, target.extent};
  rp.clearValueCount = 3;
  rp.pClearValues = clears;
  vkCmdBeginRenderPass(commandBuffer_, &rp, VK_SUBPASS_CONTENTS_INLINE);
  // Subpass 0: opaque meshes and slices. Subpass 1: the volume, stopped by
  // their depth, then transparent meshes over it (render_target.h).
  Status recorded = meshPass_->record(commandBuffer_, view, target, meshes_, stats_, false);
  if (recorded) {
    recorded = volumePass_->recordSlices(commandBuffer_, view, target, stats_);
  }
  vkCmdNextSubpass(commandBuffer_, VK_SUBPASS_CONTENTS_INLINE);
  if (recorded) {
    recorded = volumePass_->recordVolumes(commandBuffer_, view, target, stats_);
  }
  if (recorded) {
    recorded = meshPass_->record(commandBuffer_, view, target, meshes_, stats_, true);
  }
  // UI last in the scene: world panels (depth tested, not written) and the
  // screen overlay, over everything.
  if (recorded) {
    recorded = uiPass_->recordInScene(commandBuffer_, view, target, stats_);
  }
  vkCmdEndRenderPass(commandBuffer_);
  MV_VK_TRY(vkEndCommandBuffer(commandBuffer_));
  if (!recorded) {
    return recorded;
  }

  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &commandBuffer_;
  MV_VK_TRY(vkQueueSubmit(context_.queue(), 1, &submit, frameFence_));
  MV_VK_TRY(vkWaitForFences(device, 1, &frameFence_, VK_TRUE, UINT64_MAX));
  MV_VK_TRY(vkResetFences(device, 1, &frameFence_));
  return {};
}

}  // namespace medverse::render
