// The volume hologram shows what a person expects: bone brighter than soft
// tissue under the bone preset, nothing where a clip plane cuts, no volume
// behind an opaque object inside it, slices with the windowed voxel values,
// and the same picture with or without the speed-ups.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <glm/gtc/matrix_inverse.hpp>
#include <glm/gtc/matrix_transform.hpp>

#include "medverse/assets/primitives.h"
#include "volume_test_support.h"

using namespace medverse;
using namespace medverse::render;
using test::VolumeScene;

namespace {

// A 40 HU soft-tissue ball of radius 50 mm with a 700 HU bony rod (radius
// 10 mm, along patient z) through it at x = +25 mm, in air.
float ballWithRod(glm::vec3 p) {
  if (glm::length(glm::vec2(p.x - 25.0F, p.y)) < 10.0F && std::abs(p.z) < 55.0F) {
    return 700.0F;
  }
  return glm::length(p) < 50.0F ? 40.0F : -1000.0F;
}

VolumeInstance instanceOf(VolumeHandle handle, TransferFunction tf) {
  VolumeInstance v;
  v.volume = handle;
  v.model = test::lpsToWorld();
  v.transfer = std::move(tf);
  return v;
}

bool isBackground(glm::u8vec4 c) {
  return c.r + c.g + c.b <= 3;
}

}  // namespace

TEST_CASE("under the CT bone preset the bony rod is bright and the soft tissue around it clear") {
  VolumeScene scene;
  const auto volume = test::makeVolume(64, 2.0F, ballWithRod);
  scene.view.volumes = {instanceOf(scene.upload(volume), presetCtBone())};
  RgbaImage bone = scene.draw();
  test::maybeSave(bone, "volume_ct_bone");
  // Screen points over the rod (patient x = +25) and over soft tissue only (x = -25).
  const glm::vec2 rodPx = scene.camera.project({0.025F, 0.0F, 0.0F});
  const glm::vec2 softPx = scene.camera.project({-0.025F, 0.0F, 0.0F});
  const float rod = test::meanLuminance(bone, rodPx);
  const float soft = test::meanLuminance(bone, softPx);
  MESSAGE("CT bone: rod " << rod << ", soft tissue " << soft);
  CHECK(rod > 120.0F);
  CHECK(soft < 5.0F);

  // Window/level moves the preset along the value axis: centred 500 HU
  // lower than its natural centre, 40 HU soft tissue lands where cortical
  // bone (540 HU) was, and shows.
  const WindowLevel natural = windowOf(presetCtBone());
  scene.view.volumes[0].window = {natural.center - 500.0F, natural.width};
  RgbaImage shifted = scene.draw();
  const float softShifted = test::meanLuminance(shifted, softPx);
  MESSAGE("CT bone, window shifted by -500 HU: soft tissue " << softShifted);
  CHECK(softShifted > 100.0F);
  scene.view.volumes[0].window = {};

  // Under the soft-tissue preset the soft tissue shows too.
  scene.view.volumes[0].transfer = presetCtSoftTissue();
  RgbaImage softImage = scene.draw();
  test::maybeSave(softImage, "volume_ct_soft");
  const float rod2 = test::meanLuminance(softImage, rodPx);
  const float soft2 = test::meanLuminance(softImage, softPx);
  MESSAGE("CT soft tissue: rod " << rod2 << ", soft tissue " << soft2);
  CHECK(soft2 > 40.0F);
  // Outside the ball: the background.
  CHECK(isBackground(softImage.at(2, 2)));
  CHECK(isBackground(softImage.at(scene.camera.size - 3, scene.camera.size / 2)));
  test::requireNoValidationErrors(*scene.context);
}

