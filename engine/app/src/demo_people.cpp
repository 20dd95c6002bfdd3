#include "medverse/app/demo_people.h"

#include <glm/gtc/matrix_transform.hpp>
#include <glm/gtc/quaternion.hpp>
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

  // The model on the table (the test sphere today, the hologram later) is
  // where everyone looks; patient millimetres map onto it.
  const glm::vec3 model = room.testObjectPosition + kUp * 0.2F;
  demo->patientToWorld_ =
      glm::translate(glm::mat4(1.0F), model) * glm::scale(glm::mat4(1.0F), glm::vec3(0.001F));
  const glm::vec3 t = room.tableTop;
  std::vector<AvatarState> cast = {
      person("Dr. Amara Okafor", net::Role::Expert, t + glm::vec3(-0.35F, 0.78F, -0.85F), model),
      person("Dr. Jonas Weber", net::Role::Doctor, t + glm::vec3(-1.1F, 0.76F, -0.3F), model),
      person("Lea Martin", net::Role::Trainee, t + glm::vec3(1.1F, 0.72F, -0.35F), model),
      person("Sam Ortiz", net::Role::Spectator, t + glm::vec3(0.75F, 0.8F, -1.45F), model)};
  cast.resize(options.avatars);
  if (!cast.empty()) {
    // The expert points at the model.
    AvatarState& expert = cast[0];
    const glm::quat body = expert.rightHand.pose.orientation;
    expert.rightHand.pose.position = expert.head.position + body * glm::vec3(0.2F, -0.32F, -0.38F);
    const glm::vec3 origin = expert.rightHand.pose.position;
    const glm::vec3 hit =
        model + glm::normalize(origin - model + glm::vec3(-0.12F, 0.08F, 0.1F)) * 0.2F;
    expert.rightHand.pose.orientation = lookRotation(origin, hit);
    expert.pointer.active = true;
    expert.pointer.hit = hit;
    demo->pins_.push_back({{0.0F, 200.0F, 0.0F}, "Region of interest", net::Role::Expert});
    // A caliper across the model, just in front of it.
    demo->measurements_.push_back(
        {{-200.0F, 0.0F, 230.0F}, {200.0F, 0.0F, 230.0F}, net::Role::Expert});
  }
  demo->avatars_ = std::move(cast);

  if (options.ui) {
    demo->overlay_ = std::make_unique<ui::UiContext>(*demo->fonts_);
    const glm::vec2 panelPixels{320.0F, 400.0F};
    demo->panel_ = std::make_unique<ui::WorldPanel>(*demo->fonts_, panelPixels, glm::mat4(1.0F));
    ui::OverlayState& s = demo->state_;
    s.participants.push_back(
        {"Dr. Wei Chen", "doctor", roleColorPacked(net::Role::Doctor), true, false});
    for (const AvatarState& a : demo->avatars_) {
      s.participants.push_back({a.name, std::string(net::roleName(a.role)), roleColorPacked(a.role),
                                false, a.role == net::Role::Expert});
    }
    s.presets = {"CT bone", "CT lung", "CT soft tissue", "MR brain"};
    s.activePreset = 3;
    s.clipPlanes = {{"Axial cut", false, 0.0F, 90.0F}, {"Sagittal cut", false, 0.0F, 90.0F}};
    s.slices[0].visible = true;
    s.slices[0].position = 0.55F;
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
  std::vector<render::UiPanel> labels = labels_->build(people.labels, view.camera.position);
  view.panels.insert(view.panels.end(), labels.begin(), labels.end());

  if (overlay_) {
    state_.frame = frame;
    // ImGui sizes auto-resizing windows from the previous frame, so the very
    // first frame is laid out twice.
    const int passes = firstOverlayFrame_ ? 2 : 1;
    for (int i = 0; i < passes; ++i) {
      overlay_->beginFrame(displaySize, 1.0F / 60.0F, ui::PointerInput{});
      ui::buildOverlay(state_, displaySize);
      view.overlay = overlay_->endFrame();
    }
    firstOverlayFrame_ = false;

    // The hologram controls also stand in the room, left of the table,
    // turned towards the viewer.
    const glm::vec3 anchor = patientToWorld_[3];
    panel_->setModel(ui::billboard(glm::vec3(anchor.x - 1.05F, anchor.y - 0.05F, anchor.z - 1.0F),
                                   0.48F, 0.60F, view.camera.position));
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
}

}  // namespace medverse::app
