// Simplification to a triangle budget never opens a closed surface, keeps
// its volume and its outward normals, and leaves meshes in budget alone.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <vector>

#include "checks.h"
#include "medverse/imaging/isosurface.h"
#include "medverse/imaging/nifti.h"
#include "medverse/imaging/simplify.h"
#include "nibabel_reference.h"
#include "surface_checks.h"

namespace medverse::imaging {
namespace {

using testing::checkClosed;
using testing::makeSphereVolume;
using testing::SphereVolume;

void checkCompact(const assets::MeshData& mesh) {
  std::vector<char> used(mesh.vertices.size(), 0);
  for (const std::uint32_t i : mesh.indices) {
    used[i] = 1;
  }
  CHECK(std::count(used.begin(), used.end(), 0) == 0);
}

TEST_CASE("a sphere simplified to a budget stays closed, round and outward-facing") {
  const SphereVolume s = makeSphereVolume(VoxelType::Float32, true, {64, 56, 48}, 20.0);
  auto mesh = extractIsosurface(s.volume, 0.0);
  REQUIRE(mesh.ok());
  REQUIRE(assets::triangleCount(*mesh) > 10000);
  for (const std::size_t budget : {5000U, 1000U, 200U}) {
    INFO("budget " << budget);
    SimplifyReport report;
    const assets::MeshData out = simplify(*mesh, budget, {}, &report);
    REQUIRE(assets::validate(out).ok());
    CHECK(report.budgetMet);
    CHECK(report.topologyKept);
    CHECK(assets::triangleCount(out) <= budget);
    CHECK(assets::triangleCount(out) > budget / 2);
    CHECK(report.trianglesAfter == assets::triangleCount(out));
    CHECK(report.before.closed());
    CHECK(report.after.closed());
    checkClosed(out);
    checkCompact(out);
    CHECK(out.name == mesh->name);
    const double before = assets::signedVolume(*mesh);
    const double after = assets::signedVolume(out);
    INFO("volume " << before << " -> " << after);
    // 200 triangles is a coarse polyhedron, inscribed: it loses ~7%.
    const double tolerance = budget >= 1000 ? 0.02 : 0.10;
    CHECK(std::abs(after - before) < tolerance * before);
    for (const assets::Vertex& v : out.vertices) {
      const glm::dvec3 radial = glm::normalize(glm::dvec3(v.position) - s.centre);
      CHECK(glm::dot(radial, glm::dvec3(v.normal)) > 0.95);
    }
  }
}

TEST_CASE("a real brain simplified 20x stays closed, in budget, with its volume") {
  auto volume = readNifti(testing::kCh2.path);
  REQUIRE(volume.ok());
  // ch2 is a whole head; 60.5 separates the head from the air around it.
  auto mesh = extractIsosurface(*volume, 60.5);
  REQUIRE(mesh.ok());
  checkClosed(*mesh);
  const std::size_t budget = assets::triangleCount(*mesh) / 20;
  SimplifyReport report;
  const assets::MeshData out = simplify(*mesh, budget, {}, &report);
  INFO(report.trianglesBefore << " -> " << report.trianglesAfter << " triangles in "
                              << report.stages << " steps, " << report.attempts << " runs, "
                              << report.finsRemoved << " fin triangles and " << report.piecesRemoved
                              << " bubbles dropped, " << report.edgesFlipped
                              << " pinched edges flipped, " << report.protectedTriangles
                              << " triangles protected");
  CHECK(report.budgetMet);
  CHECK(assets::triangleCount(out) <= budget);
  CHECK(report.after.boundary == 0);
  CHECK(report.after.misoriented == 0);
  checkClosed(out);
  const double before = assets::signedVolume(*mesh);
  const double after = assets::signedVolume(out);
  INFO("volume " << before / 1000.0 << " mL -> " << after / 1000.0 << " mL");
  CHECK(std::abs(after - before) < 0.02 * before);
}

TEST_CASE("a mesh already within budget comes back unchanged") {
  const SphereVolume s = makeSphereVolume(VoxelType::UInt8);
  auto mesh = extractIsosurface(s.volume, s.offset + 0.5);
  REQUIRE(mesh.ok());
  SimplifyReport report;
  const assets::MeshData out = simplify(*mesh, assets::triangleCount(*mesh), {}, &report);
  CHECK(testing::identical(out, *mesh));
  CHECK(report.stages == 0);
  CHECK(report.attempts == 0);
  CHECK(report.budgetMet);
}

TEST_CASE("an open surface keeps its border where it is") {
  SphereVolume s = makeSphereVolume(VoxelType::Float32, false, {40, 40, 40}, 16.0);
  s.centre = s.volume.voxelToPatient(glm::dvec3(19.5, 19.5, 2.5));  // cut by the k = 0 face
  for (int k = 0; k < 40; ++k) {
    for (int j = 0; j < 40; ++j) {
      for (int i = 0; i < 40; ++i) {
        s.volume.setValue(
            i, j, k,
            s.radius - glm::distance(s.volume.voxelToPatient(glm::dvec3(i, j, k)), s.centre));
      }
    }
  }
  IsoOptions open;
  open.closeAtBoundary = false;
  auto mesh = extractIsosurface(s.volume, 0.0, open);
  REQUIRE(mesh.ok());
  std::vector<ProblemEdge> borderBefore;
  const EdgeCensus before = censusEdges(*mesh, &borderBefore);
  REQUIRE(before.boundary > 0);
  SimplifyReport report;
  const assets::MeshData out = simplify(*mesh, assets::triangleCount(*mesh) / 8, {}, &report);
  // Indices change with compaction; compare the border by positions.
  std::vector<ProblemEdge> borderAfter;
  const EdgeCensus after = censusEdges(out, &borderAfter);
  CHECK(after.boundary == before.boundary);
  CHECK(after.nonManifold == 0);
  CHECK(after.misoriented == 0);
  const auto positions = [](const assets::MeshData& m, const std::vector<ProblemEdge>& edges) {
    std::set<std::array<float, 6>> set;
    for (const ProblemEdge& e : edges) {
      glm::vec3 a = m.vertices[e[0]].position;
      glm::vec3 b = m.vertices[e[1]].position;
      if (std::tie(b.x, b.y, b.z) < std::tie(a.x, a.y, a.z)) {
        std::swap(a, b);
      }
      set.insert({a.x, a.y, a.z, b.x, b.y, b.z});
    }
    return set;
  };
  CHECK(positions(out, borderAfter) == positions(*mesh, borderBefore));
  CHECK(assets::triangleCount(out) < assets::triangleCount(*mesh) / 2);
}

TEST_CASE("optimizing for rendering keeps every triangle and its winding") {
  const SphereVolume s = makeSphereVolume(VoxelType::Int16);
  auto mesh = extractIsosurface(s.volume, 0.5);
  REQUIRE(mesh.ok());
  assets::MeshData optimized = *mesh;
  optimizeForRendering(optimized);
  REQUIRE(assets::validate(optimized).ok());
  CHECK(optimized.vertices.size() == mesh->vertices.size());
  CHECK(optimized.indices.size() == mesh->indices.size());
  checkClosed(optimized);
  // The same triangles, each as its rotation starting at the smallest position.
  const auto triangles = [](const assets::MeshData& m) {
    std::multiset<std::array<float, 9>> set;
    for (std::size_t t = 0; t < m.indices.size(); t += 3) {
      std::array<glm::vec3, 3> p{m.vertices[m.indices[t]].position,
                                 m.vertices[m.indices[t + 1]].position,
                                 m.vertices[m.indices[t + 2]].position};
      const auto less = [](const glm::vec3& a, const glm::vec3& b) {
        return std::tie(a.x, a.y, a.z) < std::tie(b.x, b.y, b.z);
      };
      std::rotate(p.begin(), std::min_element(p.begin(), p.end(), less), p.end());
      set.insert({p[0].x, p[0].y, p[0].z, p[1].x, p[1].y, p[1].z, p[2].x, p[2].y, p[2].z});
    }
    return set;
  };
  CHECK(triangles(optimized) == triangles(*mesh));
  CHECK(assets::signedVolume(optimized) == doctest::Approx(assets::signedVolume(*mesh)));
}

}  // namespace
}  // namespace medverse::imaging
