#include "medverse/render/memory.h"

#include <algorithm>

#include "medverse/render/vk_result.h"

namespace medverse::render {
namespace {

VkDeviceSize alignUp(VkDeviceSize value, VkDeviceSize alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

}  // namespace

GpuAllocator::GpuAllocator(VkPhysicalDevice physicalDevice, VkDevice device, VkDeviceSize blockSize)
    : device_(device), blockSize_(blockSize) {
  vkGetPhysicalDeviceMemoryProperties(physicalDevice, &memoryProperties_);
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(physicalDevice, &props);
  nonCoherentAtomSize_ = std::max<VkDeviceSize>(1, props.limits.nonCoherentAtomSize);
}

GpuAllocator::~GpuAllocator() {
  for (uint32_t i = 0; i < blocks_.size(); ++i) {
    releaseBlock(i);
  }
}

Result<uint32_t> GpuAllocator::findMemoryType(uint32_t typeBits, MemoryUsage usage) const {
  VkMemoryPropertyFlags required = 0;
  VkMemoryPropertyFlags preferred = 0;
  switch (usage) {
    case MemoryUsage::GpuOnly:
      required = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
      break;
    case MemoryUsage::Upload:
      required = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
      break;
    case MemoryUsage::Readback:
      required = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
      preferred = VK_MEMORY_PROPERTY_HOST_CACHED_BIT;
      break;
  }
  int best = -1;
  int bestScore = -1;
  for (uint32_t i = 0; i < memoryProperties_.memoryTypeCount; ++i) {
    if ((typeBits & (1U << i)) == 0) {
      continue;
    }
    VkMemoryPropertyFlags flags = memoryProperties_.memoryTypes[i].propertyFlags;
    if ((flags & required) != required) {
      continue;
    }
    int score = ((flags & preferred) == preferred) ? 2 : 1;
    if (score > bestScore) {
      bestScore = score;
      best = static_cast<int>(i);
    }
  }
  if (best < 0 && usage == MemoryUsage::GpuOnly) {
    // Unified-memory devices may lack a device-local type for some resources.
    return findMemoryType(typeBits, MemoryUsage::Upload);
  }
  if (best < 0) {
    return makeError("no Vulkan memory type fits the resource (type bits " +
                     std::to_string(typeBits) + ")");
  }
  return static_cast<uint32_t>(best);
}

Result<uint32_t> GpuAllocator::createBlock(uint32_t memoryType, VkDeviceSize size, ResourceKind kind,
                                           bool dedicated) {
  VkMemoryAllocateInfo info{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  info.allocationSize = size;
  info.memoryTypeIndex = memoryType;
  Block block;
  MV_VK_TRY(vkAllocateMemory(device_, &info, nullptr, &block.memory));
  block.size = size;
  block.memoryType = memoryType;
  block.kind = kind;
  block.dedicated = dedicated;
  VkMemoryPropertyFlags flags = memoryProperties_.memoryTypes[memoryType].propertyFlags;
  block.coherent = (flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) != 0;
  if ((flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) != 0) {
    // Persistently mapped: mapping once per block is cheaper than per use.
    VkResult r = vkMapMemory(device_, block.memory, 0, VK_WHOLE_SIZE, 0, &block.mapped);
    if (r != VK_SUCCESS) {
      vkFreeMemory(device_, block.memory, nullptr);
      return vkError("vkMapMemory", r);
    }
  }
  block.freeList.push_back({0, size});
  for (uint32_t i = 0; i < blocks_.size(); ++i) {
    if (blocks_[i].memory == VK_NULL_HANDLE) {
      blocks_[i] = std::move(block);
      return i;
    }
  }
  blocks_.push_back(std::move(block));
  return static_cast<uint32_t>(blocks_.size() - 1);
}

bool GpuAllocator::carve(Block& block, VkDeviceSize size, VkDeviceSize alignment,
                         VkDeviceSize& offset) {
  for (size_t i = 0; i < block.freeList.size(); ++i) {
    FreeRange range = block.freeList[i];
    VkDeviceSize start = alignUp(range.offset, alignment);
    if (start + size > range.offset + range.size) {
      continue;
    }
    // Split the range into [range.offset, start) and [start+size, end).
    FreeRange before{range.offset, start - range.offset};
    FreeRange after{start + size, range.offset + range.size - (start + size)};
    block.freeList.erase(block.freeList.begin() + static_cast<ptrdiff_t>(i));
    auto pos = block.freeList.begin() + static_cast<ptrdiff_t>(i);
    if (after.size > 0) {
      pos = block.freeList.insert(pos, after);
    }
    if (before.size > 0) {
      block.freeList.insert(pos, before);
    }
    offset = start;
    return true;
  }
  return false;
}

Result<Allocation> GpuAllocator::allocate(const VkMemoryRequirements& requirements,
                                          MemoryUsage usage, ResourceKind kind) {
  std::lock_guard lock(mutex_);
  Result<uint32_t> type = findMemoryType(requirements.memoryTypeBits, usage);
  if (!type) {
    return type.error();
  }
  VkDeviceSize alignment = std::max<VkDeviceSize>(requirements.alignment, 1);
  VkDeviceSize size = requirements.size;
  VkMemoryPropertyFlags flags = memoryProperties_.memoryTypes[*type].propertyFlags;
  if ((flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) == 0 &&
      (flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) != 0) {
    // Flush/invalidate ranges must be multiples of nonCoherentAtomSize.
    alignment = std::max(alignment, nonCoherentAtomSize_);
    size = alignUp(size, nonCoherentAtomSize_);
  }

  auto result = [&](uint32_t index, VkDeviceSize offset) {
    Block& block = blocks_[index];
    ++block.liveAllocations;
    Allocation a;
    a.memory = block.memory;
    a.offset = offset;
    a.size = size;
    a.mapped = block.mapped != nullptr ? static_cast<char*>(block.mapped) + offset : nullptr;
    a.memoryType = block.memoryType;
    a.block = index;
    a.coherent = block.coherent;
    return a;
  };

  if (size > blockSize_ / 2) {
    Result<uint32_t> index = createBlock(*type, size, kind, true);
    if (!index) {
      return index.error();
    }
    blocks_[*index].freeList.clear();
    return result(*index, 0);
  }
  for (uint32_t i = 0; i < blocks_.size(); ++i) {
    Block& block = blocks_[i];
    if (block.memory == VK_NULL_HANDLE || block.dedicated || block.memoryType != *type ||
        block.kind != kind) {
      continue;
    }
    VkDeviceSize offset = 0;
    if (carve(block, size, alignment, offset)) {
      return result(i, offset);
    }
  }
  Result<uint32_t> index = createBlock(*type, blockSize_, kind, false);
  if (!index) {
    return index.error();
  }
  VkDeviceSize offset = 0;
  carve(blocks_[*index], size, alignment, offset);
  return result(*index, offset);
}

void GpuAllocator::free(const Allocation& allocation) {
  if (!allocation.valid()) {
    return;
  }
  std::lock_guard lock(mutex_);
  Block& block = blocks_[allocation.block];
  if (--block.liveAllocations == 0) {
    // Return empty blocks to the driver so a closed case frees its memory.
    releaseBlock(allocation.block);
    return;
  }
  auto& list = block.freeList;
  auto it = std::lower_bound(list.begin(), list.end(), allocation.offset,
                             [](const FreeRange& r, VkDeviceSize off) { return r.offset < off; });
  it = list.insert(it, FreeRange{allocation.offset, allocation.size});
  // Coalesce with the following and the preceding range.
  if (auto next = it + 1; next != list.end() && it->offset + it->size == next->offset) {
    it->size += next->size;
    list.erase(next);
  }
  if (it != list.begin()) {
    auto prev = it - 1;
    if (prev->offset + prev->size == it->offset) {
      prev->size += it->size;
      list.erase(it);
    }
  }
}

void GpuAllocator::releaseBlock(uint32_t index) {
  Block& block = blocks_[index];
  if (block.memory == VK_NULL_HANDLE) {
    return;
  }
  if (block.mapped != nullptr) {
    vkUnmapMemory(device_, block.memory);
  }
  vkFreeMemory(device_, block.memory, nullptr);
  block = Block{};
}

void GpuAllocator::flush(const Allocation& allocation) const {
  if (allocation.coherent || allocation.mapped == nullptr) {
    return;
  }
  VkMappedMemoryRange range{VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE};
  range.memory = allocation.memory;
  range.offset = allocation.offset;
  range.size = allocation.size;
  vkFlushMappedMemoryRanges(device_, 1, &range);
}

void GpuAllocator::invalidate(const Allocation& allocation) const {
  if (allocation.coherent || allocation.mapped == nullptr) {
    return;
  }
  VkMappedMemoryRange range{VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE};
  range.memory = allocation.memory;
  range.offset = allocation.offset;
  range.size = allocation.size;
  vkInvalidateMappedMemoryRanges(device_, 1, &range);
}

AllocatorStats GpuAllocator::stats() const {
  std::lock_guard lock(mutex_);
  AllocatorStats s;
  for (const Block& b : blocks_) {
    if (b.memory == VK_NULL_HANDLE) {
      continue;
    }
    ++s.deviceMemoryObjects;
    s.allocations += b.liveAllocations;
    s.reservedBytes += b.size;
    VkDeviceSize freeBytes = 0;
    for (const FreeRange& r : b.freeList) {
      freeBytes += r.size;
    }
    s.usedBytes += b.size - freeBytes;
  }
  return s;
}

}  // namespace medverse::render
