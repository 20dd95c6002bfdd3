// medverse: the MedVerse client. Renders the consult room with the case
// hologram in a desktop window, headless (offscreen, to PNG, mono or
// side-by-side stereo) or on an OpenXR runtime. With no arguments (or
// --host) it hosts a consult room in-process and joins it; --connect joins a
// remote room; --mode spectator watches one (consult_main.cpp).
#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <string>

#include "../common/cli.h"
#include "consult_main.h"
#include "medverse/app/case_scene.h"
#include "medverse/app/desktop.h"
#include "medverse/app/headless.h"
#ifdef MEDVERSE_HAS_XR
#include "medverse/app/xr_mode.h"
#endif
#include "medverse/core/log.h"
#include "medverse/imaging/case_bundle.h"
#include "medverse/render/camera.h"

using namespace medverse::apps;  // exit codes, parseCommandLine

namespace {

// Exit codes shared by every MedVerse tool.

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

static int toolMain(int argc, char** argv) {
  medverse::log::setLevelFromEnv();
  CLI::App app{
      "MedVerse client: joins a holographic consult room.\n"
      "Desktop mode shows the room in a window (left drag: orbit, right or middle drag: pan,\n"
      "wheel: zoom, Esc: quit); headless mode renders it offscreen and writes a screenshot."};
  app.set_version_flag("--version", "medverse 0.1.0");
  const bool noArguments = argc <= 1;
  ConsultFlags consult;
  addConsultFlags(app, consult);

  std::string mode = "headless";
  uint32_t frames = 1;
  std::string size = "1280x720";
  std::string screenshot;
  uint32_t avatars = 0;
  bool ui = false;
  std::string casePath;
  bool noCase = false;
  std::string vsync = "on";
  bool stereo = false;
  float ipdMm = medverse::render::kDefaultIpd * 1000.0F;
  std::string stereoFov = "symmetric";
  app.add_option("--mode", mode,
                 "desktop: a window showing the room;\n"
                 "headless: render offscreen (no window, no GPU needed);\n"
                 "xr: the room on the active OpenXR runtime (docs/XR.md);\n"
                 "spectator: watch a room (--connect) in a window: free camera, or F to\n"
                 "follow a participant's view")
      ->check(CLI::IsMember({"headless", "desktop", "xr", "spectator"}));
  bool ar = false;
  app.add_flag("--ar", ar, "xr: see-through or passthrough AR instead of opaque VR");
  CLI::Option* framesOption =
      app.add_option("--frames", frames,
                     "number of frames to render before exiting (headless: default 1;\n"
                     "desktop, xr: default until the window is closed or the session ends)")
          ->check(CLI::Range(1U, 100000U));
  app.add_option("--size", size,
                 "render size (headless) or window size (desktop) as WIDTHxHEIGHT in pixels,\n"
                 "e.g. 1920x1080");
  app.add_option("--screenshot", screenshot,
                 "write the last frame to this PNG file (desktop: the last presented frame)");
  app.add_option("--vsync", vsync, "desktop: on (FIFO) or off (MAILBOX, else IMMEDIATE)")
      ->check(CLI::IsMember({"on", "off"}));
  app.add_flag("--stereo", stereo,
               "headless: render both eyes (one multiview pass, or one pass per eye where\n"
               "the driver's multiview is not trusted); the screenshot is side by side (left\n"
               "eye on the left), each eye --size large");
  app.add_option("--ipd", ipdMm, "distance between the eyes in millimetres (default 63)")
      ->check(CLI::Range(40.0F, 90.0F));
  app.add_option("--stereo-fov", stereoFov,
                 "symmetric: each eye gets the mono camera's frustum;\n"
                 "headset: a typical headset's asymmetric per-eye FOV (about 94x94 degrees,\n"
                 "use a square --size such as 1024x1024)")
      ->check(CLI::IsMember({"symmetric", "headset"}));
  app.add_option("--avatars", avatars,
                 "show N demo participants around the table (0-4: expert, doctor, trainee,\n"
                 "spectator) with name tags, a laser pointer, a pin and a measurement")
      ->check(CLI::Range(0U, 4U));
  app.add_flag("--ui", ui, "draw the desktop overlay and an in-world control panel");
  auto* caseOption = app.add_option(
      "--case", casePath,
      "patient case shown as the hologram: a case bundle directory (medverse-case import)\n"
      "or a NIfTI file; default: the sample case (ch2better + AAL labels, cached)");
  auto* noCaseOption = app.add_flag("--no-case", noCase,
                                    "show the empty room (with its test object) instead of a case")
                           ->excludes(caseOption);
  std::string view = "room";
  std::string preset;
  std::string clip;
  bool slices = false;
  bool labels = false;
  app.add_option("--view", view,
                 "where the camera starts: room (the room round the table) or hologram (a\n"
                 "close-up of the hologram from the doctor's side)")
      ->check(CLI::IsMember({"room", "hologram"}));
  app.add_option("--preset", preset,
                 "transfer function of the hologram: ct-bone, ct-lung, ct-soft\n"
                 "or mr-brain (default: the case's own)")
      ->check(CLI::IsMember({"ct-bone", "ct-lung", "ct-soft", "mr-brain"}))
      ->excludes(noCaseOption);
  app.add_option("--clip", clip,
                 "cut the hologram through its centre: axial (removes the superior half),\n"
                 "coronal (the anterior half) or sagittal (the patient's right half)")
      ->check(CLI::IsMember({"axial", "coronal", "sagittal"}))
      ->excludes(noCaseOption);
  std::string sliceAxis;
  auto* slicesOption =
      app.add_flag("--slices", slices,
                   "show the three MPR planes (axial, coronal, sagittal) through the\n"
                   "hologram's centre")
          ->excludes(noCaseOption);
  app.add_option("--slice", sliceAxis,
                 "show one MPR plane through the hologram's centre: axial, coronal or\n"
                 "sagittal")
      ->check(CLI::IsMember({"axial", "coronal", "sagittal"}))
      ->excludes(noCaseOption)
      ->excludes(slicesOption);
  app.add_flag("--labels", labels,
               "show the case's label surfaces (the sample's AAL regions) instead of the volume")
      ->excludes(noCaseOption);
  app.footer(
      "Environment:\n"
      "  MEDVERSE_VALIDATION=1  enable the Vulkan validation layer; any error makes the exit code "
      "1\n"
      "  MEDVERSE_GPU=NAME      prefer the Vulkan device whose name contains NAME\n"
      "  MEDVERSE_MULTIVIEW=native|per-view  how stereo is drawn (default: per device)\n"
      "  MEDVERSE_LOG=LEVEL     trace, debug, info, warn, error or off\n"
      "  XR_RUNTIME_JSON=FILE   OpenXR runtime for --mode xr (e.g. "
      "build/xrsim/medverse_xrsim.json)\n"
      "  MEDVERSE_CACHE=DIR     where the sample case is cached (default ~/.cache/medverse)\n"
      "Exit codes: 0 success, 1 runtime failure, 2 usage error, 3 bad input.");
  if (const int code = medverse::apps::parseCommandLine(app, argc, argv, "medverse"); code >= 0) {
    return code;
  }

  // Bad paths are bad input (exit 3), found before anything is rendered.
  std::error_code ec;
  if (!screenshot.empty()) {
    const std::filesystem::path parent = std::filesystem::path(screenshot).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
      std::fprintf(stderr, "medverse: --screenshot %s: the folder %s does not exist\n",
                   screenshot.c_str(), parent.string().c_str());
      return kExitBadInput;
    }
  }
  if (!casePath.empty() && !std::filesystem::exists(casePath, ec)) {
    std::fprintf(stderr, "medverse: --case %s does not exist\n", casePath.c_str());
    return kExitBadInput;
  }
  if (!casePath.empty() && std::filesystem::is_directory(casePath, ec)) {
    if (auto manifest = medverse::imaging::readManifestText(casePath); !manifest) {
      std::fprintf(stderr, "medverse: --case: %s\n", manifest.error().message.c_str());
      return kExitBadInput;
    }
  }

