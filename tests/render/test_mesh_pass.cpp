// The mesh pass draws what a person expects to see: the object where the
// camera says it is, at the right size, lit on the side facing the light,
// in front of what lies behind it, with smooth (multisampled) edges.
#include <doctest/doctest.h>

#include <cmath>

#include <glm/gtc/matrix_transform.hpp>

#include "medverse/assets/primitives.h"
#include "medverse/render/camera.h"
#include "medverse/render/offscreen_target.h"
#include "medverse/render/renderer.h"
#include "render_test_support.h"

using namespace medverse;
using namespace medverse::render;

namespace {

constexpr uint32_t kSize = 256;
constexpr float kFovY = 0.8F;
constexpr float kCameraDistance = 3.0F;
constexpr float kSphereRadius = 0.8F;

float luminance(glm::u8vec4 c) { return 0.2126F * c.r + 0.7152F * c.g + 0.0722F * c.b; }

bool near(glm::u8vec4 a, glm::u8vec4 b, int tolerance) {
  return std::abs(a.r - b.r) <= tolerance && std::abs(a.g - b.g) <= tolerance &&
         std::abs(a.b - b.b) <= tolerance;
}

struct Scene {
  std::unique_ptr<Context> context = test::makeContext();
  std::unique_ptr<Renderer> renderer;
  RenderView view;

  Scene() {
    auto r = Renderer::create(*context);
    REQUIRE(r.ok());
    renderer = std::move(r.value());
    auto sphere = renderer->uploadMesh(assets::makeUvSphere(kSphereRadius, 64, 32));
    auto box = renderer->uploadMesh(assets::makeBox({3.0F, 3.0F, 0.2F}));
    REQUIRE((sphere.ok() && box.ok()));

    view.camera.position = {0.0F, 0.0F, kCameraDistance};
    view.camera.view = lookAt(view.camera.position, {0, 0, 0});
    view.camera.projection = perspective(kFovY, 1.0F, 0.1F, 20.0F);
    // Light travels towards -x (and a little -z): the sphere's +x side, screen
    // right, is lit; so is the wall behind, which faces the camera.
    Light light;
    light.direction = {-1.0F, 0.0F, -0.6F};
    light.intensity = 2.0F;
    view.lights = {light};
    view.skyAmbient = view.groundAmbient = glm::vec3(0.02F);
    view.clearColor = {0.0F, 0.0F, 0.2F, 1.0F};

    MeshInstance s;
    s.mesh = *sphere;
    s.material.baseColor = {0.6F, 0.6F, 0.6F, 1.0F};
    // A red wall behind the sphere, partly hidden by it.
    MeshInstance b;
    b.mesh = *box;
    b.model = glm::translate(glm::mat4(1.0F), {0.0F, 0.0F, -1.5F});
    b.material.baseColor = {0.8F, 0.05F, 0.05F, 1.0F};
    view.meshes = {b, s};
  }

  RgbaImage draw(VkSampleCountFlagBits samples) {
    auto target = OffscreenTarget::create(*context, kSize, kSize, samples);
    REQUIRE(target.ok());
    REQUIRE(renderer->render(view, (*target)->info()).ok());
    auto image = (*target)->readback();
    REQUIRE(image.ok());
    return std::move(*image);
  }
};

// Expected sphere silhouette radius in pixels, from the projection.
float expectedRadiusPixels() {
  const float angular = std::asin(kSphereRadius / kCameraDistance);
  return (kSize / 2.0F) * std::tan(angular) / std::tan(kFovY / 2.0F);
}

}  // namespace

TEST_CASE("a lit sphere appears centred, at its projected size, brighter on the lit side") {
  Scene scene;
  scene.view.meshes = {scene.view.meshes[1]};  // the sphere alone
  RgbaImage image = scene.draw(VK_SAMPLE_COUNT_4_BIT);
  const glm::u8vec4 background = image.at(0, 0);
  // Linear 0.2 blue encodes to sRGB 124.
  CHECK(near(background, {0, 0, 124, 255}, 2));
  CHECK(near(image.at(kSize - 1, kSize - 1), background, 0));

  // Silhouette: every pixel that is not background.
  double sumX = 0;
  double sumY = 0;
  int count = 0;
  for (uint32_t y = 0; y < kSize; ++y) {
    for (uint32_t x = 0; x < kSize; ++x) {
      if (!near(image.at(x, y), background, 6)) {
        sumX += x + 0.5;
        sumY += y + 0.5;
        ++count;
      }
    }
  }
  REQUIRE(count > 0);
  const double radius = std::sqrt(count / 3.14159265358979);
  MESSAGE("silhouette radius " << radius << " px, expected " << expectedRadiusPixels());
  CHECK(std::abs(sumX / count - kSize / 2.0) < 1.5);
  CHECK(std::abs(sumY / count - kSize / 2.0) < 1.5);
  CHECK(std::abs(radius - expectedRadiusPixels()) < 2.0);

  // Near the right limb the surface faces the light; near the left it faces away.
  const float lit = luminance(image.at(kSize / 2 + 70, kSize / 2));
  const float shadow = luminance(image.at(kSize / 2 - 70, kSize / 2));
  MESSAGE("lit " << lit << ", shadow " << shadow);
  CHECK(lit > 3.0F * shadow);
  CHECK(lit > 120.0F);
  test::requireNoValidationErrors(*scene.context);
}

TEST_CASE("the depth buffer hides what is behind: the sphere covers the wall") {
  Scene scene;
  RgbaImage image = scene.draw(VK_SAMPLE_COUNT_4_BIT);
  const glm::u8vec4 centre = image.at(kSize / 2 + 20, kSize / 2);
  CHECK(std::abs(centre.r - centre.g) < 8);  // grey sphere, not the red wall
  const glm::u8vec4 wall = image.at(kSize / 2, 36);  // above the sphere, inside the wall
  CHECK(wall.r > 2 * wall.g);  // sRGB encoding compresses the linear 16:1 ratio
  CHECK(wall.r > 60);
  test::requireNoValidationErrors(*scene.context);
}

TEST_CASE("4x MSAA smooths silhouette edges and leaves interiors alone") {
  Scene scene;
  scene.view.meshes = {scene.view.meshes[1]};
  RgbaImage single = scene.draw(VK_SAMPLE_COUNT_1_BIT);
  RgbaImage msaa = scene.draw(VK_SAMPLE_COUNT_4_BIT);
  const float r = expectedRadiusPixels();
  int edgeDifferences = 0;
  int interiorDifferences = 0;
  for (uint32_t y = 0; y < kSize; ++y) {
    for (uint32_t x = 0; x < kSize; ++x) {
      if (near(single.at(x, y), msaa.at(x, y), 8)) {
        continue;
      }
      const float d = std::hypot(x + 0.5F - kSize / 2.0F, y + 0.5F - kSize / 2.0F);
      if (std::abs(d - r) <= 2.5F) {
        ++edgeDifferences;
      } else {
        ++interiorDifferences;
      }
    }
  }
  MESSAGE("edge pixels changed by MSAA: " << edgeDifferences);
  CHECK(edgeDifferences > 50);
  CHECK(interiorDifferences == 0);
  test::requireNoValidationErrors(*scene.context);
}

TEST_CASE("rendering a mesh that was never uploaded is an error, not a crash") {
  Scene scene;
  MeshInstance bogus;
  bogus.mesh = MeshHandle{42};
  scene.view.meshes.push_back(bogus);
  auto target = OffscreenTarget::create(*scene.context, 64, 64);
  REQUIRE(target.ok());
  Status s = scene.renderer->render(scene.view, (*target)->info());
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("42") != std::string::npos);
}
