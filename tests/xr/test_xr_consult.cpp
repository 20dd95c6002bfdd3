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
#include "medverse/app/xr_mode.h"
#include "medverse/assets/room.h"
#include "medverse/world/components.h"
#include "xr_test_support.h"

namespace medverse::test {
namespace {

TEST_CASE("a scripted squeeze with the right hand on the hologram makes the XR client the grab's owner") {
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

  auto sample = app::loadSampleCase(app::defaultCacheDir());
  REQUIRE_MESSAGE(sample.ok(), (sample.ok() ? "" : sample.error().message));
  app::HostOptions host;
  host.caseDirectory = app::sampleCaseBundlePath(app::defaultCacheDir());
  host.displayName = "Expert in a headset";
  host.hologramStart =
      app::hologramStartTransform(assets::buildConsultRoom().hologramAnchor, 0.002F);
  auto session = app::ConsultSession::host(host);
  REQUIRE_MESSAGE(session.ok(), (session.ok() ? "" : session.error().message));

  app::XrConsultOptions options;
  options.frames = 24;
  Result<app::XrConsultReport> report = app::runXrConsult(**session, options);
  REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error().message));
  CHECK(report->xr.xrValidationErrors == 0);
  CHECK(report->xr.vulkanValidationErrors == 0);
  requireNoXrValidationErrors(validation);

  // The server's world: the hologram's holder is the XR user's client.
  app::ConsultSession& s = **session;
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

}  // namespace
}  // namespace medverse::test
