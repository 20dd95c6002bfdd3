#pragma once
// The scene every client mode shows (desktop window, headless screenshot,
// stereo, XR), built in this one place so that what is added to it (the
// case hologram, avatars, the UI) appears in every mode, with the camera it
// starts from.
#include <cstdint>
#include <filesystem>
#include <glm/vec2.hpp>
#include <memory>
#include <optional>

#include "medverse/app/case_scene.h"
#include "medverse/app/demo_people.h"
#include "medverse/app/orbit_camera.h"
#include "medverse/app/room_scene.h"
#include "medverse/core/result.h"
#include "medverse/render/render_view.h"
#include "medverse/ui/overlay.h"

namespace medverse::render {
class Renderer;
}

namespace medverse::app {

// Which patient case the room shows.
enum class CaseSource {
  None,    // the empty room with its test object
  Sample,  // the sample case (ch2better + AAL), cached in cacheDir
  Path,    // casePath: a case bundle directory or a NIfTI file
};

// What the command line chose about the scene.
struct SceneOptions {
  CaseSource caseSource = CaseSource::None;
  std::filesystem::path casePath;
  std::filesystem::path cacheDir;  // for the sample case; empty: no cache
  // The hologram floats above the table at twice life size, so a head reads
  // clearly from a standing doctor's viewpoint across the table.
  float hologramMetresPerMm = 0.002F;
  uint32_t avatars = 0;  // people around the table (0..4), see demo_people.h
  bool ui = false;       // the desktop overlay and an in-world control panel
};

class ClientScene {
 public:
  // Where the camera starts (desktop) or stays (headless): the suggested
  // view of the room, aimed at the hologram when there is one, stepped back
  // when people stand around the table.
  OrbitCamera startCamera;

  // Everything to draw this frame, seen from `camera` (mono; for stereo the
  // caller sets viewCount and eyes on the result and leaves `camera` as the
  // head, which labels face). `viewport` is the size of one view in pixels
  // (the overlay's display size); `frame` feeds the overlay's statistics.
  [[nodiscard]] render::RenderView view(const render::CameraView& camera, glm::vec2 viewport,
                                        const ui::FrameSummary& frame = {});

  [[nodiscard]] const RoomScene& room() const { return room_; }
  [[nodiscard]] const std::optional<CaseScene>& hologram() const { return hologram_; }

 private:
  friend Result<ClientScene> createClientScene(render::Renderer& renderer,
                                               const SceneOptions& options);
  ClientScene(RoomScene room, OrbitCamera camera) : startCamera(camera), room_(std::move(room)) {}

  RoomScene room_;
  std::optional<CaseScene> hologram_;
  std::unique_ptr<DemoPeople> people_;
};

// Uploads the room, loads and uploads the case (errors name the case path)
// and sets up the demo people.
Result<ClientScene> createClientScene(render::Renderer& renderer, const SceneOptions& options);

}  // namespace medverse::app
