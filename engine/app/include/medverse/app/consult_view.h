#pragma once
// From the replicated world to a RenderView: the consult session's
// ConsultFrame (consult_session.h) applied to the case hologram (transform,
// preset, window, clip and slice planes), the other participants drawn as
// avatars with name tags, pins and measurement lines with their labels, and
// the overlay (participants, hologram controls, help, status line) whose
// actions come back as intents.
#include <glm/mat4x4.hpp>
#include <glm/vec2.hpp>
#include <glm/vec3.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medverse/app/avatar_visuals.h"
#include "medverse/app/case_scene.h"
#include "medverse/app/consult_session.h"
#include "medverse/app/plane_gizmo.h"
#include "medverse/core/result.h"
#include "medverse/render/render_view.h"
#include "medverse/ui/help_overlay.h"
#include "medverse/ui/labels.h"
#include "medverse/ui/overlay.h"
#include "medverse/ui/ui_context.h"

namespace medverse::render {
class Renderer;
}

namespace medverse::app {

// Patient mm -> room metres for a replicated hologram transform: the case is
// stood upright and centred on `patientCentre` (hologramTransform), then
// placed by `transform` (HologramState::transform).
glm::mat4 patientToRoom(const Transform& transform, const glm::vec3& patientCentre);

// The transform that shows a case as createClientScene does: its centre on
// `anchor`, `metresPerMm` large, upright and facing +Z.
Transform hologramStartTransform(const glm::vec3& anchor, float metresPerMm);

// Where a ray (room space) enters the hologram's box; nullopt if it misses.
// Returns the point in patient mm.
std::optional<glm::vec3> pickHologram(const glm::vec3& origin, const glm::vec3& direction,
                                      const glm::mat4& patientToWorld,
                                      const render::VolumeInfo& info);

// A clip plane keeps the points p (patient mm) with dot(normal, p) >= offset.
glm::vec4 clipPlaneEquation(const world::Plane& plane);

// What the overlay shows besides the room's state.
struct OverlayExtras {
  bool showHelp = false;
  std::vector<ui::Shortcut> shortcuts;
  std::string status;  // the current tool's prompt, the last refusal
  ui::PointerInput pointer;
  float deltaSeconds = 1.0F / 60.0F;
  ui::FrameSummary frame;
  world::ClientId selectedParticipant = 0;  // highlighted in the participants list
};

class ConsultPresenter {
 public:
  // The case scene must be the one `view` draws; its starting transfer
  // function becomes preset 0 ("Case default").
  static Result<std::unique_ptr<ConsultPresenter>> create(render::Renderer& renderer,
                                                          const CaseScene& hologram);

  // Applies the replicated hologram state to the case scene.
  void applyHologram(const HologramState& state, CaseScene& hologram) const;

  // Adds people, pins, measurements, labels and (withOverlay) the overlay
  // to `view`, whose camera is already set. Returns the overlay's actions.
  std::vector<ui::UiAction> decorate(render::RenderView& view, const ConsultFrame& frame,
                                     const glm::mat4& patientToWorld, glm::vec2 displaySize,
                                     bool withOverlay, const OverlayExtras& extras);

  // Adds the clip and slice planes' gizmos (outline and handle) to `view`;
  // `active` is drawn highlighted.
  void addPlaneGizmos(render::RenderView& view, const HologramState& state,
                      const glm::mat4& patientToWorld, std::optional<PlaneRef> active) const;

  // Whether the overlay wanted the pointer on its last frame (a click on a
  // window is not a click in the room).
  [[nodiscard]] bool overlayWantsPointer() const;

  // What the overlay and the in-world hologram panel show of `frame` (the
  // frame statistics left empty).
  [[nodiscard]] ui::OverlayState overlayState(const ConsultFrame& frame,
                                              world::ClientId selectedParticipant = 0) const;

  // Turns the actions of the overlay or of a hologram panel into intents on
  // `session` (none without a hologram or without control).
  void applyActions(const std::vector<ui::UiAction>& actions, const ConsultFrame& frame,
                    ConsultSession& session) const;

  // Turns an overlay action into an intent on `session`.
  void applyAction(const ui::UiAction& action, const HologramState& state,
                   const render::VolumeInfo& info, ConsultSession& session) const;

  [[nodiscard]] const std::vector<render::TransferFunction>& presets() const { return presets_; }
  // The fonts every panel of this presenter uses.
  [[nodiscard]] ui::UiFonts& fonts() const { return *fonts_; }

 private:
  ConsultPresenter() = default;
  std::unique_ptr<ui::UiFonts> fonts_;
  std::optional<AvatarVisuals> visuals_;
  std::optional<PlaneGizmos> gizmos_;
  std::unique_ptr<ui::LabelBuilder> labels_;
  std::unique_ptr<ui::UiContext> overlay_;
  std::vector<render::TransferFunction> presets_;
  render::VolumeInfo info_;
  bool hasSurfaces_ = false;  // the case has surfaces the panel can show
  bool firstOverlayFrame_ = true;
};

// The clip and slice planes the overlay's controls and the C / V keys set.
// Clip plane 0 cuts the left half away (sagittal), 1 the top (axial); slice
// i is axial, coronal, sagittal.
world::Plane clipPlaneFor(uint8_t index, const render::VolumeInfo& info, float offsetFromCentreMm,
                          bool enabled);
world::Plane slicePlaneFor(uint8_t index, const render::VolumeInfo& info, float fraction,
                           bool enabled);

}  // namespace medverse::app