TEST_CASE("a clip plane removes the half of the volume it should") {
  VolumeScene scene;
  const auto volume = test::makeVolume(64, 2.0F, ballWithRod);
  VolumeInstance v = instanceOf(scene.upload(volume), presetCtSoftTissue());
  // Keep the patient's left (x >= 0): the viewer's right half.
  v.clipPlanes = {glm::vec4(1.0F, 0.0F, 0.0F, 0.0F)};
  scene.view.volumes = {v};
  RgbaImage image = scene.draw();
  test::maybeSave(image, "volume_clip");
  int leftLit = 0;
  int rightLit = 0;
  int rightTotal = 0;
  const glm::vec2 centre = scene.camera.project({0, 0, 0});
  const float radius = scene.camera.project({0.045F, 0, 0}).x - centre.x;  // inside the ball
  for (uint32_t y = 0; y < scene.camera.size; ++y) {
    for (uint32_t x = 0; x < scene.camera.size; ++x) {
      const glm::vec2 d = glm::vec2(x + 0.5F, y + 0.5F) - centre;
      if (glm::length(d) > radius) {
        continue;
      }
      const bool lit = !isBackground(image.at(x, y));
      if (d.x < -2.0F) {
        leftLit += lit ? 1 : 0;
      } else if (d.x > 2.0F) {
        rightLit += lit ? 1 : 0;
        ++rightTotal;
      }
    }
  }
  MESSAGE("lit pixels: left " << leftLit << ", right " << rightLit << " of " << rightTotal);
  CHECK(leftLit == 0);
  CHECK(rightLit == rightTotal);

  // The crop box does the same from the other side.
  scene.view.volumes[0].clipPlanes.clear();
  scene.view.volumes[0].crop = {true, glm::vec3(-100.0F), glm::vec3(0.0F, 100.0F, 100.0F)};
  RgbaImage cropped = scene.draw();
  CHECK(isBackground(cropped.at(static_cast<uint32_t>(centre.x + radius * 0.5F),
                                static_cast<uint32_t>(centre.y))));
  CHECK_FALSE(isBackground(cropped.at(static_cast<uint32_t>(centre.x - radius * 0.5F),
                                      static_cast<uint32_t>(centre.y))));
  test::requireNoValidationErrors(*scene.context);
}

TEST_CASE("an opaque box inside the volume hides the volume behind it") {
  for (VkSampleCountFlagBits samples : {VK_SAMPLE_COUNT_1_BIT, VK_SAMPLE_COUNT_4_BIT}) {
    CAPTURE(samples);
    VolumeScene scene;
    // A red slab (value 100) in the posterior half, away from the camera;
    // clear material (0) in front of it.
    const auto volume =
        test::makeVolume(48, 2.0F, [](glm::vec3 p) { return p.y > 10.0F ? 100.0F : 0.0F; });
    TransferFunction red;
    red.points = {{0.0F, glm::vec3(0.0F), 0.0F}, {100.0F, glm::vec3(1.0F, 0.0F, 0.0F), 0.5F}};
    VolumeHandle handle = scene.upload(volume);
    scene.view.volumes = {instanceOf(handle, red)};
    scene.view.volumes[0].gradientShading = false;  // pure colours: red slab, grey box
    // A white, opaque 2 cm box at the centre of the volume, in front of the slab.
    auto box = scene.renderer->uploadMesh(assets::makeBox(glm::vec3(0.02F)));
    REQUIRE(box.ok());
    MeshInstance m;
    m.mesh = *box;
    m.material.baseColor = {0.8F, 0.8F, 0.8F, 1.0F};
    m.material.emissive = glm::vec3(0.5F);
    scene.view.meshes = {m};
    scene.view.skyAmbient = scene.view.groundAmbient = glm::vec3(0.5F);
    RgbaImage image = scene.draw(samples);
    test::maybeSave(image, "volume_depth");
    const glm::u8vec4 onBox = image.at(scene.camera.size / 2, scene.camera.size / 2);
    const glm::vec2 besidePx = scene.camera.project({0.03F, 0.0F, 0.0F});
    const glm::u8vec4 beside =
        image.at(static_cast<uint32_t>(besidePx.x), static_cast<uint32_t>(besidePx.y));
    MESSAGE("on the box " << int(onBox.r) << "," << int(onBox.g) << "," << int(onBox.b)
                          << "; beside it " << int(beside.r) << "," << int(beside.g) << ","
                          << int(beside.b));
    CHECK(beside.r > 150);  // the slab, where nothing is in front of it
    CHECK(beside.g < 20);
    CHECK(onBox.g > 100);  // the box, grey: no red from the slab behind it
    CHECK(std::abs(int(onBox.r) - int(onBox.g)) < 8);

    // And the volume in front of an opaque object still shows: move the box
    // behind the hologram, out of the volume.
    scene.view.meshes[0].model = glm::translate(glm::mat4(1.0F), {0.0F, 0.0F, -0.08F});
    RgbaImage behind = scene.draw(samples);
    const glm::u8vec4 overBox = behind.at(scene.camera.size / 2, scene.camera.size / 2);
    CHECK(overBox.r > 150);
    CHECK(overBox.g < 40);
    test::requireNoValidationErrors(*scene.context);
  }
}

