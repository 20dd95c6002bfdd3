// The case in the room, as engine/app hands it to the renderer: the brain
// hologram covers exactly where the head projects, and per-label surfaces
// hide and fade as the user asks.
#include <doctest/doctest.h>

#include <filesystem>
#include <glm/gtc/matrix_transform.hpp>

#include "medverse/app/case_scene.h"
#include "medverse/assets/primitives.h"
#include "medverse/imaging/case_import.h"
#include "medverse/imaging/nifti.h"
#include "volume_test_support.h"

using namespace medverse;
using namespace medverse::render;

namespace {

bool isBackground(glm::u8vec4 c) {
  return c.r + c.g + c.b <= 3;
}

}  // namespace

TEST_CASE("the ch2 brain hologram covers where the head projects and nothing else") {
  const std::filesystem::path path = "/usr/share/mricron/templates/ch2better.nii.gz";
  auto volume = imaging::readNifti(path);
  REQUIRE_MESSAGE(volume.ok(), (volume.ok() ? "" : volume.error().message));
  auto preset = imaging::choosePreset("mr-brain", *volume);
  REQUIRE(preset.ok());
  const float low = static_cast<float>(preset->window.center - 0.5 * preset->window.width);
  const float high = static_cast<float>(preset->window.center + 0.5 * preset->window.width);
  const TransferFunction tf = presetMrBrain(low, high);
  // The lowest value the transfer function gives any opacity.
  float firstVisible = 0.0F;
  for (size_t i = 0; i + 1 < tf.points.size(); ++i) {
    if (tf.points[i + 1].opacity > 0.0F) {
      firstVisible = tf.points[i].value;
      break;
    }
  }

  test::VolumeScene scene;
  scene.camera.size = 160;
  scene.view.camera = scene.camera.view();
  auto handle = app::uploadVolume(*scene.renderer, *volume, "ch2better");
  REQUIRE_MESSAGE(handle.ok(), (handle.ok() ? "" : handle.error().message));
  auto info = scene.renderer->volumeInfo(*handle);
  REQUIRE(info.ok());
  VolumeInstance v;
  v.volume = *handle;
  v.transfer = tf;
  const glm::vec3 centre = 0.5F * (info->boundsMin + info->boundsMax);
  v.model = app::hologramTransform(centre, glm::vec3(0.0F), 0.002F);
  scene.view.volumes = {v};
  RgbaImage image = scene.draw();
  test::maybeSave(image, "volume_ch2");

  // Where the head should be: every few voxels above the visibility
  // threshold, projected to the screen.
  const uint32_t n = scene.camera.size;
  std::vector<uint8_t> mask(static_cast<size_t>(n) * n, 0);
  const glm::dmat4 toPatient = volume->voxelToPatient();
  for (int k = 0; k < volume->dims.z; k += 2) {
    for (int j = 0; j < volume->dims.y; j += 2) {
      for (int i = 0; i < volume->dims.x; i += 2) {
        if (volume->value(i, j, k) <= firstVisible + 0.05F * (high - low)) {
          continue;
        }
        const glm::vec3 p = glm::vec3(toPatient * glm::dvec4(i, j, k, 1.0));
        const glm::vec2 px = scene.camera.project(glm::vec3(v.model * glm::vec4(p, 1.0F)));
        if (px.x >= 0 && px.y >= 0 && px.x < n && px.y < n) {
          mask[static_cast<size_t>(px.y) * n + static_cast<size_t>(px.x)] = 1;
        }
      }
    }
  }
  // Inside: masked pixels whose 5x5 neighbourhood is all masked. Outside:
  // pixels with no masked pixel within 4.
  int inside = 0;
  int insideLit = 0;
  int outside = 0;
  int outsideLit = 0;
  glm::dvec3 colour(0.0);
  for (uint32_t y = 4; y + 4 < n; ++y) {
    for (uint32_t x = 4; x + 4 < n; ++x) {
      int near2 = 0;
      int near4 = 0;
      for (int dy = -4; dy <= 4; ++dy) {
        for (int dx = -4; dx <= 4; ++dx) {
          const uint8_t m = mask[(y + dy) * n + (x + dx)];
          near4 += m;
          near2 += (std::abs(dx) <= 2 && std::abs(dy) <= 2) ? m : 0;
        }
      }
      const glm::u8vec4 c = image.at(x, y);
      if (near2 == 25) {
        ++inside;
        insideLit += isBackground(c) ? 0 : 1;
        colour += glm::dvec3(c.r, c.g, c.b);
      } else if (near4 == 0) {
        ++outside;
        outsideLit += isBackground(c) ? 0 : 1;
      }
    }
  }
  colour /= std::max(inside, 1);
  MESSAGE("inside the head: " << insideLit << "/" << inside << " lit; outside: " << outsideLit
                              << "/" << outside << " lit; mean colour " << colour.r << ","
                              << colour.g << "," << colour.b);
  REQUIRE(inside > 2000);  // the head fills a good part of the view
  CHECK(insideLit == inside);
  CHECK(outsideLit == 0);
  // Brain-ish: warm, light tissue tones, not grey and not saturated.
  CHECK(colour.r > colour.g);
  CHECK(colour.g > colour.b);
  CHECK(colour.r > 90.0);
  test::requireNoValidationErrors(*scene.context);
}