  // The networked client: host a room in-process, or join one.
  const bool modeGiven = app.get_option("--mode")->count() > 0;
  if (noArguments || consultRequested(consult) || mode == "spectator") {
    uint32_t w = 0;
    uint32_t h = 0;
    if (!parseSize(size, w, h)) {
      std::fprintf(stderr,
                   "medverse: --size '%s' is not WIDTHxHEIGHT (e.g. 1280x720, each 1..16384)\n",
                   size.c_str());
      return kExitUsage;
    }
    ConsultRun run;
    run.mode = modeGiven ? mode : std::string();
    run.width = w;
    run.height = h;
    run.frames = framesOption->count() > 0 ? frames : 0;
    run.vsync = vsync == "on";
    run.screenshot = screenshot;
    run.casePath = casePath;
    run.overlay = true;
    run.ar = ar;
    return runConsultMain(consult, run);
  }

  // The scene every mode shows (engine/app/client_scene.h).
  medverse::app::SceneOptions scene;
  scene.avatars = avatars;
  scene.ui = ui;
  scene.camera =
      view == "hologram" ? medverse::app::SceneCamera::Hologram : medverse::app::SceneCamera::Room;
  scene.display.preset = preset;
  // Axes in SliceAxis order: axial, coronal, sagittal.
  const auto axisIndex = [](const std::string& axis) {
    return axis == "axial" ? 0U : axis == "coronal" ? 1U : 2U;
  };
  if (!clip.empty()) {
    scene.display.clip[axisIndex(clip)] = true;
  }
  for (size_t i = 0; i < 3; ++i) {
    scene.display.slices[i] = slices;
  }
  if (!sliceAxis.empty()) {
    scene.display.slices[axisIndex(sliceAxis)] = true;
  }
  scene.display.labels = labels;
  if (noCase) {
    scene.caseSource = medverse::app::CaseSource::None;
  } else if (!casePath.empty()) {
    scene.caseSource = medverse::app::CaseSource::Path;
    scene.casePath = casePath;
  } else {
    scene.caseSource = medverse::app::CaseSource::Sample;
    scene.cacheDir = medverse::app::defaultCacheDir();
  }

