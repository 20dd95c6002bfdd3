#include "medverse/core/transform.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace medverse {

Pose Pose::fromMatrix(const glm::mat4& m) {
  return {glm::vec3(m[3]), glm::normalize(glm::quat_cast(glm::mat3(m)))};
}

glm::mat4 Pose::toMatrix() const {
  glm::mat4 m = glm::mat4_cast(orientation);
  m[3] = glm::vec4(position, 1.0f);
  return m;
}

glm::vec3 Pose::transformPoint(const glm::vec3& p) const {
  return position + orientation * p;
}

glm::vec3 Pose::transformDirection(const glm::vec3& d) const {
  return orientation * d;
}

Pose Pose::inverse() const {
  const glm::quat inv = glm::conjugate(orientation);
  return {-(inv * position), inv};
}

Pose operator*(const Pose& a, const Pose& b) {
  return {a.position + a.orientation * b.position, glm::normalize(a.orientation * b.orientation)};
}

namespace {
// Brings `b` into the hemisphere of `a` so that interpolation takes the short way.
glm::quat alignedWith(const glm::quat& a, const glm::quat& b) {
  return glm::dot(a, b) < 0.0f ? -b : b;
}
}  // namespace

glm::quat slerpShortest(const glm::quat& a, const glm::quat& b, float t) {
  const glm::quat c = alignedWith(a, b);
  const float cosTheta = std::min(glm::dot(a, c), 1.0f);
  // Within ~3.6° of rotation, acos and the sine denominator lose float
  // precision while nlerp's deviation from slerp stays below ~1e-6 rad.
  if (cosTheta > 0.9995f) {
    return glm::normalize(a * (1.0f - t) + c * t);
  }
  const float theta = std::acos(cosTheta);
  const float sinTheta = std::sin(theta);
  const float wa = std::sin((1.0f - t) * theta) / sinTheta;
  const float wb = std::sin(t * theta) / sinTheta;
  return glm::normalize(a * wa + c * wb);
}

float angleBetween(const glm::quat& a, const glm::quat& b) {
  const glm::quat rel = glm::conjugate(a) * b;
  const float vectorLength = glm::length(glm::vec3(rel.x, rel.y, rel.z));
  return 2.0f * std::atan2(vectorLength, std::abs(rel.w));
}

Pose lerp(const Pose& a, const Pose& b, float t) {
  const glm::quat c = alignedWith(a.orientation, b.orientation);
  return {glm::mix(a.position, b.position, t), glm::normalize(a.orientation * (1.0f - t) + c * t)};
}

Pose slerp(const Pose& a, const Pose& b, float t) {
  return {glm::mix(a.position, b.position, t), slerpShortest(a.orientation, b.orientation, t)};
}

Transform Transform::fromPose(const Pose& pose, const glm::vec3& scale) {
  return {pose.position, pose.orientation, scale};
}

bool Transform::hasUniformScale(float relativeTolerance) const {
  const float largest = std::max({std::abs(scale.x), std::abs(scale.y), std::abs(scale.z)});
  const float smallest = std::min({std::abs(scale.x), std::abs(scale.y), std::abs(scale.z)});
  return largest - smallest <= relativeTolerance * largest;
}

glm::mat4 Transform::toMatrix() const {
  glm::mat4 m = glm::mat4_cast(rotation);
  m[0] *= scale.x;
  m[1] *= scale.y;
  m[2] *= scale.z;
  m[3] = glm::vec4(position, 1.0f);
  return m;
}

glm::vec3 Transform::transformPoint(const glm::vec3& p) const {
  return position + rotation * (scale * p);
}

glm::vec3 Transform::transformDirection(const glm::vec3& d) const {
  return rotation * d;
}

glm::vec3 Transform::transformVector(const glm::vec3& v) const {
  return rotation * (scale * v);
}

Transform Transform::inverse() const {
  assert(hasUniformScale(1e-4f) && "Transform::inverse needs a uniform scale");
  const glm::quat invRotation = glm::conjugate(rotation);
  const glm::vec3 invScale = 1.0f / scale;
  return {invScale * (invRotation * -position), invRotation, invScale};
}

Transform operator*(const Transform& a, const Transform& b) {
  return {a.position + a.rotation * (a.scale * b.position), glm::normalize(a.rotation * b.rotation),
          a.scale * b.scale};
}

}  // namespace medverse
