// Mesh files as a user meets them: files written by other tools (here, by
// the test, as text), round trips through our own exporter, and errors that
// say which file and what went wrong.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <glm/gtc/matrix_transform.hpp>
#include <random>
#include <string>
#include <vector>

#include "medverse/assets/mesh.h"
#include "medverse/assets/mesh_io.h"
#include "medverse/assets/primitives.h"

using namespace medverse::assets;
namespace fs = std::filesystem;

namespace {

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() / ("medverse_test_assets_" + std::to_string(::getpid()) +
                                         "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] fs::path file(const std::string& name) const { return path_ / name; }

  [[nodiscard]] fs::path write(const std::string& name, const std::string& contents) const {
    fs::path p = file(name);
    std::ofstream out(p, std::ios::binary);
    out << contents;
    return p;
  }

 private:
  fs::path path_;
};

bool near(glm::vec3 a, glm::vec3 b, float eps = 1e-5f) {
  return glm::all(glm::lessThanEqual(glm::abs(a - b), glm::vec3(eps)));
}

glm::vec3 centroid(const MeshData& mesh) {
  return (mesh.boundsMin + mesh.boundsMax) * 0.5f;
}

// Every vertex normal points away from the middle of a convex solid.
void checkNormalsOutward(const MeshData& mesh, glm::vec3 inside) {
  for (const Vertex& v : mesh.vertices) {
    CHECK(glm::length(v.normal) == doctest::Approx(1.0f).epsilon(1e-4));
    CHECK(glm::dot(v.normal, v.position - inside) > 0.0f);
  }
}

std::string message(const medverse::Result<std::vector<MeshData>>& result) {
  return result.ok() ? std::string("(loaded)") : result.error().message;
}

// A 2 x 1 x 1 m box as a modelling tool would write it: 8 shared corners and
// six counter-clockwise quads, no normals.
const char* const kBoxObj = R"(# 2 x 1 x 1 box
o box
v -1.0 -0.5 -0.5
v  1.0 -0.5 -0.5
v  1.0  0.5 -0.5
v -1.0  0.5 -0.5
v -1.0 -0.5  0.5
v  1.0 -0.5  0.5
v  1.0  0.5  0.5
v -1.0  0.5  0.5
f 5 6 7 8
f 1 4 3 2
f 2 3 7 6
f 1 5 8 4
f 4 8 7 3
f 1 2 6 5
)";

// The corner tetrahedron (0,0,0), (1,0,0), (0,1,0), (0,0,1) with outward
// facet normals, as a CAD tool writes ASCII STL.
const char* const kTetrahedronStl = R"(solid tetra
facet normal 0 0 -1
  outer loop
    vertex 0 0 0
    vertex 0 1 0
    vertex 1 0 0
  endloop
endfacet
facet normal 0 -1 0
  outer loop
    vertex 0 0 0
    vertex 1 0 0
    vertex 0 0 1
  endloop
endfacet
facet normal -1 0 0
  outer loop
    vertex 0 0 0
    vertex 0 0 1
    vertex 0 1 0
  endloop
endfacet
facet normal 0.57735 0.57735 0.57735
  outer loop
    vertex 1 0 0
    vertex 0 1 0
    vertex 0 0 1
  endloop
endfacet
endsolid tetra
)";

// The same tetrahedron as ASCII PLY: shared vertices, no normals.
const char* const kTetrahedronPly = R"(ply
format ascii 1.0
comment written by test_mesh_io
element vertex 4
property float x
property float y
property float z
element face 4
property list uchar int vertex_indices
end_header
0 0 0
1 0 0
0 1 0
0 0 1
3 0 2 1
3 0 1 3
3 0 3 2
3 1 2 3
)";

std::string base64(const void* data, std::size_t size) {
  static const char* const kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* bytes = static_cast<const unsigned char*>(data);
  std::string out;
  for (std::size_t i = 0; i < size; i += 3) {
    const std::uint32_t chunk = (std::uint32_t{bytes[i]} << 16) |
                                (i + 1 < size ? std::uint32_t{bytes[i + 1]} << 8 : 0u) |
                                (i + 2 < size ? std::uint32_t{bytes[i + 2]} : 0u);
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += i + 1 < size ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < size ? kAlphabet[chunk & 63] : '=';
  }
  return out;
}

}  // namespace

