#include "medverse/app/demo_people.h"

#include <algorithm>
#include <glm/gtc/matrix_transform.hpp>
#include <glm/gtc/quaternion.hpp>
#include <optional>
#include <string>

#include "medverse/render/renderer.h"

namespace medverse::app {
namespace {

constexpr glm::vec3 kUp{0.0F, 1.0F, 0.0F};

glm::quat lookRotation(const glm::vec3& from, const glm::vec3& to) {
  return glm::quatLookAt(glm::normalize(to - from), kUp);  // -Z towards `to`
}

// A person standing at `head`, looking at `target`, hands resting forward.
AvatarState person(std::string name, net::Role role, const glm::vec3& head,
                   const glm::vec3& target) {
  AvatarState a;
  a.name = std::move(name);
  a.role = role;
  a.head.position = head;
  a.head.orientation = lookRotation(head, target);
  glm::vec3 forward = target - head;
  forward.y = 0.0F;
  forward = glm::normalize(forward);
  const glm::vec3 right = glm::cross(forward, kUp);
  const glm::quat body = glm::quatLookAt(forward, kUp);
  a.leftHand.pose.position = head - right * 0.2F - kUp * 0.52F + forward * 0.22F;
  a.rightHand.pose.position = head + right * 0.2F - kUp * 0.52F + forward * 0.22F;
  a.leftHand.pose.orientation = body;
  a.rightHand.pose.orientation = body;
  return a;
}

// The vertex of `meshes` farthest along `direction` (patient mm): a point
// on the surface that faces that way. None if there are no vertices.
std::optional<glm::vec3> supportPoint(const std::vector<const assets::MeshData*>& meshes,
                                      const glm::vec3& direction) {
  std::optional<glm::vec3> best;
  float bestDot = 0.0F;
  for (const assets::MeshData* mesh : meshes) {
    for (const assets::Vertex& v : mesh->vertices) {
      const float d = glm::dot(v.position, direction);
      if (!best || d > bestDot) {
        best = v.position;
        bestDot = d;
      }
    }
  }
  return best;
}

// Where the people's attention goes on the hologram, in patient mm.
struct Landmarks {
  glm::vec3 pinMm{0.0F};
  std::string pinText;
  glm::vec3 widthLeftMm{0.0F};   // the brain's left-right extent
  glm::vec3 widthRightMm{0.0F};
  std::vector<const assets::MeshData*> surfaces;  // empty: the volume's box stands in
};

Landmarks findLandmarks(const DemoHologram& h) {
  Landmarks l;
  const glm::vec3 centre = 0.5F * (h.boundsMinMm + h.boundsMaxMm);
  const assets::MeshData* pinSurface = nullptr;
  if (h.bundle != nullptr) {
    for (const imaging::CaseSurface& s : h.bundle->surfaces) {
      if (s.mesh.vertices.empty()) {
        continue;
      }
      l.surfaces.push_back(&s.mesh);
      if (s.name == "Precentral_L") {
        pinSurface = &s.mesh;
      }
    }
  }
  // LPS: +x is the patient's left, +z superior.
  const std::optional<glm::vec3> left = supportPoint(l.surfaces, {1.0F, 0.0F, 0.0F});
  const std::optional<glm::vec3> right = supportPoint(l.surfaces, {-1.0F, 0.0F, 0.0F});
  l.widthLeftMm = left.value_or(glm::vec3(h.boundsMaxMm.x, centre.y, centre.z));
  l.widthRightMm = right.value_or(glm::vec3(h.boundsMinMm.x, centre.y, centre.z));
  if (pinSurface != nullptr) {
    // The upper lateral edge of the left precentral gyrus (AAL label 1): the
    // motor cortex, on the side facing the viewer's right.
    l.pinMm = *supportPoint({pinSurface}, glm::normalize(glm::vec3(1.0F, 0.0F, 1.2F)));
    l.pinText = "L precentral gyrus (AAL)";
  } else {
    l.pinMm = supportPoint(l.surfaces, {0.0F, 0.0F, 1.0F})
                  .value_or(glm::vec3(centre.x, centre.y, h.boundsMaxMm.z));
    l.pinText = "Region of interest";
  }
  return l;
}

}  // namespace

Result<std::unique_ptr<DemoPeople>> DemoPeople::create(render::Renderer& renderer,
                                                       const assets::Room& room,
                                                       const DemoPeopleOptions& options) {
  if (options.avatars > kMaxAvatars) {
    return makeError("--avatars must be 0.." + std::to_string(kMaxAvatars) + ", got " +
                     std::to_string(options.avatars));
  }
  std::unique_ptr<DemoPeople> demo(new DemoPeople());
  demo->options_ = options;
  demo->options_.hologram.reset();  // its bundle pointer is only valid here
  Result<std::unique_ptr<ui::UiFonts>> fonts = ui::UiFonts::create(renderer);
  if (!fonts) {
    return fonts.error();
  }
  demo->fonts_ = std::move(*fonts);
  Result<AvatarVisuals> visuals = AvatarVisuals::create(renderer);
  if (!visuals) {
    return visuals.error();
  }
  demo->visuals_ = *visuals;
  demo->labels_ = std::make_unique<ui::LabelBuilder>(*demo->fonts_);

  // The hologram (or, in the empty room, the test object) is where everyone
  // looks; patient millimetres map onto it.
  glm::vec3 model = room.testObjectPosition + kUp * 0.2F;
  std::optional<Landmarks> landmarks;
  if (options.hologram) {
    demo->patientToWorld_ = options.hologram->patientToWorld;
    const glm::vec3 centreMm =
        0.5F * (options.hologram->boundsMinMm + options.hologram->boundsMaxMm);
    model = glm::vec3(demo->patientToWorld_ * glm::vec4(centreMm, 1.0F));
    landmarks = findLandmarks(*options.hologram);
  } else {
    demo->patientToWorld_ =
        glm::translate(glm::mat4(1.0F), model) * glm::scale(glm::mat4(1.0F), glm::vec3(0.001F));
  }
  demo->modelCentre_ = model;
  demo->tableTopY_ = room.tableTop.y;
  const glm::vec3 t = room.tableTop;
  std::vector<AvatarState> cast = {
      person("Dr. Amara Okafor", net::Role::Expert, t + glm::vec3(-0.66F, 0.78F, -0.6F), model),
      person("Dr. Jonas Weber", net::Role::Doctor, t + glm::vec3(0.09F, 0.76F, -0.92F), model),
      person("Lea Martin", net::Role::Trainee, t + glm::vec3(0.74F, 0.72F, -0.52F), model),
      person("Sam Ortiz", net::Role::Spectator, t + glm::vec3(0.75F, 0.8F, -1.45F), model)};
  cast.resize(options.avatars);
  if (!cast.empty()) {
    // The expert points at the hologram.
    AvatarState& expert = cast[0];
    const glm::quat body = expert.rightHand.pose.orientation;
    expert.rightHand.pose.position = expert.head.position + body * glm::vec3(0.2F, -0.32F, -0.38F);
    const glm::vec3 origin = expert.rightHand.pose.position;
    glm::vec3 hit;
    if (landmarks) {
      // The beam ends on the brain's surface where it faces the expert's hand
      // from above (the vertex farthest that way), seen by everyone.
      const glm::mat4 worldToPatient = glm::inverse(demo->patientToWorld_);
      const glm::vec3 handMm = glm::vec3(worldToPatient * glm::vec4(origin, 1.0F));
      const glm::vec3 centreMm =
          0.5F * (options.hologram->boundsMinMm + options.hologram->boundsMaxMm);
      glm::vec3 towards = handMm - centreMm;
      towards.z = 0.0F;
      const glm::vec3 direction =
          glm::normalize(glm::normalize(towards) + glm::vec3(0.0F, 0.0F, 1.6F));
      const glm::vec3 hitMm = supportPoint(landmarks->surfaces, direction)
                                  .value_or(centreMm + direction * 60.0F);
      hit = glm::vec3(demo->patientToWorld_ * glm::vec4(hitMm, 1.0F));
      demo->pins_.push_back({landmarks->pinMm, landmarks->pinText, net::Role::Expert});
      // A caliper across the brain from its leftmost to its rightmost point.
      demo->measurements_.push_back(
          {landmarks->widthRightMm, landmarks->widthLeftMm, net::Role::Expert});
    } else {
      hit = model + glm::normalize(origin - model + glm::vec3(-0.12F, 0.08F, 0.1F)) * 0.2F;
      demo->pins_.push_back({{0.0F, 200.0F, 0.0F}, "Region of interest", net::Role::Expert});
      demo->measurements_.push_back(
          {{-200.0F, 0.0F, 230.0F}, {200.0F, 0.0F, 230.0F}, net::Role::Expert});
    }
    expert.rightHand.pose.orientation = lookRotation(origin, hit);
    expert.pointer.active = true;
    expert.pointer.hit = hit;
  }
  // Spectators watch without an avatar: participants never see them in the
  // room (DESIGN.md); the overlay lists them as watching.
  for (const AvatarState& a : cast) {
    if (a.role != net::Role::Spectator) {
      demo->avatars_.push_back(a);
    }
  }

  if (options.ui) {
    demo->overlay_ = std::make_unique<ui::UiContext>(*demo->fonts_);
    if (options.worldPanel) {
      const glm::vec2 panelPixels{320.0F, 400.0F};
      demo->panel_ =
          std::make_unique<ui::WorldPanel>(*demo->fonts_, panelPixels, glm::mat4(1.0F));
    }
    ui::OverlayState& s = demo->state_;
    s.participants.push_back(
        {"Dr. Wei Chen", "doctor", roleColorPacked(net::Role::Doctor), true, false});
    for (const AvatarState& a : cast) {
      ui::Participant p{a.name, std::string(net::roleName(a.role)), roleColorPacked(a.role), false,
                        a.role == net::Role::Expert};
      p.watching = a.role == net::Role::Spectator;
      s.participants.push_back(p);
    }
    if (options.hologram) {
      s.caseSummary = options.hologram->summary;
    }
    s.presets = {"CT bone", "CT lung", "CT soft tissue", "MR brain"};
    s.activePreset = options.controls.activePreset;
    const glm::vec3 extent = options.hologram
                                 ? options.hologram->boundsMaxMm - options.hologram->boundsMinMm
                                 : glm::vec3(180.0F);
    s.clipPlanes = {{"Axial cut", options.controls.clip[0], 0.0F, 0.5F * extent.z},
                    {"Coronal cut", options.controls.clip[1], 0.0F, 0.5F * extent.y},
                    {"Sagittal cut", options.controls.clip[2], 0.0F, 0.5F * extent.x}};
    for (size_t i = 0; i < 3; ++i) {
      s.slices[i].visible = options.controls.slices[i];
      s.slices[i].position = 0.5F;
    }
  }
  return demo;
}

void DemoPeople::decorate(render::RenderView& view, glm::vec2 displaySize,
                          const ui::FrameSummary& frame) {
  PeopleVisuals people;
  for (const AvatarState& a : avatars_) {
    visuals_->addAvatar(a, people);
  }
  for (const AnnotationPin& pin : pins_) {
    visuals_->addPin(pin, patientToWorld_, people);
  }
  for (const Measurement& m : measurements_) {
    visuals_->addMeasurement(m, patientToWorld_, people);
  }
  view.meshes.insert(view.meshes.end(), people.meshes.begin(), people.meshes.end());
  const size_t firstPanel = view.panels.size();
  std::vector<render::UiPanel> labels = labels_->build(people.labels, view.camera.position);
  view.panels.insert(view.panels.end(), labels.begin(), labels.end());

  if (overlay_) {
    state_.frame = frame;
    // ImGui sizes auto-resizing windows from the previous frame's content,
    // and the statistics change width every frame: lay out twice.
    const int passes = 2;
    for (int i = 0; i < passes; ++i) {
      overlay_->beginFrame(displaySize, 1.0F / 60.0F, ui::PointerInput{});
      ui::buildOverlay(state_, displaySize);
      view.overlay = overlay_->endFrame();
    }
  }
  if (panel_) {
    const int passes = 2;
    // The hologram controls also stand in the room, on the viewer's side of
    // the table, to the right, turned towards the viewer.
    const glm::vec3 anchor = modelCentre_;
    panel_->setModel(ui::billboard(glm::vec3(anchor.x + 0.52F, tableTopY_ + 0.01F, anchor.z + 0.22F),
                                   0.3F, 0.375F, view.camera.position));
    for (int i = 0; i < passes; ++i) {
      panel_->beginFrame(1.0F / 60.0F, std::nullopt, false);
      ui::buildHologramPanel(state_, panel_->displaySize());
      if (i + 1 == passes) {
        view.panels.push_back(panel_->endFrame());
      } else {
        panel_->endFrame();
      }
    }
  }
  // Panels blend without writing depth: draw them back to front.
  const glm::vec3 eye = view.camera.position;
  std::stable_sort(view.panels.begin() + static_cast<std::ptrdiff_t>(firstPanel), view.panels.end(),
                   [&](const render::UiPanel& a, const render::UiPanel& b) {
                     return glm::distance(glm::vec3(a.model[3]), eye) >
                            glm::distance(glm::vec3(b.model[3]), eye);
                   });
}

}  // namespace medverse::app