TEST_CASE("a hidden surface label disappears and a translucent one blends") {
  // A case with a small empty volume and two label surfaces: label 1 left of
  // the centre (patient x = -30 mm), label 2 right (+30 mm).
  imaging::CaseBundle bundle;
  bundle.volume =
      imaging::Volume::allocate({8, 8, 8}, imaging::VoxelType::Int16, imaging::Modality::CT);
  bundle.volume.spacing = glm::dvec3(10.0);
  bundle.volume.origin = glm::dvec3(-35.0);
  bundle.windows = {{"ct-bone", 400.0, 1800.0}};
  for (int label : {1, 2}) {
    imaging::CaseSurface s;
    s.name = "label " + std::to_string(label);
    s.label = label;
    s.color = label == 1 ? glm::u8vec3(220, 60, 60) : glm::u8vec3(60, 200, 80);
    s.mesh = assets::makeUvSphere(15.0F, 32, 16);
    assets::transform(
        s.mesh, glm::translate(glm::mat4(1.0F), glm::vec3(label == 1 ? -30.0F : 30.0F, 0, 0)));
    bundle.surfaces.push_back(std::move(s));
  }

  test::VolumeScene scene;
  scene.view.skyAmbient = scene.view.groundAmbient = glm::vec3(0.6F);
  app::CaseSceneOptions options;
  options.showSurfaces = true;
  auto caseScene = app::CaseScene::create(*scene.renderer, bundle, options);
  REQUIRE_MESSAGE(caseScene.ok(), (caseScene.ok() ? "" : caseScene.error().message));
  REQUIRE(caseScene->surfaces().size() == 2);
  const glm::vec3 anchorToCentre = caseScene->patientCentre();
  const auto pixelOf = [&](float patientX) {
    const glm::vec4 world =
        caseScene->model() * glm::vec4(patientX, anchorToCentre.y, anchorToCentre.z, 1.0F);
    return glm::uvec2(scene.camera.project(glm::vec3(world)));
  };
  const glm::uvec2 left = pixelOf(-30.0F);
  const glm::uvec2 right = pixelOf(30.0F);

  const auto render = [&]() {
    scene.view.meshes.clear();
    scene.view.volumes.clear();
    caseScene->appendTo(scene.view);
    return scene.draw();
  };
  RgbaImage both = render();
  test::maybeSave(both, "volume_labels_both");
  const glm::u8vec4 leftShown = both.at(left.x, left.y);
  const glm::u8vec4 rightShown = both.at(right.x, right.y);
  CHECK(leftShown.r > 2 * leftShown.g);    // red label 1
  CHECK(rightShown.g > 2 * rightShown.r);  // green label 2

  REQUIRE(caseScene->setLabelVisible(2, false));
  CHECK_FALSE(caseScene->setLabelVisible(99, false));
  RgbaImage hidden = render();
  test::maybeSave(hidden, "volume_labels_hidden");
  CHECK(isBackground(hidden.at(right.x, right.y)));
  CHECK(hidden.at(left.x, left.y) == leftShown);

  REQUIRE(caseScene->setLabelVisible(2, true));
  REQUIRE(caseScene->setLabelOpacity(2, 0.5F));
  RgbaImage faded = render();
  const glm::u8vec4 half = faded.at(right.x, right.y);
  MESSAGE("label 2 opaque " << int(rightShown.g) << ", at opacity 0.5 " << int(half.g));
  CHECK(half.g > 20);
  CHECK(half.g < rightShown.g - 10);  // front and back faces both blend: 1 - 0.5^2 coverage
  test::requireNoValidationErrors(*scene.context);
}
