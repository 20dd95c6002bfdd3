#include "medverse/app/primitive_meshes.h"

#include <glm/gtc/matrix_transform.hpp>
#include <glm/gtx/quaternion.hpp>

#include "medverse/assets/primitives.h"
#include "medverse/render/renderer.h"

namespace medverse::app {

Result<PrimitiveMeshes> PrimitiveMeshes::create(render::Renderer& renderer, uint32_t sphereSegments,
                                                uint32_t cylinderSegments) {
  PrimitiveMeshes p;
  Result<render::MeshHandle> sphere =
      renderer.uploadMesh(assets::makeUvSphere(1.0F, sphereSegments, sphereSegments / 2));
  if (!sphere) {
    return sphere.error();
  }
  Result<render::MeshHandle> cylinder =
      renderer.uploadMesh(assets::makeCylinder(1.0F, 1.0F, cylinderSegments));
  if (!cylinder) {
    return cylinder.error();
  }
  p.sphere = *sphere;
  p.cylinder = *cylinder;
  return p;
}

render::MeshInstance PrimitiveMeshes::ellipsoid(const glm::vec3& centre, const glm::vec3& radii,
                                                const glm::quat& orientation,
                                                const render::Material& material) const {
  render::MeshInstance i;
  i.mesh = sphere;
  i.model = glm::translate(glm::mat4(1.0F), centre) * glm::mat4_cast(orientation) *
            glm::scale(glm::mat4(1.0F), radii);
  i.material = material;
  return i;
}

std::optional<render::MeshInstance> PrimitiveMeshes::rod(const glm::vec3& a, const glm::vec3& b,
                                                         float radius,
                                                         const render::Material& material) const {
  const glm::vec3 d = b - a;
  const float length = glm::length(d);
  if (length < 1e-6F) {
    return std::nullopt;
  }
  render::MeshInstance i;
  i.mesh = cylinder;
  i.model = glm::translate(glm::mat4(1.0F), (a + b) * 0.5F) *
            glm::mat4_cast(glm::rotation(glm::vec3(0.0F, 1.0F, 0.0F), d / length)) *
            glm::scale(glm::mat4(1.0F), {radius, length, radius});
  i.material = material;
  return i;
}

render::Material matteMaterial(const glm::vec3& linear, float roughness) {
  render::Material m;
  m.baseColor = glm::vec4(linear, 1.0F);
  m.roughness = roughness;
  return m;
}

render::Material glowingMaterial(const glm::vec3& linear, float strength, float opacity) {
  render::Material m;
  m.baseColor = glm::vec4(linear, opacity);
  m.roughness = 0.4F;
  m.emissive = linear * strength;
  return m;
}

}  // namespace medverse::app
