#include "medverse/app/xr_visuals.h"

#include <glm/gtx/quaternion.hpp>

#include "medverse/app/avatar_visuals.h"
#include "medverse/render/renderer.h"

namespace medverse::app {
namespace {

constexpr glm::vec3 kUp{0.0F, 1.0F, 0.0F};

render::Material matte(const glm::vec3& linear, float roughness) {
  return matteMaterial(linear, roughness);
}

render::Material glowing(const glm::vec3& linear, float strength) {
  return glowingMaterial(linear, strength);
}

}  // namespace

Result<XrLocalVisuals> XrLocalVisuals::create(render::Renderer& renderer) {
  Result<PrimitiveMeshes> primitives = PrimitiveMeshes::create(renderer, 24, 12);
  if (!primitives) {
    return primitives.error();
  }
  XrLocalVisuals v;
  v.primitives_ = *primitives;
  return v;
}

void XrLocalVisuals::ellipsoid(const glm::vec3& centre, const glm::vec3& radii,
                               const glm::quat& orientation, const render::Material& material,
                               render::RenderView& view) const {
  view.meshes.push_back(primitives_.ellipsoid(centre, radii, orientation, material));
}

void XrLocalVisuals::segment(const glm::vec3& a, const glm::vec3& b, float radius,
                             const render::Material& material, render::RenderView& view) const {
  if (std::optional<render::MeshInstance> rod = primitives_.rod(a, b, radius, material)) {
    view.meshes.push_back(*rod);
  }
}

void XrLocalVisuals::append(const LocalHands& hands, const TeleportAim& teleport, net::Role role,
                            render::RenderView& view) const {
  const glm::vec3 colour = roleColorLinear(role);
  for (int h = 0; h < 2; ++h) {
    if (hands.grip[h]) {
      // A palm along the grip's -Z, and a thumb on the inner side.
      const medverse::Pose& g = *hands.grip[h];
      ellipsoid(g.position, {0.042F, 0.026F, 0.075F}, g.orientation, matte(colour, 0.5F), view);
      const float inner = h == 0 ? 1.0F : -1.0F;
      ellipsoid(g.position + g.orientation * glm::vec3(0.035F * inner, 0.012F, -0.03F),
                {0.014F, 0.014F, 0.035F}, g.orientation, matte(colour * 0.8F, 0.5F), view);
    }
    if (hands.aim[h] && hands.laserHit[h]) {
      const medverse::Pose& a = *hands.aim[h];
      const glm::vec3 start = a.position + a.orientation * glm::vec3(0.0F, 0.0F, -0.05F);
      segment(start, *hands.laserHit[h], kLaserRadius, glowing(colour, 2.5F), view);
      ellipsoid(*hands.laserHit[h], glm::vec3(0.016F), glm::quat(1, 0, 0, 0),
                glowing(glm::mix(colour, glm::vec3(1.0F), 0.6F), 3.0F), view);
    }
  }
  if (teleport.active && teleport.arc.size() >= 2) {
    // Cyan where a teleport would land, red where it cannot.
    const glm::vec3 arcColour =
        teleport.target ? glm::vec3(0.05F, 0.6F, 0.9F) : glm::vec3(0.8F, 0.08F, 0.05F);
    for (size_t i = 0; i + 1 < teleport.arc.size(); ++i) {
      segment(teleport.arc[i], teleport.arc[i + 1], 0.006F, glowing(arcColour, 2.0F), view);
    }
    if (teleport.target) {
      ellipsoid(*teleport.target + kUp * 0.005F, {0.25F, 0.004F, 0.25F}, glm::quat(1, 0, 0, 0),
                glowing(arcColour, 1.5F), view);
    }
  }
}

}  // namespace medverse::app
