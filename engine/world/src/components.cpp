#include "medverse/world/components.h"

#include <mutex>
#include <stdexcept>

namespace medverse::world {

const TypeInfo& TransformComponent::staticType() {
  static const TypeInfo info =
      Describe<TransformComponent, Component>("Transform")
          .add("transform", &TransformComponent::transform, kRoomPose)
          .info();
  return info;
}

const TypeInfo& AvatarComponent::staticType() {
  static const TypeInfo info =
      Describe<AvatarComponent, Component>("Avatar")
          .add("head", &AvatarComponent::head, kRoomPose, Condition::SkipOwner)
          .add("leftHand", &AvatarComponent::leftHand, kRoomPose, Condition::SkipOwner)
          .add("rightHand", &AvatarComponent::rightHand, kRoomPose, Condition::SkipOwner)
          .add("pointer", &AvatarComponent::pointer, kRoomPose, Condition::SkipOwner)
          .add("pointerActive", &AvatarComponent::pointerActive, Condition::SkipOwner)
          .add("inputSeq", &AvatarComponent::inputSeq, {}, Condition::SkipOwner)
          .add("present", &AvatarComponent::present)
          .info();
  return info;
}

const TypeInfo& HologramComponent::staticType() {
  static const TypeInfo info =
      Describe<HologramComponent, Component>("Hologram")
          .add("transform", &HologramComponent::transform, kRoomPose, Condition::SkipOwner)
          .add("preset", &HologramComponent::preset)
          .add("surfaces", &HologramComponent::surfaces)
          .add("windowCenter", &HologramComponent::windowCenter)
          .add("windowWidth", &HologramComponent::windowWidth)
          .add("clip0", &HologramComponent::clip0)
          .add("clip1", &HologramComponent::clip1)
          .add("clip2", &HologramComponent::clip2)
          .add("slice0", &HologramComponent::slice0)
          .add("slice1", &HologramComponent::slice1)
          .add("slice2", &HologramComponent::slice2)
          .add("caseName", &HologramComponent::caseName, {.maxLength = 128})
          .add("caseHash", &HologramComponent::caseHash, {.maxLength = 64})
          .info();
  return info;
}

Plane* HologramComponent::clip(size_t i) {
  std::array<Plane*, kClipPlanes> planes{&clip0, &clip1, &clip2};
  return i < planes.size() ? planes.at(i) : nullptr;
}

Plane* HologramComponent::slice(size_t i) {
  std::array<Plane*, kSlicePlanes> planes{&slice0, &slice1, &slice2};
  return i < planes.size() ? planes.at(i) : nullptr;
}

const TypeInfo& PlayerStateComponent::staticType() {
  static const TypeInfo info =
      Describe<PlayerStateComponent, Component>("PlayerState")
          .add("clientId", &PlayerStateComponent::clientId, {}, Condition::InitialOnly)
          .add("name", &PlayerStateComponent::name, {.maxLength = 64}, Condition::InitialOnly)
          .add("role", &PlayerStateComponent::role, {.bits = 2})
          .add("hasControl", &PlayerStateComponent::hasControl)
          .add("connected", &PlayerStateComponent::connected)
          .add("following", &PlayerStateComponent::following)
          .add("avatar", &PlayerStateComponent::avatar, {}, Condition::InitialOnly)
          .info();
  return info;
}

const TypeInfo& AnnotationComponent::staticType() {
  static const TypeInfo info =
      Describe<AnnotationComponent, Component>("Annotation")
          .add("position", &AnnotationComponent::position, kPatientPoint)
          .add("author", &AnnotationComponent::author, {}, Condition::InitialOnly)
          .add("text", &AnnotationComponent::text, {.maxLength = 500})
          .add("sequence", &AnnotationComponent::sequence, {}, Condition::InitialOnly)
          .info();
  return info;
}

const TypeInfo& MeasurementComponent::staticType() {
  static const TypeInfo info =
      Describe<MeasurementComponent, Component>("Measurement")
          .add("a", &MeasurementComponent::a, kPatientPoint)
          .add("b", &MeasurementComponent::b, kPatientPoint)
          .add("distanceMm", &MeasurementComponent::distanceMm)
          .add("author", &MeasurementComponent::author, {}, Condition::InitialOnly)
          .add("label", &MeasurementComponent::label, {.maxLength = 200})
          .add("sequence", &MeasurementComponent::sequence, {}, Condition::InitialOnly)
          .info();
  return info;
}

void registerConsultClasses() {
  static std::once_flag once;
  std::call_once(once, [] {
    registerActorClass({.id = classes::kPlayerState,
                        .name = "PlayerState",
                        .build = [](Actor& a) { a.add<PlayerStateComponent>(); },
                        .priority = 0.5F});
    registerActorClass({.id = classes::kAvatar,
                        .name = "Avatar",
                        .build = [](Actor& a) { a.add<AvatarComponent>(); },
                        .priority = 1.0F,
                        .interpolated = true});
    registerActorClass({.id = classes::kHologram,
                        .name = "Hologram",
                        .build = [](Actor& a) { a.add<HologramComponent>(); },
                        .priority = 4.0F,
                        .interpolated = true});
    registerActorClass({.id = classes::kAnnotation,
                        .name = "Annotation",
                        .build = [](Actor& a) { a.add<AnnotationComponent>(); },
                        .priority = 2.0F});
    registerActorClass({.id = classes::kMeasurement,
                        .name = "Measurement",
                        .build = [](Actor& a) { a.add<MeasurementComponent>(); },
                        .priority = 2.0F});
  });
}

const ActorClass& actorClass(ClassId id) {
  registerConsultClasses();
  const ActorClass* c = findActorClass(id);
  if (c == nullptr) {
    throw std::logic_error("unregistered actor class");
  }
  return *c;
}

}  // namespace medverse::world
