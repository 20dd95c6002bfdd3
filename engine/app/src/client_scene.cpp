#include "medverse/app/client_scene.h"

#include "medverse/assets/room.h"

namespace medverse::app {

Result<ClientScene> createClientScene(render::Renderer& renderer, const SceneOptions& /*options*/) {
  assets::Room room = assets::buildConsultRoom();
  Result<RoomScene> roomScene = RoomScene::create(renderer, room);
  if (!roomScene) {
    return roomScene.error();
  }
  return ClientScene{std::move(*roomScene), OrbitCamera::lookingAt(room.suggestedCameraPosition,
                                                                   room.suggestedCameraTarget)};
}

}  // namespace medverse::app
