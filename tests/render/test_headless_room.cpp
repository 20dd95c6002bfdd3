// The headless room render that `medverse --mode headless` writes: the room
// is there, the test object sits on the table, and validation stays silent.
#include <doctest/doctest.h>

#include <filesystem>

#include "medverse/app/headless.h"
#include "medverse/app/orbit_camera.h"
#include "medverse/assets/room.h"
#include "medverse/render/image_io.h"

using namespace medverse;

namespace {

// Projects a room point to pixel coordinates with the headless camera.
glm::vec2 project(const glm::vec3& p, uint32_t w, uint32_t h) {
  assets::Room room = assets::buildConsultRoom();
  auto cam = app::OrbitCamera::lookingAt(room.suggestedCameraPosition, room.suggestedCameraTarget);
  render::CameraView v = cam.view(static_cast<float>(w) / static_cast<float>(h));
  glm::vec4 clip = v.projection * v.view * glm::vec4(p, 1.0F);
  glm::vec2 ndc = glm::vec2(clip) / clip.w;
  return {(ndc.x * 0.5F + 0.5F) * w, (ndc.y * 0.5F + 0.5F) * h};
}

}  // namespace

TEST_CASE("the headless room shows the test object on the table with zero validation errors") {
  app::HeadlessOptions options;
  options.width = 480;
  options.height = 270;
  options.frames = 2;
  options.validation = true;
  options.screenshot = std::filesystem::temp_directory_path() / "medverse_test_room.png";
  std::filesystem::remove(options.screenshot);
  auto report = app::runHeadless(options);
  REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error().message));
  CHECK(report->validationEnabled);
  CHECK(report->validationErrors == 0);
  CHECK(report->framesRendered == 2);
  CHECK(report->drawCalls >= 5);  // floor, walls, table, ... and the object

  // The PNG on disk is the frame that was rendered.
  auto png = render::readPng(options.screenshot);
  REQUIRE(png.ok());
  CHECK(png->width == 480);
  CHECK(png->height == 270);
  CHECK(png->pixels == report->image.pixels);

  // The test object's centre is where the camera projects it, in its colour.
  assets::Room room = assets::buildConsultRoom();
  const glm::vec3 objectCentre = room.testObjectPosition + glm::vec3(0.0F, 0.2F, 0.0F);
  glm::vec2 px = project(objectCentre, options.width, options.height);
  REQUIRE(px.x > 0);
  REQUIRE(px.y > 0);
  const glm::u8vec4 object = report->image.at(static_cast<uint32_t>(px.x), static_cast<uint32_t>(px.y));
  // The table top just in front of the object.
  glm::vec2 tpx = project(room.tableTop + glm::vec3(0.0F, 0.0F, 0.35F), options.width, options.height);
  const glm::u8vec4 table = report->image.at(static_cast<uint32_t>(tpx.x), static_cast<uint32_t>(tpx.y));
  MESSAGE("object pixel " << int(object.r) << "," << int(object.g) << "," << int(object.b)
                          << "; table pixel " << int(table.r) << "," << int(table.g) << ","
                          << int(table.b));
  // The object is light and neutral; the table differs from it visibly.
  CHECK(object.r > 150);
  CHECK(std::abs(int(object.r) - int(object.b)) < 40);
  CHECK(std::abs(int(object.r) - int(table.r)) + std::abs(int(object.g) - int(table.g)) +
            std::abs(int(object.b) - int(table.b)) >
        30);
  // Nothing is left at the clear colour: the room encloses the camera.
  const glm::u8vec4 corner = report->image.at(2, 2);
  CHECK(corner.r + corner.g + corner.b > 60);
}

TEST_CASE("an impossible render size is refused with a message") {
  app::HeadlessOptions options;
  options.width = 0;
  options.height = 100;
  auto report = app::runHeadless(options);
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().message.find("0x100") != std::string::npos);
}

TEST_CASE("a PNG that cannot be written is an error naming the path") {
  app::HeadlessOptions options;
  options.width = 64;
  options.height = 64;
  options.screenshot = "/proc/medverse-cannot-write-here/room.png";
  auto report = app::runHeadless(options);
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().message.find("/proc/medverse-cannot-write-here") != std::string::npos);
}
