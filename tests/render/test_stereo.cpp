// Stereo as a person in a headset would notice it: each eye sees the scene
// from its own position (a near object shifts between the eyes by exactly
// the parallax its distance implies), the one multiview pass draws each eye
// exactly as a mono pass with that eye's camera would, and the same frame
// lands in caller-owned images (the XR swapchain's) as in an offscreen one.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <glm/gtc/matrix_transform.hpp>
#include <string>

#include "medverse/app/headless.h"
#include "medverse/app/orbit_camera.h"
#include "medverse/assets/primitives.h"
#include "medverse/assets/room.h"
#include "medverse/render/camera.h"
#include "medverse/render/context.h"
#include "medverse/render/external_image_target.h"
#include "medverse/render/offscreen_target.h"
#include "medverse/render/renderer.h"
#include "render_test_support.h"

using namespace medverse;
using namespace medverse::render;

namespace {

constexpr float kNear = 0.05F;
constexpr float kFar = 20.0F;

struct Centroid {
  double x = 0;
  double y = 0;
  int pixels = 0;
};

// Centroid of the pixels that differ from the background (the top-left pixel).
Centroid silhouetteCentroid(const RgbaImage& image) {
  const glm::u8vec4 bg = image.at(0, 0);
  Centroid c;
  for (uint32_t y = 0; y < image.height; ++y) {
    for (uint32_t x = 0; x < image.width; ++x) {
      const glm::u8vec4 p = image.at(x, y);
      if (std::abs(p.r - bg.r) + std::abs(p.g - bg.g) + std::abs(p.b - bg.b) > 30) {
        c.x += x + 0.5;
        c.y += y + 0.5;
        ++c.pixels;
      }
    }
  }
  if (c.pixels > 0) {
    c.x /= c.pixels;
    c.y /= c.pixels;
  }
  return c;
}

// Largest per-channel difference between two images of the same size.
int maxDifference(const RgbaImage& a, const RgbaImage& b) {
  REQUIRE(a.pixels.size() == b.pixels.size());
  int worst = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    worst = std::max(worst, std::abs(int(a.pixels[i]) - int(b.pixels[i])));
  }
  return worst;
}

struct StereoScene {
  std::unique_ptr<Context> context;
  std::unique_ptr<Renderer> renderer;
  MeshHandle sphere;
  MeshHandle box;

  explicit StereoScene(MultiviewPolicy policy = MultiviewPolicy::Auto)
      : context(test::makeContext(policy)) {
    auto r = Renderer::create(*context);
    REQUIRE(r.ok());
    renderer = std::move(r.value());
    auto s = renderer->uploadMesh(assets::makeUvSphere(1.0F, 64, 32));
    auto b = renderer->uploadMesh(assets::makeBox({1.0F, 1.0F, 1.0F}));
    REQUIRE((s.ok() && b.ok()));
    sphere = *s;
    box = *b;
  }

  std::vector<RgbaImage> draw(const RenderView& view, uint32_t size) {
    auto target =
        OffscreenTarget::create(*context, size, size, VK_SAMPLE_COUNT_4_BIT, view.viewCount);
    REQUIRE_MESSAGE(target.ok(), (target.ok() ? "" : target.error().message));
    Status s = renderer->render(view, (*target)->info());
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message));
    auto images = (*target)->readbackViews();
    REQUIRE(images.ok());
    return std::move(*images);
  }
};

// A head at the origin looking down -z (OpenXR's view space).
CameraView headAtOrigin() {
  CameraView head;
  head.position = {0.0F, 0.0F, 0.0F};
  head.view = lookAt(head.position, {0.0F, 0.0F, -1.0F});
  return head;
}

// Where a point straight ahead at distance d, offset x to the right of an
// eye, lands on that eye's image: the FOV's tangents span the image width.
double expectedPixelX(const Fov& fov, double xFromEye, double d, uint32_t width) {
  const double tanL = std::tan(fov.angleLeft);
  const double tanR = std::tan(fov.angleRight);
  return width * (xFromEye / d - tanL) / (tanR - tanL);
}

}  // namespace

