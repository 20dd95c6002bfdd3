#include "medverse/render/renderer.h"

#include <span>
#include <string>

#include "frame_uniforms.h"
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
  for (FrameSlot& slot : slots_) {
    VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    alloc.commandPool = commandPool_;
    alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    alloc.commandBufferCount = 1;
    MV_VK_TRY(vkAllocateCommandBuffers(device, &alloc, &slot.commandBuffer));
    VkFenceCreateInfo fenceInfo{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    fenceInfo.flags = VK_FENCE_CREATE_SIGNALED_BIT;  // a slot starts free
    MV_VK_TRY(vkCreateFence(device, &fenceInfo, nullptr, &slot.done));
  }

  meshPass_ = std::make_unique<MeshPass>(context_);
  if (Status s = meshPass_->init(); !s) {
    return s;
  }
  std::array<const Buffer*, kFrameUniformSets> frameUniforms{};
  for (uint32_t i = 0; i < kFrameUniformSets; ++i) {
    frameUniforms[i] = &meshPass_->frameUniforms(i);
  }
  volumePass_ = std::make_unique<VolumePass>(context_);
  if (Status s = volumePass_->init(frameUniforms); !s) {
    return s;
  }
  uiPass_ = std::make_unique<UiPass>(context_);
  return uiPass_->init(frameUniforms);
}

Renderer::~Renderer() {
  VkDevice device = context_.device();
  vkDeviceWaitIdle(device);
  uiPass_.reset();
  volumePass_.reset();
  meshPass_.reset();
  meshes_.clear();
  volumes_.clear();
  for (FrameSlot& slot : slots_) {
    vkDestroyFence(device, slot.done, nullptr);
  }
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

Status Renderer::render(const RenderView& view, const RenderTargetInfo& target,
                        const FrameSync& sync) {
  Result<uint32_t> slot = beginFrame();
  if (!slot) {
    return slot.error();
  }
  if (Status s = submitFrame(view, target, sync); !s) {
    return s;
  }
  MV_VK_TRY(vkWaitForFences(context_.device(), 1, &slots_[*slot].done, VK_TRUE, UINT64_MAX));
  return {};
}

Result<uint32_t> Renderer::beginFrame() {
  slot_ = static_cast<uint32_t>(frameNumber_ % kFramesInFlight);
  MV_VK_TRY(vkWaitForFences(context_.device(), 1, &slots_[slot_].done, VK_TRUE, UINT64_MAX));
  frameBegun_ = true;
  return slot_;
}

Status Renderer::waitIdle() {
  for (FrameSlot& slot : slots_) {
    MV_VK_TRY(vkWaitForFences(context_.device(), 1, &slot.done, VK_TRUE, UINT64_MAX));
  }
  return {};
}

namespace {

// Resolves the per-view passes' multisampled layers into the output image
// (both layers at once) and leaves it as the multiview pass would have.
void recordStereoResolve(VkCommandBuffer cmd, const RenderTargetInfo& target) {
  const VkImageSubresourceRange layers{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, target.viewCount};
  VkImageMemoryBarrier toDst{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
  toDst.srcAccessMask = 0;  // previous contents are discarded; earlier reads ordered by stage
  toDst.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  toDst.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  toDst.newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
  toDst.srcQueueFamilyIndex = toDst.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  toDst.image = target.perViewOutput;
  toDst.subresourceRange = layers;
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0,
                       0, nullptr, 0, nullptr, 1, &toDst);
  VkImageResolve region{};
  region.srcSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, target.viewCount};
  region.dstSubresource = region.srcSubresource;
  region.extent = {target.extent.width, target.extent.height, 1};
  vkCmdResolveImage(cmd, target.perViewMsaaColor, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                    target.perViewOutput, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
  VkImageMemoryBarrier toFinal = toDst;
  toFinal.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  toFinal.dstAccessMask = VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT;
  toFinal.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
  toFinal.newLayout = target.outputFinalLayout;
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0,
                       0, nullptr, 0, nullptr, 1, &toFinal);
}

}  // namespace

