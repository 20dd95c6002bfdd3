#include "medverse/app/consult_view.h"

#include <algorithm>
#include <cmath>
#include <glm/gtc/matrix_transform.hpp>
#include <limits>

#include "medverse/render/renderer.h"

namespace medverse::app {
namespace {

// Patient axes of the three slices (axial: z, coronal: y, sagittal: x).
constexpr int kSliceAxis[3] = {2, 1, 0};

}  // namespace

glm::mat4 patientToRoom(const Transform& transform, const glm::vec3& patientCentre) {
  return transform.toMatrix() * hologramTransform(patientCentre, glm::vec3(0.0F), 1.0F);
}

Transform hologramStartTransform(const glm::vec3& anchor, float metresPerMm) {
  Transform t;
  t.position = anchor;
  t.scale = glm::vec3(metresPerMm);
  return t;
}

std::optional<glm::vec3> pickHologram(const glm::vec3& origin, const glm::vec3& direction,
                                      const glm::mat4& patientToWorld,
                                      const render::VolumeInfo& info) {
  const glm::mat4 toPatient = glm::inverse(patientToWorld);
  const glm::vec3 o = glm::vec3(toPatient * glm::vec4(origin, 1.0F));
  const glm::vec3 d = glm::vec3(toPatient * glm::vec4(direction, 0.0F));
  // Slab test against the box in patient space.
  float tNear = 0.0F;
  float tFar = std::numeric_limits<float>::max();
  for (int axis = 0; axis < 3; ++axis) {
    if (std::abs(d[axis]) < 1e-12F) {
      if (o[axis] < info.boundsMin[axis] || o[axis] > info.boundsMax[axis]) {
        return std::nullopt;
      }
      continue;
    }
    float t0 = (info.boundsMin[axis] - o[axis]) / d[axis];
    float t1 = (info.boundsMax[axis] - o[axis]) / d[axis];
    if (t0 > t1) {
      std::swap(t0, t1);
    }
    tNear = std::max(tNear, t0);
    tFar = std::min(tFar, t1);
    if (tNear > tFar) {
      return std::nullopt;
    }
  }
  return o + d * tNear;
}

glm::vec4 clipPlaneEquation(const world::Plane& plane) {
  return {plane.normal, -plane.offset};
}

world::Plane clipPlaneFor(uint8_t index, const render::VolumeInfo& info, float offsetFromCentreMm,
                          bool enabled) {
  const glm::vec3 centre = 0.5F * (info.boundsMin + info.boundsMax);
  world::Plane p;
  p.enabled = enabled;
  // 0: keeps the patient's right half (x <= c), showing the brain's midline
  // from the viewer's right; 1: keeps below an axial cut; 2: keeps the back.
  static const glm::vec3 kNormals[3] = {{-1.0F, 0.0F, 0.0F}, {0.0F, 0.0F, -1.0F},
                                        {0.0F, 1.0F, 0.0F}};
  p.normal = kNormals[std::min<uint8_t>(index, 2)];
  p.offset = glm::dot(p.normal, centre) + offsetFromCentreMm;
  return p;
}

world::Plane slicePlaneFor(uint8_t index, const render::VolumeInfo& info, float fraction,
                           bool enabled) {
  const int axis = kSliceAxis[std::min<uint8_t>(index, 2)];
  world::Plane p;
  p.enabled = enabled;
  p.normal = glm::vec3(0.0F);
  p.normal[axis] = 1.0F;
  p.offset = info.boundsMin[axis] + std::clamp(fraction, 0.0F, 1.0F) *
                                        (info.boundsMax[axis] - info.boundsMin[axis]);
  return p;
}

Result<std::unique_ptr<ConsultPresenter>> ConsultPresenter::create(render::Renderer& renderer,
                                                                   const CaseScene& hologram) {
  std::unique_ptr<ConsultPresenter> p(new ConsultPresenter());
  Result<std::unique_ptr<ui::UiFonts>> fonts = ui::UiFonts::create(renderer);
  if (!fonts) {
    return fonts.error();
  }
  p->fonts_ = std::move(*fonts);
  Result<AvatarVisuals> visuals = AvatarVisuals::create(renderer);
  if (!visuals) {
    return visuals.error();
  }
  p->visuals_ = *visuals;
  Result<PlaneGizmos> gizmos = PlaneGizmos::create(renderer);
  if (!gizmos) {
    return gizmos.error();
  }
  p->gizmos_ = *gizmos;
  p->labels_ = std::make_unique<ui::LabelBuilder>(*p->fonts_);
  p->overlay_ = std::make_unique<ui::UiContext>(*p->fonts_);
  const render::VolumeInfo& info = hologram.volumeInfo();
  p->info_ = info;
  p->hasSurfaces_ = !hologram.surfaces().empty();
  p->presets_ = {hologram.volume().transfer, render::presetCtBone(), render::presetCtSoftTissue(),
                 render::presetMrBrain(info.minValue + 0.1F * (info.maxValue - info.minValue),
                                       info.maxValue)};
  return p;
}

void ConsultPresenter::applyHologram(const HologramState& state, CaseScene& hologram) const {
  render::VolumeInstance& v = hologram.volume();
  v.model = patientToRoom(state.transform, hologram.patientCentre());
  v.transfer = presets_.at(std::min<size_t>(state.preset, presets_.size() - 1));
  for (SurfaceDisplay& s : hologram.surfaces()) {
    s.visible = state.surfaces;
  }
  v.clipPlanes.clear();
  for (const world::Plane& plane : state.clip) {
    if (plane.enabled) {
      v.clipPlanes.push_back(clipPlaneEquation(plane));
    }
  }
  for (size_t i = 0; i < v.slices.size() && i < state.slice.size(); ++i) {
    const world::Plane& plane = state.slice[i];
    render::SlicePlane& slice = v.slices[i];
    slice.visible = plane.enabled;
    if (plane.enabled) {
      slice.position = plane.offset;
    }
    if (state.windowWidth > 0.0F) {
      slice.window = {state.windowCenter, state.windowWidth};
    }
  }
}

ui::OverlayState ConsultPresenter::overlayState(const ConsultFrame& frame,
                                               world::ClientId selectedParticipant) const {
  ui::OverlayState state;
  for (const ParticipantView& p : frame.participants) {
    if (!p.connected) {
      continue;
    }
    ui::Participant row{p.name, std::string(net::roleName(p.role)), roleColorPacked(p.role),
                        p.local, p.hasControl || p.role == net::Role::Expert};
    row.selected = p.clientId != 0 && p.clientId == selectedParticipant;
    state.participants.push_back(std::move(row));
  }
  state.presets = consultPresetNames();
  state.canEdit = frame.canEdit;
  if (frame.hologram) {
    const HologramState& h = *frame.hologram;
    state.activePreset = h.preset;
    state.hasSurfaces = hasSurfaces_;
    state.surfacesShown = h.surfaces;
    static const char* kClipNames[2] = {"Sagittal cut", "Axial cut"};
    const glm::vec3 centre = 0.5F * (info_.boundsMin + info_.boundsMax);
    for (uint8_t i = 0; i < 2; ++i) {
      // The slider shows where the plane is, wherever its handle left it.
      const float offset =
          h.clip[i].enabled
              ? h.clip[i].offset - glm::dot(clipPlaneFor(i, info_, 0.0F, true).normal, centre)
              : 0.0F;
      state.clipPlanes.push_back({kClipNames[i], h.clip[i].enabled, offset, 90.0F});
    }
    for (uint8_t i = 0; i < 3; ++i) {
      state.slices[i].visible = h.slice[i].enabled;
      const int axis = sliceAxis(i);
      const float extent = info_.boundsMax[axis] - info_.boundsMin[axis];
      if (h.slice[i].enabled && extent > 0.0F) {
        state.slices[i].position =
            std::clamp((h.slice[i].offset - info_.boundsMin[axis]) / extent, 0.0F, 1.0F);
      }
    }
    state.caseSummary =
        ui::CaseSummary{h.caseName, "", glm::ivec3(info_.dims), glm::vec3(info_.spacing)};
  }
  return state;
}

std::vector<ui::UiAction> ConsultPresenter::decorate(render::RenderView& view,
                                                     const ConsultFrame& frame,
                                                     const glm::mat4& patientToWorld,
                                                     glm::vec2 displaySize, bool withOverlay,
                                                     const OverlayExtras& extras) {
  PeopleVisuals people;
  for (const AvatarState& a : frame.avatars) {
    visuals_->addAvatar(a, people);
  }
  for (const AnnotationPin& pin : frame.pins) {
    visuals_->addPin(pin, patientToWorld, people);
  }
  for (const MeasurementView& m : frame.measurements) {
    visuals_->addMeasurement(m.measurement, patientToWorld, people);
  }
  view.meshes.insert(view.meshes.end(), people.meshes.begin(), people.meshes.end());
  std::vector<render::UiPanel> labels = labels_->build(people.labels, view.camera.position);
  view.panels.insert(view.panels.end(), labels.begin(), labels.end());
  if (!withOverlay) {
    return {};
  }

  ui::OverlayState state = overlayState(frame, extras.selectedParticipant);
  state.frame = extras.frame;

  std::vector<ui::UiAction> actions;
  const int passes = firstOverlayFrame_ ? 2 : 1;
  for (int i = 0; i < passes; ++i) {
    overlay_->beginFrame(displaySize, extras.deltaSeconds, extras.pointer);
    ui::OverlayResult result = ui::buildOverlay(state, displaySize);
    if (extras.showHelp) {
      ui::buildHelpOverlay(extras.shortcuts, displaySize);
    }
    ui::buildStatusLine(extras.status, displaySize);
    view.overlay = overlay_->endFrame();
    if (i + 1 == passes) {
      actions = std::move(result.actions);
    }
  }
  firstOverlayFrame_ = false;
  return actions;
}

void ConsultPresenter::addPlaneGizmos(render::RenderView& view, const HologramState& state,
                                      const glm::mat4& patientToWorld,
                                      std::optional<PlaneRef> active) const {
  gizmos_->add(state, info_, patientToWorld, active, view.meshes);
}

bool ConsultPresenter::overlayWantsPointer() const {
  return overlay_->wantsPointer();
}

void ConsultPresenter::applyActions(const std::vector<ui::UiAction>& actions,
                                    const ConsultFrame& frame, ConsultSession& session) const {
  // The controls emit nothing for someone who may not edit; the server
  // checks every intent again.
  if (!frame.hologram || !frame.canEdit) {
    return;
  }
  for (const ui::UiAction& a : actions) {
    applyAction(a, *frame.hologram, info_, session);
  }
}

void ConsultPresenter::applyAction(const ui::UiAction& action, const HologramState& state,
                                   const render::VolumeInfo& info, ConsultSession& session) const {
  const auto index = static_cast<uint8_t>(std::clamp(action.index, 0, 2));
  switch (action.kind) {
    case ui::UiAction::Kind::SelectPreset:
      session.setPreset(static_cast<uint8_t>(std::clamp(action.index, 0, 255)));
      break;
    case ui::UiAction::Kind::SetClipPlaneEnabled:
      session.setClipPlane(index, clipPlaneFor(index, info, 0.0F, action.value > 0.5F));
      break;
    case ui::UiAction::Kind::SetClipPlaneOffset:
      session.setClipPlane(index, clipPlaneFor(index, info, action.value, state.clip[index].enabled));
      break;
    case ui::UiAction::Kind::SetSliceVisible:
      session.setSlicePlane(index, slicePlaneFor(index, info, 0.5F, action.value > 0.5F));
      break;
    case ui::UiAction::Kind::SetSlicePosition:
      session.setSlicePlane(index,
                            slicePlaneFor(index, info, action.value, state.slice[index].enabled));
      break;
    case ui::UiAction::Kind::SetSurfacesShown:
      session.setSurfaces(action.value > 0.5F);
      break;
  }
}

}  // namespace medverse::app
