#include "medverse/app/avatar_visuals.h"

#include <cmath>
#include <glm/gtc/matrix_transform.hpp>
#include <glm/gtx/quaternion.hpp>

#include "medverse/assets/primitives.h"
#include "medverse/render/renderer.h"
#include "medverse/ui/overlay.h"

namespace medverse::app {
namespace {

float srgbToLinear(float c) {
  return c <= 0.04045F ? c / 12.92F : std::pow((c + 0.055F) / 1.055F, 2.4F);
}

render::Material matte(const glm::vec3& linear, float roughness = 0.5F) {
  return matteMaterial(linear, roughness);
}

render::Material glowing(const glm::vec3& linear, float strength, float opacity = 1.0F) {
  return glowingMaterial(linear, strength, opacity);
}

constexpr glm::vec3 kUp{0.0F, 1.0F, 0.0F};

}  // namespace

glm::vec3 roleColorSrgb(net::Role role) {
  // Okabe & Ito (2008), "Color Universal Design".
  switch (role) {
    case net::Role::Expert:
      return {230.0F / 255.0F, 159.0F / 255.0F, 0.0F};  // orange #E69F00
    case net::Role::Doctor:
      return {86.0F / 255.0F, 180.0F / 255.0F, 233.0F / 255.0F};  // sky blue #56B4E9
    case net::Role::Trainee:
      return {0.0F, 158.0F / 255.0F, 115.0F / 255.0F};  // bluish green #009E73
    case net::Role::Spectator:
      return {204.0F / 255.0F, 121.0F / 255.0F, 167.0F / 255.0F};  // reddish purple #CC79A7
  }
  return {0.6F, 0.6F, 0.6F};
}

glm::vec3 roleColorLinear(net::Role role) {
  const glm::vec3 s = roleColorSrgb(role);
  return {srgbToLinear(s.r), srgbToLinear(s.g), srgbToLinear(s.b)};
}

uint32_t roleColorPacked(net::Role role, uint8_t alpha) {
  const glm::vec3 s = roleColorSrgb(role);
  auto byte = [](float v) { return static_cast<uint32_t>(std::lround(v * 255.0F)) & 0xFFU; };
  return byte(s.r) | (byte(s.g) << 8U) | (byte(s.b) << 16U) | (static_cast<uint32_t>(alpha) << 24U);
}

std::string measurementText(const glm::vec3& aMm, const glm::vec3& bMm) {
  return ui::formatMillimetres(glm::distance(aMm, bMm));
}

Result<AvatarVisuals> AvatarVisuals::create(render::Renderer& renderer) {
  AvatarVisuals v;
  Result<PrimitiveMeshes> primitives = PrimitiveMeshes::create(renderer, 32, 16);
  if (!primitives) {
    return primitives.error();
  }
  // The torso's own proportions, so its round ends stay round.
  Result<render::MeshHandle> capsule =
      renderer.uploadMesh(assets::makeCapsule(0.16F, 0.28F, 24, 12));
  if (!capsule) {
    return capsule.error();
  }
  v.primitives_ = *primitives;
  v.capsule_ = *capsule;
  return v;
}

glm::vec3 AvatarVisuals::labelAnchor(const Pose& head) {
  return head.position + kUp * 0.17F;
}

void AvatarVisuals::addSphere(const glm::vec3& centre, const glm::vec3& radii,
                              const glm::quat& orientation, const render::Material& material,
                              PeopleVisuals& out) const {
  out.meshes.push_back(primitives_.ellipsoid(centre, radii, orientation, material));
}

void AvatarVisuals::addSegment(const glm::vec3& a, const glm::vec3& b, float radius,
                               const render::Material& material, PeopleVisuals& out) const {
  if (std::optional<render::MeshInstance> rod = primitives_.rod(a, b, radius, material)) {
    out.meshes.push_back(*rod);
  }
}

void AvatarVisuals::addAvatar(const AvatarState& avatar, PeopleVisuals& out) const {
  const glm::vec3 role = roleColorLinear(avatar.role);
  const glm::quat headRot = avatar.head.orientation;
  // Head: a slightly tall ellipsoid in the role colour, with a dark glossy
  // visor across the front (-Z) showing where the person looks.
  addSphere(avatar.head.position, {0.095F, 0.115F, 0.105F}, headRot, matte(role, 0.45F), out);
  render::Material visor = matte({0.015F, 0.02F, 0.03F}, 0.12F);
  addSphere(avatar.head.position + headRot * glm::vec3(0.0F, 0.015F, -0.07F),
            {0.083F, 0.04F, 0.05F}, headRot, visor, out);

  // Torso: turns with the head's yaw only, and hangs below it.
  const glm::vec3 forward = headRot * glm::vec3(0.0F, 0.0F, -1.0F);
  const float yaw = std::atan2(-forward.x, -forward.z);
  render::MeshInstance torso;
  torso.mesh = capsule_;
  torso.model = glm::translate(glm::mat4(1.0F), avatar.head.position - kUp * 0.47F) *
                glm::rotate(glm::mat4(1.0F), yaw, kUp) *
                glm::scale(glm::mat4(1.0F), {1.15F, 1.0F, 0.75F});
  torso.material = matte(glm::mix(role, glm::vec3(0.04F), 0.55F), 0.7F);
  out.meshes.push_back(torso);

  for (const HandState* hand : {&avatar.leftHand, &avatar.rightHand}) {
    if (hand->tracked) {
      addSphere(hand->pose.position, {0.042F, 0.024F, 0.07F}, hand->pose.orientation,
                matte(role, 0.5F), out);
    }
  }

  if (avatar.pointer.active) {
    const Pose& hand = avatar.rightHand.pose;
    const glm::vec3 origin =
        avatar.pointer.origin.value_or(hand.position + hand.orientation * glm::vec3(0, 0, -0.07F));
    glm::vec3 direction =
        avatar.pointer.direction.value_or(hand.orientation * glm::vec3(0.0F, 0.0F, -1.0F));
    if (glm::dot(direction, direction) > 1e-12F) {
      direction = glm::normalize(direction);
      const glm::vec3 end =
          avatar.pointer.hit.value_or(origin + direction * avatar.pointer.maxLength);
      addSegment(origin, end, 0.0025F, glowing(role, 2.5F), out);
      if (avatar.pointer.hit) {
        // The hit point: a bright core and a soft halo in the role colour.
        addSphere(end, glm::vec3(0.016F), glm::quat(1, 0, 0, 0),
                  glowing(glm::mix(role, glm::vec3(1.0F), 0.6F), 3.0F), out);
        addSphere(end, glm::vec3(0.04F), glm::quat(1, 0, 0, 0), glowing(role, 1.2F, 0.5F), out);
      }
    }
  }

  if (avatar.showLabel && !avatar.name.empty()) {
    ui::WorldLabel label;
    label.text = avatar.name + " \xC2\xB7 " + std::string(net::roleName(avatar.role));
    label.anchor = labelAnchor(avatar.head);
    label.height = 0.075F;
    label.accent = roleColorPacked(avatar.role);
    out.labels.push_back(label);
  }
}

void AvatarVisuals::addPin(const AnnotationPin& pin, const glm::mat4& patientToWorld,
                           PeopleVisuals& out) const {
  const glm::vec3 role = roleColorLinear(pin.author);
  const glm::vec3 tip = glm::vec3(patientToWorld * glm::vec4(pin.positionMm, 1.0F));
  const glm::vec3 top = tip + kUp * 0.05F;
  addSegment(tip, top, 0.0015F, matte({0.8F, 0.8F, 0.82F}, 0.3F), out);
  addSphere(top, glm::vec3(0.009F), glm::quat(1, 0, 0, 0), glowing(role, 0.8F), out);
  if (!pin.text.empty()) {
    ui::WorldLabel label;
    label.text = pin.text;
    label.anchor = top + kUp * 0.015F;
    label.height = 0.045F;
    label.accent = roleColorPacked(pin.author);
    out.labels.push_back(label);
  }
}

void AvatarVisuals::addMeasurement(const Measurement& measurement, const glm::mat4& patientToWorld,
                                   PeopleVisuals& out) const {
  const glm::vec3 role = roleColorLinear(measurement.author);
  const glm::vec3 a = glm::vec3(patientToWorld * glm::vec4(measurement.aMm, 1.0F));
  const glm::vec3 b = glm::vec3(patientToWorld * glm::vec4(measurement.bMm, 1.0F));
  // Drawn as (barely) translucent geometry, after the volume: a caliper
  // through the patient stays visible over the hologram, as in any viewer.
  const render::Material line = glowing(glm::mix(role, glm::vec3(1.0F), 0.7F), 1.2F, 0.97F);
  addSegment(a, b, 0.0018F, line, out);
  addSphere(a, glm::vec3(0.006F), glm::quat(1, 0, 0, 0), line, out);
  addSphere(b, glm::vec3(0.006F), glm::quat(1, 0, 0, 0), line, out);
  ui::WorldLabel label;
  label.text = measurementText(measurement.aMm, measurement.bMm);
  label.anchor = (a + b) * 0.5F + kUp * 0.02F;
  label.height = 0.045F;
  label.accent = roleColorPacked(measurement.author);
  out.labels.push_back(label);
}

}  // namespace medverse::app
