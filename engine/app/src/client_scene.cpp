#include "medverse/app/client_scene.h"

#include <utility>

#include "medverse/assets/room.h"

namespace medverse::app {

render::RenderView ClientScene::view(const render::CameraView& camera, glm::vec2 viewport,
                                     const ui::FrameSummary& frame) {
  render::RenderView view = room_.view(camera);
  if (hologram_) {
    hologram_->appendTo(view);
  }
  if (people_) {
    people_->decorate(view, viewport, frame);
  }
  return view;
}

Result<ClientScene> createClientScene(render::Renderer& renderer, const SceneOptions& options) {
  assets::Room room = assets::buildConsultRoom();
  const bool withCase = options.caseSource != CaseSource::None;
  Result<RoomScene> roomScene = RoomScene::create(renderer, room, !withCase);
  if (!roomScene) {
    return roomScene.error();
  }
  OrbitCamera camera = OrbitCamera::lookingAt(
      room.suggestedCameraPosition, withCase ? room.hologramAnchor : room.suggestedCameraTarget);
  if (options.avatars > 0) {
    // Step back so that everyone around the table, name tags included, is in view.
    camera = OrbitCamera::lookingAt(room.suggestedCameraPosition + glm::vec3(0.0F, 0.2F, 1.1F),
                                    room.suggestedCameraTarget + glm::vec3(0.0F, 0.3F, -0.4F));
  }
  ClientScene scene(std::move(*roomScene), camera);
  if (withCase) {
    Result<imaging::CaseBundle> bundle = options.caseSource == CaseSource::Sample
                                             ? loadSampleCase(options.cacheDir)
                                             : loadCase(options.casePath);
    if (!bundle) {
      return bundle.error();
    }
    CaseSceneOptions caseOptions;
    caseOptions.anchor = room.hologramAnchor;
    caseOptions.metresPerMm = options.hologramMetresPerMm;
    Result<CaseScene> created = CaseScene::create(renderer, *bundle, caseOptions);
    if (!created) {
      return created.error();
    }
    scene.hologram_ = std::move(*created);
  }
  if (options.avatars > 0 || options.ui) {
    Result<std::unique_ptr<DemoPeople>> demo =
        DemoPeople::create(renderer, room, {options.avatars, options.ui});
    if (!demo) {
      return demo.error();
    }
    scene.people_ = std::move(*demo);
  }
  return scene;
}

}  // namespace medverse::app
