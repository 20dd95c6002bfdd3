#pragma once
// Headless mode: render the room offscreen for a number of frames and write
// the last one to a PNG. Used by `medverse --mode headless`, scripts/demo
// on machines without a display, and tests.
#include <cstdint>
#include <filesystem>
#include <string>

#include "medverse/app/client_scene.h"
#include "medverse/core/result.h"
#include "medverse/render/camera.h"
#include "medverse/render/context.h"
#include "medverse/render/image_io.h"

namespace medverse::app {

// Fields of view for stereo renders.
enum class StereoFov {
  Symmetric,  // each eye has the mono camera's symmetric frustum
  Headset,    // render::typicalHeadsetFov: asymmetric, about 94 x 94 degrees per eye
};

struct HeadlessOptions {
  uint32_t width = 1280;  // per eye when stereo
  uint32_t height = 720;
  uint32_t frames = 1;
  std::filesystem::path screenshot;  // empty: do not write a file
  bool validation = render::validationRequestedByEnv();
  // Stereo: one multiview pass renders both eyes; the image (and screenshot)
  // is side by side, left eye on the left, 2 * width wide.
  bool stereo = false;
  float ipd = render::kDefaultIpd;  // metres
  StereoFov stereoFov = StereoFov::Symmetric;
  SceneOptions scene;
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
  render::RgbaImage image;  // the last frame (side by side when stereo)
};

Result<HeadlessReport> runHeadless(const HeadlessOptions& options);

}  // namespace medverse::app
