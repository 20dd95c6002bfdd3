#include "medverse/app/headless.h"

#include <chrono>
#include <optional>

#include "medverse/app/case_scene.h"
#include "medverse/app/demo_people.h"

#include "medverse/app/orbit_camera.h"
#include "medverse/app/room_scene.h"
#include "medverse/assets/room.h"
#include "medverse/core/log.h"
#include "medverse/render/context.h"
#include "medverse/render/offscreen_target.h"
#include "medverse/render/renderer.h"

namespace medverse::app {
namespace {

// The hologram floats above the table at twice life size, so a head reads
// clearly from a standing doctor's viewpoint across the table.
constexpr float kHeadlessHologramScale = 0.002F;

}  // namespace

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
    Result<std::unique_ptr<render::OffscreenTarget>> target =
        render::OffscreenTarget::create(**context, options.width, options.height);
    if (!target) {
      return target.error();
    }
    assets::Room room = assets::buildConsultRoom();
    const bool withCase = options.caseSource != CaseSource::None;
    Result<RoomScene> scene = RoomScene::create(**renderer, room, !withCase);
    if (!scene) {
      return scene.error();
    }
    std::optional<CaseScene> hologram;
    if (withCase) {
      Result<imaging::CaseBundle> bundle = options.caseSource == CaseSource::Sample
                                               ? loadSampleCase(options.cacheDir)
                                               : loadCase(options.casePath);
      if (!bundle) {
        return bundle.error();
      }
      CaseSceneOptions caseOptions;
      caseOptions.anchor = room.hologramAnchor;
      caseOptions.metresPerMm = kHeadlessHologramScale;
      Result<CaseScene> created = CaseScene::create(**renderer, *bundle, caseOptions);
      if (!created) {
        return created.error();
      }
      hologram = std::move(*created);
    }
    std::unique_ptr<DemoPeople> people;
    if (options.avatars > 0 || options.ui) {
      Result<std::unique_ptr<DemoPeople>> demo =
          DemoPeople::create(**renderer, room, {options.avatars, options.ui});
      if (!demo) {
        return demo.error();
      }
      people = std::move(*demo);
    }
    OrbitCamera camera = OrbitCamera::lookingAt(
        room.suggestedCameraPosition, withCase ? room.hologramAnchor : room.suggestedCameraTarget);
    if (options.avatars > 0) {
      // Step back so that everyone around the table, name tags included, is in view.
      camera = OrbitCamera::lookingAt(room.suggestedCameraPosition + glm::vec3(0.0F, 0.2F, 1.1F),
                                      room.suggestedCameraTarget + glm::vec3(0.0F, 0.3F, -0.4F));
    }
    const float aspect = static_cast<float>(options.width) / static_cast<float>(options.height);
    ui::FrameSummary frameSummary;
    frameSummary.device = (*context)->deviceName();
    for (uint32_t frame = 0; frame < options.frames; ++frame) {
      const auto start = std::chrono::steady_clock::now();
      render::RenderView view = scene->view(camera.view(aspect));
      if (hologram) {
        hologram->appendTo(view);
      }
      if (people) {
        people->decorate(view, {options.width, options.height}, frameSummary);
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
    Result<render::RgbaImage> image = (*target)->readback();
    if (!image) {
      return image.error();
    }
    report.image = std::move(*image);
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
