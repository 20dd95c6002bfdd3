#pragma once
// A populated consult room for headless screenshots and the demo until the
// world layer replicates real participants: up to four avatars around the
// table (expert, doctor, trainee, spectator) with name tags, the expert's
// laser pointer on the model, an annotation pin and a measurement, plus the
// desktop overlay and an in-world control panel. Everything here goes
// through the same AvatarVisuals, LabelBuilder and overlay code the live
// client uses.
#include <cstdint>
#include <glm/vec2.hpp>
#include <memory>
#include <optional>
#include <vector>

#include "medverse/app/avatar_visuals.h"
#include "medverse/assets/room.h"
#include "medverse/core/result.h"
#include "medverse/render/render_view.h"
#include "medverse/ui/labels.h"
#include "medverse/ui/overlay.h"
#include "medverse/ui/ui_context.h"
#include "medverse/ui/world_panel.h"

namespace medverse::render {
class Renderer;
}

namespace medverse::app {

struct DemoPeopleOptions {
  uint32_t avatars = 0;  // 0..4
  bool ui = false;       // the desktop overlay and an in-world panel
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
  ui::OverlayState state_;
  bool firstOverlayFrame_ = true;
};

}  // namespace medverse::app