TEST_CASE("an axial slice shows the voxel values through its window") {
  VolumeScene scene;
  // Values rise linearly with patient x: v = 10 * x (mm), -470..470.
  const auto volume = test::makeVolume(48, 2.0F, [](glm::vec3 p) { return 10.0F * p.x; });
  VolumeInstance v = instanceOf(scene.upload(volume), presetCtSoftTissue());
  v.showVolume = false;
  SlicePlane& axial = v.slices[static_cast<size_t>(SliceAxis::Axial)];
  axial.visible = true;
  axial.position = 4.0F;            // patient z = +4 mm: world y = 0.004 m
  axial.window = {100.0F, 800.0F};  // -300..500 black to white
  // Seen from above: world y is patient z, so the camera looks down.
  scene.view.volumes = {v};
  scene.view.camera.position = {0.0F, 0.25F, 0.0F};
  scene.view.camera.view = lookAt(scene.view.camera.position, {0, 0, 0}, {0, 0, -1});
  RgbaImage image = scene.draw();
  test::maybeSave(image, "volume_slice");
  const glm::mat4 viewProj = scene.view.camera.projection * scene.view.camera.view;
  const glm::mat4 inv = glm::inverse(viewProj);
  int checked = 0;
  int worst = 0;
  for (uint32_t x = 8; x < scene.camera.size - 8; x += 2) {
    const uint32_t y = scene.camera.size / 2 + 11;
    // Where this pixel's ray meets the slice plane (world y = 0.004).
    const glm::vec2 ndc = (glm::vec2(x + 0.5F, y + 0.5F) / float(scene.camera.size)) * 2.0F - 1.0F;
    glm::vec4 nearP = inv * glm::vec4(ndc, 0.0F, 1.0F);
    glm::vec4 farP = inv * glm::vec4(ndc, 1.0F, 1.0F);
    const glm::vec3 a = glm::vec3(nearP) / nearP.w;
    const glm::vec3 b = glm::vec3(farP) / farP.w;
    const float s = (0.004F - a.y) / (b.y - a.y);
    const glm::vec3 hit = a + s * (b - a);
    const float patientX = hit.x * 1000.0F;
    if (std::abs(patientX) > 44.0F || std::abs(hit.z * 1000.0F) > 44.0F) {
      continue;  // stay a voxel inside the volume's edge
    }
    const float value = 10.0F * patientX;
    const float grey = std::clamp((value - (100.0F - 400.0F)) / 800.0F, 0.0F, 1.0F);
    const int expected = static_cast<int>(std::lround(grey * 255.0F));
    const glm::u8vec4 px = image.at(x, y);
    worst = std::max(worst, std::abs(int(px.r) - expected));
    CHECK(px.r == px.g);
    ++checked;
  }
  MESSAGE(checked << " pixels checked, largest difference " << worst << "/255");
  CHECK(checked > 30);
  CHECK(worst <= 4);
  test::requireNoValidationErrors(*scene.context);
}