TEST_CASE("a 2x1x1 box written as OBJ loads with the right extents, faces and normals") {
  const TempDir dir;
  const auto result = loadMeshes(dir.write("box.obj", kBoxObj));
  REQUIRE_MESSAGE(result.ok(), message(result));
  REQUIRE(result->size() == 1);
  const MeshData& box = result->front();
  CHECK(box.name == "box");
  CHECK(triangleCount(box) == 12);  // six quads, triangulated
  CHECK(box.vertices.size() == 8);  // shared corners joined again
  CHECK(near(box.boundsMax - box.boundsMin, {2.0f, 1.0f, 1.0f}));
  CHECK(near(box.boundsMin, {-1.0f, -0.5f, -0.5f}));
  CHECK(signedVolume(box) == doctest::Approx(2.0));  // winding kept: faces point out
  checkNormalsOutward(box, centroid(box));           // generated, smooth
  CHECK(validate(box).ok());
}

TEST_CASE("each object in an OBJ file becomes its own named mesh") {
  const TempDir dir;
  const auto result = loadMeshes(dir.write("two.obj", R"(o first
v 0 0 0
v 1 0 0
v 0 1 0
f 1 2 3
o second
v 0 0 5
v 1 0 5
v 0 1 5
f 4 5 6
)"));
  REQUIRE_MESSAGE(result.ok(), message(result));
  REQUIRE(result->size() == 2);
  CHECK((*result)[0].name == "first");
  CHECK((*result)[1].name == "second");
  CHECK((*result)[1].boundsMin.z == doctest::Approx(5.0f));
  CHECK((*result)[0].vertices[0].normal == glm::vec3(0, 0, 1));
}

TEST_CASE("an ASCII STL keeps its facet normals, size and orientation") {
  const TempDir dir;
  const auto result = loadMeshes(dir.write("tetra.stl", kTetrahedronStl));
  REQUIRE_MESSAGE(result.ok(), message(result));
  REQUIRE(result->size() == 1);
  const MeshData& tetra = result->front();
  CHECK(triangleCount(tetra) == 4);
  CHECK(near(tetra.boundsMin, {0, 0, 0}));
  CHECK(near(tetra.boundsMax, {1, 1, 1}));
  CHECK(signedVolume(tetra) == doctest::Approx(1.0 / 6.0));
  // Flat shading, as STL means it: each triangle's vertices carry its facet
  // normal.
  for (std::size_t t = 0; t < tetra.indices.size(); t += 3) {
    const glm::vec3 a = tetra.vertices[tetra.indices[t]].position;
    const glm::vec3 b = tetra.vertices[tetra.indices[t + 1]].position;
    const glm::vec3 c = tetra.vertices[tetra.indices[t + 2]].position;
    const glm::vec3 facet = glm::normalize(glm::cross(b - a, c - a));
    for (std::size_t k = 0; k < 3; ++k) {
      CHECK(near(tetra.vertices[tetra.indices[t + k]].normal, facet, 1e-4f));
    }
  }
}

TEST_CASE("an STL with zero facet normals still loads with usable normals") {
  std::string stl = kTetrahedronStl;
  for (const char* normal : {"0 0 -1", "0 -1 0", "-1 0 0", "0.57735 0.57735 0.57735"}) {
    stl.replace(stl.find(normal), std::strlen(normal), "0 0 0");
  }
  const TempDir dir;
  const auto result = loadMeshes(dir.write("zero_normals.stl", stl));
  REQUIRE_MESSAGE(result.ok(), message(result));
  const MeshData& tetra = result->front();
  checkNormalsOutward(tetra, glm::vec3(0.25f));
}

TEST_CASE("an ASCII PLY without normals gets smooth outward normals") {
  const TempDir dir;
  const auto result = loadMeshes(dir.write("tetra.ply", kTetrahedronPly));
  REQUIRE_MESSAGE(result.ok(), message(result));
  REQUIRE(result->size() == 1);
  const MeshData& tetra = result->front();
  CHECK(tetra.vertices.size() == 4);
  CHECK(triangleCount(tetra) == 4);
  CHECK(signedVolume(tetra) == doctest::Approx(1.0 / 6.0));
  checkNormalsOutward(tetra, glm::vec3(0.25f));
}

TEST_CASE("glTF node transforms are applied, parents before children") {
  const std::vector<float> positions = {0, 0, 0, 1, 0, 0, 0, 1, 0};
  const std::string uri = "data:application/octet-stream;base64," +
                          base64(positions.data(), positions.size() * sizeof(float));
  const std::string gltf = R"({
  "asset": {"version": "2.0"},
  "scene": 0,
  "scenes": [{"nodes": [0]}],
  "nodes": [
    {"name": "lifted", "translation": [0, 2, 0], "children": [1]},
    {"name": "doubled", "mesh": 0, "scale": [2, 2, 2]}
  ],
  "meshes": [{"name": "triangle", "primitives": [{"attributes": {"POSITION": 0}}]}],
  "buffers": [{"byteLength": 36, "uri": ")" +
                           uri + R"("}],
  "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": 36}],
  "accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3",
                 "min": [0, 0, 0], "max": [1, 1, 0]}]
})";
  const TempDir dir;
  const auto result = loadMeshes(dir.write("lifted.gltf", gltf));
  REQUIRE_MESSAGE(result.ok(), message(result));
  REQUIRE(result->size() == 1);
  const MeshData& triangle = result->front();
  CHECK(triangleCount(triangle) == 1);
  CHECK(near(triangle.boundsMin, {0, 2, 0}));  // scaled by 2, then lifted by 2
  CHECK(near(triangle.boundsMax, {2, 4, 0}));
  CHECK(near(triangle.vertices[0].normal, {0, 0, 1}));
}

