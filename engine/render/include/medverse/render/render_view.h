#pragma once
// The plain description of one frame that the app extracts from the world and
// hands to the renderer. The renderer never sees actors, components or the
// network: only cameras, lights and things to draw.
#include <array>
#include <cstdint>
#include <vector>

#include <glm/mat4x4.hpp>
#include <glm/vec3.hpp>
#include <glm/vec4.hpp>

namespace medverse::render {

// A mesh uploaded with Renderer::uploadMesh.
struct MeshHandle {
  uint32_t index = UINT32_MAX;
  [[nodiscard]] bool valid() const { return index != UINT32_MAX; }
};

struct CameraView {
  glm::mat4 view{1.0F};
  glm::mat4 projection{1.0F};
  glm::vec3 position{0.0F};  // world space, for specular and view-dependent effects
  // Linear scale applied to scene light before the filmic tone curve; like a
  // camera's exposure, it brightens or darkens everything without changing
  // the light set-up.
  float exposure = 1.0F;
};

// Light intensities share one relative scale: a white light of intensity 1
// falling head-on on a matte surface reflects exactly its base colour. A
// point light has that effect at 1 m and falls off with the inverse square.
struct Light {
  enum class Kind { Directional, Point };
  Kind kind = Kind::Directional;
  glm::vec3 direction{0.0F, -1.0F, 0.0F};  // Directional: the direction light travels
  glm::vec3 position{0.0F};                // Point: where it is (world)
  glm::vec3 color{1.0F};                   // linear
  float intensity = 1.0F;
};

// Metallic-roughness material parameters (glTF 2.0 meanings).
struct Material {
  glm::vec4 baseColor{0.8F, 0.8F, 0.8F, 1.0F};  // linear rgb + opacity
  float roughness = 0.6F;
  float metallic = 0.0F;
  glm::vec3 emissive{0.0F};  // linear, added to the lit colour (light panels)
};

struct MeshInstance {
  MeshHandle mesh;
  glm::mat4 model{1.0F};
  Material material;
};

// Views drawn by one pass: 1 (mono) or 2 (stereo, one multiview pass into a
// 2-layer target; layer 0 is the left eye).
inline constexpr uint32_t kMaxViews = 2;

struct RenderView {
  CameraView camera;                     // mono (viewCount == 1)
  std::array<CameraView, kMaxViews> eyes;  // stereo (viewCount == 2): left, right
  uint32_t viewCount = 1;  // must equal the target's viewCount
  std::vector<Light> lights;  // at most kMaxLights are used
  glm::vec3 skyAmbient{0.25F, 0.27F, 0.30F};
  glm::vec3 groundAmbient{0.10F, 0.10F, 0.10F};
  glm::vec4 clearColor{0.02F, 0.02F, 0.025F, 1.0F};  // linear
  std::vector<MeshInstance> meshes;

  // The camera of view `i` (gl_ViewIndex in shaders): `camera` in mono.
  [[nodiscard]] const CameraView& cameraFor(uint32_t i) const {
    return viewCount == 1 ? camera : eyes[i];
  }
};

inline constexpr uint32_t kMaxLights = 8;

}  // namespace medverse::render
