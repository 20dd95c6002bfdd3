#pragma once
// OpenXR with Vulkan, and XrResult → the project's Error values at the XR
// boundary.
#include <vulkan/vulkan.h>
#define XR_USE_GRAPHICS_API_VULKAN
// clang-format off
#include <openxr/openxr.h>
#include <openxr/openxr_platform.h>
// clang-format on

#include <string>

#include "medverse/core/result.h"

namespace medverse::xr {

// "xrCreateSession failed: XR_ERROR_GRAPHICS_DEVICE_INVALID"; `instance` may be
// XR_NULL_HANDLE (the name then comes from a table of the core results).
Error xrError(XrInstance instance, const char* what, XrResult result);
std::string resultName(XrInstance instance, XrResult result);
const char* sessionStateName(XrSessionState state);

}  // namespace medverse::xr

// Evaluates an OpenXR call; on failure returns an Error naming the call.
#define MV_XR_TRY(instance, call)                                    \
  do {                                                               \
    XrResult mv_xr_result_ = (call);                                 \
    if (XR_FAILED(mv_xr_result_)) {                                  \
      return ::medverse::xr::xrError((instance), #call, mv_xr_result_); \
    }                                                                \
  } while (false)
