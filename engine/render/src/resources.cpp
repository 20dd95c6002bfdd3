#include "medverse/render/resources.h"

#include <cstring>
#include <utility>

#include "medverse/render/context.h"
#include "medverse/render/vk_result.h"

namespace medverse::render {

Result<Buffer> Buffer::create(Context& context, VkDeviceSize size, VkBufferUsageFlags usage,
                              MemoryUsage memory) {
  Buffer b;
  b.context_ = &context;
  b.size_ = size;
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = size;
  info.usage = usage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  MV_VK_TRY(vkCreateBuffer(context.device(), &info, nullptr, &b.buffer_));
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(context.device(), b.buffer_, &req);
  Result<Allocation> alloc = context.allocator().allocate(req, memory, ResourceKind::Linear);
  if (!alloc) {
    return alloc.error();
  }
  b.allocation_ = *alloc;
  MV_VK_TRY(vkBindBufferMemory(context.device(), b.buffer_, b.allocation_.memory, b.allocation_.offset));
  return b;
}

Result<Buffer> Buffer::createWithData(Context& context, std::span<const std::byte> data,
                                      VkBufferUsageFlags usage) {
  Result<Buffer> staging =
      create(context, data.size(), VK_BUFFER_USAGE_TRANSFER_SRC_BIT, MemoryUsage::Upload);
  if (!staging) {
    return staging.error();
  }
  std::memcpy(staging->mapped(), data.data(), data.size());
  context.allocator().flush(staging->allocation());
  Result<Buffer> buffer = create(context, data.size(), usage | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                 MemoryUsage::GpuOnly);
  if (!buffer) {
    return buffer.error();
  }
  Status s = context.submitAndWait([&](VkCommandBuffer cmd) {
    VkBufferCopy region{0, 0, data.size()};
    vkCmdCopyBuffer(cmd, staging->handle(), buffer->handle(), 1, &region);
  });
  if (!s) {
    return s.error();
  }
  return buffer;
}

Buffer::~Buffer() { reset(); }

Buffer::Buffer(Buffer&& other) noexcept
    : context_(std::exchange(other.context_, nullptr)),
      buffer_(std::exchange(other.buffer_, VK_NULL_HANDLE)),
      size_(std::exchange(other.size_, 0)),
      allocation_(std::exchange(other.allocation_, Allocation{})) {}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
  if (this != &other) {
    reset();
    context_ = std::exchange(other.context_, nullptr);
    buffer_ = std::exchange(other.buffer_, VK_NULL_HANDLE);
    size_ = std::exchange(other.size_, 0);
    allocation_ = std::exchange(other.allocation_, Allocation{});
  }
  return *this;
}

void Buffer::reset() {
  if (context_ == nullptr) {
    return;
  }
  if (buffer_ != VK_NULL_HANDLE) {
    vkDestroyBuffer(context_->device(), buffer_, nullptr);
  }
  context_->allocator().free(allocation_);
  buffer_ = VK_NULL_HANDLE;
  allocation_ = {};
  context_ = nullptr;
}

Result<Image> Image::create(Context& context, const ImageDesc& desc) {
  Image img;
  img.context_ = &context;
  img.desc_ = desc;
  VkImageCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
  info.imageType = desc.type;
  info.format = desc.format;
  info.extent = desc.extent;
  info.mipLevels = 1;
  info.arrayLayers = desc.layers;
  info.samples = desc.samples;
  info.tiling = VK_IMAGE_TILING_OPTIMAL;
  info.usage = desc.usage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  MV_VK_TRY(vkCreateImage(context.device(), &info, nullptr, &img.image_));
  VkMemoryRequirements req;
  vkGetImageMemoryRequirements(context.device(), img.image_, &req);
  Result<Allocation> alloc = context.allocator().allocate(req, MemoryUsage::GpuOnly, ResourceKind::Optimal);
  if (!alloc) {
    return alloc.error();
  }
  img.allocation_ = *alloc;
  MV_VK_TRY(vkBindImageMemory(context.device(), img.image_, img.allocation_.memory, img.allocation_.offset));

  VkImageViewCreateInfo view{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
  view.image = img.image_;
  view.viewType = desc.viewType;
  view.format = desc.format;
  view.subresourceRange = {desc.aspect, 0, 1, 0, desc.layers};
  MV_VK_TRY(vkCreateImageView(context.device(), &view, nullptr, &img.view_));
  return img;
}

Image::~Image() { reset(); }

Image::Image(Image&& other) noexcept
    : context_(std::exchange(other.context_, nullptr)),
      image_(std::exchange(other.image_, VK_NULL_HANDLE)),
      view_(std::exchange(other.view_, VK_NULL_HANDLE)),
      desc_(other.desc_),
      allocation_(std::exchange(other.allocation_, Allocation{})) {}

Image& Image::operator=(Image&& other) noexcept {
  if (this != &other) {
    reset();
    context_ = std::exchange(other.context_, nullptr);
    image_ = std::exchange(other.image_, VK_NULL_HANDLE);
    view_ = std::exchange(other.view_, VK_NULL_HANDLE);
    desc_ = other.desc_;
    allocation_ = std::exchange(other.allocation_, Allocation{});
  }
  return *this;
}

void Image::reset() {
  if (context_ == nullptr) {
    return;
  }
  if (view_ != VK_NULL_HANDLE) {
    vkDestroyImageView(context_->device(), view_, nullptr);
  }
  if (image_ != VK_NULL_HANDLE) {
    vkDestroyImage(context_->device(), image_, nullptr);
  }
  context_->allocator().free(allocation_);
  view_ = VK_NULL_HANDLE;
  image_ = VK_NULL_HANDLE;
  allocation_ = {};
  context_ = nullptr;
}

}  // namespace medverse::render
