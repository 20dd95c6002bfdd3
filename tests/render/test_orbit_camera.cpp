// The desktop camera as the mouse drives it: dragging pans the scene with
// the cursor, orbits around the target, and the wheel zooms, within limits.
#include <doctest/doctest.h>

#include <glm/geometric.hpp>

#include "medverse/app/orbit_camera.h"

using namespace medverse;

namespace {

// Pixel position of a world point for a camera rendering width x height.
glm::vec2 project(const app::OrbitCamera& camera, const glm::vec3& p, float width, float height) {
  render::CameraView v = camera.view(width / height);
  glm::vec4 clip = v.projection * v.view * glm::vec4(p, 1.0F);
  glm::vec2 ndc = glm::vec2(clip) / clip.w;
  return {(ndc.x * 0.5F + 0.5F) * width, (ndc.y * 0.5F + 0.5F) * height};
}

}  // namespace

TEST_CASE("panning moves what is at the target exactly with the mouse") {
  auto camera = app::OrbitCamera::lookingAt({1.0F, 1.6F, 3.0F}, {0.0F, 1.0F, 0.0F});
  const glm::vec3 grabbed = camera.target;
  const glm::vec2 before = project(camera, grabbed, 800, 600);
  CHECK(before.x == doctest::Approx(400.0F));
  CHECK(before.y == doctest::Approx(300.0F));
  camera.pan(40.0F, -25.0F, 600.0F);  // drag right and up
  const glm::vec2 after = project(camera, grabbed, 800, 600);
  CHECK(after.x == doctest::Approx(440.0F).epsilon(0.001));
  CHECK(after.y == doctest::Approx(275.0F).epsilon(0.001));
}

TEST_CASE("orbiting turns around the target at a fixed distance, never over the pole") {
  auto camera = app::OrbitCamera::lookingAt({0.0F, 1.0F, 3.0F}, {0.0F, 1.0F, 0.0F});
  const float distance = glm::length(camera.eye() - camera.target);
  camera.orbit(100.0F, 0.0F);  // drag right
  CHECK(camera.yaw == doctest::Approx(-0.5F));
  CHECK(glm::length(camera.eye() - camera.target) == doctest::Approx(distance));
  // Seen from above, the camera moved clockwise: from +z towards -x.
  CHECK(camera.eye().x < 0.0F);
  camera.orbit(0.0F, 100000.0F);  // drag far down: look from above, clamped
  CHECK(camera.pitch == doctest::Approx(app::OrbitCamera::kMaxPitch));
  CHECK(camera.eye().y > camera.target.y);
  camera.orbit(0.0F, -200000.0F);
  CHECK(camera.pitch == doctest::Approx(-app::OrbitCamera::kMaxPitch));
}

TEST_CASE("the wheel zooms by a tenth per notch, within limits") {
  app::OrbitCamera camera;
  camera.distance = 2.0F;
  camera.zoom(1.0F);
  CHECK(camera.distance == doctest::Approx(1.8F));
  camera.zoom(-2.0F);
  CHECK(camera.distance == doctest::Approx(1.8F / 0.81F));
  camera.zoom(1000.0F);
  CHECK(camera.distance == doctest::Approx(app::OrbitCamera::kMinDistance));
  camera.zoom(-1000.0F);
  CHECK(camera.distance == doctest::Approx(app::OrbitCamera::kMaxDistance));
}
