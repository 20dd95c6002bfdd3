#pragma once
// Rigid poses in glm form, converted from and to XrPosef.
#include <glm/gtc/quaternion.hpp>
#include <glm/mat4x4.hpp>
#include <glm/vec3.hpp>

#include "medverse/xr/xr_check.h"

namespace medverse::xr {

struct Pose {
  glm::vec3 position{0.0F};
  glm::quat orientation{1.0F, 0.0F, 0.0F, 0.0F};

  [[nodiscard]] glm::mat4 matrix() const;  // pose → parent space
};

Pose fromXr(const XrPosef& pose);
XrPosef toXr(const Pose& pose);

}  // namespace medverse::xr
