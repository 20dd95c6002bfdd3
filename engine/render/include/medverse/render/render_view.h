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

#include "medverse/render/ui_draw_data.h"
#include "medverse/render/volume.h"

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

// --- Volume hologram (VolumePass; see docs/RENDERING.md) ---

inline constexpr uint32_t kMaxClipPlanes = 6;
inline constexpr uint32_t kMaxVolumes = 4;  // volume instances drawn per frame

// Patient-space axes of the three MPR planes: axial slices are normal to
// patient z (S), coronal to y (P), sagittal to x (L).
enum class SliceAxis : uint32_t { Axial = 0, Coronal = 1, Sagittal = 2 };

// One MPR slice drawn in place, as an opaque textured quad through the volume.
struct SlicePlane {
  bool visible = false;
  float position = 0.0F;  // patient mm along the slice's axis (z, y or x)
  WindowLevel window{40.0F, 400.0F};  // greyscale window, modality units
};

// Everything else the volume shows is kept where a point p (patient mm)
// satisfies dot(plane.xyz, p) + plane.w >= 0 for every clip plane and lies
// inside the crop box when it is enabled.
struct CropBox {
  bool enabled = false;
  glm::vec3 min{0.0F};  // patient mm
  glm::vec3 max{0.0F};
};

struct VolumeInstance {
  VolumeHandle volume;
  glm::mat4 model{1.0F};  // patient mm -> world metres: the hologram's transform
  bool showVolume = true;  // false: only the slices (and surfaces) are drawn
  TransferFunction transfer;  // baked to a texture whenever it changes
  // Remaps the transfer function: its natural window (windowOf) is stretched
  // onto this one. width <= 0: the transfer function as it is.
  WindowLevel window;
  std::vector<glm::vec4> clipPlanes;  // at most kMaxClipPlanes, patient space
  CropBox crop;
  std::array<SlicePlane, 3> slices;  // indexed by SliceAxis
  float stepVoxels = 0.5F;  // ray step as a fraction of the smallest voxel spacing
  bool gradientShading = true;
  // Debug and benchmark switches: off gives plain ray marching (the image
  // is the same within rounding; only the time changes).
  bool emptySpaceSkipping = true;
  bool earlyTermination = true;
};

struct RenderView {
  CameraView camera;                     // mono (viewCount == 1)
  std::array<CameraView, kMaxViews> eyes;  // stereo (viewCount == 2): left, right
  uint32_t viewCount = 1;  // must equal the target's viewCount
  std::vector<Light> lights;  // at most kMaxLights are used
  glm::vec3 skyAmbient{0.25F, 0.27F, 0.30F};
  glm::vec3 groundAmbient{0.10F, 0.10F, 0.10F};
  glm::vec4 clearColor{0.02F, 0.02F, 0.025F, 1.0F};  // linear
  std::vector<MeshInstance> meshes;
  // UI: world panels (drawn after the scene, depth tested) and the screen
  // overlay (drawn last, over everything). See ui_draw_data.h.
  std::vector<UiPanel> panels;
  UiDrawData overlay;
  std::vector<VolumeInstance> volumes;  // at most kMaxVolumes


  // The camera of view `i` (gl_ViewIndex in shaders): `camera` in mono.
  [[nodiscard]] const CameraView& cameraFor(uint32_t i) const {
    return viewCount == 1 ? camera : eyes[i];
  }
};

inline constexpr uint32_t kMaxLights = 8;

}  // namespace medverse::render
