#pragma once
// Mesh files in and out, through Assimp. Reads OBJ, STL, PLY, glTF 2 (.gltf
// and .glb) and the other formats Assimp knows; writes STL, OBJ, PLY and GLB.
// Coordinates pass through unchanged: no unit conversion and no axis swap, so
// a file in millimetres gives meshes in millimetres.
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "medverse/assets/mesh.h"
#include "medverse/core/result.h"

namespace medverse::assets {

// Loads every triangle mesh in the file, one MeshData per mesh instance in
// the scene graph, with node transforms applied (so meshes come out where
// the file places them). Polygons are triangulated, identical vertices
// joined, points and lines dropped, and smooth normals generated where the
// file has none. Errors name the file and say why: it does not exist, its
// format is unknown, Assimp could not parse it (with Assimp's reason), or it
// holds no triangles.
[[nodiscard]] Result<std::vector<MeshData>> loadMeshes(const std::filesystem::path& path);

// Writes one mesh, in the format its extension names (case-insensitive):
//   .stl  binary STL (facet normals only, as the format allows)
//   .obj  Wavefront OBJ with normals, no material file
//   .ply  binary little-endian PLY with normals
//   .glb  binary glTF 2 with normals and one default material
// The parent directory must exist. Errors name the file and, for an unknown
// extension, the extensions that are supported.
[[nodiscard]] Status saveMesh(const MeshData& mesh, const std::filesystem::path& path);

// The extensions saveMesh() accepts, with their dots: ".stl", ".obj", ...
[[nodiscard]] std::span<const std::string_view> meshSaveExtensions();

}  // namespace medverse::assets
