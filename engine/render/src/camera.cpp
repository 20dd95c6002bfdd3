#include "medverse/render/camera.h"

#include <cmath>

#include <glm/gtc/matrix_transform.hpp>
#include <glm/matrix.hpp>

namespace medverse::render {

glm::mat4 perspective(float fovY, float aspect, float nearZ, float farZ) {
  const float t = std::tan(fovY * 0.5F);
  return perspectiveFromFov(-std::atan(t * aspect), std::atan(t * aspect), std::atan(t),
                            -std::atan(t), nearZ, farZ);
}

glm::mat4 perspectiveFromFov(float angleLeft, float angleRight, float angleUp, float angleDown,
                             float nearZ, float farZ) {
  // Right-handed view space looking down -z; Vulkan clip space has +y down
  // and depth in [0, 1].
  const float l = std::tan(angleLeft);
  const float r = std::tan(angleRight);
  const float u = std::tan(angleUp);
  const float d = std::tan(angleDown);
  const float w = r - l;
  const float h = d - u;  // negative: flips y for Vulkan
  glm::mat4 m(0.0F);
  m[0][0] = 2.0F / w;
  m[1][1] = 2.0F / h;
  m[2][0] = (r + l) / w;
  m[2][1] = (u + d) / h;
  m[2][2] = -farZ / (farZ - nearZ);
  m[2][3] = -1.0F;
  m[3][2] = -(farZ * nearZ) / (farZ - nearZ);
  return m;
}

glm::mat4 lookAt(const glm::vec3& eye, const glm::vec3& target, const glm::vec3& up) {
  return glm::lookAtRH(eye, target, up);
}

Fov symmetricFov(float fovY, float aspect) {
  const float t = std::tan(fovY * 0.5F);
  const float h = std::atan(t * aspect);
  return {-h, h, std::atan(t), -std::atan(t)};
}

Fov typicalHeadsetFov(uint32_t eye) {
  // Left eye: 54 degrees out (left), 40 in (towards the nose), 44 up, 50 down.
  constexpr float kDeg = 3.14159265358979F / 180.0F;
  Fov left{-54.0F * kDeg, 40.0F * kDeg, 44.0F * kDeg, -50.0F * kDeg};
  if (eye == 0) {
    return left;
  }
  return {-left.angleRight, -left.angleLeft, left.angleUp, left.angleDown};
}

std::array<CameraView, 2> stereoEyes(const CameraView& head, float ipd,
                                     const std::array<Fov, 2>& fovs, float nearZ, float farZ) {
  const glm::mat4 headToWorld = glm::inverse(head.view);
  std::array<CameraView, 2> eyes;
  for (uint32_t i = 0; i < 2; ++i) {
    const float x = (i == 0 ? -0.5F : 0.5F) * ipd;  // eye position in head space
    CameraView& e = eyes[i];
    e.view = glm::translate(glm::mat4(1.0F), glm::vec3(-x, 0.0F, 0.0F)) * head.view;
    e.projection = projectionFromFov(fovs[i], nearZ, farZ);
    e.position = glm::vec3(headToWorld * glm::vec4(x, 0.0F, 0.0F, 1.0F));
    e.exposure = head.exposure;
  }
  return eyes;
}

}  // namespace medverse::render