TEST_CASE("empty-space skipping and early termination give the same image as plain marching") {
  VolumeScene scene;
  const auto volume = test::makeVolume(96, 1.5F, ballWithRod);
  VolumeHandle handle = scene.upload(volume);
  auto info = scene.renderer->volumeInfo(handle);
  REQUIRE(info.ok());
  MESSAGE(info->uniformBricks << " of " << info->bricks.x * info->bricks.y * info->bricks.z
                              << " bricks are air");
  CHECK(info->uniformBricks > 0);
  for (const TransferFunction& tf : {presetCtBone(), presetCtSoftTissue()}) {
    scene.view.volumes = {instanceOf(handle, tf)};
    RgbaImage fast = scene.draw();
    scene.view.volumes[0].emptySpaceSkipping = false;
    scene.view.volumes[0].earlyTermination = false;
    RgbaImage plain = scene.draw();
    int worst = 0;
    double total = 0;
    int lit = 0;
    for (size_t i = 0; i < fast.pixels.size(); ++i) {
      const int d = std::abs(int(fast.pixels[i]) - int(plain.pixels[i]));
      worst = std::max(worst, d);
      total += d;
      lit += (i % 4 == 0 && fast.pixels[i] > 3) ? 1 : 0;
    }
    MESSAGE("largest difference " << worst << "/255, mean " << total / fast.pixels.size()
                                  << ", lit pixels " << lit);
    CHECK(lit > 300);
    CHECK(worst <= 6);
    CHECK(total / static_cast<double>(fast.pixels.size()) < 0.5);
  }
  test::requireNoValidationErrors(*scene.context);
}

TEST_CASE("bad volume input is an error naming the problem, not a crash") {
  VolumeScene scene;
  auto volume = test::makeVolume(8, 1.0F, [](glm::vec3) { return 0.0F; });
  VolumeData data = volume.data();
  data.dims = {8, 8, 9};
  auto wrongCount = scene.renderer->uploadVolume(data);
  REQUIRE_FALSE(wrongCount.ok());
  CHECK(wrongCount.error().message.find("8x8x9") != std::string::npos);
  data = volume.data();
  data.spacing = {2.0F, 1.0F, 1.0F};
  auto wrongSpacing = scene.renderer->uploadVolume(data);
  REQUIRE_FALSE(wrongSpacing.ok());
  CHECK(wrongSpacing.error().message.find("spacing") != std::string::npos);

  VolumeInstance v = instanceOf(scene.upload(volume), TransferFunction{});
  scene.view.volumes = {v};
  auto target = OffscreenTarget::create(*scene.context, 32, 32);
  REQUIRE(target.ok());
  Status empty = scene.renderer->render(scene.view, (*target)->info());
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().message.find("no control points") != std::string::npos);
  scene.view.volumes[0].transfer = presetCtBone();
  scene.view.volumes[0].volume = VolumeHandle{7};
  Status unknown = scene.renderer->render(scene.view, (*target)->info());
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message.find("never uploaded") != std::string::npos);
}

TEST_CASE("a mirrored voxel grid shows the same anatomy as the plain one") {
  // The same ball-and-rod, stored once with i running towards patient +x and
  // once towards -x (a determinant -1 grid, as radiological-convention files
  // give): the hologram must not turn inside out.
  VolumeScene scene;
  const auto plain = test::makeVolume(48, 2.0F, ballWithRod);
  test::SyntheticVolume mirrored = plain;
  const uint32_t n = plain.dims.x;
  for (uint32_t k = 0; k < n; ++k) {
    for (uint32_t j = 0; j < n; ++j) {
      for (uint32_t i = 0; i < n; ++i) {
        mirrored.voxels[(static_cast<size_t>(k) * n + j) * n + i] =
            plain.voxels[(static_cast<size_t>(k) * n + j) * n + (n - 1 - i)];
      }
    }
  }
  // Voxel i of the mirrored grid sits where voxel n-1-i of the plain one does.
  mirrored.voxelToPatient = plain.voxelToPatient *
                            glm::translate(glm::mat4(1.0F), glm::vec3(float(n - 1), 0, 0)) *
                            glm::scale(glm::mat4(1.0F), glm::vec3(-1, 1, 1));
  REQUIRE(glm::determinant(glm::mat3(mirrored.voxelToPatient)) < 0.0F);
  const VolumeHandle plainHandle = scene.upload(plain);
  const VolumeHandle mirroredHandle = scene.upload(mirrored);
  // From outside, and from inside the volume (where only the box's back
  // faces, wound the other way round in a mirrored grid, start the rays).
  for (float distance : {0.5F, 0.03F}) {
    CAPTURE(distance);
    scene.view.camera.position = {0.0F, 0.0F, distance};
    scene.view.camera.view = lookAt(scene.view.camera.position, {0, 0, 0});
    // Bone from outside; from inside the rod is out of view, so soft tissue.
    const TransferFunction tf = distance > 0.1F ? presetCtBone() : presetCtSoftTissue();
    scene.view.volumes = {instanceOf(plainHandle, tf)};
    RgbaImage a = scene.draw();
    scene.view.volumes = {instanceOf(mirroredHandle, tf)};
    RgbaImage b = scene.draw();
    int worst = 0;
    int lit = 0;
    for (size_t i = 0; i < a.pixels.size(); ++i) {
      worst = std::max(worst, std::abs(int(a.pixels[i]) - int(b.pixels[i])));
      lit += (i % 4 == 0 && a.pixels[i] > 3) ? 1 : 0;
    }
    MESSAGE("largest difference " << worst << "/255 over " << lit << " lit pixels");
    CHECK(lit > 300);
    CHECK(worst <= 8);
  }
  test::requireNoValidationErrors(*scene.context);
}

