#pragma once
// The consult room as the renderer sees it: the room's parts and the test
// object uploaded once, and a RenderView extracted for any camera. Later the
// world's actors (hologram, avatars, pointers) are added to the same view.
#include <vector>

#include "medverse/assets/room.h"
#include "medverse/core/result.h"
#include "medverse/render/render_view.h"

namespace medverse::render {
class Renderer;
}

namespace medverse::app {

class RoomScene {
 public:
  // withTestObject: the sphere on the table that stands in for a hologram
  // when no case is loaded.
  static Result<RoomScene> create(render::Renderer& renderer, const assets::Room& room,
                                  bool withTestObject = true);

  [[nodiscard]] render::RenderView view(const render::CameraView& camera) const;
  [[nodiscard]] const assets::Room& room() const { return room_; }

 private:
  assets::Room room_;
  std::vector<render::MeshInstance> instances_;
};

}  // namespace medverse::app
