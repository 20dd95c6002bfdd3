#pragma once
// The unit sphere and cylinder that markers are drawn from (avatars' heads
// and hands, pins, measurement lines, plane gizmos, the XR user's own hands
// and laser), and the two materials they use.
#include <glm/gtc/quaternion.hpp>
#include <glm/vec3.hpp>
#include <optional>

#include "medverse/core/result.h"
#include "medverse/render/render_view.h"

namespace medverse::render {
class Renderer;
}

namespace medverse::app {

struct PrimitiveMeshes {
  render::MeshHandle sphere;    // radius 1
  render::MeshHandle cylinder;  // radius 1, height 1, along Y, centred

  // Uploads both meshes with this many segments around (the sphere has half
  // as many rings).
  static Result<PrimitiveMeshes> create(render::Renderer& renderer, uint32_t sphereSegments,
                                        uint32_t cylinderSegments);

  // The sphere stretched to `radii` (along the axes of `orientation`).
  [[nodiscard]] render::MeshInstance ellipsoid(const glm::vec3& centre, const glm::vec3& radii,
                                               const glm::quat& orientation,
                                               const render::Material& material) const;
  // A rod of `radius` from a to b; nothing when they coincide.
  [[nodiscard]] std::optional<render::MeshInstance> rod(const glm::vec3& a, const glm::vec3& b,
                                                        float radius,
                                                        const render::Material& material) const;
};

// Linear colour, opaque, no glow.
render::Material matteMaterial(const glm::vec3& linear, float roughness = 0.5F);
// Linear colour that also emits `strength` times itself (reads in any light).
render::Material glowingMaterial(const glm::vec3& linear, float strength, float opacity = 1.0F);

}  // namespace medverse::app