TEST_CASE("a sphere in front of the head shifts between the eyes by the parallax of its distance") {
  StereoScene scene;
  constexpr uint32_t kSize = 512;
  constexpr float kRadius = 0.05F;

  struct Case {
    const char* name;
    std::array<Fov, 2> fovs;
    float distance;
  };
  const Fov square = symmetricFov(1.5708F, 1.0F);  // 90 x 90 degrees
  const Case cases[] = {
      {"symmetric 90 deg, 0.6 m", {square, square}, 0.6F},
      {"symmetric 90 deg, 1.5 m", {square, square}, 1.5F},
      {"headset (asymmetric), 0.6 m", {typicalHeadsetFov(0), typicalHeadsetFov(1)}, 0.6F},
      {"headset (asymmetric), 1.2 m", {typicalHeadsetFov(0), typicalHeadsetFov(1)}, 1.2F},
  };
  for (const Case& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    RenderView view;
    view.viewCount = 2;
    view.eyes = stereoEyes(headAtOrigin(), kDefaultIpd, c.fovs, kNear, kFar);
    view.clearColor = {0.0F, 0.0F, 0.0F, 1.0F};
    view.skyAmbient = view.groundAmbient = glm::vec3(0.0F);
    MeshInstance ball;
    ball.mesh = scene.sphere;
    ball.model =
        glm::scale(glm::translate(glm::mat4(1.0F), {0.0F, 0.0F, -c.distance}), glm::vec3(kRadius));
    ball.material.baseColor = {0.0F, 0.0F, 0.0F, 1.0F};
    ball.material.emissive = glm::vec3(1.0F);
    view.meshes = {ball};

    std::vector<RgbaImage> eyes = scene.draw(view, kSize);
    REQUIRE(eyes.size() == 2);
    const Centroid left = silhouetteCentroid(eyes[0]);
    const Centroid right = silhouetteCentroid(eyes[1]);
    REQUIRE(left.pixels > 100);
    REQUIRE(right.pixels > 100);

    // The sphere is ipd/2 to the right of the left eye and ipd/2 to the left
    // of the right eye.
    const double half = kDefaultIpd / 2.0;
    const double expectLeft = expectedPixelX(c.fovs[0], half, c.distance, kSize);
    const double expectRight = expectedPixelX(c.fovs[1], -half, c.distance, kSize);
    const double disparity = left.x - right.x;
    const double expectDisparity = expectLeft - expectRight;
    MESSAGE(c.name << ": left eye x " << left.x << " (expected " << expectLeft << "), right eye x "
                   << right.x << " (expected " << expectRight << "), disparity " << disparity
                   << " px (expected " << expectDisparity << ")");
    CHECK(expectDisparity > 8.0);  // the set-up really has parallax to measure
    CHECK(std::abs(disparity - expectDisparity) <= 2.0);
    CHECK(std::abs(left.x - expectLeft) <= 2.0);
    CHECK(std::abs(right.x - expectRight) <= 2.0);
    CHECK(std::abs(left.y - right.y) <= 0.5);  // eyes are level: no vertical parallax
  }
  test::requireNoValidationErrors(*scene.context);
}