TEST_CASE("saving a mesh removes the partial file a killed export of the same file left") {
  // A killed export (SIGKILL) cannot remove its FILE.partial-PID; the next
  // save of FILE removes it once its process is gone, and nothing else.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::_Exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  const TempDir dir;
  const fs::path stale = dir.write("ball.obj.partial-" + std::to_string(child), "v 0 0");
  const fs::path live = dir.write("ball.obj.partial-" + std::to_string(::getppid()), "v 0 0");
  const fs::path other = dir.write("cube.obj.partial-" + std::to_string(child), "v 0 0");
  MeshData sphere = makeUvSphere(0.3f, 12, 6);
  sphere.name = "ball";
  const auto saved = saveMesh(sphere, dir.file("ball.obj"));
  REQUIRE_MESSAGE(saved.ok(), (saved.ok() ? std::string() : saved.error().message));
  CHECK_FALSE(fs::exists(stale));
  CHECK(fs::exists(live));   // its writer still runs
  CHECK(fs::exists(other));  // another file's: left to the save of that file
  CHECK(fs::exists(dir.file("ball.obj")));
}

TEST_CASE("a mesh saved as GLB loads back the same") {
  MeshData sphere = makeUvSphere(0.3f, 24, 12);
  transform(sphere, glm::translate(glm::mat4(1.0f), {0.5f, 1.0f, -2.0f}));
  sphere.name = "ball";
  const TempDir dir;
  const fs::path path = dir.file("ball.glb");
  const auto saved = saveMesh(sphere, path);
  REQUIRE_MESSAGE(saved.ok(), (saved.ok() ? std::string() : saved.error().message));
  CHECK(fs::file_size(path) > 0);

  const auto result = loadMeshes(path);
  REQUIRE_MESSAGE(result.ok(), message(result));
  REQUIRE(result->size() == 1);
  const MeshData& loaded = result->front();
  CHECK(loaded.name == "ball");
  CHECK(loaded.vertices.size() == sphere.vertices.size());
  CHECK(triangleCount(loaded) == triangleCount(sphere));
  CHECK(near(loaded.boundsMin, sphere.boundsMin));
  CHECK(near(loaded.boundsMax, sphere.boundsMax));
  CHECK(signedVolume(loaded) == doctest::Approx(signedVolume(sphere)).epsilon(1e-5));
  checkNormalsOutward(loaded, {0.5f, 1.0f, -2.0f});
}

