// MeshData and its helpers: the invariants every mesh in MedVerse keeps.
#include <doctest/doctest.h>

#include <cmath>
#include <glm/gtc/matrix_transform.hpp>
#include <limits>
#include <vector>

#include "medverse/assets/mesh.h"
#include "medverse/assets/primitives.h"

using namespace medverse::assets;

namespace {

// A unit right triangle in the XY plane, counter-clockwise seen from +Z.
MeshData triangle() {
  MeshData mesh;
  mesh.name = "triangle";
  mesh.vertices = {{{0, 0, 0}, {0, 0, 1}}, {{1, 0, 0}, {0, 0, 1}}, {{0, 1, 0}, {0, 0, 1}}};
  mesh.indices = {0, 1, 2};
  computeBounds(mesh);
  return mesh;
}

bool near(glm::vec3 a, glm::vec3 b, float eps = 1e-5f) {
  return glm::all(glm::lessThanEqual(glm::abs(a - b), glm::vec3(eps)));
}

}  // namespace

TEST_CASE("a vertex is two tightly packed vec3s, ready for a vertex buffer") {
  CHECK(sizeof(Vertex) == 24);
  std::vector<Vertex> vertices(10);
  CHECK(reinterpret_cast<const char*>(&vertices[1]) - reinterpret_cast<const char*>(&vertices[0]) ==
        24);
}

TEST_CASE("bounds enclose every vertex and an empty mesh has zero bounds") {
  MeshData mesh;
  computeBounds(mesh);
  CHECK(mesh.boundsMin == glm::vec3(0.0f));
  CHECK(mesh.boundsMax == glm::vec3(0.0f));

  mesh.vertices = {{{1, -2, 3}, {}}, {{-4, 5, 0.5f}, {}}, {{0, 0, -6}, {}}};
  computeBounds(mesh);
  CHECK(mesh.boundsMin == glm::vec3(-4, -2, -6));
  CHECK(mesh.boundsMax == glm::vec3(1, 5, 3));
}

TEST_CASE("triangle count is a third of the index count") {
  CHECK(triangleCount(MeshData{}) == 0);
  CHECK(triangleCount(triangle()) == 1);
  CHECK(triangleCount(makeBox({1, 1, 1})) == 12);
}

TEST_CASE("validate accepts a well-formed mesh and an empty one") {
  CHECK(validate(triangle()).ok());
  CHECK(validate(MeshData{}).ok());
}

TEST_CASE("validate names the mesh and the problem for broken meshes") {
  SUBCASE("index count not a multiple of three") {
    MeshData mesh = triangle();
    mesh.indices.push_back(0);
    const auto status = validate(mesh);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message.find("triangle") != std::string::npos);
    CHECK(status.error().message.find("'triangle'") != std::string::npos);
  }
  SUBCASE("index out of range") {
    MeshData mesh = triangle();
    mesh.indices[2] = 3;
    const auto status = validate(mesh);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message.find("vertex 3") != std::string::npos);
    CHECK(status.error().message.find("3 vertices") != std::string::npos);
  }
  SUBCASE("non-finite position") {
    MeshData mesh = triangle();
    mesh.vertices[1].position.x = std::numeric_limits<float>::quiet_NaN();
    const auto status = validate(mesh);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message.find("vertex 1") != std::string::npos);
  }
  SUBCASE("non-finite normal") {
    MeshData mesh = triangle();
    mesh.vertices[2].normal.z = std::numeric_limits<float>::infinity();
    const auto status = validate(mesh);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message.find("normal") != std::string::npos);
  }
  SUBCASE("stale bounds after moving a vertex") {
    MeshData mesh = triangle();
    mesh.vertices[0].position = {-3, 0, 0};
    const auto status = validate(mesh);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message.find("computeBounds") != std::string::npos);
  }
}

TEST_CASE("recomputed normals follow the counter-clockwise winding") {
  MeshData mesh = triangle();
  for (Vertex& v : mesh.vertices) {
    v.normal = {};
  }
  recomputeNormals(mesh);
  for (const Vertex& v : mesh.vertices) {
    CHECK(near(v.normal, {0, 0, 1}));
  }
  std::swap(mesh.indices[1], mesh.indices[2]);
  recomputeNormals(mesh);
  CHECK(near(mesh.vertices[0].normal, {0, 0, -1}));
}

