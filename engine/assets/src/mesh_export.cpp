// saveMesh(): MeshData -> a one-mesh Assimp scene -> the exporter chosen by
// the file's extension.
#include <assimp/material.h>
#include <assimp/scene.h>
#include <spdlog/fmt/fmt.h>

#include <array>
#include <assimp/Exporter.hpp>
#include <exception>
#include <memory>
#include <string>
#include <system_error>

#include "file_extension.h"
#include "medverse/assets/mesh_io.h"
#include "medverse/core/log.h"
#include "medverse/core/temp_siblings.h"

namespace medverse::assets {
namespace {

struct SaveFormat {
  std::string_view extension;
  const char* assimpId;  // Assimp::Exporter format id
};

// Binary variants where the format has one: smaller and exact (no decimal
// round trip). OBJ without a material file: MedVerse meshes carry no
// materials, and a stray .mtl beside the user's file would only confuse.
constexpr std::array<SaveFormat, 4> kSaveFormats = {{
    {".stl", "stlb"},
    {".obj", "objnomtl"},
    {".ply", "plyb"},
    {".glb", "glb2"},
}};

constexpr std::array<std::string_view, kSaveFormats.size()> kSaveExtensions = {
    kSaveFormats[0].extension, kSaveFormats[1].extension, kSaveFormats[2].extension,
    kSaveFormats[3].extension};

// A scene of one node holding one mesh with one default material, which is
// the least every exporter expects. aiScene's destructor frees what it owns,
// so everything hangs off it as Assimp allocates it (new / new[]).
std::unique_ptr<aiScene> makeScene(const MeshData& mesh) {
  auto scene = std::make_unique<aiScene>();

  scene->mNumMaterials = 1;
  scene->mMaterials = new aiMaterial*[1];
  scene->mMaterials[0] = new aiMaterial();
  const aiString materialName("default");
  scene->mMaterials[0]->AddProperty(&materialName, AI_MATKEY_NAME);

  auto* out = new aiMesh();
  scene->mNumMeshes = 1;
  scene->mMeshes = new aiMesh*[1];
  scene->mMeshes[0] = out;
  out->mName = aiString(mesh.name.empty() ? std::string("mesh") : mesh.name);
  out->mMaterialIndex = 0;
  out->mPrimitiveTypes = aiPrimitiveType_TRIANGLE;
  out->mNumVertices = static_cast<unsigned>(mesh.vertices.size());
  out->mVertices = new aiVector3D[mesh.vertices.size()];
  out->mNormals = new aiVector3D[mesh.vertices.size()];
  for (std::size_t i = 0; i < mesh.vertices.size(); ++i) {
    const Vertex& v = mesh.vertices[i];
    out->mVertices[i] = aiVector3D(v.position.x, v.position.y, v.position.z);
    out->mNormals[i] = aiVector3D(v.normal.x, v.normal.y, v.normal.z);
  }
  const std::size_t triangles = triangleCount(mesh);
  out->mNumFaces = static_cast<unsigned>(triangles);
  out->mFaces = new aiFace[triangles];
  for (std::size_t t = 0; t < triangles; ++t) {
    aiFace& face = out->mFaces[t];
    face.mNumIndices = 3;
    face.mIndices = new unsigned[3];
    for (std::size_t k = 0; k < 3; ++k) {
      face.mIndices[k] = mesh.indices[3 * t + k];
    }
  }

  scene->mRootNode = new aiNode(out->mName.C_Str());
  scene->mRootNode->mNumMeshes = 1;
  scene->mRootNode->mMeshes = new unsigned[1];
  scene->mRootNode->mMeshes[0] = 0;
  return scene;
}

}  // namespace

std::span<const std::string_view> meshSaveExtensions() {
  return kSaveExtensions;
}

Status saveMesh(const MeshData& mesh, const std::filesystem::path& path) {
  const std::string file = path.string();
  const std::string ext = lowercaseExtension(path);
  const SaveFormat* format = nullptr;
  for (const SaveFormat& candidate : kSaveFormats) {
    if (candidate.extension == ext) {
      format = &candidate;
    }
  }
  if (format == nullptr) {
    return makeError(fmt::format(
        "cannot save mesh '{}': {} is not a format MedVerse writes "
        "(supported: {})",
        file, ext.empty() ? std::string("a file without an extension") : "'" + ext + "'",
        fmt::join(kSaveExtensions, ", ")));
  }
  if (Status valid = validate(mesh); !valid.ok()) {
    return makeError(fmt::format("cannot save mesh '{}': {}", file, valid.error().message));
  }
  if (mesh.indices.empty()) {
    return makeError(fmt::format("cannot save mesh '{}': the mesh has no triangles", file));
  }
  std::error_code ec;
  const std::filesystem::path parent = path.parent_path();
  if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
    return makeError(fmt::format("cannot save mesh '{}': the folder '{}' does not exist", file,
                                 parent.string()));
  }

  // Written next to the target and renamed into place when complete, so a
  // failure (disk full, ...) leaves neither a partial file nor a damaged
  // earlier one.
  // An export killed mid-write (SIGKILL) left its own partial file behind:
  // those of this target whose process is gone are removed first.
  for (const StaleTemp& stale : staleTempSiblings(parent, "partial")) {
    if (stale.base == path.filename().string() && !std::filesystem::is_symlink(stale.path, ec) &&
        std::filesystem::is_regular_file(stale.path, ec) &&
        std::filesystem::remove(stale.path, ec)) {
      log::get("assets")->info("removed '{}', left by an export (process {}) that did not finish",
                               stale.path.string(), stale.pid);
    }
  }
  const std::string partial = tempSibling(path, "partial").string();
  const std::unique_ptr<aiScene> scene = makeScene(mesh);
  Assimp::Exporter exporter;
  aiReturn result = aiReturn_FAILURE;
  std::string problem;
  try {
    result = exporter.Export(scene.get(), format->assimpId, partial);
    problem = exporter.GetErrorString();
  } catch (const std::exception& e) {
    problem = e.what();
  }
  if (result == aiReturn_SUCCESS) {
    std::filesystem::rename(partial, path, ec);
    problem = ec ? ec.message() : "";
  }
  if (result != aiReturn_SUCCESS || ec) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    return makeError(fmt::format("cannot save mesh '{}': {}", file, problem));
  }
  log::get("assets")->debug("saved mesh '{}' ({} triangles) to '{}'", mesh.name,
                            triangleCount(mesh), file);
  return Status::success();
}

}  // namespace medverse::assets
