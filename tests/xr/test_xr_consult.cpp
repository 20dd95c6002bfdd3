// XR in a consult room, through the loader and xrsim with both validation
// layers on: the headset user's right hand squeezes on the hologram and the
// room's server hands the grab to that user's client, with a haptic tick on
// the right controller; the head and hands the timeline sets are the avatar
// the room sees.
#include <doctest/doctest.h>

#include <fstream>

#include "medverse/app/case_scene.h"
#include "medverse/app/consult_session.h"
#include "medverse/app/consult_view.h"
#include "medverse/app/xr_locomotion.h"
#include "medverse/app/xr_mode.h"
#include "medverse/assets/room.h"
#include "medverse/render/image_io.h"
#include "medverse/world/components.h"
#include "xr_consult_support.h"
#include "xr_test_support.h"

namespace medverse::test {
namespace {

TEST_CASE(
    "a scripted squeeze with the right hand on the hologram makes the XR client the grab's owner") {
  const std::filesystem::path dir = freshXrDir("consult_grab");
  const std::filesystem::path validation = useXrValidationFile(dir);
  setEnv("MEDVERSE_XRSIM_REPORT", (dir / "report.json").string());
  // The hologram stands at the table's anchor (0, 1.2, 0), 0.002 m per mm; the
  // user stands beside the table and the right hand reaches into it, then
  // squeezes at frame 12 and holds on.
  std::ofstream(dir / "script.json") << R"({"hmd": {"eye_size": [96, 96]},
      "head": [{"frame": 0, "position": [0.8, 1.65, 0.0], "euler_deg": [-28, 90, 0]}],
      "right": [{"frame": 0, "grip": {"position": [0.5, 1.0, -0.3]}},
                {"frame": 8, "grip": {"position": [0.05, 1.2, -0.05]}},
                {"frame": 12, "buttons": {"squeeze": 1.0}}]})";
  setEnv("MEDVERSE_XRSIM_SCRIPT", (dir / "script.json").string());

  auto session = hostSampleConsult("Expert in a headset");

  app::XrConsultOptions options;
  options.frames = 24;
  Result<app::XrConsultReport> report = app::runXrConsult(*session, options);
  REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error().message));
  CHECK(report->xr.xrValidationErrors == 0);
  CHECK(report->xr.vulkanValidationErrors == 0);
  requireNoXrValidationErrors(validation);

  // The server's world: the hologram's holder is the XR user's client.
  app::ConsultSession& s = *session;
  for (int i = 0; i < 200 && !s.holdingHologram(); ++i) {
    s.pump(5);
  }
  world::World& serverWorld = s.server()->world();
  const world::Actor* holo = serverWorld.find(s.client().hologramId());
  REQUIRE(holo != nullptr);
  CHECK(holo->owner() == s.client().clientId());  // the grab's owner
  CHECK(s.refusals().empty());
  // The avatar the room sees: the head where the timeline put it.
  const world::Actor* avatar = serverWorld.find(s.client().avatarId());
  REQUIRE(avatar != nullptr);
  const glm::vec3 head = avatar->ref<world::AvatarComponent>().head.position;
  CHECK(head.x == doctest::Approx(0.8).epsilon(0.01));
  CHECK(head.y == doctest::Approx(1.65).epsilon(0.01));
  // One haptic tick, on the right hand.
  nlohmann::json xrsim = readXrsimReport(dir / "report.json");
  CHECK(xrsim["haptic_pulses"][0] == 0);
  CHECK(xrsim["haptic_pulses"][1] == 1);
}

// The expert's own controllers in their role colour, orange, which lit or

size_t warmPixels(const render::RgbaImage& image) {  // the hologram's pink
  size_t n = 0;
  for (uint32_t y = 0; y < image.height; ++y) {
    for (uint32_t x = 0; x < image.width; ++x) {
      const glm::u8vec4 p = image.at(x, y);
      n += p.r > p.b + 20 && p.r > p.g + 10 && p.b > 60 ? 1 : 0;
    }
  }
  return n;
}