Status Renderer::submitFrame(const RenderView& view, const RenderTargetInfo& target,
                             const FrameSync& sync) {
  if (!frameBegun_) {
    return makeError("Renderer::submitFrame called without beginFrame");
  }
  if (view.viewCount < 1 || view.viewCount > kMaxViews) {
    return makeError("render view has " + std::to_string(view.viewCount) +
                     " views; 1 (mono) or 2 (stereo) are supported");
  }
  if (view.viewCount != target.viewCount) {
    return makeError("render view has " + std::to_string(view.viewCount) +
                     " view(s) but the target draws " + std::to_string(target.viewCount) +
                     " (stereo views need a 2-layer target, mono views a 1-layer one)");
  }
  const bool perViewPasses = view.viewCount > 1 && !context_.nativeMultiview();
  if (perViewPasses && target.perViewRenderPass == VK_NULL_HANDLE) {
    return makeError("stereo target has no per-view passes, which this device needs");
  }
  VkDevice device = context_.device();
  FrameSlot& slot = slots_[slot_];
  VkCommandBuffer cmd = slot.commandBuffer;
  stats_ = {};
  if (Status s = uiPass_->prepare(view, slot_); !s) {
    return s;
  }
  if (Status s = volumePass_->prepare(view, target, slot_, volumes_); !s) {
    return s;
  }

  MV_VK_TRY(vkResetCommandBuffer(cmd, 0));
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  MV_VK_TRY(vkBeginCommandBuffer(cmd, &begin));
  // Panel textures first, outside the scene pass (each is drawn once and
  // seen by every view).
  uiPass_->recordPanelTextures(cmd, view, stats_);

  VkClearValue clears[3]{};
  clears[0].color = {{view.clearColor.r, view.clearColor.g, view.clearColor.b, view.clearColor.a}};
  clears[1].depthStencil = {1.0F, 0};
  clears[2].color = clears[0].color;
  // One scene pass: all views at once (mono, or native multiview), or one
  // single-view pass per layer, each seeing its eye as view 0.
  const uint32_t passes = perViewPasses ? view.viewCount : 1;
  Status recorded;
  for (uint32_t pass = 0; pass < passes && recorded; ++pass) {
    const uint32_t uniformSet = frameUniformSet(slot_, pass);
    // What this pass draws with and into: the view and target as given, or
    // one eye of them through the target's per-view pass and framebuffer.
    RenderTargetInfo passTarget = target;
    RenderView eye;
    const RenderView* passView = &view;
    if (perViewPasses) {
      eye = view;
      eye.viewCount = 1;
      eye.camera = view.eyes[pass];
      passView = &eye;
      passTarget.renderPass = target.perViewRenderPass;
      passTarget.framebuffer = target.perViewFramebuffers[pass];
      passTarget.depthView = target.perViewDepthViews[pass];
      passTarget.viewCount = 1;
    }
    meshPass_->updateFrame(*passView, uniformSet);
    volumePass_->bindDepth(uniformSet, passTarget.depthView);
    VkRenderPassBeginInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
    rp.renderPass = passTarget.renderPass;
    rp.framebuffer = passTarget.framebuffer;
    rp.renderArea = {{0, 0}, target.extent};
    rp.clearValueCount = 3;
    rp.pClearValues = clears;
    vkCmdBeginRenderPass(cmd, &rp, VK_SUBPASS_CONTENTS_INLINE);
    // Subpass 0: opaque meshes and slices. Subpass 1: the volume, stopped by
    // their depth, then transparent meshes over it (render_target.h).
    recorded = meshPass_->record(cmd, *passView, passTarget, meshes_, stats_, uniformSet, false);
    if (recorded) {
      recorded = volumePass_->recordSlices(cmd, *passView, passTarget, uniformSet, stats_);
    }
    vkCmdNextSubpass(cmd, VK_SUBPASS_CONTENTS_INLINE);
    if (recorded) {
      recorded = volumePass_->recordVolumes(cmd, *passView, passTarget, uniformSet, stats_);
    }
    if (recorded) {
      recorded = meshPass_->record(cmd, *passView, passTarget, meshes_, stats_, uniformSet, true);
    }
    // UI last in the scene: world panels (depth tested, not written) and the
    // screen overlay, over everything.
    if (recorded) {
      recorded = uiPass_->recordInScene(cmd, *passView, passTarget, uniformSet, stats_);
    }
    vkCmdEndRenderPass(cmd);
  }
  // Draw calls and triangles count every pass; volumes count instances (each
  // per-view pass marches the same ones).
  stats_.volumes /= passes;
  if (recorded && perViewPasses && target.perViewMsaaColor != VK_NULL_HANDLE) {
    recordStereoResolve(cmd, target);
  }
  if (recorded && sync.afterPass) {
    sync.afterPass(cmd);
  }
  MV_VK_TRY(vkEndCommandBuffer(cmd));
  if (!recorded) {
    return recorded;
  }

  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &cmd;
  if (sync.wait != VK_NULL_HANDLE) {
    submit.waitSemaphoreCount = 1;
    submit.pWaitSemaphores = &sync.wait;
    submit.pWaitDstStageMask = &sync.waitStage;
  }
  if (sync.signal != VK_NULL_HANDLE) {
    submit.signalSemaphoreCount = 1;
    submit.pSignalSemaphores = &sync.signal;
  }
  // Reset only now: a recording error above leaves the slot free (signalled).
  MV_VK_TRY(vkResetFences(device, 1, &slot.done));
  frameBegun_ = false;
  ++frameNumber_;
  MV_VK_TRY(vkQueueSubmit(context_.queue(), 1, &submit, slot.done));
  return {};
}

}  // namespace medverse::render
