// medverse --mode xr (app::runXrMode) with the sample case's hologram,
// through the loader and xrsim with both validation layers on: the eyes
// see the hologram with the IPD's parallax, and recentering (the runtime's,
// or the user's menu long press) puts it back in front of the user.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include "medverse/app/consult_session.h"
#include "medverse/app/xr_mode.h"
#include "medverse/render/image_io.h"
#include "xr_test_support.h"

namespace medverse::test {
namespace {

// The hologram's pixels: the brain's warm pink, which nothing else in the
// room has (walls, floor and table are cool greys with blue above red; the
// expert's orange hands have no blue).
bool hologramPixel(const glm::u8vec4& p) {
  return p.r > p.b + 20 && p.r > p.g + 10 && p.b > 60;
}

struct Blob {
  size_t pixels = 0;
  glm::dvec2 centre{0.0};
};

Blob hologramBlob(const render::RgbaImage& image) {
  Blob b;
  for (uint32_t y = 0; y < image.height; ++y) {
    for (uint32_t x = 0; x < image.width; ++x) {
      if (hologramPixel(image.at(x, y))) {
        ++b.pixels;
        b.centre += glm::dvec2(x + 0.5, y + 0.5);
      }
    }
  }
  if (b.pixels > 0) {
    b.centre /= static_cast<double>(b.pixels);
  }
  return b;
}

render::RgbaImage capture(const std::filesystem::path& dir, int frame, const char* eye) {
  char name[64];
  std::snprintf(name, sizeof name, "frame_%05d_%s.png", frame, eye);
  Result<render::RgbaImage> image = render::readPng(dir / "capture" / name);
  REQUIRE_MESSAGE(image.ok(), "no capture " << name);
  return std::move(*image);
}

// runXrMode with the sample case; the script in dir/script.json.
app::XrModeReport runRoom(const std::filesystem::path& dir, const std::string& script) {
  auto sample = app::loadSampleCase(app::defaultCacheDir());
  REQUIRE_MESSAGE(sample.ok(), (sample.ok() ? "" : sample.error().message));
  writeScript(dir, script);
  setEnv("MEDVERSE_XRSIM_CAPTURE", (dir / "capture").string());
  setEnv("MEDVERSE_XRSIM_REPORT", (dir / "report.json").string());
  const std::filesystem::path validation = useXrValidationFile(dir);
  app::XrModeOptions options;
  options.scene.caseSource = app::CaseSource::Sample;
  options.scene.cacheDir = app::defaultCacheDir();
  Result<app::XrModeReport> report = app::runXrMode(options);
  REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error().message));
  CHECK(report->xrValidationErrors == 0);
  CHECK(report->vulkanValidationErrors == 0);
  requireNoXrValidationErrors(validation);
  CHECK(readXrsimReport(dir / "report.json")["implicitly_destroyed"].empty());
  return *report;
}

// Hands behind the user, out of every view.
constexpr const char* kHandsAway =
    R"("left": [{"frame": 0, "grip": {"position": [-0.3, 1.0, 2.6]}}],
       "right": [{"frame": 0, "grip": {"position": [0.3, 1.0, 2.6]}}])";

