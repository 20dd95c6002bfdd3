#include "medverse/xr/xr_check.h"

#include <openxr/openxr_reflection.h>

#include <glm/gtc/matrix_transform.hpp>

#include "medverse/xr/pose.h"

namespace medverse::xr {

std::string resultName(XrInstance instance, XrResult result) {
  if (instance != XR_NULL_HANDLE) {
    char buffer[XR_MAX_RESULT_STRING_SIZE] = {};
    if (XR_SUCCEEDED(xrResultToString(instance, result, buffer))) {
      return buffer;
    }
  }
#define MV_XR_RESULT_CASE(name, value) \
  case name:                           \
    return #name;
  switch (result) {
    XR_LIST_ENUM_XrResult(MV_XR_RESULT_CASE) default : break;
  }
#undef MV_XR_RESULT_CASE
  return "XrResult " + std::to_string(static_cast<int>(result));
}

Error xrError(XrInstance instance, const char* what, XrResult result) {
  return makeError(std::string(what) + " failed: " + resultName(instance, result));
}

const char* sessionStateName(XrSessionState state) {
  switch (state) {
    case XR_SESSION_STATE_IDLE: return "IDLE";
    case XR_SESSION_STATE_READY: return "READY";
    case XR_SESSION_STATE_SYNCHRONIZED: return "SYNCHRONIZED";
    case XR_SESSION_STATE_VISIBLE: return "VISIBLE";
    case XR_SESSION_STATE_FOCUSED: return "FOCUSED";
    case XR_SESSION_STATE_STOPPING: return "STOPPING";
    case XR_SESSION_STATE_LOSS_PENDING: return "LOSS_PENDING";
    case XR_SESSION_STATE_EXITING: return "EXITING";
    default: return "UNKNOWN";
  }
}

glm::mat4 Pose::matrix() const {
  return glm::translate(glm::mat4(1.0F), position) * glm::mat4_cast(orientation);
}

Pose fromXr(const XrPosef& p) {
  return {{p.position.x, p.position.y, p.position.z},
          glm::quat(p.orientation.w, p.orientation.x, p.orientation.y, p.orientation.z)};
}

XrPosef toXr(const Pose& p) {
  XrPosef r;
  r.orientation = {p.orientation.x, p.orientation.y, p.orientation.z, p.orientation.w};
  r.position = {p.position.x, p.position.y, p.position.z};
  return r;
}

}  // namespace medverse::xr
