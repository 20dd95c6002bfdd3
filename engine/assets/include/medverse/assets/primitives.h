#pragma once
// Procedural primitives, centred on the origin with Y up. Closed shapes face
// outward (counter-clockwise seen from outside, positive signed volume), so
// the renderer can cull back faces. Curved surfaces have smooth normals;
// edges between flat faces (box sides, cylinder caps) stay hard.
#include <cstdint>
#include <glm/glm.hpp>

#include "medverse/assets/mesh.h"

namespace medverse::assets {

// Axis-aligned box of the given full size: 24 vertices (4 per face, so each
// face has its own flat normal) and 12 triangles.
[[nodiscard]] MeshData makeBox(glm::vec3 size);

// Single-sided rectangle in the XZ plane facing +Y: size.x along X, size.y
// along Z. Transform it to make walls, ceilings or panels.
[[nodiscard]] MeshData makePlane(glm::vec2 size);

// Latitude-longitude sphere. `segments` (>= 3) around Y, `rings` (>= 2) from
// pole to pole; the poles are single vertices, so no triangle is degenerate.
[[nodiscard]] MeshData makeUvSphere(float radius, std::uint32_t segments = 32,
                                    std::uint32_t rings = 16);

// Cylinder along Y, capped at both ends, of the given full height.
[[nodiscard]] MeshData makeCylinder(float radius, float height, std::uint32_t segments = 32);

// Capsule along Y: a cylinder of `cylinderHeight` between two hemispheres,
// so the full height is cylinderHeight + 2 * radius. `rings` counts the
// latitude bands of the two hemispheres together (rounded up to even, >= 2).
[[nodiscard]] MeshData makeCapsule(float radius, float cylinderHeight, std::uint32_t segments = 32,
                                   std::uint32_t rings = 16);

}  // namespace medverse::assets
