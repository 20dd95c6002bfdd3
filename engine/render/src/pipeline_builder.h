#pragma once
// The parts every scene pipeline shares: one colour attachment with a blend
// mode, a dynamic viewport and scissor (one each), and the create call. The
// passes describe only what differs (shaders, vertex input, raster, depth).
#include <vulkan/vulkan.h>

#include <span>

#include "medverse/core/result.h"

namespace medverse::render {

enum class BlendMode {
  Off,            // opaque: the fragment replaces the pixel
  StraightAlpha,  // colour * a + dst * (1 - a)
  Premultiplied,  // colour + dst * (1 - a)
};

struct GraphicsPipelineParts {
  std::span<const VkPipelineShaderStageCreateInfo> stages;
  const VkPipelineVertexInputStateCreateInfo* vertexInput = nullptr;
  const VkPipelineInputAssemblyStateCreateInfo* assembly = nullptr;
  const VkPipelineRasterizationStateCreateInfo* raster = nullptr;
  const VkPipelineMultisampleStateCreateInfo* multisample = nullptr;
  const VkPipelineDepthStencilStateCreateInfo* depth = nullptr;
  BlendMode blend = BlendMode::Off;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  VkRenderPass renderPass = VK_NULL_HANDLE;
  uint32_t subpass = 0;
};

[[nodiscard]] Result<VkPipeline> createGraphicsPipeline(VkDevice device,
                                                        const GraphicsPipelineParts& parts);

}  // namespace medverse::render
