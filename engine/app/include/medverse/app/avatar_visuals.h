#pragma once
// The people in the room and what they leave in it, as the renderer sees
// them: avatars (head with visor, torso, both hands, role colour, name tag),
// laser pointers with their hit point, annotation pins with notes and
// measurement lines with their length in millimetres. Built from plain state
// (the world layer's avatar and annotation components fill it each frame);
// the output is mesh instances plus labels for ui::LabelBuilder.
#include <glm/gtc/quaternion.hpp>
#include <glm/mat4x4.hpp>
#include <glm/vec3.hpp>
#include <optional>
#include <string>
#include <vector>

#include "medverse/app/primitive_meshes.h"
#include "medverse/core/result.h"
#include "medverse/net/role.h"
#include "medverse/render/render_view.h"
#include "medverse/ui/labels.h"

namespace medverse::render {
class Renderer;
}

namespace medverse::app {

// A pose in room coordinates (metres). Orientation follows OpenXR: -Z forward,
// +Y up, +X right.
struct Pose {
  glm::vec3 position{0.0F};
  glm::quat orientation{1.0F, 0.0F, 0.0F, 0.0F};
};

struct HandState {
  bool tracked = true;  // an untracked hand is not drawn
  Pose pose;
};

struct PointerState {
  bool active = false;
  // The beam leaves the right hand along its -Z, unless origin/direction are
  // given (a desktop user's mouse ray starts at the head).
  std::optional<glm::vec3> origin;
  std::optional<glm::vec3> direction;
  std::optional<glm::vec3> hit;  // where the beam stops (world); none: it fades out
  float maxLength = 4.0F;        // metres drawn when nothing is hit
};

struct AvatarState {
  std::string name;
  net::Role role = net::Role::Trainee;
  Pose head;
  HandState leftHand;
  HandState rightHand;
  PointerState pointer;
  bool showLabel = true;  // off for your own avatar
};

// A note pinned to the patient: in patient space (LPS, millimetres).
struct AnnotationPin {
  glm::vec3 positionMm{0.0F};
  std::string text;
  net::Role author = net::Role::Expert;
};

// A distance measured on the patient between two points in patient space.
struct Measurement {
  glm::vec3 aMm{0.0F};
  glm::vec3 bMm{0.0F};
  net::Role author = net::Role::Expert;
};

// The role colours (Okabe-Ito palette, distinguishable with the common
// colour-vision deficiencies; docs/RENDERING.md). sRGB 0..1.
glm::vec3 roleColorSrgb(net::Role role);
// The same, linear, for materials.
glm::vec3 roleColorLinear(net::Role role);
// The same, packed IM_COL32 (sRGB, red in the low byte), for UI.
uint32_t roleColorPacked(net::Role role, uint8_t alpha = 255);

// "42.0 mm": the distance between two points given in millimetres.
std::string measurementText(const glm::vec3& aMm, const glm::vec3& bMm);

struct PeopleVisuals {
  std::vector<render::MeshInstance> meshes;
  std::vector<ui::WorldLabel> labels;
};

class AvatarVisuals {
 public:
  // Uploads the few unit meshes every avatar, pin and line is drawn from.
  static Result<AvatarVisuals> create(render::Renderer& renderer);

  void addAvatar(const AvatarState& avatar, PeopleVisuals& out) const;
  // patientToWorld: the hologram's transform (patient millimetres → room metres).
  void addPin(const AnnotationPin& pin, const glm::mat4& patientToWorld, PeopleVisuals& out) const;
  void addMeasurement(const Measurement& measurement, const glm::mat4& patientToWorld,
                      PeopleVisuals& out) const;

  // Where a name tag's bottom sits for a head at `head` (world).
  static glm::vec3 labelAnchor(const Pose& head);

 private:
  void addSegment(const glm::vec3& a, const glm::vec3& b, float radius,
                  const render::Material& material, PeopleVisuals& out) const;
  void addSphere(const glm::vec3& centre, const glm::vec3& radii, const glm::quat& orientation,
                 const render::Material& material, PeopleVisuals& out) const;

  PrimitiveMeshes primitives_;
  render::MeshHandle capsule_;   // radius 1, cylinder 1, along Y
};

}  // namespace medverse::app
