#pragma once
// The components and actor classes of a consult room, with their replicated
// properties and quantization.
//
// Positions in room space (metres) are bounded to a 16 m × 16 m × 16 m box
// around the room origin with 14 bits per axis: at most 0.49 mm per axis,
// 0.85 mm in 3D. Rotations use smallest three with 12 bits per component:
// at most 0.069° (quantize.h). A pose is 80 bits.
#include <array>
#include <cstdint>
#include <string>

#include "medverse/core/transform.h"
#include "medverse/world/world.h"

namespace medverse::world {

inline constexpr Quantization kRoomPose{.bits = 14, .min = -8.0F, .max = 8.0F, .rotBits = 12};
// Patient space (mm) for pins and measurements: ±1 m at 20 bits, 1 µm steps.
inline constexpr Quantization kPatientPoint{.bits = 20, .min = -1000.0F, .max = 1000.0F};

struct TransformComponent : ComponentBase<TransformComponent> {
  Transform transform;
  static const TypeInfo& staticType();
};

// What a participant's avatar shows: head, hands and a pointer ray (from the
// pointer pose's position along its -Z axis).
struct AvatarComponent : ComponentBase<AvatarComponent> {
  Pose head;
  Pose leftHand;
  Pose rightHand;
  Pose pointer;
  bool pointerActive = false;
  // The owner's input sequence number of these poses (for latency figures).
  uint16_t inputSeq = 0;
  // False while the participant is disconnected within the grace period.
  bool present = true;
  static const TypeInfo& staticType();
};

inline constexpr size_t kClipPlanes = 3;
inline constexpr size_t kSlicePlanes = 3;

// The shared hologram: where it stands in the room, how it is shown, where it
// is cut. Planes are in patient space (mm).
struct HologramComponent : ComponentBase<HologramComponent> {
  Transform transform;  // patient mm → room m (scale 0.001 is life size)
  uint8_t preset = 0;   // index into the case's window presets
  bool surfaces = false;  // the case's surfaces (atlas structures) shown
  float windowCenter = 40.0F;
  float windowWidth = 400.0F;
  Plane clip0, clip1, clip2;
  Plane slice0, slice1, slice2;
  std::string caseName;
  std::string caseHash;  // hex
  static const TypeInfo& staticType();

  [[nodiscard]] Plane* clip(size_t i);
  [[nodiscard]] Plane* slice(size_t i);
};

// Who a participant is, for everyone's participant list.
struct PlayerStateComponent : ComponentBase<PlayerStateComponent> {
  uint64_t clientId = 0;
  std::string name;
  uint8_t role = 3;  // net::Role
  bool hasControl = false;
  bool connected = true;
  uint64_t following = 0;  // client id a spectator follows, 0 = free camera
  uint64_t avatar = 0;     // net id of the avatar actor
  static const TypeInfo& staticType();
};

struct AnnotationComponent : ComponentBase<AnnotationComponent> {
  glm::vec3 position{0.0F};  // patient mm
  uint64_t author = 0;       // client id
  std::string text;
  uint32_t sequence = 0;  // order of creation in the session
  static const TypeInfo& staticType();
};

struct MeasurementComponent : ComponentBase<MeasurementComponent> {
  glm::vec3 a{0.0F};  // patient mm
  glm::vec3 b{0.0F};
  float distanceMm = 0.0F;  // computed by the server
  uint64_t author = 0;
  std::string label;
  uint32_t sequence = 0;
  static const TypeInfo& staticType();
};

namespace classes {
inline constexpr ClassId kPlayerState = 1;
inline constexpr ClassId kAvatar = 2;
inline constexpr ClassId kHologram = 3;
inline constexpr ClassId kAnnotation = 4;
inline constexpr ClassId kMeasurement = 5;
}  // namespace classes

// Registers the classes above (idempotent). Server and client call it.
void registerConsultClasses();
[[nodiscard]] const ActorClass& actorClass(ClassId id);

}  // namespace medverse::world