TEST_CASE("every save format round-trips a box's size, faces and orientation") {
  const MeshData box = makeBox({2.0f, 1.0f, 0.5f});
  const TempDir dir;
  for (const std::string_view ext : meshSaveExtensions()) {
    CAPTURE(ext);
    const fs::path path = dir.file("box" + std::string(ext));
    const auto saved = saveMesh(box, path);
    REQUIRE_MESSAGE(saved.ok(), (saved.ok() ? std::string() : saved.error().message));
    const auto result = loadMeshes(path);
    REQUIRE_MESSAGE(result.ok(), message(result));
    REQUIRE(result->size() == 1);
    const MeshData& loaded = result->front();
    CHECK(triangleCount(loaded) == 12);
    CHECK(near(loaded.boundsMin, box.boundsMin));
    CHECK(near(loaded.boundsMax, box.boundsMax));
    CHECK(signedVolume(loaded) == doctest::Approx(1.0).epsilon(1e-5));
    // Hard edges survive: every normal is still a face's axis.
    for (const Vertex& v : loaded.vertices) {
      const glm::vec3 n = glm::abs(v.normal);
      CHECK(glm::max(n.x, glm::max(n.y, n.z)) == doctest::Approx(1.0f).epsilon(1e-4));
    }
  }
}

TEST_CASE("file extensions are matched regardless of case") {
  const TempDir dir;
  const fs::path path = dir.file("Scan.STL");
  REQUIRE(saveMesh(makeBox({1, 1, 1}), path).ok());
  const auto result = loadMeshes(path);
  REQUIRE_MESSAGE(result.ok(), message(result));
  CHECK(triangleCount(result->front()) == 12);
}

TEST_CASE("loading a missing file names the file") {
  const TempDir dir;
  const auto result = loadMeshes(dir.file("no_such_scan.obj"));
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message.find("no_such_scan.obj") != std::string::npos);
  CHECK(result.error().message.find("does not exist") != std::string::npos);
}

TEST_CASE("loading a file of an unknown format names the file and the extension") {
  const TempDir dir;
  const auto result = loadMeshes(dir.write("notes.xyz", "not a mesh\n"));
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message.find("notes.xyz") != std::string::npos);
  CHECK(result.error().message.find("'.xyz'") != std::string::npos);
}

TEST_CASE("loading garbage fails with the file's name instead of crashing") {
  std::mt19937 random(1234);
  std::string noise(4096, '\0');
  for (char& c : noise) {
    c = static_cast<char>(random() & 0xFF);
  }
  const TempDir dir;
  for (const char* name : {"garbage.glb", "garbage.stl", "garbage.ply", "garbage.obj"}) {
    CAPTURE(name);
    const auto result = loadMeshes(dir.write(name, noise));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message.find(name) != std::string::npos);
  }
}

TEST_CASE("an OBJ with only points and lines has no triangles to load") {
  const TempDir dir;
  const auto result =
      loadMeshes(dir.write("wire.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nl 1 2 3\np 1\n"));
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message.find("wire.obj") != std::string::npos);
  CHECK(result.error().message.find("no triangles") != std::string::npos);
}

TEST_CASE("saving with an unknown extension names it and the supported ones") {
  const TempDir dir;
  const auto status = saveMesh(makeBox({1, 1, 1}), dir.file("scan.vtk"));
  REQUIRE_FALSE(status.ok());
  const std::string& text = status.error().message;
  CHECK(text.find("scan.vtk") != std::string::npos);
  CHECK(text.find("'.vtk'") != std::string::npos);
  for (const std::string_view ext : meshSaveExtensions()) {
    CHECK(text.find(ext) != std::string::npos);
  }
  CHECK_FALSE(fs::exists(dir.file("scan.vtk")));
}

TEST_CASE("saving into a missing folder or saving a broken mesh fails clearly") {
  const TempDir dir;
  const auto missingFolder = saveMesh(makeBox({1, 1, 1}), dir.file("nowhere") / "box.stl");
  REQUIRE_FALSE(missingFolder.ok());
  CHECK(missingFolder.error().message.find("nowhere") != std::string::npos);

  MeshData broken = makeBox({1, 1, 1});
  broken.indices.back() = 1000;
  const auto invalid = saveMesh(broken, dir.file("broken.glb"));
  REQUIRE_FALSE(invalid.ok());
  CHECK(invalid.error().message.find("broken.glb") != std::string::npos);
  CHECK(invalid.error().message.find("1000") != std::string::npos);

  const auto empty = saveMesh(MeshData{}, dir.file("empty.obj"));
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().message.find("no triangles") != std::string::npos);
}
