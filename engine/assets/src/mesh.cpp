#include "medverse/assets/mesh.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace medverse::assets {
namespace {

bool isFinite(const glm::vec3& v) {
  return std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z);
}

std::string describe(const MeshData& mesh) {
  return mesh.name.empty() ? std::string("mesh (unnamed)") : fmt::format("mesh '{}'", mesh.name);
}

}  // namespace

std::size_t triangleCount(const MeshData& mesh) {
  return mesh.indices.size() / 3;
}

void computeBounds(MeshData& mesh) {
  if (mesh.vertices.empty()) {
    mesh.boundsMin = glm::vec3(0.0f);
    mesh.boundsMax = glm::vec3(0.0f);
    return;
  }
  glm::vec3 lo(std::numeric_limits<float>::max());
  glm::vec3 hi(std::numeric_limits<float>::lowest());
  for (const Vertex& v : mesh.vertices) {
    lo = glm::min(lo, v.position);
    hi = glm::max(hi, v.position);
  }
  mesh.boundsMin = lo;
  mesh.boundsMax = hi;
}

void recomputeNormals(MeshData& mesh) {
  for (Vertex& v : mesh.vertices) {
    v.normal = glm::vec3(0.0f);
  }
  const std::size_t vertexCount = mesh.vertices.size();
  for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
    const std::uint32_t ia = mesh.indices[t];
    const std::uint32_t ib = mesh.indices[t + 1];
    const std::uint32_t ic = mesh.indices[t + 2];
    if (ia >= vertexCount || ib >= vertexCount || ic >= vertexCount) {
      continue;  // validate() reports these; normals stay usable for the rest
    }
    const glm::vec3& a = mesh.vertices[ia].position;
    const glm::vec3& b = mesh.vertices[ib].position;
    const glm::vec3& c = mesh.vertices[ic].position;
    // The unnormalised cross product is twice the triangle's area along its
    // normal: summing it is the area weighting.
    const glm::vec3 weighted = glm::cross(b - a, c - a);
    mesh.vertices[ia].normal += weighted;
    mesh.vertices[ib].normal += weighted;
    mesh.vertices[ic].normal += weighted;
  }
  for (Vertex& v : mesh.vertices) {
    const float length = glm::length(v.normal);
    v.normal = length > 0.0f && std::isfinite(length) ? v.normal / length : glm::vec3(0.0f);
  }
}

Status validate(const MeshData& mesh) {
  if (mesh.indices.size() % 3 != 0) {
    return makeError(fmt::format("{}: {} indices is not a whole number of triangles",
                                 describe(mesh), mesh.indices.size()));
  }
  const std::size_t vertexCount = mesh.vertices.size();
  for (std::size_t i = 0; i < mesh.indices.size(); ++i) {
    if (mesh.indices[i] >= vertexCount) {
      return makeError(
          fmt::format("{}: index {} (triangle {}) refers to vertex {}, but the mesh has "
                      "{} vertices",
                      describe(mesh), i, i / 3, mesh.indices[i], vertexCount));
    }
  }
  if (!isFinite(mesh.boundsMin) || !isFinite(mesh.boundsMax)) {
    return makeError(fmt::format("{}: bounds are not finite", describe(mesh)));
  }
  // Bounds are compared with a tolerance relative to the mesh's size, since
  // they may come from a file written with fewer digits than a float holds.
  const glm::vec3 extent = mesh.boundsMax - mesh.boundsMin;
  const float slack =
      1e-5f * std::max({1.0f, std::abs(extent.x), std::abs(extent.y), std::abs(extent.z)});
  for (std::size_t i = 0; i < vertexCount; ++i) {
    const Vertex& v = mesh.vertices[i];
    if (!isFinite(v.position)) {
      return makeError(fmt::format("{}: vertex {} has a non-finite position", describe(mesh), i));
    }
    if (!isFinite(v.normal)) {
      return makeError(fmt::format("{}: vertex {} has a non-finite normal", describe(mesh), i));
    }
    if (glm::any(glm::lessThan(v.position, mesh.boundsMin - slack)) ||
        glm::any(glm::greaterThan(v.position, mesh.boundsMax + slack))) {
      return makeError(fmt::format(
          "{}: vertex {} at ({}, {}, {}) lies outside the bounds; call computeBounds() after "
          "moving vertices",
          describe(mesh), i, v.position.x, v.position.y, v.position.z));
    }
  }
  return Status::success();
}

void transform(MeshData& mesh, const glm::mat4& matrix) {
  const glm::mat3 linear(matrix);
  const float determinant = glm::determinant(linear);
  for (Vertex& v : mesh.vertices) {
    v.position = glm::vec3(matrix * glm::vec4(v.position, 1.0f));
  }
  if (determinant == 0.0f || !std::isfinite(determinant)) {
    // A flattening matrix has no inverse transpose; the surface it leaves
    // behind defines its own normals (zero where it collapsed to nothing).
    recomputeNormals(mesh);
  } else {
    const glm::mat3 normalMatrix = glm::transpose(glm::inverse(linear));
    for (Vertex& v : mesh.vertices) {
      const glm::vec3 n = normalMatrix * v.normal;
      const float length = glm::length(n);
      v.normal = length > 0.0f ? n / length : glm::vec3(0.0f);
    }
    if (determinant < 0.0f) {
      for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
        std::swap(mesh.indices[t + 1], mesh.indices[t + 2]);
      }
    }
  }
  computeBounds(mesh);
}

void append(MeshData& target, const MeshData& source, const glm::mat4& matrix) {
  MeshData part = source;
  transform(part, matrix);
  const auto base = static_cast<std::uint32_t>(target.vertices.size());
  target.vertices.insert(target.vertices.end(), part.vertices.begin(), part.vertices.end());
  target.indices.reserve(target.indices.size() + part.indices.size());
  for (const std::uint32_t index : part.indices) {
    target.indices.push_back(base + index);
  }
  computeBounds(target);
}

MeshData merge(std::span<const MeshData> meshes, std::string name) {
  MeshData merged;
  merged.name = std::move(name);
  std::size_t vertexCount = 0;
  std::size_t indexCount = 0;
  for (const MeshData& m : meshes) {
    vertexCount += m.vertices.size();
    indexCount += m.indices.size();
  }
  merged.vertices.reserve(vertexCount);
  merged.indices.reserve(indexCount);
  for (const MeshData& m : meshes) {
    const auto base = static_cast<std::uint32_t>(merged.vertices.size());
    merged.vertices.insert(merged.vertices.end(), m.vertices.begin(), m.vertices.end());
    for (const std::uint32_t index : m.indices) {
      merged.indices.push_back(base + index);
    }
  }
  computeBounds(merged);
  return merged;
}

double signedVolume(const MeshData& mesh) {
  double volume = 0.0;
  for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
    const glm::dvec3 a(mesh.vertices.at(mesh.indices[t]).position);
    const glm::dvec3 b(mesh.vertices.at(mesh.indices[t + 1]).position);
    const glm::dvec3 c(mesh.vertices.at(mesh.indices[t + 2]).position);
    volume += glm::dot(a, glm::cross(b, c));
  }
  return volume / 6.0;
}

double surfaceArea(const MeshData& mesh) {
  double area = 0.0;
  for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
    const glm::dvec3 a(mesh.vertices.at(mesh.indices[t]).position);
    const glm::dvec3 b(mesh.vertices.at(mesh.indices[t + 1]).position);
    const glm::dvec3 c(mesh.vertices.at(mesh.indices[t + 2]).position);
    area += 0.5 * glm::length(glm::cross(b - a, c - a));
  }
  return area;
}

}  // namespace medverse::assets
