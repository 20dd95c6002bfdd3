#include <doctest/doctest.h>

#include <glm/gtc/matrix_transform.hpp>
#include <numbers>
#include <random>

#include "medverse/core/transform.h"

using namespace medverse;

namespace {

constexpr float kPi = std::numbers::pi_v<float>;

bool near(const glm::vec3& a, const glm::vec3& b, float tolerance = 1e-4f) {
  return glm::length(a - b) <= tolerance;
}

bool near(const glm::mat4& a, const glm::mat4& b, float tolerance = 1e-4f) {
  for (int c = 0; c < 4; ++c) {
    for (int r = 0; r < 4; ++r) {
      if (std::abs(a[c][r] - b[c][r]) > tolerance) {
        return false;
      }
    }
  }
  return true;
}

bool sameRotation(const glm::quat& a, const glm::quat& b, float toleranceRadians = 1e-4f) {
  return angleBetween(a, b) <= toleranceRadians;
}

glm::quat axisAngle(float radians, const glm::vec3& axis) {
  return glm::angleAxis(radians, glm::normalize(axis));
}

// Deterministic pseudo-random poses so that failures reproduce.
struct PoseSource {
  std::mt19937 rng{1234};
  std::uniform_real_distribution<float> coord{-2.0f, 2.0f};
  std::normal_distribution<float> gauss{0.0f, 1.0f};

  glm::quat rotation() {
    return glm::normalize(glm::quat(gauss(rng), gauss(rng), gauss(rng), gauss(rng)));
  }
  glm::vec3 point() { return {coord(rng), coord(rng), coord(rng)}; }
  Pose pose() { return {point(), rotation()}; }
};

}  // namespace

TEST_CASE("identity pose and transform leave points where they are") {
  const glm::vec3 p(1.5f, -2.0f, 3.25f);
  CHECK(near(Pose::identity().transformPoint(p), p));
  CHECK(near(Transform::identity().transformPoint(p), p));
  CHECK(near(Pose::identity().toMatrix(), glm::mat4(1.0f)));
  CHECK(near(Transform::identity().toMatrix(), glm::mat4(1.0f)));
}

TEST_CASE("a * b applies b first, then a") {
  const Pose moveX{{1.0f, 0.0f, 0.0f}, glm::quat(1.0f, 0.0f, 0.0f, 0.0f)};
  const Pose turnZ{{0.0f, 0.0f, 0.0f}, axisAngle(kPi / 2.0f, {0.0f, 0.0f, 1.0f})};
  // Move along x, then turn the result a quarter turn about z: lands on +y.
  CHECK(near((turnZ * moveX).transformPoint(glm::vec3(0.0f)), {0.0f, 1.0f, 0.0f}));
  // Turn first (the origin stays put), then move: lands on +x.
  CHECK(near((moveX * turnZ).transformPoint(glm::vec3(0.0f)), {1.0f, 0.0f, 0.0f}));
}

TEST_CASE("composing poses matches multiplying their matrices") {
  PoseSource source;
  for (int i = 0; i < 200; ++i) {
    const Pose a = source.pose();
    const Pose b = source.pose();
    const glm::vec3 p = source.point();
    CHECK(near((a * b).toMatrix(), a.toMatrix() * b.toMatrix()));
    CHECK(near((a * b).transformPoint(p), a.transformPoint(b.transformPoint(p))));
  }
}

TEST_CASE("a pose composed with its inverse is the identity, either way round") {
  PoseSource source;
  for (int i = 0; i < 200; ++i) {
    const Pose a = source.pose();
    const glm::vec3 p = source.point();
    CHECK(near((a.inverse() * a).transformPoint(p), p));
    CHECK(near((a * a.inverse()).transformPoint(p), p));
    CHECK(near(a.inverse().toMatrix(), glm::inverse(a.toMatrix())));
  }
}

TEST_CASE("a pose survives a round trip through its matrix") {
  PoseSource source;
  for (int i = 0; i < 200; ++i) {
    const Pose a = source.pose();
    const Pose back = Pose::fromMatrix(a.toMatrix());
    CHECK(near(back.position, a.position));
    CHECK(sameRotation(back.orientation, a.orientation));
  }
}

TEST_CASE("directions rotate but do not translate") {
  const Pose pose{{10.0f, 20.0f, 30.0f}, axisAngle(kPi / 2.0f, {0.0f, 0.0f, 1.0f})};
  CHECK(near(pose.transformDirection({1.0f, 0.0f, 0.0f}), {0.0f, 1.0f, 0.0f}));
  const Transform scaled = Transform::fromPose(pose, glm::vec3(3.0f));
  CHECK(near(scaled.transformDirection({1.0f, 0.0f, 0.0f}), {0.0f, 1.0f, 0.0f}));
  CHECK(near(scaled.transformVector({1.0f, 0.0f, 0.0f}), {0.0f, 3.0f, 0.0f}));
}

TEST_CASE("a hologram in patient millimetres is placed in the room in metres by its scale") {
  // 1 mm per unit, hologram centre 1.2 m up, turned a quarter turn about +Y.
  const Transform patientToRoom{
      {0.0f, 1.2f, 0.0f}, axisAngle(kPi / 2.0f, {0.0f, 1.0f, 0.0f}), glm::vec3(0.001f)};
  // 100 mm along patient +x ends up 0.1 m along room -z.
  CHECK(near(patientToRoom.transformPoint({100.0f, 0.0f, 0.0f}), {0.0f, 1.2f, -0.1f}, 1e-5f));
  const Transform roomToPatient = patientToRoom.inverse();
  CHECK(near(roomToPatient.transformPoint({0.0f, 1.2f, -0.1f}), {100.0f, 0.0f, 0.0f}, 1e-3f));
}

