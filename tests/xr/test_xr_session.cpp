// engine/xr through the real loader against xrsim, with the OpenXR core
// validation layer and the Vulkan validation layer on: the session lifecycle
// (including a loss and a runtime-requested exit), controller input read at
// the predicted display time, and stereo rendering into the swapchain.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include "medverse/assets/primitives.h"
#include "medverse/render/image_io.h"
#include "medverse/render/renderer.h"
#include "medverse/xr/xr_loop.h"
#include "xr_test_support.h"

namespace medverse::test {
namespace {

using xr::XrFrameInfo;
using xr::XrLoopCallbacks;
using xr::XrLoopOptions;
using xr::XrLoopReport;

std::vector<std::string> names(const std::vector<XrSessionState>& states) {
  std::vector<std::string> out;
  for (XrSessionState s : states) {
    out.emplace_back(xr::sessionStateName(s));
  }
  return out;
}

TEST_CASE("a session survives a simulated loss and ends through STOPPING and EXITING when the runtime asks") {
  const std::filesystem::path dir = freshXrDir("lifecycle_loss_exit");
  writeScript(dir, R"({"hmd": {"eye_size": [64, 64]},
                       "events": [{"frame": 10, "type": "session_loss"},
                                  {"frame": 30, "type": "exit"}]})");
  uint64_t framesAfterLoss = 0;
  bool lossSeen = false;
  XrLoopCallbacks callbacks;
  callbacks.sessionState = [&](XrSessionState s) { lossSeen |= s == XR_SESSION_STATE_LOSS_PENDING; };
  callbacks.frame.update = [&](const XrFrameInfo& info) {
    framesAfterLoss += lossSeen && info.shouldRender ? 1 : 0;
  };
  callbacks.frame.view = [](const XrFrameInfo&, const render::CameraView& camera) {
    render::RenderView view;
    view.camera = camera;
    return view;
  };
  XrLoopReport report = run(dir, callbacks);
  const std::vector<std::string> expected = {
      "IDLE", "READY", "SYNCHRONIZED", "VISIBLE", "FOCUSED", "LOSS_PENDING",            // first session
      "IDLE", "READY", "SYNCHRONIZED", "VISIBLE", "FOCUSED",                            // the new one
      "VISIBLE", "SYNCHRONIZED", "STOPPING", "IDLE", "EXITING"};                        // runtime exit
  CHECK(names(report.states) == expected);
  CHECK(report.sessionsCreated == 2);
  CHECK(framesAfterLoss > 10);
  CHECK(report.baseSpace == XR_REFERENCE_SPACE_TYPE_STAGE);
  nlohmann::json xrsim = readXrsimReport(dir / "report.json");
  CHECK(xrsim["sessions_created"] == 2);
  CHECK(xrsim["implicitly_destroyed"].empty());  // every handle destroyed by the engine
}

TEST_CASE("quitting asks the runtime to exit: FOCUSED walks down to STOPPING, then IDLE and EXITING") {
  const std::filesystem::path dir = freshXrDir("lifecycle_user_quit");
  writeScript(dir, R"({"hmd": {"eye_size": [64, 64]}})");
  XrLoopCallbacks callbacks;
  callbacks.quit = [](const XrFrameInfo& info) { return info.index == 12; };
  XrLoopReport report = run(dir, callbacks);
  const std::vector<std::string> expected = {"IDLE",    "READY",        "SYNCHRONIZED",
                                             "VISIBLE", "FOCUSED",      "VISIBLE",
                                             "SYNCHRONIZED", "STOPPING", "IDLE",
                                             "EXITING"};
  CHECK(names(report.states) == expected);
  CHECK(report.sessionsCreated == 1);
  CHECK(readXrsimReport(dir / "report.json")["implicitly_destroyed"].empty());
}

TEST_CASE("a scripted squeeze with the right hand reads as a grab, at the scripted pose, at the predicted display time") {
  const std::filesystem::path dir = freshXrDir("input_grab");
  // The right hand moves from x=0 to x=0.2 over frames 0..20 and squeezes at
  // frame 12, where it is at x=0.12 exactly.
  writeScript(dir, R"({"hmd": {"eye_size": [64, 64]},
      "right": [{"frame": 0, "grip": {"position": [0.0, 1.2, -0.4], "euler_deg": [0, 30, 0]}},
                {"frame": 12, "buttons": {"squeeze": 1.0, "trigger": 0.25}},
                {"frame": 20, "grip": {"position": [0.2, 1.2, -0.4], "euler_deg": [0, 30, 0]}}]})");
  std::map<uint64_t, xr::FrameInput> inputs;
  XrLoopCallbacks callbacks;
  callbacks.frame.update = [&](const XrFrameInfo& info) { inputs[info.index] = info.input; };
  run(dir, callbacks, 24);
  // Frames 0..2 bring the session to FOCUSED; input is active from there.
  REQUIRE(inputs.count(12) == 1);
  const xr::HandInput& before = inputs[11].hands[xr::kRight];
  const xr::HandInput& at = inputs[12].hands[xr::kRight];
  CHECK(before.active);
  CHECK(before.grab == doctest::Approx(0.0));
  CHECK(at.grab == doctest::Approx(1.0));
  CHECK(at.select == doctest::Approx(0.25));
  CHECK(inputs[12].hands[xr::kLeft].grab == doctest::Approx(0.0));
  REQUIRE(at.gripValid);
  CHECK(at.grip.position.x == doctest::Approx(0.12).epsilon(1e-4));
  CHECK(at.grip.position.y == doctest::Approx(1.2).epsilon(1e-4));
  CHECK(at.grip.position.z == doctest::Approx(-0.4).epsilon(1e-4));
  const glm::vec3 forward = at.grip.orientation * glm::vec3(0, 0, -1);
  CHECK(std::atan2(-forward.x, -forward.z) == doctest::Approx(glm::radians(30.0F)).epsilon(1e-3));
  // Input reports the predicted display time of its own frame.
  CHECK(inputs[12].time > inputs[11].time);
}

