// Renderer::uploadVolume's work: normalise voxels to 16 bits, build the
// min/max brick grid, and copy both into 3D textures.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <glm/gtc/matrix_transform.hpp>
#include <limits>
#include <string>

#include "medverse/render/context.h"
#include "medverse/render/vk_result.h"
#include "volume_pass.h"

namespace medverse::render {
namespace {

constexpr VkFormat kVolumeFormat = VK_FORMAT_R16_UNORM;
constexpr VkFormat kBrickFormat = VK_FORMAT_R16G16_UNORM;

std::string dimsText(glm::uvec3 d) {
  return std::to_string(d.x) + "x" + std::to_string(d.y) + "x" + std::to_string(d.z);
}

Status checkFormat(Context& context, VkFormat format, VkFormatFeatureFlags needed,
                   const char* name) {
  VkFormatProperties props;
  vkGetPhysicalDeviceFormatProperties(context.physicalDevice(), format, &props);
  if ((props.optimalTilingFeatures & needed) != needed) {
    return makeError(std::string("the GPU cannot sample ") + name + " 3D textures (" +
                     context.deviceName() + "); volumes need them");
  }
  return {};
}

// Copies `bytes` into a fresh image and leaves it SHADER_READ_ONLY_OPTIMAL.
Status fillImage(Context& context, const Image& image, const void* bytes, size_t size) {
  Result<Buffer> staging =
      Buffer::create(context, size, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, MemoryUsage::Upload);
  if (!staging) {
    return staging.error();
  }
  std::memcpy(staging->mapped(), bytes, size);
  context.allocator().flush(staging->allocation());
  return context.submitAndWait([&](VkCommandBuffer cmd) {
    VkImageMemoryBarrier toDst{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    toDst.srcAccessMask = 0;
    toDst.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    toDst.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    toDst.newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    toDst.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    toDst.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    toDst.image = image.handle();
    toDst.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0,
                         0, nullptr, 0, nullptr, 1, &toDst);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = image.desc().extent;
    vkCmdCopyBufferToImage(cmd, staging->handle(), image.handle(),
                           VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
    VkImageMemoryBarrier toRead = toDst;
    toRead.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    toRead.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    toRead.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    toRead.newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    vkCmdPipelineBarrier(
        cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
        VK_PIPELINE_STAGE_VERTEX_SHADER_BIT | VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, 0, 0, nullptr,
        0, nullptr, 1, &toRead);
  });
}

}  // namespace

Result<GpuVolume> createGpuVolume(Context& context, const VolumeData& data) {
  const std::string what = "cannot upload volume '" + data.name + "': ";
  const glm::uvec3 dims = data.dims;
  if (dims.x == 0 || dims.y == 0 || dims.z == 0) {
    return makeError(what + "its size " + dimsText(dims) + " is empty");
  }
  const uint32_t maxDim = context.properties().limits.maxImageDimension3D;
  if (dims.x > maxDim || dims.y > maxDim || dims.z > maxDim) {
    return makeError(what + "its size " + dimsText(dims) + " exceeds the GPU's 3D texture limit " +
                     std::to_string(maxDim));
  }
  const size_t count = static_cast<size_t>(dims.x) * dims.y * dims.z;
  const size_t given = std::visit([](const auto& s) { return s.size(); }, data.voxels);
  if (given != count) {
    return makeError(what + std::to_string(given) + " voxel values for a " + dimsText(dims) +
                     " grid (" + std::to_string(count) + " expected)");
  }
  for (int a = 0; a < 3; ++a) {
    const float s = data.spacing[a];
    const float column = glm::length(glm::vec3(data.voxelToPatient[a]));
    if (!(s > 0.0F) || !std::isfinite(s) || std::abs(column - s) > 1e-3F * s) {
      return makeError(what + "spacing along axis " + std::to_string(a) + " (" + std::to_string(s) +
                       " mm) disagrees with the voxel-to-patient matrix (" +
                       std::to_string(column) + " mm) or is not positive");
    }
  }
  if (std::abs(glm::determinant(glm::mat3(data.voxelToPatient))) < 1e-12F ||
      data.voxelToPatient[0][3] != 0.0F || data.voxelToPatient[1][3] != 0.0F ||
      data.voxelToPatient[2][3] != 0.0F || data.voxelToPatient[3][3] != 1.0F) {
    return makeError(what + "the voxel-to-patient matrix is not an invertible affine map");
  }
  for (auto [format, name] :
       {std::pair{kVolumeFormat, "R16_UNORM"}, std::pair{kBrickFormat, "R16G16_UNORM"}}) {
    VkFormatFeatureFlags needed = VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT;
    if (format == kVolumeFormat) {
      needed |= VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT;
    }
    if (Status s = checkFormat(context, format, needed, name); !s) {
      return s.error();
    }
  }

  // Value range over finite values; NaN and infinities become the minimum.
  float lo = std::numeric_limits<float>::max();
  float hi = std::numeric_limits<float>::lowest();
  std::visit(
      [&](const auto& span) {
        for (const auto v : span) {
          const auto f = static_cast<float>(v);
          if (std::isfinite(f)) {
            lo = std::min(lo, f);
            hi = std::max(hi, f);
          }
        }
      },
      data.voxels);
  if (lo > hi) {
    lo = hi = 0.0F;
  }
  const float span = hi > lo ? hi - lo : 1.0F;
  std::vector<uint16_t> normalised(count);
  std::visit(
      [&](const auto& voxels) {
        for (size_t i = 0; i < count; ++i) {
          const auto f = static_cast<float>(voxels[i]);
          const float n = std::isfinite(f) ? (f - lo) / span : 0.0F;
          normalised[i] = static_cast<uint16_t>(std::lround(std::clamp(n, 0.0F, 1.0F) * 65535.0F));
        }
      },
      data.voxels);

  GpuVolume gpu;
  gpu.info.dims = dims;
  gpu.info.spacing = data.spacing;
  gpu.info.voxelToPatient = data.voxelToPatient;
  gpu.info.minValue = lo;
  gpu.info.maxValue = hi;

  // Bricks: min and max over each brick's voxels plus a one-voxel apron on
  // every side, which is everything trilinear filtering can blend into a
  // sample taken inside the brick.
  const uint32_t b = kVolumeBrickSize;
  const glm::uvec3 bricks = (dims + glm::uvec3(b - 1)) / b;
  gpu.info.bricks = bricks;
  std::vector<uint16_t> brickData(static_cast<size_t>(bricks.x) * bricks.y * bricks.z * 2);
  const auto at = [&](uint32_t x, uint32_t y, uint32_t z) {
    return normalised[(static_cast<size_t>(z) * dims.y + y) * dims.x + x];
  };
  for (uint32_t bz = 0; bz < bricks.z; ++bz) {
    for (uint32_t by = 0; by < bricks.y; ++by) {
      for (uint32_t bx = 0; bx < bricks.x; ++bx) {
        const glm::uvec3 first = glm::max(glm::ivec3(bx * b, by * b, bz * b) - 1, glm::ivec3(0));
        const glm::uvec3 last = glm::min(glm::uvec3(bx, by, bz) * b + b, dims - 1u);
        uint16_t mn = UINT16_MAX;
        uint16_t mx = 0;
        for (uint32_t z = first.z; z <= last.z; ++z) {
          for (uint32_t y = first.y; y <= last.y; ++y) {
            for (uint32_t x = first.x; x <= last.x; ++x) {
              const uint16_t v = at(x, y, z);
              mn = std::min(mn, v);
              mx = std::max(mx, v);
            }
          }
        }
        const size_t i = (static_cast<size_t>(bz) * bricks.y + by) * bricks.x + bx;
        brickData[2 * i] = mn;
        brickData[2 * i + 1] = mx;
        if (mx == 0) {
          ++gpu.info.uniformBricks;
        }
      }
    }
  }

  ImageDesc desc;
  desc.type = VK_IMAGE_TYPE_3D;
  desc.viewType = VK_IMAGE_VIEW_TYPE_3D;
  desc.format = kVolumeFormat;
  desc.extent = {dims.x, dims.y, dims.z};
  desc.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
  Result<Image> texture = Image::create(context, desc);
  if (!texture) {
    return makeError(what + texture.error().message);
  }
  gpu.texture = std::move(*texture);
  if (Status s = fillImage(context, gpu.texture, normalised.data(), normalised.size() * 2); !s) {
    return makeError(what + s.error().message);
  }
  desc.format = kBrickFormat;
  desc.extent = {bricks.x, bricks.y, bricks.z};
  Result<Image> brickImage = Image::create(context, desc);
  if (!brickImage) {
    return makeError(what + brickImage.error().message);
  }
  gpu.bricks = std::move(*brickImage);
  if (Status s = fillImage(context, gpu.bricks, brickData.data(), brickData.size() * 2); !s) {
    return makeError(what + s.error().message);
  }

  // Texture coordinates put voxel centre i at (i + 0.5) / dims.
  gpu.textureToPatient = data.voxelToPatient * glm::translate(glm::mat4(1.0F), glm::vec3(-0.5F)) *
                         glm::scale(glm::mat4(1.0F), glm::vec3(dims));
  gpu.patientToTexture = glm::inverse(gpu.textureToPatient);
  glm::vec3 mn(std::numeric_limits<float>::max());
  glm::vec3 mx(std::numeric_limits<float>::lowest());
  for (int c = 0; c < 8; ++c) {
    const glm::vec3 corner(c & 1, (c >> 1) & 1, (c >> 2) & 1);
    const glm::vec3 p = glm::vec3(gpu.textureToPatient * glm::vec4(corner, 1.0F));
    mn = glm::min(mn, p);
    mx = glm::max(mx, p);
  }
  gpu.info.boundsMin = mn;
  gpu.info.boundsMax = mx;
  return gpu;
}

}  // namespace medverse::render
