#pragma once
// CPU-side triangle meshes: the one mesh format every part of MedVerse hands
// around (procedural room geometry, imported models, isosurfaces from imaging)
// before the renderer uploads it.
//
// Conventions, shared with the renderer:
//   - Right-handed coordinates, metres unless a caller says otherwise (patient
//     space is millimetres, see DESIGN.md).
//   - Triangle lists; a triangle's front face is counter-clockwise as seen
//     from the side its normal points to, as in OpenGL, glTF and Assimp.
//   - Vertex normals are unit length, or zero where no triangle defines one.
#include <cstddef>
#include <cstdint>
#include <glm/glm.hpp>
#include <span>
#include <string>
#include <vector>

#include "medverse/core/result.h"

namespace medverse::assets {

// Exactly the layout of the renderer's vertex buffer: two tightly packed
// vec3s, so a std::vector<Vertex> uploads with one memcpy.
struct Vertex {
  glm::vec3 position{0.0f};
  glm::vec3 normal{0.0f};
};
static_assert(sizeof(Vertex) == 24, "Vertex must be two tightly packed vec3s");
static_assert(offsetof(Vertex, normal) == 12, "Vertex::normal must follow position");

struct MeshData {
  std::string name;
  std::vector<Vertex> vertices;
  std::vector<std::uint32_t> indices;  // triangle list: three indices per triangle
  // Axis-aligned bounds of all vertices; kept current by every function here
  // that changes positions. Both zero for an empty mesh.
  glm::vec3 boundsMin{0.0f};
  glm::vec3 boundsMax{0.0f};
};

[[nodiscard]] std::size_t triangleCount(const MeshData& mesh);

// Recomputes boundsMin/boundsMax from the vertices.
void computeBounds(MeshData& mesh);

// Smooth vertex normals: each vertex gets the area-weighted average of the
// normals of the triangles that use it, so a sliver next to a large face
// barely tilts the result. Vertices that share a position but not an index
// (the corners of a box) keep separate normals, which is how hard edges stay
// hard. Vertices used by no non-degenerate triangle get a zero normal.
void recomputeNormals(MeshData& mesh);

// Checks what the renderer and the exporters rely on: the index count is a
// multiple of three, every index names an existing vertex, positions and
// normals are finite, and the bounds enclose every vertex. The error names
// the mesh and the first offending index or vertex.
[[nodiscard]] Status validate(const MeshData& mesh);

// Applies `matrix` to positions, and its inverse transpose to normals so they
// stay perpendicular to the surface under non-uniform scale. A mirroring
// matrix (negative determinant) would turn every triangle inside out, so the
// winding is flipped to keep front faces facing out. Bounds are recomputed.
void transform(MeshData& mesh, const glm::mat4& matrix);

// Appends `source`, transformed by `matrix`, to `target` (indices are offset
// to the new vertices). `target` keeps its name. Bounds are recomputed.
void append(MeshData& target, const MeshData& source, const glm::mat4& matrix = glm::mat4(1.0f));

// One mesh holding all of `meshes`, so that parts sharing a material become
// one draw call.
[[nodiscard]] MeshData merge(std::span<const MeshData> meshes, std::string name);

// Volume enclosed by a closed mesh (divergence theorem); positive when the
// triangles face outward. In the mesh's units cubed: a segmentation in
// millimetres gives mm^3 (1000 mm^3 = 1 mL).
[[nodiscard]] double signedVolume(const MeshData& mesh);

// Sum of the triangle areas, in the mesh's units squared.
[[nodiscard]] double surfaceArea(const MeshData& mesh);

}  // namespace medverse::assets
