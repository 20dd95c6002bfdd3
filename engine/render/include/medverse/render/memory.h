#pragma once
// GPU memory sub-allocation: a few large VkDeviceMemory blocks per memory
// type, carved up with a first-fit free list. Drivers limit the number of
// live allocations (maxMemoryAllocationCount, often 4096) and each one is
// slow, so buffers and images never get a vkAllocateMemory of their own
// unless they are larger than a block.
//
// Linear resources (buffers) and optimal-tiling images live in separate
// blocks, which satisfies bufferImageGranularity without padding every
// allocation to it.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <mutex>
#include <vector>

#include "medverse/core/result.h"

namespace medverse::render {

enum class MemoryUsage {
  GpuOnly,   // device-local: textures, vertex/index buffers, render targets
  Upload,    // host-visible, coherent: staging, per-frame uniforms
  Readback,  // host-visible, cached when possible: screenshots
};

enum class ResourceKind { Linear, Optimal };

struct Allocation {
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkDeviceSize offset = 0;
  VkDeviceSize size = 0;
  void* mapped = nullptr;  // non-null for host-visible memory
  uint32_t memoryType = 0;
  uint32_t block = 0;
  bool coherent = true;
  [[nodiscard]] bool valid() const { return memory != VK_NULL_HANDLE; }
};

struct AllocatorStats {
  uint32_t deviceMemoryObjects = 0;  // live vkAllocateMemory results
  uint32_t allocations = 0;          // live sub-allocations
  VkDeviceSize reservedBytes = 0;    // sum of block sizes
  VkDeviceSize usedBytes = 0;        // sum of sub-allocation sizes
};

class GpuAllocator {
 public:
  static constexpr VkDeviceSize kDefaultBlockSize = 64ULL << 20U;

  GpuAllocator(VkPhysicalDevice physicalDevice, VkDevice device,
               VkDeviceSize blockSize = kDefaultBlockSize);
  ~GpuAllocator();
  GpuAllocator(const GpuAllocator&) = delete;
  GpuAllocator& operator=(const GpuAllocator&) = delete;

  Result<Allocation> allocate(const VkMemoryRequirements& requirements, MemoryUsage usage,
                              ResourceKind kind);
  void free(const Allocation& allocation);

  // Makes host writes visible to the device for non-coherent memory.
  void flush(const Allocation& allocation) const;
  // Makes device writes visible to the host for non-coherent memory.
  void invalidate(const Allocation& allocation) const;

  [[nodiscard]] AllocatorStats stats() const;

 private:
  struct FreeRange {
    VkDeviceSize offset;
    VkDeviceSize size;
  };
  struct Block {
    VkDeviceMemory memory = VK_NULL_HANDLE;
    VkDeviceSize size = 0;
    void* mapped = nullptr;
    uint32_t memoryType = 0;
    ResourceKind kind = ResourceKind::Linear;
    bool dedicated = false;
    bool coherent = true;
    uint32_t liveAllocations = 0;
    std::vector<FreeRange> freeList;  // sorted by offset, coalesced
  };

  Result<uint32_t> findMemoryType(uint32_t typeBits, MemoryUsage usage) const;
  Result<uint32_t> createBlock(uint32_t memoryType, VkDeviceSize size, ResourceKind kind,
                               bool dedicated);
  static bool carve(Block& block, VkDeviceSize size, VkDeviceSize alignment, VkDeviceSize& offset);
  void releaseBlock(uint32_t index);

  VkDevice device_;
  VkPhysicalDeviceMemoryProperties memoryProperties_{};
  VkDeviceSize blockSize_;
  VkDeviceSize nonCoherentAtomSize_ = 1;
  mutable std::mutex mutex_;
  std::vector<Block> blocks_;  // a released block keeps its slot (memory == null)
};

}  // namespace medverse::render