  if (mode == "xr") {
#ifdef MEDVERSE_HAS_XR
    medverse::app::XrModeOptions xrOptions;
    xrOptions.ar = ar;
    xrOptions.maxFrames = framesOption->count() > 0 ? frames : 0;
    xrOptions.scene = scene;
    medverse::Result<medverse::app::XrModeReport> xrReport = medverse::app::runXrMode(xrOptions);
    if (!xrReport) {
      std::fprintf(stderr, "medverse: %s\n", xrReport.error().message.c_str());
      return kExitFailure;
    }
    std::printf("XR on %s (%s): %llu frame(s) in %u session(s)\n", xrReport->runtimeName.c_str(),
                xrReport->deviceName.c_str(),
                static_cast<unsigned long long>(xrReport->framesRendered), xrReport->sessions);
    std::printf("validation: %u OpenXR error(s), %u Vulkan error(s)\n",
                xrReport->xrValidationErrors, xrReport->vulkanValidationErrors);
    return xrReport->xrValidationErrors == 0 && xrReport->vulkanValidationErrors == 0
               ? kExitOk
               : kExitFailure;
#else
    std::fprintf(stderr, "medverse: this build has no OpenXR (install libopenxr-dev)\n");
    return kExitUsage;
#endif
  }
  if (mode != "headless" && mode != "desktop") {
    std::fprintf(stderr, "medverse: --mode %s needs a room to watch: add --connect HOST:PORT\n",
                 mode.c_str());
    return kExitUsage;
  }
  uint32_t width = 0;
  uint32_t height = 0;
  if (!parseSize(size, width, height)) {
    std::fprintf(stderr,
                 "medverse: --size '%s' is not WIDTHxHEIGHT (e.g. 1280x720, each 1..16384)\n",
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
    options.scene = scene;
    medverse::Result<medverse::app::DesktopReport> report = medverse::app::runDesktop(options);
    if (!report) {
      std::fprintf(stderr, "medverse: %s\n", report.error().message.c_str());
      return kExitFailure;
    }
    std::printf(
        "presented %u frame(s) in a %ux%u window on %s (%s), %u skipped, %u swapchain "
        "rebuild(s), %u volume(s)\n",
        report->framesPresented, report->finalWidth, report->finalHeight,
        report->deviceName.c_str(), report->vsync ? "vsync" : "no vsync", report->framesSkipped,
        report->swapchainRebuilds, report->volumes);
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
  options.scene = scene;

  medverse::Result<medverse::app::HeadlessReport> report = medverse::app::runHeadless(options);
  if (!report) {
    std::fprintf(stderr, "medverse: %s\n", report.error().message.c_str());
    return kExitFailure;
  }
  std::printf(
      "rendered %u %sframe(s) at %ux%u%s on %s: %u draw calls, %llu triangles, %u volume(s)\n",
      report->framesRendered, stereo ? "stereo " : "", options.width, options.height,
      stereo ? " per eye" : "", report->deviceName.c_str(), report->drawCalls,
      static_cast<unsigned long long>(report->triangles), report->volumes);
  if (report->validationEnabled) {
    std::printf("validation: %u error(s), %u warning(s)\n", report->validationErrors,
                report->validationWarnings);
  }
  if (!screenshot.empty()) {
    std::printf("screenshot: %s\n", screenshot.c_str());
  }
  return report->validationErrors == 0 ? kExitOk : kExitFailure;
}

int main(int argc, char** argv) {
  return medverse::apps::runTool("medverse", [&] { return toolMain(argc, argv); });
}