TEST_CASE("a camera inside the volume still sees the tissue around it") {
  VolumeScene scene;
  const auto volume = test::makeVolume(64, 2.0F, ballWithRod);
  scene.view.volumes = {instanceOf(scene.upload(volume), presetCtSoftTissue())};
  scene.view.camera.position = {0.0F, 0.0F, 0.02F};  // 20 mm in front of the centre, inside
  scene.view.camera.view = lookAt(scene.view.camera.position, {0, 0, 0});
  RgbaImage image = scene.draw();
  test::maybeSave(image, "volume_inside");
  int lit = 0;
  for (size_t i = 0; i < image.pixels.size(); i += 4) {
    lit += image.pixels[i] > 10 ? 1 : 0;
  }
  MESSAGE(lit << " of " << image.pixels.size() / 4 << " pixels show tissue");
  CHECK(lit == static_cast<int>(image.pixels.size() / 4));
  test::requireNoValidationErrors(*scene.context);
}

TEST_CASE("each preset makes visible the tissue it is named for and clears the rest") {
  const auto opacity = [](const TransferFunction& tf, float hu) { return evaluate(tf, hu).a; };
  for (const TransferFunction& tf :
       {presetCtBone(), presetCtLung(), presetCtSoftTissue(), presetMrBrain(10.0F, 200.0F)}) {
    CHECK(validate(tf).ok());
    CHECK(opacity(tf, tf.points.front().value) == 0.0F);  // air / background is clear
  }
  // Bone: cortical bone shows, soft tissue does not.
  CHECK(opacity(presetCtBone(), 700.0F) > 0.3F);
  CHECK(opacity(presetCtBone(), 40.0F) == 0.0F);
  // Lung: the lung boundary and vessels show; parenchyma and the chest wall do not.
  CHECK(opacity(presetCtLung(), -500.0F) > 0.1F);
  CHECK(opacity(presetCtLung(), -850.0F) == 0.0F);
  CHECK(opacity(presetCtLung(), 40.0F) == 0.0F);
  // Soft tissue: muscle shows, fat barely, bone most.
  CHECK(opacity(presetCtSoftTissue(), 40.0F) > 0.05F);
  CHECK(opacity(presetCtSoftTissue(), -100.0F) < opacity(presetCtSoftTissue(), 40.0F));
  CHECK(opacity(presetCtSoftTissue(), 700.0F) > opacity(presetCtSoftTissue(), 40.0F));
  // MR brain: CSF-dark values clear, white matter (bright on T1) the most opaque.
  const TransferFunction mr = presetMrBrain(10.0F, 200.0F);
  CHECK(opacity(mr, 40.0F) == 0.0F);
  CHECK(opacity(mr, 180.0F) > opacity(mr, 120.0F));

  TransferFunction unsorted = presetCtBone();
  std::swap(unsorted.points[1], unsorted.points[2]);
  Status s = validate(unsorted);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("point 2") != std::string::npos);
}
