#pragma once
// GPU buffers and images with one owner and an explicit lifetime: move-only
// handles that return their memory to the Context's allocator on destruction.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <span>

#include "medverse/core/result.h"
#include "medverse/render/memory.h"

namespace medverse::render {

class Context;

class Buffer {
 public:
  Buffer() = default;
  static Result<Buffer> create(Context& context, VkDeviceSize size, VkBufferUsageFlags usage,
                               MemoryUsage memory);
  // Creates a device-local buffer and fills it through a staging copy.
  static Result<Buffer> createWithData(Context& context, std::span<const std::byte> data,
                                       VkBufferUsageFlags usage);
  ~Buffer();
  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer&& other) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  [[nodiscard]] VkBuffer handle() const { return buffer_; }
  [[nodiscard]] VkDeviceSize size() const { return size_; }
  [[nodiscard]] void* mapped() const { return allocation_.mapped; }
  [[nodiscard]] const Allocation& allocation() const { return allocation_; }

 private:
  void reset();
  Context* context_ = nullptr;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceSize size_ = 0;
  Allocation allocation_;
};

struct ImageDesc {
  VkImageType type = VK_IMAGE_TYPE_2D;
  VkFormat format = VK_FORMAT_R8G8B8A8_UNORM;
  VkExtent3D extent{1, 1, 1};
  uint32_t layers = 1;
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  VkImageUsageFlags usage = 0;
  VkImageAspectFlags aspect = VK_IMAGE_ASPECT_COLOR_BIT;
  // The view's type; 2D_ARRAY for multiview targets, 3D for volumes.
  VkImageViewType viewType = VK_IMAGE_VIEW_TYPE_2D;
};

class Image {
 public:
  Image() = default;
  static Result<Image> create(Context& context, const ImageDesc& desc);
  ~Image();
  Image(Image&& other) noexcept;
  Image& operator=(Image&& other) noexcept;
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;

  [[nodiscard]] VkImage handle() const { return image_; }
  [[nodiscard]] VkImageView view() const { return view_; }
  [[nodiscard]] const ImageDesc& desc() const { return desc_; }

 private:
  void reset();
  Context* context_ = nullptr;
  VkImage image_ = VK_NULL_HANDLE;
  VkImageView view_ = VK_NULL_HANDLE;
  ImageDesc desc_;
  Allocation allocation_;
};

}  // namespace medverse::render
