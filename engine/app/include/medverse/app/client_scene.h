#pragma once
// The scene every client mode shows (desktop window, headless screenshot,
// stereo), built in this one place so that what is added to it (the case
// hologram, avatars) appears in every mode, with the camera it starts from.
#include "medverse/app/orbit_camera.h"
#include "medverse/app/room_scene.h"
#include "medverse/core/result.h"
#include "medverse/render/render_view.h"

namespace medverse::render {
class Renderer;
}

namespace medverse::app {

// What the command line chose about the scene (e.g. --case, later).
struct SceneOptions {};

struct ClientScene {
  RoomScene room;
  OrbitCamera startCamera;  // where the camera starts (desktop) or stays (headless)

  // Everything to draw this frame, seen from `camera` (mono). Stereo
  // callers set viewCount and eyes on the result.
  [[nodiscard]] render::RenderView view(const render::CameraView& camera) const {
    return room.view(camera);
  }
};

Result<ClientScene> createClientScene(render::Renderer& renderer, const SceneOptions& options);

}  // namespace medverse::app