TEST_CASE("both eye captures show the room and hologram, offset by the IPD parallax") {
  const std::filesystem::path dir = freshXrDir("room_parallax");
  // 90-degree FOV, 192 px per eye, IPD 64 mm; the head 0.7 m from the
  // table's axis, 0.25 m above the hologram's centre (0, 1.2, 0), looking at it.
  const float pitch = -std::atan2(0.25F, 0.7F);
  runRoom(dir, std::string(R"({"hmd": {"eye_size": [192, 192], "fov_deg": [-45, 45, 45, -45],
                                        "ipd": 0.064},
      "head": [{"frame": 0, "position": [0.0, 1.45, 0.7], "euler_deg": [)") +
                   std::to_string(glm::degrees(pitch)) + R"(, 0, 0]}],)" + kHandsAway + R"(,
      "capture": [6], "events": [{"frame": 8, "type": "exit"}]})");
  const render::RgbaImage left = capture(dir, 6, "left");
  const render::RgbaImage right = capture(dir, 6, "right");
  const Blob l = hologramBlob(left);
  const Blob r = hologramBlob(right);
  const double total = 192.0 * 192.0;
  INFO("hologram pixels: left " << l.pixels << ", right " << r.pixels);
  // The hologram, whole and in the middle, in both eyes...
  CHECK(l.pixels > total * 0.015);
  CHECK(r.pixels > total * 0.015);
  CHECK(l.pixels < total * 0.5);
  CHECK(std::abs(l.centre.y - r.centre.y) < 1.0);
  // ...and the room round it: opaque, lit, not one flat colour.
  size_t roomPixels = 0;
  size_t brightRoom = 0;
  for (uint32_t y = 0; y < left.height; ++y) {
    for (uint32_t x = 0; x < left.width; ++x) {
      const glm::u8vec4 p = left.at(x, y);
      CHECK_FALSE(p.a != 255);
      if (!hologramPixel(p)) {
        ++roomPixels;
        brightRoom += p.g > 120 ? 1 : 0;
      }
    }
  }
  CHECK(brightRoom > roomPixels / 2);
  CHECK(left.at(96, 4) != left.at(96, 187));  // ceiling and floor differ
  // Each eye sits ipd/2 off the centre line, so the hologram shifts
  // ipd/d (tan units) between them: ipd/d * width/2 pixels at 90 degrees,
  // d its centre's distance along the view axis.
  const double d = std::sqrt(0.7 * 0.7 + 0.25 * 0.25);
  const double expected = 0.064 / d * 96.0;
  INFO("centroids: left " << l.centre.x << ", right " << r.centre.x << ", expected disparity "
                          << expected);
  CHECK(l.centre.x > 96.0);  // the left eye sees it right of centre
  CHECK(r.centre.x < 96.0);
  CHECK(l.centre.x - r.centre.x == doctest::Approx(expected).epsilon(0.12));
}

// The head starts at the room's viewpoint (0, 1.6, 1.6) looking at the
// hologram, walks to the side and turns away; after a recenter it sees the
// hologram as it did at the start.
std::string walkAwayScript(const std::string& hmd, const std::string& extra,
                           const std::string& leftKeys = "") {
  const float pitch = glm::degrees(-std::atan2(0.4F, 1.6F));
  const std::string look = std::to_string(pitch);
  return R"({"hmd": )" + hmd + R"(,
      "head": [{"frame": 0, "position": [0.0, 1.6, 1.6], "euler_deg": [)" + look + R"(, 0, 0]},
               {"frame": 10, "position": [0.0, 1.6, 1.6], "euler_deg": [)" + look + R"(, 0, 0]},
               {"frame": 20, "position": [1.2, 1.6, 0.9], "euler_deg": [)" + look + R"(, -60, 0]}],
      "left": [{"frame": 0, "grip": {"position": [-0.3, 1.0, 2.6]}})" + leftKeys + R"(],
      "right": [{"frame": 0, "grip": {"position": [0.3, 1.0, 2.6]}}])" + extra + "}";
}

void checkRecentred(const std::filesystem::path& dir, int start, int away, int after) {
  const Blob s = hologramBlob(capture(dir, start, "left"));
  const Blob a = hologramBlob(capture(dir, away, "left"));
  const Blob r = hologramBlob(capture(dir, after, "left"));
  INFO("start " << s.pixels << " px at " << s.centre.x << "," << s.centre.y << "; away "
                << a.pixels << " px at " << a.centre.x << "; recentred " << r.pixels << " px at "
                << r.centre.x << "," << r.centre.y);
  REQUIRE(s.pixels > 100);
  // Turned away: the hologram is off to the side, or out of view.
  CHECK((a.pixels < s.pixels / 4 || std::abs(a.centre.x - s.centre.x) > 30.0));
  // Recentred: where it was at the start.
  CHECK(r.pixels == doctest::Approx(static_cast<double>(s.pixels)).epsilon(0.1));
  CHECK(r.centre.x == doctest::Approx(s.centre.x).epsilon(0.02));
  CHECK(r.centre.y == doctest::Approx(s.centre.y).epsilon(0.02));
}

TEST_CASE("a runtime recenter (XrEventDataReferenceSpaceChangePending) brings the hologram back in front") {
  const std::filesystem::path dir = freshXrDir("room_runtime_recenter");
  app::XrModeReport report =
      runRoom(dir, walkAwayScript(R"({"eye_size": [160, 160]})",
                                  R"(, "capture": [8, 24, 30],
      "events": [{"frame": 26, "type": "recenter"}, {"frame": 32, "type": "exit"}])"));
  CHECK(report.referenceSpaceChanges == 2);  // LOCAL and STAGE were moved
  CHECK(report.recenters == 1);              // ours, STAGE, was followed
  checkRecentred(dir, 8, 24, 30);
}

TEST_CASE("holding the menu button for a second recenters a LOCAL-only headset, a short press quits") {
  const std::filesystem::path dir = freshXrDir("room_menu_recenter");
  // 30 Hz: the one-second hold is 30 frames. The left menu goes down at
  // frame 24 (held until 58: a long press, no quit), then a short press at
  // 70 quits.
  app::XrModeReport report = runRoom(
      dir, walkAwayScript(R"({"eye_size": [160, 160], "refresh_hz": 30, "stage": false})",
                          R"(, "capture": [8, 22, 62])",
                          R"(, {"frame": 24, "buttons": {"menu": true}},
                              {"frame": 58, "buttons": {"menu": false}},
                              {"frame": 70, "buttons": {"menu": true}},
                              {"frame": 72, "buttons": {"menu": false}})"));
  CHECK(report.referenceSpaceChanges == 0);
  CHECK(report.recenters == 1);
  checkRecentred(dir, 8, 22, 62);
  // The short press ended the session through xrRequestExitSession.
  nlohmann::json xrsim = readXrsimReport(dir / "report.json");
  CHECK(xrsim["session_states"].back() == "EXITING");
  CHECK(xrsim["frames"].get<int>() < 80);
}

}  // namespace
}  // namespace medverse::test
