// loadMeshes(): Assimp scene -> MeshData, one per mesh instance.
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <spdlog/fmt/fmt.h>

#include <assimp/Importer.hpp>
#include <cmath>
#include <exception>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "file_extension.h"
#include "medverse/assets/mesh_io.h"
#include "medverse/core/log.h"

namespace medverse::assets {
namespace {

// Assimp's matrices are row-major (a1..a4 is the first row); glm's are
// column-major.
glm::mat4 toGlm(const aiMatrix4x4& m) {
  return glm::mat4(m.a1, m.b1, m.c1, m.d1,  //
                   m.a2, m.b2, m.c2, m.d2,  //
                   m.a3, m.b3, m.c3, m.d3,  //
                   m.a4, m.b4, m.c4, m.d4);
}

bool normalsUsable(const MeshData& mesh) {
  for (const Vertex& v : mesh.vertices) {
    const float length = glm::length(v.normal);
    if (!std::isfinite(length) || length < 0.5f) {
      return false;
    }
  }
  return true;
}

// The mesh's triangles in the mesh's own frame. Faces that are not triangles
// are skipped: after aiProcess_Triangulate and aiProcess_SortByPType they can
// only be points or lines, which a surface renderer has no use for.
MeshData convert(const aiMesh& source) {
  MeshData mesh;
  mesh.name = source.mName.C_Str();
  mesh.vertices.resize(source.mNumVertices);
  for (unsigned i = 0; i < source.mNumVertices; ++i) {
    const aiVector3D& p = source.mVertices[i];
    mesh.vertices[i].position = {p.x, p.y, p.z};
    if (source.HasNormals()) {
      const aiVector3D& n = source.mNormals[i];
      mesh.vertices[i].normal = {n.x, n.y, n.z};
    }
  }
  mesh.indices.reserve(static_cast<std::size_t>(source.mNumFaces) * 3);
  for (unsigned f = 0; f < source.mNumFaces; ++f) {
    const aiFace& face = source.mFaces[f];
    if (face.mNumIndices == 3) {
      mesh.indices.insert(mesh.indices.end(),
                          {face.mIndices[0], face.mIndices[1], face.mIndices[2]});
    }
  }
  return mesh;
}

void collect(const aiScene& scene, const aiNode& node, const glm::mat4& parent,
             const std::string& fallbackName, std::vector<MeshData>& out) {
  const glm::mat4 world = parent * toGlm(node.mTransformation);
  for (unsigned i = 0; i < node.mNumMeshes; ++i) {
    const aiMesh* source = scene.mMeshes[node.mMeshes[i]];
    if (source == nullptr || (source->mPrimitiveTypes & aiPrimitiveType_TRIANGLE) == 0) {
      continue;
    }
    MeshData mesh = convert(*source);
    if (mesh.indices.empty()) {
      continue;
    }
    if (mesh.name.empty()) {
      mesh.name = node.mName.length > 0 ? std::string(node.mName.C_Str())
                                        : fmt::format("{}_{}", fallbackName, out.size());
    }
    transform(mesh, world);
    // Some writers (STL exporters especially) store zero facet normals.
    if (!normalsUsable(mesh)) {
      recomputeNormals(mesh);
    }
    computeBounds(mesh);
    out.push_back(std::move(mesh));
  }
  for (unsigned i = 0; i < node.mNumChildren; ++i) {
    collect(scene, *node.mChildren[i], world, fallbackName, out);
  }
}

Error noTriangles(const std::string& file) {
  return makeError(fmt::format(
      "cannot load mesh '{}': the file contains no triangles (it is empty, damaged, or holds "
      "only points and lines)",
      file));
}

}  // namespace

Result<std::vector<MeshData>> loadMeshes(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return makeError(fmt::format("cannot load mesh '{}': the file does not exist", file));
  }
  if (!std::filesystem::is_regular_file(path, ec)) {
    return makeError(fmt::format("cannot load mesh '{}': not a regular file", file));
  }

  Assimp::Importer importer;
  const std::string ext = lowercaseExtension(path);
  if (ext.empty() || !importer.IsExtensionSupported(ext)) {
    return makeError(fmt::format(
        "cannot load mesh '{}': {} is not a mesh format MedVerse can read (use .obj, .stl, .ply, "
        ".gltf or .glb)",
        file, ext.empty() ? std::string("a file without an extension") : "'" + ext + "'"));
  }

  importer.SetPropertyInteger(AI_CONFIG_PP_SBP_REMOVE,
                              aiPrimitiveType_POINT | aiPrimitiveType_LINE);
  importer.SetPropertyBool(AI_CONFIG_PP_FD_REMOVE, true);
  const unsigned flags = aiProcess_Triangulate | aiProcess_JoinIdenticalVertices |
                         aiProcess_GenSmoothNormals | aiProcess_FindInvalidData |
                         aiProcess_FindDegenerates | aiProcess_SortByPType |
                         aiProcess_ValidateDataStructure;
  const aiScene* scene = nullptr;
  try {
    scene = importer.ReadFile(file, flags);
  } catch (const std::exception& e) {
    return makeError(fmt::format("cannot load mesh '{}': {}", file, e.what()));
  }
  if (scene == nullptr) {
    const std::string reason = importer.GetErrorString();
    // Assimp words an empty scene differently per step; say it once, plainly.
    if (reason.find("mNumMeshes is 0") != std::string::npos ||
        reason.find("No meshes remaining") != std::string::npos) {
      return noTriangles(file);
    }
    return makeError(fmt::format("cannot load mesh '{}': Assimp could not read it as {}: {}", file,
                                 ext, reason));
  }
  if (scene->mRootNode == nullptr) {
    return makeError(fmt::format("cannot load mesh '{}': the file has no scene graph", file));
  }

  std::vector<MeshData> meshes;
  collect(*scene, *scene->mRootNode, glm::mat4(1.0f), path.stem().string(), meshes);
  if (meshes.empty()) {
    return noTriangles(file);
  }
  for (const MeshData& mesh : meshes) {
    if (Status valid = validate(mesh); !valid.ok()) {
      return makeError(fmt::format("cannot load mesh '{}': {}", file, valid.error().message));
    }
  }
  log::get("assets")->debug("loaded {} mesh(es) from '{}'", meshes.size(), file);
  return meshes;
}

}  // namespace medverse::assets
