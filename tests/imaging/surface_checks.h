#pragma once
// Volumes with a known surface, and the checks the surface tests share:
// "closed", "faces outward", "matches the volume bit for bit".
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <glm/glm.hpp>
#include <glm/gtc/matrix_transform.hpp>

#include "medverse/assets/mesh.h"
#include "medverse/imaging/mesh_topology.h"
#include "medverse/imaging/volume.h"

namespace medverse::imaging::testing {

inline constexpr double kPi = 3.14159265358979323846;

// A rotation that mixes every axis, so that a bug that confuses i/j/k with
// x/y/z, or direction with its transpose, shows.
inline glm::dmat3 obliqueDirection(bool improper) {
  glm::dmat4 r = glm::rotate(glm::dmat4(1.0), glm::radians(20.0), glm::dvec3(0, 0, 1));
  r = glm::rotate(r, glm::radians(-35.0), glm::dvec3(0, 1, 0));
  r = glm::rotate(r, glm::radians(50.0), glm::dvec3(1, 0, 0));
  glm::dmat3 d(r);
  if (improper) {
    d[2] = -d[2];  // a left-handed voxel grid, common after RAS->LPS
  }
  return d;
}

// A ball of `radius` mm stored as offset + scale * (radius - distance from
// centre), in a volume with anisotropic spacing, a far-from-zero origin and
// an oblique direction. Its surface at value `offset` is the sphere.
struct SphereVolume {
  Volume volume;
  glm::dvec3 centre{0.0};
  double radius = 0.0;
  double offset = 0.0;
  double scale = 1.0;

  // Radius of the surface at `iso`.
  [[nodiscard]] double radiusAt(double iso) const { return radius - (iso - offset) / scale; }
};

inline SphereVolume makeSphereVolume(VoxelType type, bool improper = false,
                                     glm::ivec3 dims = {44, 38, 30}, double radius = 12.0) {
  SphereVolume s;
  s.radius = radius;
  switch (type) {
    case VoxelType::UInt8:
      s.offset = 128.0;
      s.scale = 10.0;
      break;
    case VoxelType::Int16:
      s.offset = 0.0;
      s.scale = 100.0;
      break;
    case VoxelType::UInt16:
      s.offset = 30000.0;
      s.scale = 100.0;
      break;
    case VoxelType::Float32:
      break;
  }
  s.volume = Volume::allocate(dims, type, Modality::Other);
  s.volume.spacing = {0.9, 1.1, 1.4};
  s.volume.origin = {-31.5, 12.25, 87.0};
  s.volume.direction = obliqueDirection(improper);
  // Off the grid's symmetry, so that no vertex lands on a voxel by accident.
  s.centre = s.volume.voxelToPatient(glm::dvec3(dims - 1) * 0.5 + glm::dvec3(0.31, -0.17, 0.13));
  for (int k = 0; k < dims.z; ++k) {
    for (int j = 0; j < dims.y; ++j) {
      for (int i = 0; i < dims.x; ++i) {
        const double d = glm::distance(s.volume.voxelToPatient(glm::dvec3(i, j, k)), s.centre);
        s.volume.setValue(i, j, k, s.offset + s.scale * (radius - d));
      }
    }
  }
  return s;
}

inline void checkClosed(const assets::MeshData& mesh) {
  const EdgeCensus census = censusEdges(mesh);
  INFO(mesh.name << ": " << census.edges << " edges, " << census.boundary << " boundary, "
                 << census.nonManifold << " non-manifold, " << census.misoriented
                 << " misoriented, " << census.degenerateTriangles << " degenerate triangles");
  CHECK(census.edges > 0);
  CHECK(census.boundary == 0);
  CHECK(census.nonManifold == 0);
  CHECK(census.misoriented == 0);
  CHECK(census.degenerateTriangles == 0);
  // Euler: V - E + F = 2 per sphere-like component; for a closed triangle
  // mesh 3F = 2E always holds.
  CHECK(2 * census.edges == 3 * assets::triangleCount(mesh));
}

inline bool identical(const assets::MeshData& a, const assets::MeshData& b) {
  if (a.vertices.size() != b.vertices.size() || a.indices != b.indices) {
    return false;
  }
  for (std::size_t v = 0; v < a.vertices.size(); ++v) {
    if (a.vertices[v].position != b.vertices[v].position ||
        a.vertices[v].normal != b.vertices[v].normal) {
      return false;
    }
  }
  return true;
}

}  // namespace medverse::imaging::testing