TEST_CASE("recomputed normals weight each triangle by its area") {
  // Vertex 0 is shared by a large triangle facing +Z and a small one facing
  // +X; its normal must lean towards the large one, by the area ratio.
  MeshData mesh;
  mesh.vertices = {
      {{0, 0, 0}, {}}, {{4, 0, 0}, {}}, {{0, 4, 0}, {}}, {{0, 0, 1}, {}}, {{0, 1, 0}, {}}};
  mesh.indices = {0, 1, 2,   // area 8, normal +Z
                  0, 4, 3};  // area 0.5, normal +X
  computeBounds(mesh);
  recomputeNormals(mesh);
  const glm::vec3 expected = glm::normalize(glm::vec3(0.5f, 0.0f, 8.0f));
  CHECK(near(mesh.vertices[0].normal, expected));
  CHECK(glm::length(mesh.vertices[0].normal) == doctest::Approx(1.0f));
  CHECK(near(mesh.vertices[1].normal, {0, 0, 1}));
  CHECK(near(mesh.vertices[3].normal, {1, 0, 0}));
}

TEST_CASE("recomputing a box's normals keeps its faces flat") {
  MeshData box = makeBox({2, 1, 1});
  const MeshData original = box;
  recomputeNormals(box);
  for (std::size_t i = 0; i < box.vertices.size(); ++i) {
    CHECK(near(box.vertices[i].normal, original.vertices[i].normal));
  }
}

TEST_CASE("transforming moves positions and bounds") {
  MeshData box = makeBox({1, 1, 1});
  transform(box, glm::translate(glm::mat4(1.0f), {10, 0, -2}));
  CHECK(near(box.boundsMin, {9.5f, -0.5f, -2.5f}));
  CHECK(near(box.boundsMax, {10.5f, 0.5f, -1.5f}));
  CHECK(validate(box).ok());
}

TEST_CASE("normals stay perpendicular to the surface under non-uniform scale") {
  // A sphere squashed to an ellipsoid: each normal must remain perpendicular
  // to the ellipsoid, i.e. parallel to its gradient (x/a^2, y/b^2, z/c^2).
  MeshData sphere = makeUvSphere(1.0f, 24, 12);
  const glm::vec3 scale(3.0f, 1.0f, 0.5f);
  transform(sphere, glm::scale(glm::mat4(1.0f), scale));
  for (const Vertex& v : sphere.vertices) {
    const glm::vec3 gradient = glm::normalize(v.position / (scale * scale));
    CHECK(glm::dot(v.normal, gradient) == doctest::Approx(1.0f).epsilon(1e-4));
  }
}

TEST_CASE("a mirroring transform keeps closed meshes facing outward") {
  MeshData box = makeBox({1, 2, 3});
  transform(box, glm::scale(glm::mat4(1.0f), {-1.0f, 1.0f, 1.0f}));
  CHECK(signedVolume(box) == doctest::Approx(6.0));
  recomputeNormals(box);  // geometric normals from the new winding
  for (const Vertex& v : box.vertices) {
    CHECK(glm::dot(v.normal, v.position) > 0.0f);
  }
}

TEST_CASE("append offsets the indices and transforms the appended part") {
  MeshData target = triangle();
  append(target, triangle(), glm::translate(glm::mat4(1.0f), {0, 0, 5}));
  CHECK(target.name == "triangle");
  CHECK(target.vertices.size() == 6);
  CHECK(target.indices == std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5});
  CHECK(target.vertices[3].position == glm::vec3(0, 0, 5));
  CHECK(target.boundsMax == glm::vec3(1, 1, 5));
  CHECK(validate(target).ok());
}

TEST_CASE("merge joins meshes into one drawable and adds up their volumes") {
  MeshData a = makeBox({1, 1, 1});
  MeshData b = makeBox({1, 1, 1});
  transform(b, glm::translate(glm::mat4(1.0f), {3, 0, 0}));
  const std::vector<MeshData> parts = {a, b};
  const MeshData merged = merge(parts, "two_boxes");
  CHECK(merged.name == "two_boxes");
  CHECK(triangleCount(merged) == 24);
  CHECK(merged.vertices.size() == 48);
  CHECK(near(merged.boundsMin, {-0.5f, -0.5f, -0.5f}));
  CHECK(near(merged.boundsMax, {3.5f, 0.5f, 0.5f}));
  CHECK(signedVolume(merged) == doctest::Approx(2.0));
  CHECK(validate(merged).ok());
}

TEST_CASE("volume and area of a box match its dimensions") {
  const MeshData box = makeBox({2, 3, 4});
  CHECK(signedVolume(box) == doctest::Approx(24.0));
  CHECK(surfaceArea(box) == doctest::Approx(2.0 * (6 + 8 + 12)));
}
