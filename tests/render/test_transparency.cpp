// Transparent meshes blend back to front whatever order the view lists them
// in: a near red pane over a far blue one looks red-tinted purple, not blue.
#include <doctest/doctest.h>

#include <glm/gtc/matrix_transform.hpp>

#include "medverse/assets/primitives.h"
#include "volume_test_support.h"

using namespace medverse;
using namespace medverse::render;

TEST_CASE("transparent meshes are sorted back to front before blending") {
  test::VolumeScene scene;
  auto plane = scene.renderer->uploadMesh(assets::makePlane({0.2F, 0.2F}));
  REQUIRE(plane.ok());
  scene.view.skyAmbient = scene.view.groundAmbient = glm::vec3(0.0F);
  // Facing the camera (+Y turned to +Z), unlit: colour comes from emission.
  const glm::mat4 facing = glm::rotate(glm::mat4(1.0F), glm::radians(90.0F), glm::vec3(1, 0, 0));
  MeshInstance nearRed;
  nearRed.mesh = *plane;
  nearRed.model = glm::translate(glm::mat4(1.0F), {0, 0, 0.05F}) * facing;
  nearRed.material.baseColor = {0.0F, 0.0F, 0.0F, 0.5F};
  nearRed.material.emissive = {1.0F, 0.0F, 0.0F};
  MeshInstance farBlue = nearRed;
  farBlue.model = glm::translate(glm::mat4(1.0F), {0, 0, -0.05F}) * facing;
  farBlue.material.emissive = {0.0F, 0.0F, 1.0F};
  scene.view.meshes = {nearRed, farBlue};  // listed nearest first: the wrong order to draw
  RgbaImage image = scene.draw();
  const glm::u8vec4 c = image.at(scene.camera.size / 2, scene.camera.size / 2);
  MESSAGE("centre " << int(c.r) << "," << int(c.g) << "," << int(c.b));
  // Blue first, then red over it: red keeps half, blue a quarter.
  CHECK(c.r > c.b + 20);
  CHECK(c.b > 40);
  test::requireNoValidationErrors(*scene.context);
}
