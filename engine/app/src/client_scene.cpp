#include "medverse/app/client_scene.h"

#include <optional>
#include <string>
#include <utility>

#include "medverse/assets/room.h"
#include "medverse/imaging/volume.h"

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

namespace {

// What the overlay's CASE section shows: de-identified fields only.
ui::CaseSummary summarise(const imaging::CaseBundle& bundle, const SceneOptions& options) {
  ui::CaseSummary s;
  const imaging::Volume& v = bundle.volume;
  if (options.caseSource == CaseSource::Sample) {
    // The sample is a T1-weighted MR template (Colin 27, "ch2").
    s.title = "Sample brain (ch2better + AAL)";
    s.modality = "MR T1";
  } else {
    s.title = !bundle.provenance.seriesDescription.empty()
                  ? bundle.provenance.seriesDescription
                  : options.casePath.filename().string();
    s.modality = std::string(imaging::modalityName(v.modality));
  }
  s.dimensions = v.dims;
  s.spacingMm = glm::vec3(v.spacing);
  return s;
}

// Applies the command line's display choices to the hologram.
Status applyDisplay(CaseScene& hologram, const imaging::CaseBundle& bundle,
                    const HologramDisplay& display) {
  render::VolumeInstance& v = hologram.volume();
  if (!display.preset.empty()) {
    if (display.preset == "ct-bone") {
      v.transfer = render::presetCtBone();
    } else if (display.preset == "ct-lung") {
      v.transfer = render::presetCtLung();
    } else if (display.preset == "ct-soft") {
      v.transfer = render::presetCtSoftTissue();
    } else if (display.preset == "mr-brain") {
      v.transfer = bundle.volume.modality == imaging::Modality::CT
                       ? render::presetMrBrain(hologram.volumeInfo().minValue,
                                               hologram.volumeInfo().maxValue)
                       : defaultTransferFunction(bundle);
    } else {
      return makeError("unknown preset '" + display.preset +
                       "' (ct-bone, ct-lung, ct-soft or mr-brain)");
    }
    v.window = {};
  }
  const glm::vec3 c = hologram.patientCentre();
  // Kept: dot(n, p) + w >= 0. LPS: +x left, +y posterior, +z superior.
  const std::array<glm::vec4, 3> planes = {glm::vec4(0.0F, 0.0F, -1.0F, c.z),   // keeps inferior
                                           glm::vec4(0.0F, 1.0F, 0.0F, -c.y),   // keeps posterior
                                           glm::vec4(1.0F, 0.0F, 0.0F, -c.x)};  // keeps left
  for (size_t i = 0; i < 3; ++i) {
    if (display.clip[i]) {
      v.clipPlanes.push_back(planes[i]);
    }
    // SliceAxis order: axial, coronal, sagittal, like the display's arrays.
    v.slices[i].visible = display.slices[i];
  }
  if (display.labels) {
    if (hologram.surfaces().empty()) {
      return makeError("--labels: the case has no label surfaces");
    }
    for (SurfaceDisplay& s : hologram.surfaces()) {
      s.visible = true;
    }
    v.showVolume = false;
  }
  return {};
}

int presetIndex(const HologramDisplay& display, const imaging::CaseBundle& bundle) {
  std::string name = display.preset;
  if (name.empty()) {
    name = bundle.volume.modality == imaging::Modality::CT
               ? (bundle.windows.empty() ? "ct-bone" : bundle.windows.front().name)
               : "mr-brain";
  }
  for (size_t i = 0; i < kPresetNames.size(); ++i) {
    if (name == kPresetNames[i]) {
      return static_cast<int>(i);
    }
  }
  return 0;
}

}  // namespace

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
    // Step back and up so that everyone around the table, name tags included,
    // is in view between the overlay's side panels, the hologram in the middle.
    camera = OrbitCamera::lookingAt(room.tableTop + glm::vec3(0.0F, 0.92F, 1.95F),
                                    room.tableTop + glm::vec3(0.0F, 0.42F, -0.4F));
  }
  if (options.camera == SceneCamera::Hologram) {
    // From the doctor's side of the table (the patient's right), a little
    // in front and above: the hologram fills the view.
    camera = OrbitCamera::lookingAt(
        room.hologramAnchor + glm::normalize(glm::vec3(-0.75F, 0.38F, 0.62F)) * 0.62F,
        room.hologramAnchor + glm::vec3(0.0F, -0.01F, 0.0F));
  }
  ClientScene scene(std::move(*roomScene), camera);
  DemoPeopleOptions demoOptions;
  demoOptions.avatars = options.avatars;
  demoOptions.ui = options.ui;
  demoOptions.worldPanel = options.camera == SceneCamera::Room;
  std::optional<imaging::CaseBundle> bundleKept;
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
    if (Status s = applyDisplay(*created, *bundle, options.display); !s) {
      return s.error();
    }
    scene.hologram_ = std::move(*created);
    DemoHologram h;
    h.patientToWorld = scene.hologram_->model();
    h.boundsMinMm = scene.hologram_->volumeInfo().boundsMin;
    h.boundsMaxMm = scene.hologram_->volumeInfo().boundsMax;
    h.summary = summarise(*bundle, options);
    bundleKept = std::move(*bundle);
    h.bundle = &*bundleKept;
    demoOptions.hologram = h;
    demoOptions.controls.activePreset = presetIndex(options.display, *bundleKept);
    demoOptions.controls.clip = options.display.clip;
    demoOptions.controls.slices = options.display.slices;
  }
  if (options.avatars > 0 || options.ui) {
    Result<std::unique_ptr<DemoPeople>> demo = DemoPeople::create(renderer, room, demoOptions);
    if (!demo) {
      return demo.error();
    }
    scene.people_ = std::move(*demo);
  }
  return scene;
}

}  // namespace medverse::app
