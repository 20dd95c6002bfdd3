// The volume hologram in stereo: each eye of a 2-layer target shows the
// ray-marched volume (stopped by an opaque object in front of it, through
// the depth input attachment of its own eye), shifted between the eyes by
// the parallax of its distance, and each eye equals a mono render from that
// eye. Both stereo paths: whatever this device uses, and native multiview.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <glm/gtc/matrix_transform.hpp>
#include <utility>

#include "medverse/assets/primitives.h"
#include "volume_test_support.h"

using namespace medverse;
using namespace medverse::render;

namespace {

constexpr uint32_t kSize = 192;
constexpr float kIpd = 0.064F;

// A 1000 HU ball of radius 20 mm in air, in a 48 mm cube.
float boneBall(glm::vec3 p) {
  return glm::length(p) < 20.0F ? 1000.0F : -1000.0F;
}

int maxDifference(const RgbaImage& a, const RgbaImage& b) {
  REQUIRE(a.pixels.size() == b.pixels.size());
  int worst = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    worst = std::max(worst, std::abs(int(a.pixels[i]) - int(b.pixels[i])));
  }
  return worst;
}

// Centroid x and count of the hologram's pixels (the bone preset shows the
// ball bright and warm; the background is black, the occluder pure blue).
std::pair<double, int> hologramPixels(const RgbaImage& image) {
  double sx = 0.0;
  int n = 0;
  for (uint32_t y = 0; y < image.height; ++y) {
    for (uint32_t x = 0; x < image.width; ++x) {
      const glm::u8vec4 p = image.at(x, y);
      if (p.r > 60 && p.r >= p.b) {
        sx += x + 0.5;
        ++n;
      }
    }
  }
  return {n > 0 ? sx / n : 0.0, n};
}

void checkStereoHologram(MultiviewPolicy policy) {
  test::VolumeScene scene;
  // VolumeScene's context uses the device's own choice; replace it when a
  // path is forced.
  if (policy != MultiviewPolicy::Auto) {
    scene.renderer.reset();
    scene.context = test::makeContext(policy);
    auto r = Renderer::create(*scene.context);
    REQUIRE(r.ok());
    scene.renderer = std::move(r.value());
  }
  const auto volume = test::makeVolume(48, 1.0F, boneBall);
  VolumeInstance hologram;
  hologram.volume = scene.upload(volume);
  hologram.model = test::lpsToWorld();
  hologram.transfer = presetCtBone();
  scene.view.volumes = {hologram};
  // A small opaque blue box in front of the ball's lower half: the volume's
  // rays must stop at it in each eye.
  auto box = scene.renderer->uploadMesh(assets::makeBox({1.0F, 1.0F, 1.0F}));
  REQUIRE(box.ok());
  MeshInstance occluder;
  occluder.mesh = *box;
  occluder.model =
      glm::scale(glm::translate(glm::mat4(1.0F), {0.0F, -0.012F, 0.04F}), {0.012F, 0.012F, 0.012F});
  occluder.material.baseColor = {0.0F, 0.0F, 0.0F, 1.0F};
  occluder.material.emissive = {0.0F, 0.0F, 8.0F};  // saturates to pure blue
  scene.view.meshes = {occluder};

  // Two parallel eyes around the test camera (0.5 m in front of the ball).
  const CameraView head = scene.camera.view();
  const Fov fov = symmetricFov(test::VolumeCamera::kFovY, 1.0F);
  RenderView view = scene.view;
  view.viewCount = 2;
  view.eyes = stereoEyes(head, kIpd, {fov, fov}, 0.05F, 10.0F);

  auto target = OffscreenTarget::create(*scene.context, kSize, kSize, VK_SAMPLE_COUNT_4_BIT, 2);
  REQUIRE_MESSAGE(target.ok(), (target.ok() ? "" : target.error().message));
  Status s = scene.renderer->render(view, (*target)->info());
  REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message));
  CHECK(scene.renderer->lastFrameStats().volumes >= 1);
  auto eyes = (*target)->readbackViews();
  REQUIRE(eyes.ok());
  REQUIRE(eyes->size() == 2);
  test::maybeSave((*eyes)[0], "volume_stereo_left");
  test::maybeSave((*eyes)[1], "volume_stereo_right");

  // Both eyes show the hologram; the left eye sees it further right.
  auto [leftX, leftN] = hologramPixels((*eyes)[0]);
  auto [rightX, rightN] = hologramPixels((*eyes)[1]);
  MESSAGE("hologram centroid: left eye x " << leftX << " (" << leftN << " px), right eye x "
                                           << rightX << " (" << rightN << " px)");
  REQUIRE(leftN > 200);
  REQUIRE(rightN > 200);
  const double expected = kSize * kIpd / test::VolumeCamera::kDistance /
                          (std::tan(fov.angleRight) - std::tan(fov.angleLeft));
  MESSAGE("disparity " << leftX - rightX << " px, about " << expected << " expected");
  CHECK(leftX - rightX > 0.7 * expected);
  CHECK(leftX - rightX < 1.3 * expected);

  // Each eye is the mono picture from that eye: the volume marched from the
  // right eye position and stopped by the right depth layer.
  for (uint32_t eye = 0; eye < 2; ++eye) {
    CAPTURE(eye);
    RenderView mono = view;
    mono.viewCount = 1;
    mono.camera = view.eyes[eye];
    auto monoTarget = OffscreenTarget::create(*scene.context, kSize, kSize, VK_SAMPLE_COUNT_4_BIT);
    REQUIRE(monoTarget.ok());
    Status m = scene.renderer->render(mono, (*monoTarget)->info());
    REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.error().message));
    auto reference = (*monoTarget)->readback();
    REQUIRE(reference.ok());
    const int diff = maxDifference((*eyes)[eye], *reference);
    MESSAGE("eye " << eye << ": largest difference from the mono render " << diff);
    CHECK(diff <= 2);
    // The occluder hides the ball behind it: blue, not bone, at its centre.
    const glm::vec4 clip =
        view.eyes[eye].projection * view.eyes[eye].view * glm::vec4(0.0F, -0.012F, 0.046F, 1.0F);
    const glm::vec2 px = (glm::vec2(clip) / clip.w * 0.5F + 0.5F) * static_cast<float>(kSize);
    const glm::u8vec4 c = (*eyes)[eye].at(static_cast<uint32_t>(px.x), static_cast<uint32_t>(px.y));
    MESSAGE("occluder pixel " << int(c.r) << "," << int(c.g) << "," << int(c.b));
    CHECK(c.b > 200);
    CHECK(c.r < 30);
  }
  test::requireNoValidationErrors(*scene.context);
}

}  // namespace

TEST_CASE("the volume hologram shows in both eyes of a stereo frame with its parallax") {
  checkStereoHologram(MultiviewPolicy::Auto);
}

TEST_CASE("the volume hologram in one native multiview pass matches mono renders of each eye") {
  // The volume's proxy box is far from the near plane, so lavapipe's
  // multiview clipping defect (docs/RENDERING.md) does not touch it.
  checkStereoHologram(MultiviewPolicy::Native);
}
