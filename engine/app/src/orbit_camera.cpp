#include "medverse/app/orbit_camera.h"

#include <cmath>

#include <glm/geometric.hpp>

#include "medverse/render/camera.h"

namespace medverse::app {

OrbitCamera OrbitCamera::lookingAt(const glm::vec3& eye, const glm::vec3& target) {
  OrbitCamera c;
  c.target = target;
  glm::vec3 offset = eye - target;
  c.distance = glm::length(offset);
  c.pitch = std::asin(offset.y / c.distance);
  c.yaw = std::atan2(offset.x, offset.z);
  return c;
}

glm::vec3 OrbitCamera::eye() const {
  const float horizontal = distance * std::cos(pitch);
  return target + glm::vec3(horizontal * std::sin(yaw), distance * std::sin(pitch),
                            horizontal * std::cos(yaw));
}

render::CameraView OrbitCamera::view(float aspect) const {
  render::CameraView v;
  v.position = eye();
  v.view = render::lookAt(v.position, target);
  v.projection = render::perspective(fovY, aspect, nearZ, farZ);
  return v;
}

}  // namespace medverse::app