namespace {

// Renders a stereo frame and, for each eye, a mono frame with that eye's
// camera, and checks they agree. `clippedFloor` adds a floor that reaches
// behind the eyes, so its triangles must be clipped at the near plane.
void checkEyesMatchMono(MultiviewPolicy policy, bool clippedFloor) {
  StereoScene scene(policy);
  constexpr uint32_t kSize = 200;
  RenderView view;
  // A head a metre and a half from a lit sphere in front of a wall, turned a
  // little, with headset FOVs: both eyes see different, asymmetric frusta.
  CameraView head;
  head.position = {0.3F, 0.2F, 1.5F};
  head.view = lookAt(head.position, {0.0F, 0.0F, 0.0F});
  view.eyes = stereoEyes(head, 0.09F, {typicalHeadsetFov(0), typicalHeadsetFov(1)}, kNear, kFar);
  Light light;
  light.direction = {-1.0F, -0.3F, -0.6F};
  light.intensity = 2.0F;
  view.lights = {light};
  MeshInstance ball;
  ball.mesh = scene.sphere;
  ball.model = glm::scale(glm::mat4(1.0F), glm::vec3(0.3F));
  ball.material.baseColor = {0.7F, 0.6F, 0.5F, 1.0F};
  ball.material.roughness = 0.3F;
  MeshInstance wall;
  wall.mesh = scene.box;
  wall.model = glm::scale(glm::translate(glm::mat4(1.0F), {0.0F, 0.0F, -0.6F}), {2.0F, 2.0F, 0.1F});
  wall.material.baseColor = {0.1F, 0.5F, 0.8F, 1.0F};
  MeshInstance glass;  // alpha-blended, drawn after the opaque pass
  glass.mesh = scene.box;
  glass.model = glm::scale(glm::translate(glm::mat4(1.0F), {0.25F, 0.0F, 0.4F}), glm::vec3(0.2F));
  glass.material.baseColor = {0.9F, 0.2F, 0.2F, 0.5F};
  // A floor much larger than the view: its triangles cross the near plane
  // and get clipped, in each view differently.
  MeshInstance floor;
  floor.mesh = scene.box;
  floor.model =
      glm::scale(glm::translate(glm::mat4(1.0F), {0.0F, -0.5F, 0.0F}), {40.0F, 0.1F, 40.0F});
  floor.material.baseColor = {0.5F, 0.5F, 0.45F, 1.0F};
  view.meshes = {wall, ball, glass};
  if (clippedFloor) {
    view.meshes.insert(view.meshes.begin(), floor);
  }

  view.viewCount = 2;
  std::vector<RgbaImage> stereo = scene.draw(view, kSize);
  REQUIRE(stereo.size() == 2);
  for (uint32_t eye = 0; eye < 2; ++eye) {
    CAPTURE(eye);
    RenderView mono = view;
    mono.viewCount = 1;
    mono.camera = view.eyes[eye];
    std::vector<RgbaImage> reference = scene.draw(mono, kSize);
    REQUIRE(reference.size() == 1);
    const int diff = maxDifference(stereo[eye], reference[0]);
    MESSAGE("eye " << eye << ": largest difference from the mono render " << diff);
    CHECK(diff <= 1);
  }
  // The eyes really are different pictures (so the comparison above means something).
  CHECK(maxDifference(stereo[0], stereo[1]) > 50);
  test::requireNoValidationErrors(*scene.context);
}

}  // namespace

TEST_CASE("each eye of a stereo frame equals a mono render with that eye's camera") {
  // Whatever path this device takes (native multiview, or per-view passes
  // where multiview is known to be wrong), with geometry clipped at the near plane.
  checkEyesMatchMono(MultiviewPolicy::Auto, true);
}

TEST_CASE("the native multiview pass draws each eye as a mono render would") {
  // Forced native multiview, on a scene with no triangle crossing the near
  // plane (lavapipe misplaces clipped triangles of view 1; see context.h).
  checkEyesMatchMono(MultiviewPolicy::Native, false);
}

TEST_CASE("per-view passes draw each eye as a mono render would") {
  checkEyesMatchMono(MultiviewPolicy::PerViewPasses, true);
}

TEST_CASE("a stereo view needs a 2-layer target and a mono view a 1-layer one") {
  StereoScene scene;
  auto mono = OffscreenTarget::create(*scene.context, 32, 32, VK_SAMPLE_COUNT_1_BIT, 1);
  auto stereo = OffscreenTarget::create(*scene.context, 32, 32, VK_SAMPLE_COUNT_1_BIT, 2);
  REQUIRE((mono.ok() && stereo.ok()));
  RenderView view;
  view.viewCount = 2;
  Status s = scene.renderer->render(view, (*mono)->info());
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("2 view") != std::string::npos);
  view.viewCount = 1;
  CHECK_FALSE(scene.renderer->render(view, (*stereo)->info()).ok());
  view.viewCount = 3;
  CHECK_FALSE(scene.renderer->render(view, (*stereo)->info()).ok());
  CHECK_FALSE(OffscreenTarget::create(*scene.context, 32, 32, VK_SAMPLE_COUNT_1_BIT, 3).ok());
  // The renderer is still usable after refusing.
  view.viewCount = 2;
  CHECK(scene.renderer->render(view, (*stereo)->info()).ok());
  test::requireNoValidationErrors(*scene.context);
}

