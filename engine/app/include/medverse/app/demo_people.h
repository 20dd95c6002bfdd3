#pragma once
// A populated consult room for headless screenshots and the demo until the
// world layer replicates real participants: up to four participants (expert,
// doctor, trainee, spectator; spectators are listed but have no avatar, as
// DESIGN.md says) with name tags, the expert's laser pointer on the
// hologram, an annotation pin on a labelled region and a measurement across
// the brain, plus the desktop overlay and an in-world control panel. Everything here goes
// through the same AvatarVisuals, LabelBuilder and overlay code the live
// client uses.
#include <array>
#include <cstdint>
#include <glm/vec2.hpp>
#include <memory>
#include <optional>
#include <vector>

#include "medverse/app/avatar_visuals.h"
#include "medverse/assets/room.h"
#include "medverse/core/result.h"
#include "medverse/imaging/case_bundle.h"
#include "medverse/render/render_view.h"
#include "medverse/ui/labels.h"
#include "medverse/ui/overlay.h"
#include "medverse/ui/ui_context.h"
#include "medverse/ui/world_panel.h"

namespace medverse::render {
class Renderer;
}

namespace medverse::app {

// The case hologram the people look at. Landmarks (the pin, the
// measurement, where the pointer hits) are taken from the case's surfaces
// in patient millimetres and placed through the hologram's transform.
struct DemoHologram {
  glm::mat4 patientToWorld{1.0F};
  glm::vec3 boundsMinMm{0.0F};  // the volume's box in patient mm
  glm::vec3 boundsMaxMm{0.0F};
  const imaging::CaseBundle* bundle = nullptr;  // read during create() only
  ui::CaseSummary summary;
};

// How the hologram is shown, mirrored by the overlay's controls.
struct DemoControls {
  int activePreset = 3;                 // index into the overlay's presets
  std::array<bool, 3> clip{};           // axial, coronal, sagittal cut through the centre
  std::array<bool, 3> slices{};         // axial, coronal, sagittal MPR planes
};

struct DemoPeopleOptions {
  uint32_t avatars = 0;  // 0..4
  bool ui = false;       // the desktop overlay and an in-world panel
  bool worldPanel = true;  // with ui: the in-world panel too (off for close-ups)
  std::optional<DemoHologram> hologram;  // none: the room's test object
  DemoControls controls;
};

class DemoPeople {
 public:
  static constexpr uint32_t kMaxAvatars = 4;

  static Result<std::unique_ptr<DemoPeople>> create(render::Renderer& renderer,
                                                    const assets::Room& room,
                                                    const DemoPeopleOptions& options);

  // Adds the people, their labels and the UI to a view of the room.
  // `frame` feeds the overlay's frame statistics.
  void decorate(render::RenderView& view, glm::vec2 displaySize, const ui::FrameSummary& frame);

  [[nodiscard]] const std::vector<AvatarState>& avatars() const { return avatars_; }

 private:
  DemoPeople() = default;

  DemoPeopleOptions options_;
  std::unique_ptr<ui::UiFonts> fonts_;
  std::optional<AvatarVisuals> visuals_;
  std::unique_ptr<ui::LabelBuilder> labels_;
  std::unique_ptr<ui::UiContext> overlay_;
  std::unique_ptr<ui::WorldPanel> panel_;
  std::vector<AvatarState> avatars_;
  std::vector<AnnotationPin> pins_;
  std::vector<Measurement> measurements_;
  glm::mat4 patientToWorld_{1.0F};
  glm::vec3 modelCentre_{0.0F};  // world point everyone looks at
  float tableTopY_ = 0.0F;
  ui::OverlayState state_;
};

}  // namespace medverse::app
