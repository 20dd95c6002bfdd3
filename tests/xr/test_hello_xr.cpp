// Khronos's hello_xr (Debian's libopenxr-utils), not written by us, run
// against xrsim through the real loader with the core validation layer: the
// check that xrsim behaves like a runtime an independent app can rely on.
#include <doctest/doctest.h>

#include <set>

#include "medverse/render/image_io.h"
#include "xr_test_support.h"

namespace medverse::test {
namespace {

constexpr int kFrames = 30;

// Share of pixels that differ from the top-left (background) pixel.
double coverage(const render::RgbaImage& image) {
  const glm::u8vec4 bg = image.at(0, 0);
  size_t n = 0;
  for (uint32_t y = 0; y < image.height; ++y) {
    for (uint32_t x = 0; x < image.width; ++x) {
      n += image.at(x, y) != bg ? 1 : 0;
    }
  }
  return static_cast<double>(n) / (double{1} * image.width * image.height);
}

void runHelloXr(const std::string& graphics) {
  const std::filesystem::path dir = freshXrDir("hello_xr_" + graphics);
  const std::filesystem::path validation = useXrValidationFile(dir);
  setEnv("MEDVERSE_XRSIM_EXIT_FRAME", std::to_string(kFrames));  // hello_xr has no frame limit
  setEnv("MEDVERSE_XRSIM_CAPTURE", (dir / "capture").string());
  setEnv("MEDVERSE_XRSIM_CAPTURE_FRAMES", std::to_string(kFrames - 1));
  setEnv("MEDVERSE_XRSIM_REPORT", (dir / "report.json").string());
  setEnv("MEDVERSE_XRSIM_EYE_SIZE", "256x256");

  const std::filesystem::path log = dir / "hello_xr.log";
  const int status = runHoldingStdin({"hello_xr", "-g", graphics}, log);
  const std::string output = readText(log);
  INFO("hello_xr output in " << log.string());
  CHECK(status == 0);
  // hello_xr logs Vulkan validation messages as "ERROR: (...)" at level Error.
  CHECK(output.find("[Error") == std::string::npos);
  CHECK(output.find("ERROR:") == std::string::npos);
  requireNoXrValidationErrors(validation);

  nlohmann::json report = readXrsimReport(dir / "report.json");
  CHECK(report["frames"].get<int>() >= kFrames);
  const std::vector<std::string> expected = {"IDLE",    "READY", "SYNCHRONIZED", "VISIBLE",
                                             "FOCUSED", "VISIBLE", "SYNCHRONIZED", "STOPPING",
                                             "IDLE",    "EXITING"};
  CHECK(report["session_states"].get<std::vector<std::string>>() == expected);
  CHECK(report["implicitly_destroyed"].empty());

  // Both eyes show hello_xr's cubes on its background, from different places.
  const std::string frame = "frame_000" + std::to_string(kFrames - 1);
  Result<render::RgbaImage> left = render::readPng(dir / "capture" / (frame + "_left.png"));
  Result<render::RgbaImage> right = render::readPng(dir / "capture" / (frame + "_right.png"));
  REQUIRE(left.ok());
  REQUIRE(right.ok());
  CHECK(left->width == 256);
  CHECK(left->height == 256);
  CHECK(coverage(*left) > 0.02);
  CHECK(coverage(*right) > 0.02);
  CHECK(left->pixels != right->pixels);
}

TEST_CASE("hello_xr -g Vulkan2 runs 30 frames on xrsim and exits when the runtime asks") {
  runHelloXr("Vulkan2");
}

TEST_CASE("hello_xr -g Vulkan (XR_KHR_vulkan_enable) runs 30 frames on xrsim and exits cleanly") {
  runHelloXr("Vulkan");
}

}  // namespace
}  // namespace medverse::test
