// Procedural primitives: right size, closed, facing outward, smooth where
// curved and hard-edged where flat — what back-face culling and lighting
// need from them.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <glm/gtc/constants.hpp>
#include <map>
#include <string>

#include "medverse/assets/mesh.h"
#include "medverse/assets/primitives.h"

using namespace medverse::assets;

namespace {

using Key = std::array<long, 3>;

Key keyOf(glm::vec3 p) {
  return {std::lround(p.x * 1e5f), std::lround(p.y * 1e5f), std::lround(p.z * 1e5f)};
}

// Closed means every edge, compared by position, is used once in each
// direction: by one triangle a->b and by its neighbour b->a. That also proves
// the winding is consistent across the whole surface.
void checkClosedAndConsistent(const MeshData& mesh) {
  std::map<std::pair<Key, Key>, int> edges;
  for (std::size_t t = 0; t < mesh.indices.size(); t += 3) {
    for (std::size_t k = 0; k < 3; ++k) {
      const Key a = keyOf(mesh.vertices[mesh.indices[t + k]].position);
      const Key b = keyOf(mesh.vertices[mesh.indices[t + (k + 1) % 3]].position);
      ++edges[{a, b}];
    }
  }
  int unmatched = 0;
  for (const auto& [edge, count] : edges) {
    const auto reverse = edges.find({edge.second, edge.first});
    if (count != 1 || reverse == edges.end() || reverse->second != 1) {
      ++unmatched;
    }
  }
  CHECK_MESSAGE(unmatched == 0, mesh.name << " has " << unmatched << " open or repeated edges");
}

// Each triangle's geometric normal (from its winding) agrees with the normals
// of its vertices: lighting and culling see the same side as the front.
void checkWindingMatchesNormals(const MeshData& mesh) {
  int disagreements = 0;
  int degenerate = 0;
  for (std::size_t t = 0; t < mesh.indices.size(); t += 3) {
    const Vertex& a = mesh.vertices[mesh.indices[t]];
    const Vertex& b = mesh.vertices[mesh.indices[t + 1]];
    const Vertex& c = mesh.vertices[mesh.indices[t + 2]];
    const glm::vec3 geometric = glm::cross(b.position - a.position, c.position - a.position);
    if (glm::length(geometric) <= 0.0f) {
      ++degenerate;
      continue;
    }
    for (const Vertex* v : {&a, &b, &c}) {
      if (glm::dot(geometric, v->normal) <= 0.0f) {
        ++disagreements;
      }
    }
  }
  CHECK_MESSAGE(degenerate == 0, mesh.name << " has " << degenerate << " degenerate triangles");
  CHECK_MESSAGE(disagreements == 0,
                mesh.name << " has " << disagreements << " vertex normals against the winding");
}

void checkUnitNormals(const MeshData& mesh) {
  for (const Vertex& v : mesh.vertices) {
    CHECK(glm::length(v.normal) == doctest::Approx(1.0f).epsilon(1e-5));
  }
}

void checkSolid(const MeshData& mesh, double expectedVolume, double relativeTolerance) {
  CHECK(validate(mesh).ok());
  checkUnitNormals(mesh);
  checkClosedAndConsistent(mesh);
  checkWindingMatchesNormals(mesh);
  CHECK(signedVolume(mesh) > 0.0);
  CHECK(signedVolume(mesh) == doctest::Approx(expectedVolume).epsilon(relativeTolerance));
}

bool near(glm::vec3 a, glm::vec3 b, float eps = 1e-5f) {
  return glm::all(glm::lessThanEqual(glm::abs(a - b), glm::vec3(eps)));
}

}  // namespace

TEST_CASE("a box has the requested size, flat faces and faces outward") {
  const MeshData box = makeBox({2.0f, 1.0f, 0.5f});
  CHECK(box.vertices.size() == 24);
  CHECK(triangleCount(box) == 12);
  CHECK(near(box.boundsMin, {-1.0f, -0.5f, -0.25f}));
  CHECK(near(box.boundsMax, {1.0f, 0.5f, 0.25f}));
  checkSolid(box, 1.0, 1e-6);
  // Flat: every normal is an axis, pointing the way its vertex lies.
  for (const Vertex& v : box.vertices) {
    const glm::vec3 n = glm::abs(v.normal);
    CHECK(n.x + n.y + n.z == doctest::Approx(1.0f));
    CHECK(glm::dot(v.normal, v.position) > 0.0f);
  }
}