TEST_CASE("stereo frames drawn into caller-owned 2-layer images match the offscreen target") {
  StereoScene scene;
  Context& context = *scene.context;
  constexpr uint32_t kSize = 96;
  // What an OpenXR runtime hands out: a few 2-layer BGRA sRGB images that the
  // caller owns.
  constexpr VkFormat kFormat = VK_FORMAT_B8G8R8A8_SRGB;
  ImageDesc desc;
  desc.format = kFormat;
  desc.extent = {kSize, kSize, 1};
  desc.layers = 2;
  desc.viewType = VK_IMAGE_VIEW_TYPE_2D_ARRAY;
  desc.usage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT |
               VK_IMAGE_USAGE_TRANSFER_DST_BIT;
  std::vector<Image> owned;
  ExternalImages external;
  for (int i = 0; i < 3; ++i) {
    auto image = Image::create(context, desc);
    REQUIRE(image.ok());
    external.images.push_back(image->handle());
    owned.push_back(std::move(*image));
  }
  external.format = kFormat;
  external.extent = {kSize, kSize};
  external.viewCount = 2;
  auto target = ExternalImageTarget::create(context, external);
  REQUIRE_MESSAGE(target.ok(), (target.ok() ? "" : target.error().message));
  CHECK((*target)->imageCount() == 3);

  RenderView view;
  CameraView head;
  head.position = {0.0F, 0.0F, 2.0F};
  head.view = lookAt(head.position, {0.0F, 0.0F, 0.0F});
  view.viewCount = 2;
  view.eyes =
      stereoEyes(head, kDefaultIpd, {typicalHeadsetFov(0), typicalHeadsetFov(1)}, kNear, kFar);
  MeshInstance ball;
  ball.mesh = scene.sphere;
  ball.model = glm::scale(glm::mat4(1.0F), glm::vec3(0.5F));
  ball.material.baseColor = {0.8F, 0.3F, 0.1F, 1.0F};
  Light light;
  view.lights = {light};
  view.meshes = {ball};

  // Draw into image 1 (as if the runtime had handed out index 1).
  REQUIRE(scene.renderer->render(view, (*target)->info(1)).ok());
  const VkDeviceSize layerBytes = VkDeviceSize{kSize} * kSize * 4;
  auto buffer = Buffer::create(context, layerBytes * 2, VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                               MemoryUsage::Readback);
  REQUIRE(buffer.ok());
  Status copied = context.submitAndWait([&](VkCommandBuffer cmd) {
    VkImageMemoryBarrier toTransfer{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    toTransfer.srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    toTransfer.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    toTransfer.oldLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    toTransfer.newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    toTransfer.srcQueueFamilyIndex = toTransfer.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    toTransfer.image = external.images[1];
    toTransfer.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 2};
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
                         VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0, nullptr, 1, &toTransfer);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 2};
    region.imageExtent = {kSize, kSize, 1};
    vkCmdCopyImageToBuffer(cmd, external.images[1], VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                           buffer->handle(), 1, &region);
    VkMemoryBarrier toHost{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    toHost.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    toHost.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1,
                         &toHost, 0, nullptr, 0, nullptr);
  });
  REQUIRE(copied.ok());
  context.allocator().invalidate(buffer->allocation());

  std::vector<RgbaImage> reference = scene.draw(view, kSize);
  for (uint32_t eye = 0; eye < 2; ++eye) {
    CAPTURE(eye);
    RgbaImage got;
    got.width = got.height = kSize;
    got.pixels.resize(layerBytes);
    std::memcpy(got.pixels.data(), static_cast<const uint8_t*>(buffer->mapped()) + eye * layerBytes,
                layerBytes);
    for (size_t i = 0; i < got.pixels.size(); i += 4) {
      std::swap(got.pixels[i], got.pixels[i + 2]);  // BGRA -> RGBA
    }
    CHECK(maxDifference(got, reference[eye]) <= 1);
    CHECK(silhouetteCentroid(got).pixels > 300);  // the ball (about 11 px radius) is there
  }
  test::requireNoValidationErrors(context);
}

