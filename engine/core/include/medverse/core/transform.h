#pragma once
// Rigid poses and scaled transforms.
//
// Units are those of the space a value lives in, and nothing here converts
// between spaces:
//   - patient space: DICOM LPS (x → patient Left, y → Posterior, z → Superior),
//     millimetres;
//   - room space: the shared XR room, metres, +Y up (OpenXR stage convention).
// A Transform whose `scale` is 0.001 is how a hologram in patient millimetres is
// placed into the room in metres; the scale is data, not a hidden conversion.
//
// Composition follows the matrix convention: `a * b` applies `b` first, then
// `a`, so `(a * b).toMatrix() == a.toMatrix() * b.toMatrix()`.
#include <glm/glm.hpp>
#include <glm/gtc/quaternion.hpp>

namespace medverse {

// A rigid motion: rotate by `orientation`, then translate by `position`.
// `orientation` is a unit quaternion; q and -q are the same rotation.
struct Pose {
  glm::vec3 position{0.0f};
  glm::quat orientation{1.0f, 0.0f, 0.0f, 0.0f};  // (w, x, y, z): identity

  [[nodiscard]] static Pose identity() { return {}; }

  // Precondition: the upper-left 3x3 of `m` is a rotation (orthonormal,
  // determinant +1) and the bottom row is (0, 0, 0, 1). The orientation is
  // renormalised so that small numeric drift in `m` does not leak out.
  [[nodiscard]] static Pose fromMatrix(const glm::mat4& m);

  [[nodiscard]] glm::mat4 toMatrix() const;
  [[nodiscard]] glm::vec3 transformPoint(const glm::vec3& p) const;
  // Rotates a direction; translation does not apply, length is preserved.
  [[nodiscard]] glm::vec3 transformDirection(const glm::vec3& d) const;
  // The rigid inverse: inverse() * (*this) is the identity.
  [[nodiscard]] Pose inverse() const;
};

// Applies `b`, then `a`. The orientation is renormalised to stop drift when
// poses are chained every frame.
[[nodiscard]] Pose operator*(const Pose& a, const Pose& b);

// Interpolation between poses, t in [0, 1]. Both take the shortest rotational
// path (the quaternions are brought into the same hemisphere first).
// lerp: linear position, normalised-linear rotation (cheap, not constant
// angular speed; fine for small steps such as snapshot interpolation).
// slerp: linear position, spherical rotation (constant angular speed).
[[nodiscard]] Pose lerp(const Pose& a, const Pose& b, float t);
[[nodiscard]] Pose slerp(const Pose& a, const Pose& b, float t);

// Shortest-path spherical interpolation of unit quaternions; falls back to
// normalised lerp when the rotations are nearly equal.
[[nodiscard]] glm::quat slerpShortest(const glm::quat& a, const glm::quat& b, float t);

// The angle of the rotation that takes `a` to `b`, in radians, in [0, pi].
// Accurate for small angles (uses atan2, not acos).
[[nodiscard]] float angleBetween(const glm::quat& a, const glm::quat& b);

// Scale, then rotate, then translate: M = T * R * S. Scale may be non-uniform.
struct Transform {
  glm::vec3 position{0.0f};
  glm::quat rotation{1.0f, 0.0f, 0.0f, 0.0f};  // (w, x, y, z): identity
  glm::vec3 scale{1.0f};

  [[nodiscard]] static Transform identity() { return {}; }
  [[nodiscard]] static Transform fromPose(const Pose& pose,
                                          const glm::vec3& scale = glm::vec3(1.0f));

  // The rigid part (position and rotation), scale dropped.
  [[nodiscard]] Pose pose() const { return {position, rotation}; }
  [[nodiscard]] bool hasUniformScale(float relativeTolerance = 1e-6f) const;

  [[nodiscard]] glm::mat4 toMatrix() const;
  [[nodiscard]] glm::vec3 transformPoint(const glm::vec3& p) const;
  // Rotation only: the direction's length is preserved, scale ignored.
  [[nodiscard]] glm::vec3 transformDirection(const glm::vec3& d) const;
  // Scale and rotation, no translation (an offset between two points).
  [[nodiscard]] glm::vec3 transformVector(const glm::vec3& v) const;

  // Exact when the scale is uniform (asserted in debug builds). A non-uniform
  // scale followed by a rotation has no exact T*R*S inverse (it would need
  // shear); the result then only maps `position` back to the origin.
  [[nodiscard]] Transform inverse() const;
};

// Applies `b`, then `a`. Exact when `a` has uniform scale or `b` has no
// rotation; otherwise the shear that a non-uniform parent scale applied to a
// rotated child would need is dropped, as in most engines' T*R*S hierarchies.
[[nodiscard]] Transform operator*(const Transform& a, const Transform& b);

}  // namespace medverse
