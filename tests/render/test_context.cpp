#include <doctest/doctest.h>

#include "medverse/render/context.h"
#include "render_test_support.h"

using namespace medverse;

TEST_CASE("a Vulkan 1.2 device is chosen with validation on and nothing reported") {
  auto context = test::makeContext();
  CHECK(context->validationEnabled());
  CHECK(context->properties().apiVersion >= VK_API_VERSION_1_2);
  CHECK_FALSE(context->deviceName().empty());
  // On this CI machine the only device is lavapipe; a discrete GPU would win.
  MESSAGE("device: " << context->deviceName());
  CHECK(context->supportedSamples(VK_SAMPLE_COUNT_4_BIT) == VK_SAMPLE_COUNT_4_BIT);
  test::requireNoValidationErrors(*context);
}

TEST_CASE("a validation error is counted and reported, not ignored") {
  auto context = test::makeContext();
  // Deliberately invalid: a buffer of size 0 violates VUID-VkBufferCreateInfo-size-00912.
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = 0;
  info.usage = VK_BUFFER_USAGE_VERTEX_BUFFER_BIT;
  VkBuffer buffer = VK_NULL_HANDLE;
  (void)vkCreateBuffer(context->device(), &info, nullptr, &buffer);
  if (buffer != VK_NULL_HANDLE) {
    vkDestroyBuffer(context->device(), buffer, nullptr);
  }
  render::ValidationReport report = context->validationReport();
  CHECK(report.errors >= 1);
  REQUIRE_FALSE(report.firstErrors.empty());
  CHECK(report.firstErrors.front().find("size") != std::string::npos);
}
