#pragma once
// The gizmos of the hologram's clip planes and MPR slices on the desktop:
// where each enabled plane's handle sits and the outline where the plane
// cuts the case's box (pure geometry in patient mm, shared by the controls'
// picking and dragging and by the drawing), and the mesh instances that draw
// them (the ordinary mesh pass: thin glowing bars and spheres, translucent so
// they are drawn after the volume and stay visible through it).
#include <cstdint>
#include <glm/mat4x4.hpp>
#include <glm/vec2.hpp>
#include <glm/vec3.hpp>
#include <optional>
#include <vector>

#include "medverse/app/consult_session.h"
#include "medverse/app/primitive_meshes.h"
#include "medverse/core/result.h"
#include "medverse/render/render_view.h"
#include "medverse/render/volume.h"
#include "medverse/world/properties.h"

namespace medverse::render {
class Renderer;
}

namespace medverse::app {

enum class PlaneKind : uint8_t { Clip, Slice };

// One of the hologram's planes: clip plane 0..2 or slice 0..2 (axial,
// coronal, sagittal).
struct PlaneRef {
  PlaneKind kind = PlaneKind::Clip;
  uint8_t index = 0;
  friend bool operator==(const PlaneRef&, const PlaneRef&) = default;
};

struct PlaneHandle {
  PlaneRef ref;
  world::Plane plane;
  glm::vec3 positionMm{0.0F};  // where the handle is drawn and picked
};

// The clip plane the desktop places with X, click: the other two are the
// overlay's fixed sagittal and axial cuts.
inline constexpr uint8_t kPlacedClipPlane = 2;

// The patient axis (0 x, 1 y, 2 z) of slice 0 axial, 1 coronal, 2 sagittal.
int sliceAxis(uint8_t index);

// The plane as world::Plane of a slice (normal along its axis).
world::Plane planeOf(const HologramState& state, PlaneRef ref);

// The handles of the enabled clip planes and visible slices. A clip plane's
// sits in the middle of its cut through the box; a slice's on the edge of
// its quad, so the three slices' handles never coincide.
std::vector<PlaneHandle> planeHandles(const HologramState& state, const render::VolumeInfo& info);

// The polygon (patient mm, in order around it) where the plane cuts the
// case's box; empty when it misses the box.
std::vector<glm::vec3> planeOutline(const world::Plane& plane, const render::VolumeInfo& info);

// The offsets (min, max) a plane with this unit normal can take and still
// cut the box.
glm::vec2 planeOffsetRange(const glm::vec3& normal, const render::VolumeInfo& info);

// An enabled clip plane through `pointMm` that keeps what lies beyond the
// point seen along `directionMm` (the view direction in patient space), so
// the cut opens the hologram towards the viewer.
world::Plane clipPlaneThrough(const glm::vec3& pointMm, const glm::vec3& directionMm);

// `plane` moved along its normal to `offset`, clamped to the box.
world::Plane withOffset(world::Plane plane, float offset, const render::VolumeInfo& info);

class PlaneGizmos {
 public:
  static Result<PlaneGizmos> create(render::Renderer& renderer);

  // Adds the outline and handle of every enabled plane; `active` (the one
  // hovered or dragged) is drawn brighter and larger.
  void add(const HologramState& state, const render::VolumeInfo& info,
           const glm::mat4& patientToWorld, std::optional<PlaneRef> active,
           std::vector<render::MeshInstance>& out) const;

  // Handle radius in room metres (what the controls pick against is in
  // pixels; this is what is seen).
  static constexpr float kHandleRadius = 0.009F;

 private:
  PrimitiveMeshes primitives_;
};

}  // namespace medverse::app
