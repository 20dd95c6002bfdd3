#include "medverse/render/camera.h"

#include <cmath>

#include <glm/gtc/matrix_transform.hpp>

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

}  // namespace medverse::render
