// medverse: the MedVerse client. Renders the consult room in a desktop window
// or headless (offscreen, to PNG, mono or side-by-side stereo); XR and
// spectator modes arrive with their issues.
#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdio>
#include <string>

#include "medverse/app/desktop.h"
#include "medverse/app/headless.h"
#include "medverse/core/log.h"
#include "medverse/render/camera.h"

namespace {

// Exit codes shared by every MedVerse tool.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // runtime failure, including any validation error
constexpr int kExitUsage = 2;

bool parseSize(const std::string& text, uint32_t& width, uint32_t& height) {
  const auto x = text.find('x');
  if (x == std::string::npos) {
    return false;
  }
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [p1, e1] = std::from_chars(begin, begin + x, width);
  auto [p2, e2] = std::from_chars(begin + x + 1, end, height);
  return e1 == std::errc() && e2 == std::errc() && p1 == begin + x && p2 == end && width > 0 &&
         height > 0 && width <= 16384 && height <= 16384;
}

}  // namespace

int main(int argc, char** argv) {
  medverse::log::setLevelFromEnv();
  CLI::App app{
      "MedVerse client: joins a holographic consult room.\n"
      "Desktop mode shows the room in a window (left drag: orbit, right or middle drag: pan,\n"
      "wheel: zoom, Esc: quit); headless mode renders it offscreen and writes a screenshot."};
  app.set_version_flag("--version", "medverse 0.1.0");

  std::string mode = "headless";
  uint32_t frames = 1;
  std::string size = "1280x720";
  std::string screenshot;
  std::string vsync = "on";
  bool stereo = false;
  float ipdMm = medverse::render::kDefaultIpd * 1000.0F;
  std::string stereoFov = "symmetric";
  app.add_option("--mode", mode,
                 "desktop: a window showing the room;\n"
                 "headless: render offscreen (no window, no GPU needed);\n"
                 "xr, spectator: not available in this build yet")
      ->check(CLI::IsMember({"headless", "desktop", "xr", "spectator"}));
  CLI::Option* framesOption =
      app.add_option("--frames", frames,
                     "number of frames to render before exiting (headless: default 1;\n"
                     "desktop: default until the window is closed)")
          ->check(CLI::Range(1U, 100000U));
  app.add_option("--size", size,
                 "render size (headless) or window size (desktop) as WIDTHxHEIGHT in pixels,\n"
                 "e.g. 1920x1080");
  app.add_option("--screenshot", screenshot,
                 "write the last frame to this PNG file (desktop: the last presented frame)");
  app.add_option("--vsync", vsync, "desktop: on (FIFO) or off (MAILBOX, else IMMEDIATE)")
      ->check(CLI::IsMember({"on", "off"}));
  app.add_flag("--stereo", stereo,
               "headless: render both eyes in one multiview pass; the screenshot is side by\n"
               "side (left eye on the left), each eye --size large");
  app.add_option("--ipd", ipdMm, "distance between the eyes in millimetres (default 63)")
      ->check(CLI::Range(40.0F, 90.0F));
  app.add_option("--stereo-fov", stereoFov,
                 "symmetric: each eye gets the mono camera's frustum;\n"
                 "headset: a typical headset's asymmetric per-eye FOV (about 94x94 degrees,\n"
                 "use a square --size such as 1024x1024)")
      ->check(CLI::IsMember({"symmetric", "headset"}));
  app.footer(
      "Environment:\n"
      "  MEDVERSE_VALIDATION=1  enable the Vulkan validation layer; any error makes the exit code 1\n"
      "  MEDVERSE_GPU=NAME      prefer the Vulkan device whose name contains NAME\n"
      "  MEDVERSE_MULTIVIEW=native|per-view  how stereo is drawn (default: per device)\n"
      "  MEDVERSE_LOG=LEVEL     trace, debug, info, warn, error or off\n"
      "Exit codes: 0 success, 1 runtime failure, 2 usage error.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  if (mode != "headless" && mode != "desktop") {
    std::fprintf(stderr,
                 "medverse: --mode %s is not available in this build yet; use --mode desktop or "
                 "--mode headless\n",
                 mode.c_str());
    return kExitUsage;
  }
  uint32_t width = 0;
  uint32_t height = 0;
  if (!parseSize(size, width, height)) {
    std::fprintf(stderr, "medverse: --size '%s' is not WIDTHxHEIGHT (e.g. 1280x720, each 1..16384)\n",
                 size.c_str());
    return kExitUsage;
  }

  if (mode == "desktop") {
    if (stereo) {
      std::fprintf(stderr, "medverse: --stereo is for --mode headless (desktop shows one view)\n");
      return kExitUsage;
    }
    medverse::app::DesktopOptions options;
    options.width = width;
    options.height = height;
    options.frames = framesOption->count() > 0 ? frames : 0;
    options.vsync = vsync == "on";
    options.screenshot = screenshot;
    medverse::Result<medverse::app::DesktopReport> report = medverse::app::runDesktop(options);
    if (!report) {
      std::fprintf(stderr, "medverse: %s\n", report.error().message.c_str());
      return kExitFailure;
    }
    std::printf(
        "presented %u frame(s) in a %ux%u window on %s (%s), %u skipped, %u swapchain rebuild(s)\n",
        report->framesPresented, report->finalWidth, report->finalHeight,
        report->deviceName.c_str(), report->vsync ? "vsync" : "no vsync", report->framesSkipped,
        report->swapchainRebuilds);
    if (report->validationEnabled) {
      std::printf("validation: %u error(s), %u warning(s)\n", report->validationErrors,
                  report->validationWarnings);
    }
    if (!screenshot.empty()) {
      std::printf("screenshot: %s\n", screenshot.c_str());
    }
    return report->validationErrors == 0 ? kExitOk : kExitFailure;
  }

  medverse::app::HeadlessOptions options;
  options.frames = frames;
  options.width = width;
  options.height = height;
  options.screenshot = screenshot;
  options.stereo = stereo;
  options.ipd = ipdMm / 1000.0F;
  options.stereoFov = stereoFov == "headset" ? medverse::app::StereoFov::Headset
                                             : medverse::app::StereoFov::Symmetric;

  medverse::Result<medverse::app::HeadlessReport> report = medverse::app::runHeadless(options);
  if (!report) {
    std::fprintf(stderr, "medverse: %s\n", report.error().message.c_str());
    return kExitFailure;
  }
  std::printf("rendered %u %sframe(s) at %ux%u%s on %s: %u draw calls, %llu triangles\n",
              report->framesRendered, stereo ? "stereo " : "", options.width, options.height,
              stereo ? " per eye" : "", report->deviceName.c_str(), report->drawCalls,
              static_cast<unsigned long long>(report->triangles));
  if (report->validationEnabled) {
    std::printf("validation: %u error(s), %u warning(s)\n", report->validationErrors,
                report->validationWarnings);
  }
  if (!screenshot.empty()) {
    std::printf("screenshot: %s\n", screenshot.c_str());
  }
  return report->validationErrors == 0 ? kExitOk : kExitFailure;
}