TEST_CASE("an external image target refuses what it cannot draw into") {
  StereoScene scene;
  ExternalImages none;
  none.format = VK_FORMAT_B8G8R8A8_SRGB;
  none.extent = {16, 16};
  auto empty = ExternalImageTarget::create(*scene.context, none);
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().message.find("no images") != std::string::npos);
}

TEST_CASE("stereoEyes places the eyes ipd apart along the head's right axis, looking parallel") {
  CameraView head;
  head.position = {1.0F, 1.6F, 2.0F};
  head.view = lookAt(head.position, {1.0F, 1.6F, 0.0F});  // looking down -z
  head.exposure = 1.5F;
  auto eyes = stereoEyes(head, 0.064F, {Fov{}, Fov{}}, kNear, kFar);
  CHECK(eyes[0].position.x == doctest::Approx(0.968F));
  CHECK(eyes[1].position.x == doctest::Approx(1.032F));
  CHECK(eyes[0].position.y == doctest::Approx(1.6F));
  CHECK(eyes[1].position.z == doctest::Approx(2.0F));
  CHECK(eyes[0].exposure == 1.5F);
  // Both eyes look the same way: a point far ahead is at the same depth.
  const glm::vec4 far(1.0F, 1.6F, -100.0F, 1.0F);
  CHECK((eyes[0].view * far).z == doctest::Approx((eyes[1].view * far).z));
  // The left eye sees the head's centre line to its right.
  CHECK((eyes[0].view * glm::vec4(1.0F, 1.6F, 0.0F, 1.0F)).x == doctest::Approx(0.032F));
}

TEST_CASE("headless stereo writes the room side by side, the near object shifted between eyes") {
  app::HeadlessOptions options;
  options.width = 240;
  options.height = 180;
  options.validation = true;
  options.stereo = true;
  options.screenshot = std::filesystem::temp_directory_path() / "medverse_test_stereo.png";
  std::filesystem::remove(options.screenshot);
  auto report = app::runHeadless(options);
  REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error().message));
  CHECK(report->validationErrors == 0);
  auto png = readPng(options.screenshot);
  REQUIRE(png.ok());
  CHECK(png->width == 480);
  CHECK(png->height == 180);
  CHECK(png->pixels == report->image.pixels);

  // The test object (the bright sphere on the table) in each half: the left
  // eye sees it further right than the right eye does, by about the
  // disparity its distance from the head gives.
  auto brightCentroid = [&](uint32_t x0) {
    double sx = 0;
    int n = 0;
    for (uint32_t y = 0; y < png->height; ++y) {
      for (uint32_t x = 0; x < options.width; ++x) {
        const glm::u8vec4 p = png->at(x0 + x, y);
        // The sphere is the warm white object: red >= blue, and bright.
        if (p.r > 200 && p.r >= p.b + 4) {
          sx += x + 0.5;
          ++n;
        }
      }
    }
    return std::make_pair(n > 0 ? sx / n : 0.0, n);
  };
  auto [leftX, leftN] = brightCentroid(0);
  auto [rightX, rightN] = brightCentroid(options.width);
  MESSAGE("sphere centroid: left eye x " << leftX << " (" << leftN << " px), right eye x " << rightX
                                         << " (" << rightN << " px)");
  REQUIRE(leftN > 50);
  REQUIRE(rightN > 50);
  assets::Room room = assets::buildConsultRoom();
  const auto camera =
      app::OrbitCamera::lookingAt(room.suggestedCameraPosition, room.suggestedCameraTarget);
  const float distance = glm::length(room.testObjectPosition - camera.eye());
  const float aspect = float(options.width) / float(options.height);
  const Fov fov = symmetricFov(camera.fovY, aspect);
  const double expected =
      options.width * kDefaultIpd / distance / (std::tan(fov.angleRight) - std::tan(fov.angleLeft));
  MESSAGE("disparity " << leftX - rightX << " px, about " << expected << " expected");
  CHECK(leftX - rightX > 0.5 * expected);
  CHECK(leftX - rightX < 1.5 * expected);
}