TEST_CASE(
    "a scripted teleport moves the XR viewpoint, and the eye shows the user's own hand and laser") {
  const std::filesystem::path dir = freshXrDir("consult_teleport");
  const std::filesystem::path validation = useXrValidationFile(dir);
  setEnv("MEDVERSE_XRSIM_REPORT", (dir / "report.json").string());
  setEnv("MEDVERSE_XRSIM_CAPTURE", (dir / "capture").string());
  // The user stands 1.8 m from the table's axis looking at it (-X). The
  // left stick is pushed forward at frame 6 with the left hand aiming 60
  // degrees down towards the table, and let go at frame 12: a teleport
  // about 0.8 m closer. The right hand (stage coordinates, so it ends up
  // at (0.6, 1.4, -0.15) in the room after the teleport) aims its laser at
  // the hologram's centre (0, 1.2, 0).
  std::ofstream(dir / "script.json")
      << R"({"hmd": {"eye_size": [192, 192], "fov_deg": [-45, 45, 45, -45]},
      "head": [{"frame": 0, "position": [1.8, 1.65, 0.0], "euler_deg": [-25, 90, 0]}],
      "left": [{"frame": 0, "grip": {"position": [1.6, 1.3, -0.2]},
                "aim": {"position": [1.6, 1.3, -0.2], "euler_deg": [-60, 90, 0]}},
               {"frame": 6, "buttons": {"thumbstick": [0, 1]}},
               {"frame": 12, "buttons": {"thumbstick": [0, 0]}}],
      "right": [{"frame": 0, "grip": {"position": [1.427, 1.4, 0.05], "euler_deg": [-18.32, 104.04, 0]},
                 "aim": {"position": [1.427, 1.4, 0.05], "euler_deg": [-18.32, 104.04, 0]}}],
      "capture": [4, 24]})";
  setEnv("MEDVERSE_XRSIM_SCRIPT", (dir / "script.json").string());

  auto session = hostSampleConsult("Expert in a headset");

  app::XrConsultOptions options;
  options.frames = 26;
  Result<app::XrConsultReport> report = app::runXrConsult(*session, options);
  REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error().message));
  CHECK(report->xr.xrValidationErrors == 0);
  CHECK(report->xr.vulkanValidationErrors == 0);
  requireNoXrValidationErrors(validation);
  CHECK(report->xr.teleports == 1);

  // Where the arc lands: 6 m/s along the aim from the left hand, falling.
  const glm::vec3 hand{1.6F, 1.3F, -0.2F};
  const glm::vec3 v = glm::vec3(-0.5F, -0.8660254F, 0.0F) * app::XrLocomotion::kArcSpeed;
  const float g = app::XrLocomotion::kGravity;
  const float t = (-v.y - std::sqrt(v.y * v.y + 2.0F * g * hand.y)) / -g;
  const glm::vec3 target = hand + v * t;
  const glm::vec3 delta{target.x - 1.8F, 0.0F, target.z};
  INFO("teleport target " << target.x << ", " << target.z);

  // The room sees the user's head where the teleport put it.
  app::ConsultSession& s = *session;
  for (int i = 0; i < 50; ++i) {
    s.pump(5);
  }
  const world::Actor* avatar = s.server()->world().find(s.client().avatarId());
  REQUIRE(avatar != nullptr);
  const glm::vec3 head = avatar->ref<world::AvatarComponent>().head.position;
  CHECK(head.x == doctest::Approx(1.8F + delta.x).epsilon(0.02));
  CHECK(head.y == doctest::Approx(1.65F).epsilon(0.01));
  CHECK(head.z == doctest::Approx(delta.z).epsilon(0.05));

  // The left eye after the teleport: the hologram is nearer (bigger)...
  Result<render::RgbaImage> before = render::readPng(dir / "capture" / "frame_00004_left.png");
  Result<render::RgbaImage> after = render::readPng(dir / "capture" / "frame_00024_left.png");
  REQUIRE(before.ok());
  REQUIRE(after.ok());
  const size_t holoBefore = warmPixels(*before);
  const size_t holoAfter = warmPixels(*after);
  INFO("hologram pixels before " << holoBefore << ", after " << holoAfter);
  CHECK(holoAfter > holoBefore * 3 / 2);
  // ...with the user's right hand, and its laser on the way to the hologram.
  const glm::quat q = glm::angleAxis(glm::radians(90.0F), glm::vec3(0, 1, 0)) *
                      glm::angleAxis(glm::radians(-25.0F), glm::vec3(1, 0, 0));
  const glm::vec3 eye = glm::vec3(1.8F, 1.65F, 0.0F) + delta + q * glm::vec3(-0.032F, 0, 0);
  auto project = [&](const glm::vec3& p) {
    const glm::vec3 c = glm::conjugate(q) * (p - eye);
    return glm::vec2((0.5F + 0.5F * c.x / -c.z) * 192.0F, (0.5F - 0.5F * c.y / -c.z) * 192.0F);
  };
  const glm::vec3 grip = glm::vec3(1.427F, 1.4F, 0.05F) + delta;
  const glm::vec2 gripPx = project(grip);
  INFO("right hand at pixel " << gripPx.x << ", " << gripPx.y);
  CHECK(orangeNear(*after, gripPx, 1));
  const glm::vec3 centre{0.0F, 1.2F, 0.0F};
  for (float f : {0.3F, 0.4F, 0.5F}) {
    const glm::vec2 px = project(grip + (centre - grip) * f);
    INFO("laser at " << f << ": pixel " << px.x << ", " << px.y);
    CHECK(orangeNear(*after, px, 3));
  }
}

}  // namespace
}  // namespace medverse::test