TEST_CASE("a box's faces are counter-clockwise seen from outside") {
  // Seen from +Z looking down -Z (x right, y up), the +Z face's triangles
  // must turn counter-clockwise on screen.
  const MeshData box = makeBox({1, 1, 1});
  int frontTriangles = 0;
  for (std::size_t t = 0; t < box.indices.size(); t += 3) {
    const Vertex& a = box.vertices[box.indices[t]];
    if (a.normal != glm::vec3(0, 0, 1)) {
      continue;
    }
    const glm::vec3 b = box.vertices[box.indices[t + 1]].position;
    const glm::vec3 c = box.vertices[box.indices[t + 2]].position;
    const glm::vec2 ab = glm::vec2(b) - glm::vec2(a.position);
    const glm::vec2 ac = glm::vec2(c) - glm::vec2(a.position);
    CHECK(ab.x * ac.y - ab.y * ac.x > 0.0f);
    ++frontTriangles;
  }
  CHECK(frontTriangles == 2);
}

TEST_CASE("a plane lies in XZ, faces up, and has the requested size") {
  const MeshData plane = makePlane({4.0f, 2.0f});
  CHECK(validate(plane).ok());
  CHECK(triangleCount(plane) == 2);
  CHECK(near(plane.boundsMin, {-2.0f, 0.0f, -1.0f}));
  CHECK(near(plane.boundsMax, {2.0f, 0.0f, 1.0f}));
  CHECK(surfaceArea(plane) == doctest::Approx(8.0));
  for (const Vertex& v : plane.vertices) {
    CHECK(v.normal == glm::vec3(0, 1, 0));
  }
  checkWindingMatchesNormals(plane);
}

TEST_CASE("a UV sphere is round, closed, smooth and faces outward") {
  const float r = 0.5f;
  const MeshData sphere = makeUvSphere(r, 32, 16);
  // 15 rings of 32 plus two poles.
  CHECK(sphere.vertices.size() == 15 * 32 + 2);
  CHECK(triangleCount(sphere) == 2 * 32 * 15);
  CHECK(near(sphere.boundsMin, glm::vec3(-r), 1e-3f));
  CHECK(near(sphere.boundsMax, glm::vec3(r), 1e-3f));
  for (const Vertex& v : sphere.vertices) {
    CHECK(glm::length(v.position) == doctest::Approx(r).epsilon(1e-5));
    CHECK(near(v.normal, v.position / r, 1e-5f));  // smooth: the normal is radial
  }
  // A polyhedron inscribed in the sphere is a little smaller than it.
  const double exact = 4.0 / 3.0 * glm::pi<double>() * r * r * r;
  checkSolid(sphere, exact * 0.975, 0.02);
  CHECK(signedVolume(sphere) < exact);
}

TEST_CASE("a sphere with too few segments or rings is still a closed solid") {
  checkSolid(makeUvSphere(1.0f, 0, 0), signedVolume(makeUvSphere(1.0f, 3, 2)), 1e-6);
  CHECK(triangleCount(makeUvSphere(1.0f, 0, 0)) == 6);
}

TEST_CASE("a cylinder is capped, closed, and has hard edges at the caps") {
  const float r = 0.25f;
  const float h = 2.0f;
  const MeshData cylinder = makeCylinder(r, h, 48);
  CHECK(near(cylinder.boundsMin, {-r, -h / 2, -r}, 1e-3f));
  CHECK(near(cylinder.boundsMax, {r, h / 2, r}, 1e-3f));
  const double exact = glm::pi<double>() * r * r * h;
  checkSolid(cylinder, exact, 0.01);
  int capNormals = 0;
  int sideNormals = 0;
  for (const Vertex& v : cylinder.vertices) {
    if (std::abs(v.normal.y) == 1.0f) {
      ++capNormals;
      CHECK(v.normal.y * v.position.y > 0.0f);
    } else {
      ++sideNormals;
      CHECK(v.normal.y == doctest::Approx(0.0f));
    }
  }
  CHECK(capNormals == 2 * (48 + 1));
  CHECK(sideNormals == 2 * 48);
}

TEST_CASE("a capsule is a cylinder between two hemispheres") {
  const float r = 0.1f;
  const float h = 0.3f;
  const MeshData capsule = makeCapsule(r, h, 32, 16);
  CHECK(near(capsule.boundsMin, {-r, -h / 2 - r, -r}, 1e-3f));
  CHECK(near(capsule.boundsMax, {r, h / 2 + r, r}, 1e-3f));
  const double exact = glm::pi<double>() * r * r * h + 4.0 / 3.0 * glm::pi<double>() * r * r * r;
  checkSolid(capsule, exact * 0.98, 0.02);

  SUBCASE("with no cylinder it is a sphere") {
    const MeshData ball = makeCapsule(r, 0.0f, 32, 16);
    const MeshData sphere = makeUvSphere(r, 32, 16);
    CHECK(ball.vertices.size() == sphere.vertices.size());
    CHECK(triangleCount(ball) == triangleCount(sphere));
    checkSolid(ball, signedVolume(sphere), 1e-5);
  }
}
