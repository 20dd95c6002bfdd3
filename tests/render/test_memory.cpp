#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "medverse/render/memory.h"
#include "medverse/render/resources.h"
#include "render_test_support.h"

using namespace medverse;
using namespace medverse::render;

TEST_CASE("many buffers share a few device memory blocks, and all of it is returned") {
  auto context = test::makeContext();
  const AllocatorStats before = context->allocator().stats();
  {
    std::vector<Buffer> buffers;
    for (int i = 0; i < 300; ++i) {
      auto b = Buffer::create(*context, 4096 + 256 * static_cast<VkDeviceSize>(i % 7),
                              VK_BUFFER_USAGE_VERTEX_BUFFER_BIT, MemoryUsage::GpuOnly);
      REQUIRE(b.ok());
      buffers.push_back(std::move(*b));
    }
    const AllocatorStats during = context->allocator().stats();
    CHECK(during.allocations - before.allocations == 300);
    // 300 buffers of ~5 KiB fit one 64 MiB block: not one vkAllocateMemory each.
    CHECK(during.deviceMemoryObjects - before.deviceMemoryObjects <= 1);

    // Sub-allocations in one block never overlap and respect alignment.
    std::vector<std::pair<VkDeviceSize, VkDeviceSize>> ranges;
    for (const Buffer& b : buffers) {
      VkMemoryRequirements req;
      vkGetBufferMemoryRequirements(context->device(), b.handle(), &req);
      CHECK(b.allocation().offset % req.alignment == 0);
      ranges.emplace_back(b.allocation().offset, b.allocation().offset + b.allocation().size);
    }
    std::sort(ranges.begin(), ranges.end());
    for (size_t i = 1; i < ranges.size(); ++i) {
      CHECK(ranges[i - 1].second <= ranges[i].first);
    }
  }
  const AllocatorStats after = context->allocator().stats();
  CHECK(after.allocations == before.allocations);
  CHECK(after.deviceMemoryObjects == before.deviceMemoryObjects);
  test::requireNoValidationErrors(*context);
}

TEST_CASE("freed space is reused and coalesced") {
  auto context = test::makeContext();
  auto a = Buffer::create(*context, 1 << 20, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, MemoryUsage::GpuOnly);
  auto b = Buffer::create(*context, 1 << 20, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, MemoryUsage::GpuOnly);
  auto c = Buffer::create(*context, 1 << 20, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, MemoryUsage::GpuOnly);
  REQUIRE((a.ok() && b.ok() && c.ok()));
  const VkDeviceSize firstOffset = a->allocation().offset;
  // Free the first two; a buffer of their combined size fits where they were.
  *a = Buffer();
  *b = Buffer();
  auto d = Buffer::create(*context, 2 << 20, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, MemoryUsage::GpuOnly);
  REQUIRE(d.ok());
  CHECK(d->allocation().memory == c->allocation().memory);
  CHECK(d->allocation().offset == firstOffset);
  test::requireNoValidationErrors(*context);
}

TEST_CASE("host-visible buffers are mapped and keep what is written") {
  auto context = test::makeContext();
  auto upload = Buffer::create(*context, 256, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, MemoryUsage::Upload);
  REQUIRE(upload.ok());
  REQUIRE(upload->mapped() != nullptr);
  auto* bytes = static_cast<uint8_t*>(upload->mapped());
  for (int i = 0; i < 256; ++i) {
    bytes[i] = static_cast<uint8_t>(i);
  }
  auto readback = Buffer::create(*context, 256, VK_BUFFER_USAGE_TRANSFER_DST_BIT, MemoryUsage::Readback);
  REQUIRE(readback.ok());
  Status s = context->submitAndWait([&](VkCommandBuffer cmd) {
    VkBufferCopy region{0, 0, 256};
    vkCmdCopyBuffer(cmd, upload->handle(), readback->handle(), 1, &region);
    VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    barrier.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1,
                         &barrier, 0, nullptr, 0, nullptr);
  });
  REQUIRE(s.ok());
  context->allocator().invalidate(readback->allocation());
  const auto* out = static_cast<const uint8_t*>(readback->mapped());
  CHECK(out[0] == 0);
  CHECK(out[127] == 127);
  CHECK(out[255] == 255);
  test::requireNoValidationErrors(*context);
}