// Centroid x of the pixels brighter than the background.
double brightCentroidX(const render::RgbaImage& image) {
  double sum = 0;
  double n = 0;
  for (uint32_t y = 0; y < image.height; ++y) {
    for (uint32_t x = 0; x < image.width; ++x) {
      if (image.at(x, y).g > 128) {
        sum += x + 0.5;
        n += 1;
      }
    }
  }
  REQUIRE(n > 0);
  return sum / n;
}

TEST_CASE("each eye renders into its swapchain layer, offset by the parallax of the IPD") {
  const std::filesystem::path dir = freshXrDir("stereo_parallax");
  // 90-degree symmetric FOV, 256 px per eye, IPD 64 mm; a thin bright square
  // 0.5 m straight ahead of the eyes.
  writeScript(dir, R"({"hmd": {"eye_size": [256, 256], "fov_deg": [-45, 45, 45, -45], "ipd": 0.064},
                       "capture": [8]})");
  setEnv("MEDVERSE_XRSIM_CAPTURE", (dir / "capture").string());
  const float distance = 0.5F;
  render::MeshHandle square;
  XrLoopCallbacks callbacks;
  callbacks.start = [&](render::Renderer& renderer) -> Status {
    Result<render::MeshHandle> mesh = renderer.uploadMesh(assets::makeBox({0.04F, 0.04F, 0.001F}));
    if (!mesh) {
      return mesh.error();
    }
    square = *mesh;
    return {};
  };
  callbacks.frame.view = [&](const XrFrameInfo&, const render::CameraView& camera) {
    render::RenderView view;
    view.camera = camera;
    view.clearColor = {0.0F, 0.0F, 0.0F, 1.0F};
    render::MeshInstance m;
    m.mesh = square;
    m.model = glm::translate(glm::mat4(1.0F), glm::vec3(0.0F, 1.6F, -distance));
    m.material.baseColor = {0.0F, 0.0F, 0.0F, 1.0F};
    m.material.emissive = {1.0F, 1.0F, 1.0F};
    view.meshes.push_back(m);
    return view;
  };
  XrLoopReport report = run(dir, callbacks, 10);
  CHECK(report.framesRendered >= 7);
  Result<render::RgbaImage> left = render::readPng(dir / "capture" / "frame_00008_left.png");
  Result<render::RgbaImage> right = render::readPng(dir / "capture" / "frame_00008_right.png");
  REQUIRE(left.ok());
  REQUIRE(right.ok());
  // Each eye sits ipd/2 off the centre line, so the square appears ipd/2/d
  // (in tan units) to the other side: the disparity is ipd/d * (width/2)
  // pixels for a 90-degree FOV.
  const double expected = 0.064 / distance * 128.0;
  const double leftX = brightCentroidX(*left);
  const double rightX = brightCentroidX(*right);
  CHECK(leftX > 128.0);
  CHECK(rightX < 128.0);
  CHECK(leftX - rightX == doctest::Approx(expected).epsilon(0.08));
}

}  // namespace
}  // namespace medverse::test
