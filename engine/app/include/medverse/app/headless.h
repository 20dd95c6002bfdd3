#pragma once
// Headless mode: render the room offscreen for a number of frames and write
// the last one to a PNG. Used by `medverse --mode headless`, scripts/demo
// on machines without a display, and tests.
#include <cstdint>
#include <filesystem>
#include <string>

#include "medverse/core/result.h"
#include "medverse/render/context.h"
#include "medverse/render/image_io.h"

namespace medverse::app {

// Which patient case the room shows.
enum class CaseSource {
  None,    // the empty room with its test object
  Sample,  // the sample case (ch2better + AAL), cached in cacheDir
  Path,    // casePath: a case bundle directory or a NIfTI file
};

struct HeadlessOptions {
  uint32_t width = 1280;
  uint32_t height = 720;
  uint32_t frames = 1;
  std::filesystem::path screenshot;  // empty: do not write a file
  bool validation = render::validationRequestedByEnv();
  uint32_t avatars = 0;  // people around the table (0..4), see demo_people.h
  bool ui = false;       // the desktop overlay and an in-world control panel
  CaseSource caseSource = CaseSource::None;
  std::filesystem::path casePath;
  std::filesystem::path cacheDir;  // for the sample case; empty: no cache
};

struct HeadlessReport {
  std::string deviceName;
  uint32_t framesRendered = 0;
  uint32_t validationErrors = 0;
  uint32_t validationWarnings = 0;
  bool validationEnabled = false;
  uint32_t drawCalls = 0;
  uint64_t triangles = 0;
  uint32_t volumes = 0;  // volume instances ray-marched in the last frame
  render::RgbaImage image;  // the last frame
};

Result<HeadlessReport> runHeadless(const HeadlessOptions& options);

}  // namespace medverse::app