TEST_CASE("transform matrices are translate * rotate * scale, non-uniform scale included") {
  const Transform t{{1.0f, 2.0f, 3.0f}, axisAngle(0.7f, {1.0f, 2.0f, 0.5f}), {2.0f, 0.5f, 3.0f}};
  const glm::mat4 expected = glm::translate(glm::mat4(1.0f), t.position) *
                             glm::mat4_cast(t.rotation) * glm::scale(glm::mat4(1.0f), t.scale);
  CHECK(near(t.toMatrix(), expected));
  const glm::vec3 p(0.3f, -1.0f, 2.0f);
  CHECK(near(t.transformPoint(p), glm::vec3(expected * glm::vec4(p, 1.0f))));
}

TEST_CASE("composing transforms under a uniformly scaled parent matches the matrices") {
  PoseSource source;
  std::uniform_real_distribution<float> scale(0.1f, 4.0f);
  for (int i = 0; i < 200; ++i) {
    const Transform parent = Transform::fromPose(source.pose(), glm::vec3(scale(source.rng)));
    const Transform child = Transform::fromPose(
        source.pose(), {scale(source.rng), scale(source.rng), scale(source.rng)});
    CHECK(near((parent * child).toMatrix(), parent.toMatrix() * child.toMatrix(), 1e-3f));
  }
}

TEST_CASE("composing under a non-uniformly scaled parent is exact when the child is unrotated") {
  const Transform parent{
      {1.0f, 0.0f, 0.0f}, axisAngle(0.4f, {0.0f, 1.0f, 0.0f}), {2.0f, 1.0f, 0.5f}};
  const Transform child{{0.0f, 3.0f, 1.0f}, glm::quat(1.0f, 0.0f, 0.0f, 0.0f), {1.0f, 4.0f, 2.0f}};
  CHECK(near((parent * child).toMatrix(), parent.toMatrix() * child.toMatrix()));
}

TEST_CASE("a uniformly scaled transform composed with its inverse is the identity") {
  PoseSource source;
  std::uniform_real_distribution<float> scale(0.001f, 10.0f);
  for (int i = 0; i < 200; ++i) {
    const Transform t = Transform::fromPose(source.pose(), glm::vec3(scale(source.rng)));
    REQUIRE(t.hasUniformScale());
    const glm::vec3 p = source.point();
    CHECK(near((t.inverse() * t).transformPoint(p), p, 1e-3f));
    CHECK(near(t.inverse().transformPoint(t.transformPoint(p)), p, 1e-3f));
  }
  CHECK_FALSE(Transform{{}, {}, {1.0f, 2.0f, 1.0f}}.hasUniformScale());
}

TEST_CASE("pose interpolation hits both ends and the middle") {
  const Pose a{{0.0f, 0.0f, 0.0f}, glm::quat(1.0f, 0.0f, 0.0f, 0.0f)};
  const Pose b{{2.0f, 4.0f, -6.0f}, axisAngle(kPi / 2.0f, {0.0f, 1.0f, 0.0f})};
  for (const auto& interpolate : {&medverse::lerp, &medverse::slerp}) {
    CHECK(near(interpolate(a, b, 0.0f).position, a.position));
    CHECK(sameRotation(interpolate(a, b, 0.0f).orientation, a.orientation));
    CHECK(near(interpolate(a, b, 1.0f).position, b.position));
    CHECK(sameRotation(interpolate(a, b, 1.0f).orientation, b.orientation));
    const Pose mid = interpolate(a, b, 0.5f);
    CHECK(near(mid.position, {1.0f, 2.0f, -3.0f}));
    CHECK(sameRotation(mid.orientation, axisAngle(kPi / 4.0f, {0.0f, 1.0f, 0.0f})));
  }
}

TEST_CASE("slerp turns at constant angular speed") {
  const glm::quat from = axisAngle(0.2f, {1.0f, 1.0f, 0.0f});
  const glm::quat to = from * axisAngle(2.4f, {0.0f, 0.3f, 1.0f});
  const float total = angleBetween(from, to);
  for (int i = 0; i <= 10; ++i) {
    const float t = static_cast<float>(i) / 10.0f;
    CHECK(angleBetween(from, slerpShortest(from, to, t)) ==
          doctest::Approx(t * total).epsilon(1e-3));
  }
}

TEST_CASE(
    "interpolation takes the short way even when the quaternions are in opposite hemispheres") {
  const glm::quat from = axisAngle(0.1f, {0.0f, 0.0f, 1.0f});
  const glm::quat to = -axisAngle(0.3f, {0.0f, 0.0f, 1.0f});  // same rotation as +0.3 rad
  const Pose a{{}, from};
  const Pose b{{}, to};
  const glm::quat expectedMid = axisAngle(0.2f, {0.0f, 0.0f, 1.0f});
  CHECK(sameRotation(slerp(a, b, 0.5f).orientation, expectedMid));
  CHECK(sameRotation(lerp(a, b, 0.5f).orientation, expectedMid));
  // A rotation and its negation: nothing to interpolate.
  CHECK(sameRotation(slerpShortest(from, -from, 0.5f), from));
}

TEST_CASE("angleBetween resolves tiny angles") {
  const glm::quat from = axisAngle(1.0f, {0.2f, 0.9f, 0.1f});
  const float tiny = 1e-4f;  // ~0.006°: acos would round this to zero in float
  CHECK(angleBetween(from, from * axisAngle(tiny, {1.0f, 0.0f, 0.0f})) ==
        doctest::Approx(tiny).epsilon(1e-2));
  CHECK(angleBetween(from, -from) == doctest::Approx(0.0f));
}
