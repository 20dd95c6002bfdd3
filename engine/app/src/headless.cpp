#include "medverse/app/headless.h"

#include <array>
#include <chrono>
#include <vector>

#include "medverse/app/client_scene.h"
#include "medverse/app/orbit_camera.h"
#include "medverse/core/log.h"
#include "medverse/render/camera.h"
#include "medverse/render/context.h"
#include "medverse/render/offscreen_target.h"
#include "medverse/render/renderer.h"

namespace medverse::app {

Result<HeadlessReport> runHeadless(const HeadlessOptions& options) {
  if (options.frames == 0) {
    return makeError("--frames must be at least 1");
  }
  const render::ValidationReport atStart = render::processValidationReport();
  render::ContextOptions contextOptions;
  contextOptions.validation = options.validation;
  Result<std::unique_ptr<render::Context>> context = render::Context::create(contextOptions);
  if (!context) {
    return context.error();
  }
  HeadlessReport report;
  {
    // GPU objects go before the context; the scope makes the order explicit.
    Result<std::unique_ptr<render::Renderer>> renderer = render::Renderer::create(**context);
    if (!renderer) {
      return renderer.error();
    }
    const uint32_t viewCount = options.stereo ? 2 : 1;
    Result<std::unique_ptr<render::OffscreenTarget>> target = render::OffscreenTarget::create(
        **context, options.width, options.height, VK_SAMPLE_COUNT_4_BIT, viewCount);
    if (!target) {
      return target.error();
    }
    Result<ClientScene> scene = createClientScene(**renderer, options.scene);
    if (!scene) {
      return scene.error();
    }
    const OrbitCamera& camera = scene->startCamera;
    const float aspect = static_cast<float>(options.width) / static_cast<float>(options.height);
    ui::FrameSummary frameSummary;
    frameSummary.device = (*context)->deviceName();
    for (uint32_t frame = 0; frame < options.frames; ++frame) {
      const auto start = std::chrono::steady_clock::now();
      render::RenderView view =
          scene->view(camera.view(aspect),
                      {static_cast<float>(options.width), static_cast<float>(options.height)},
                      frameSummary);
      if (options.stereo) {
        // The orbit camera is the head; the eyes sit ipd apart around it.
        const std::array<render::Fov, 2> fovs =
            options.stereoFov == StereoFov::Headset
                ? std::array<render::Fov, 2>{render::typicalHeadsetFov(0),
                                             render::typicalHeadsetFov(1)}
                : std::array<render::Fov, 2>{render::symmetricFov(camera.fovY, aspect),
                                             render::symmetricFov(camera.fovY, aspect)};
        view.viewCount = 2;
        view.eyes = render::stereoEyes(view.camera, options.ipd, fovs, camera.nearZ, camera.farZ);
      }
      if (Status s = (*renderer)->render(view, (*target)->info()); !s) {
        return s.error();
      }
      ++report.framesRendered;
      // Shown by the overlay on the next frame (a figure for people, not a test).
      frameSummary.frameMs =
          std::chrono::duration<float, std::milli>(std::chrono::steady_clock::now() - start).count();
      frameSummary.drawCalls = (*renderer)->lastFrameStats().drawCalls;
      frameSummary.triangles = (*renderer)->lastFrameStats().triangles;
    }
    Result<std::vector<render::RgbaImage>> images = (*target)->readbackViews();
    if (!images) {
      return images.error();
    }
    if (options.stereo) {
      Result<render::RgbaImage> pair = render::sideBySide((*images)[0], (*images)[1]);
      if (!pair) {
        return pair.error();
      }
      report.image = std::move(*pair);
    } else {
      report.image = std::move(images->front());
    }
    report.drawCalls = (*renderer)->lastFrameStats().drawCalls;
    report.triangles = (*renderer)->lastFrameStats().triangles;
    report.volumes = (*renderer)->lastFrameStats().volumes;
    if (!options.screenshot.empty()) {
      if (Status s = render::writePng(options.screenshot, report.image); !s) {
        return s.error();
      }
    }
  }
  report.deviceName = (*context)->deviceName();
  report.validationEnabled = (*context)->validationEnabled();
  context.value().reset();  // destroying the device reports leaked objects
  const render::ValidationReport atEnd = render::processValidationReport();
  report.validationErrors = atEnd.errors - atStart.errors;
  report.validationWarnings = atEnd.warnings - atStart.warnings;
  return report;
}

}  // namespace medverse::app
