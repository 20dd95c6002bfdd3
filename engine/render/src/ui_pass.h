#pragma once
// The UI pass: ImGui-style draw data (ui_draw_data.h) drawn three ways.
//   1. Panel textures: each RenderView::panels[i].ui is drawn into an RGBA8
//      texture of its own, before the scene's render pass begins.
//   2. World panels: those textures on rectangles in the room, alpha blended
//      and depth tested against the scene, after the opaque geometry.
//   3. The screen overlay: RenderView::overlay over everything, scissored by
//      each command's clip rectangle.
#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "frame_uniforms.h"
#include "medverse/core/result.h"
#include "medverse/render/render_target.h"
#include "medverse/render/render_view.h"
#include "medverse/render/renderer.h"
#include "medverse/render/resources.h"

namespace medverse::render {

class Context;

class UiPass {
 public:
  // Largest panel texture side, in pixels.
  static constexpr uint32_t kMaxPanelSize = 4096;

  explicit UiPass(Context& context) : context_(context) {}
  ~UiPass();
  UiPass(const UiPass&) = delete;
  UiPass& operator=(const UiPass&) = delete;

  // frameUniforms: the kFrameUniformSets frame uniform buffers (MeshPass).
  Status init(std::span<const Buffer* const> frameUniforms);

  // RGBA8, sRGB-encoded colour with linear alpha, rows top first.
  Result<UiTextureHandle> uploadTexture(uint32_t width, uint32_t height,
                                        std::span<const uint8_t> rgba);

  // Checks the view's UI, copies its geometry to frame slot `frameSlot`'s
  // buffers and makes sure every panel has a texture. Call before recording;
  // the slot's previous frame must have finished (Renderer::beginFrame).
  Status prepare(const RenderView& view, uint32_t frameSlot);
  // Outside any render pass: draws every panel's UI into its texture.
  void recordPanelTextures(VkCommandBuffer cmd, const RenderView& view, FrameStats& stats);
  // Inside the scene's render pass (target.renderPass, subpass 1), after the
  // volume and transparent meshes: the world panels (each view sees them
  // with its own camera, frame uniform set `set`), then the overlay (the
  // same in every view).
  Status recordInScene(VkCommandBuffer cmd, const RenderView& view, const RenderTargetInfo& target,
                       uint32_t set, FrameStats& stats);

 private:
  struct Texture {
    Image image;
    VkDescriptorSet set = VK_NULL_HANDLE;
  };
  struct PanelSlot {
    Image image;
    VkFramebuffer framebuffer = VK_NULL_HANDLE;
    VkDescriptorSet set = VK_NULL_HANDLE;
    VkExtent2D extent{0, 0};  // the texture's size
    VkExtent2D used{0, 0};    // the part this frame's UI covers
  };
  // Where one UiDrawData's geometry starts in the shared buffers.
  struct GeometryBase {
    uint32_t vertex = 0;
    uint32_t index = 0;
  };

  Result<VkDescriptorSet> allocateTextureSet(VkImageView view);
  Status ensurePanelSlot(size_t i, VkExtent2D size);
  Status ensureGeometryCapacity(size_t vertexBytes, size_t indexBytes);
  Result<VkPipeline> uiPipelineFor(VkRenderPass renderPass, VkSampleCountFlagBits samples);
  Result<VkPipeline> panelPipelineFor(VkRenderPass renderPass, VkSampleCountFlagBits samples);
  Result<VkPipeline> createPipeline(VkRenderPass renderPass, VkSampleCountFlagBits samples,
                                    bool worldPanel);
  void drawUi(VkCommandBuffer cmd, VkPipeline pipeline, const UiDrawData& ui, GeometryBase base,
              VkExtent2D framebuffer, FrameStats& stats);

  Context& context_;
  VkSampler sampler_ = VK_NULL_HANDLE;
  VkDescriptorSetLayout frameSetLayout_ = VK_NULL_HANDLE;
  VkDescriptorSetLayout textureSetLayout_ = VK_NULL_HANDLE;
  VkPipelineLayout uiLayout_ = VK_NULL_HANDLE;
  VkPipelineLayout panelLayout_ = VK_NULL_HANDLE;
  VkDescriptorPool pool_ = VK_NULL_HANDLE;
  std::array<VkDescriptorSet, kFrameUniformSets> frameSets_{};  // frame_uniforms.h
  VkRenderPass panelRenderPass_ = VK_NULL_HANDLE;
  VkShaderModule uiVert_ = VK_NULL_HANDLE;
  VkShaderModule uiFrag_ = VK_NULL_HANDLE;
  VkShaderModule panelVert_ = VK_NULL_HANDLE;
  VkShaderModule panelFrag_ = VK_NULL_HANDLE;
  // Geometry per frame in flight: the GPU may still read the other slot's.
  std::array<Buffer, Renderer::kFramesInFlight> vertices_;
  std::array<Buffer, Renderer::kFramesInFlight> indices_;
  uint32_t frameSlot_ = 0;  // of the last prepare()
  std::vector<Texture> textures_;
  std::vector<PanelSlot> panelSlots_;
  std::vector<GeometryBase> panelBases_;
  GeometryBase overlayBase_;
  std::map<VkRenderPass, VkPipeline> uiPipelines_;
  std::map<VkRenderPass, VkPipeline> panelPipelines_;
};

}  // namespace medverse::render
