#include "medverse/app/orbit_camera.h"

#include <algorithm>
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

void OrbitCamera::orbit(float dxPixels, float dyPixels) {
  yaw -= dxPixels * kRadiansPerPixel;
  pitch = std::clamp(pitch + dyPixels * kRadiansPerPixel, -kMaxPitch, kMaxPitch);
}

void OrbitCamera::pan(float dxPixels, float dyPixels, float viewportHeight) {
  if (viewportHeight <= 0.0F) {
    return;
  }
  // World units per pixel at the target's depth.
  const float scale = 2.0F * distance * std::tan(fovY * 0.5F) / viewportHeight;
  const glm::vec3 forward = glm::normalize(target - eye());
  const glm::vec3 right = glm::normalize(glm::cross(forward, glm::vec3(0.0F, 1.0F, 0.0F)));
  const glm::vec3 up = glm::cross(right, forward);
  target += (-dxPixels * right + dyPixels * up) * scale;
}

void OrbitCamera::zoom(float notches) {
  distance = std::clamp(distance * std::pow(0.9F, notches), kMinDistance, kMaxDistance);
}

}  // namespace medverse::app
