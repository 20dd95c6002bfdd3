#pragma once
// Turning VkResult into the project's Error values at the Vulkan boundary.
#include <vulkan/vulkan.h>

#include <string>

#include "medverse/core/result.h"

namespace medverse::render {

const char* vkResultName(VkResult result);

inline Error vkError(const char* what, VkResult result) {
  return makeError(std::string(what) + " failed: " + vkResultName(result));
}

}  // namespace medverse::render

// Evaluates a Vulkan call; on failure returns an Error naming the call.
#define MV_VK_TRY(call)                                   \
  do {                                                    \
    VkResult mv_vk_result_ = (call);                      \
    if (mv_vk_result_ != VK_SUCCESS) {                    \
      return ::medverse::render::vkError(#call, mv_vk_result_); \
    }                                                     \
  } while (false)
