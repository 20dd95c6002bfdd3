// Isosurfaces: a ball of known radius, placed obliquely in patient space,
// must come back as a closed sphere of the right size, facing outward, the
// same on any number of threads; a real MR template must give a closed brain.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "checks.h"
#include "medverse/core/jobs.h"
#include "medverse/imaging/isosurface.h"
#include "medverse/imaging/nifti.h"
#include "nibabel_reference.h"
#include "surface_checks.h"

namespace medverse::imaging {
namespace {

using testing::checkClosed;
using testing::identical;
using testing::kPi;
using testing::makeSphereVolume;
using testing::SphereVolume;

const char* typeName(VoxelType type) {
  return voxelTypeName(type).data();
}

// Iso values between stored integers, so that no voxel sits exactly on the
// surface (that would give coincident vertices, valid but untestable).
double isoFor(const SphereVolume& s) {
  return s.volume.type() == VoxelType::Float32 ? s.offset : s.offset + 0.5;
}

TEST_CASE("a ball becomes a closed sphere of the right size in patient mm, for every voxel type") {
  for (const VoxelType type :
       {VoxelType::UInt8, VoxelType::Int16, VoxelType::UInt16, VoxelType::Float32}) {
    for (const bool improper : {false, true}) {
      const SphereVolume s = makeSphereVolume(type, improper);
      const double iso = isoFor(s);
      const double r = s.radiusAt(iso);
      INFO(typeName(type) << (improper ? ", improper direction" : ", proper direction"));
      auto mesh = extractIsosurface(s.volume, iso);
      REQUIRE_MESSAGE(mesh.ok(), (mesh.ok() ? "" : mesh.error().message));
      REQUIRE(assets::validate(*mesh).ok());
      checkClosed(*mesh);

      // Enclosed volume: positive (triangles face out) and that of the ball.
      const double expected = 4.0 / 3.0 * kPi * r * r * r;
      const double volume = assets::signedVolume(*mesh);
      INFO("volume " << volume << " mm^3, expected " << expected);
      CHECK(std::abs(volume - expected) < 0.015 * expected);
      const double area = assets::surfaceArea(*mesh);
      CHECK(std::abs(area - 4.0 * kPi * r * r) < 0.02 * 4.0 * kPi * r * r);

      // Every vertex on the sphere within half a voxel; every normal radial.
      const double halfVoxel =
          0.5 * std::min({s.volume.spacing.x, s.volume.spacing.y, s.volume.spacing.z});
      double worstDistance = 0.0;
      double worstAlignment = 1.0;
      for (const assets::Vertex& v : mesh->vertices) {
        const glm::dvec3 radial = glm::dvec3(v.position) - s.centre;
        worstDistance = std::max(worstDistance, std::abs(glm::length(radial) - r));
        worstAlignment =
            std::min(worstAlignment, glm::dot(glm::normalize(radial), glm::dvec3(v.normal)));
      }
      INFO("worst |distance - r| " << worstDistance << " mm, worst normal.radial "
                                   << worstAlignment);
      CHECK(worstDistance < halfVoxel);
      CHECK(worstAlignment > 0.95);
    }
  }
}

TEST_CASE("the same values give the same mesh whatever type stores them") {
  // Integer values 0..250 fit every voxel type exactly, so the four storage
  // paths (each classifies rows with its own SIMD comparison) must agree to
  // the bit, rows shorter and longer than 16 voxels alike.
  for (const glm::ivec3 dims : {glm::ivec3(37, 29, 23), glm::ivec3(7, 5, 9)}) {
    std::mt19937 random(7);
    std::vector<double> values(static_cast<std::size_t>(dims.x) * dims.y * dims.z);
    for (double& v : values) {
      v = static_cast<double>(random() % 251U);
    }
    std::vector<assets::MeshData> meshes;
    for (const VoxelType type :
         {VoxelType::UInt8, VoxelType::Int16, VoxelType::UInt16, VoxelType::Float32}) {
      Volume volume = Volume::allocate(dims, type);
      volume.spacing = {0.8, 1.2, 2.5};
      std::size_t n = 0;
      for (int k = 0; k < dims.z; ++k) {
        for (int j = 0; j < dims.y; ++j) {
          for (int i = 0; i < dims.x; ++i) {
            volume.setValue(i, j, k, values[n++]);
          }
        }
      }
      auto mesh = extractIsosurface(volume, 120.5);
      REQUIRE(mesh.ok());
      meshes.push_back(std::move(*mesh));
    }
    REQUIRE(assets::triangleCount(meshes[0]) > 100);
    checkClosed(meshes[0]);
    for (std::size_t m = 1; m < meshes.size(); ++m) {
      INFO("type " << m << " against uint8, dims " << dims.x << "x" << dims.y << "x" << dims.z);
      CHECK(identical(meshes[m], meshes[0]));
    }
  }
}

TEST_CASE("triangles are counter-clockwise seen from outside and agree with the vertex normals") {
  for (const bool improper : {false, true}) {
    const SphereVolume s = makeSphereVolume(VoxelType::Float32, improper);
    auto mesh = extractIsosurface(s.volume, 0.0);
    REQUIRE(mesh.ok());
    std::size_t inward = 0;
    std::size_t disagreeing = 0;
    for (std::size_t t = 0; t < mesh->indices.size(); t += 3) {
      const assets::Vertex& a = mesh->vertices[mesh->indices[t]];
      const assets::Vertex& b = mesh->vertices[mesh->indices[t + 1]];
      const assets::Vertex& c = mesh->vertices[mesh->indices[t + 2]];
      const glm::dvec3 face =
          glm::cross(glm::dvec3(b.position - a.position), glm::dvec3(c.position - a.position));
      const glm::dvec3 centroid = glm::dvec3(a.position + b.position + c.position) / 3.0;
      inward += glm::dot(face, centroid - s.centre) <= 0.0 ? 1 : 0;
      disagreeing += glm::dot(face, glm::dvec3(a.normal + b.normal + c.normal)) <= 0.0 ? 1 : 0;
    }
    INFO((improper ? "improper" : "proper")
         << " direction, " << mesh->indices.size() / 3 << " triangles");
    CHECK(inward == 0);
    CHECK(disagreeing == 0);
  }
}

TEST_CASE("extraction is identical on one thread and on many") {
  const SphereVolume s = makeSphereVolume(VoxelType::Int16, true, {61, 47, 53}, 17.0);
  const double iso = isoFor(s);
  IsoOptions serial;
  serial.parallel = false;
  auto reference = extractIsosurface(s.volume, iso, serial);
  REQUIRE(reference.ok());
  REQUIRE(assets::triangleCount(*reference) > 1000);
  for (const std::size_t threads : {1U, 2U, 3U, 8U}) {
    JobSystem jobs(threads);
    IsoOptions options;
    options.jobs = &jobs;
    auto mesh = extractIsosurface(s.volume, iso, options);
    REQUIRE(mesh.ok());
    INFO(threads << " workers");
    CHECK(assets::triangleCount(*mesh) == assets::triangleCount(*reference));
    CHECK(identical(*mesh, *reference));
  }
  auto again = extractIsosurface(s.volume, iso);
  REQUIRE(again.ok());
  CHECK(identical(*again, *reference));
}

TEST_CASE("every configuration of two cubes sharing a face gives a closed surface") {
  // 2x2x3 voxels are two cubes with a common face, in each of the three
  // orientations: all 4096 inside/outside patterns exercise every pair of
  // cases that meet across a face, ambiguous faces included.
  for (const glm::ivec3 dims : {glm::ivec3(3, 2, 2), glm::ivec3(2, 3, 2), glm::ivec3(2, 2, 3)}) {
    Volume volume = Volume::allocate(dims, VoxelType::UInt8);
    std::size_t failures = 0;
    for (int pattern = 1; pattern < 4096; ++pattern) {
      for (int v = 0; v < 12; ++v) {
        const int i = v % dims.x;
        const int j = (v / dims.x) % dims.y;
        const int k = v / (dims.x * dims.y);
        volume.setValue(i, j, k, ((pattern >> v) & 1) != 0 ? 1.0 : 0.0);
      }
      for (const bool close : {true, false}) {
        IsoOptions options;
        options.closeAtBoundary = close;
        options.parallel = false;
        auto mesh = extractIsosurface(volume, 0.5, options);
        REQUIRE(mesh.ok());
        const EdgeCensus census = censusEdges(*mesh);
        const bool ok = census.nonManifold == 0 && census.misoriented == 0 &&
                        census.degenerateTriangles == 0 && (!close || census.boundary == 0);
        if (!ok && failures++ < 5) {
          INFO("dims " << dims.x << "x" << dims.y << "x" << dims.z << ", pattern " << pattern
                       << (close ? ", closed" : ", open") << ": " << census.boundary
                       << " boundary, " << census.nonManifold << " non-manifold, "
                       << census.misoriented << " misoriented");
          CHECK(ok);
        }
      }
    }
    CHECK(failures == 0);
  }
}

TEST_CASE("noise, the worst case for ambiguous cubes, still gives a closed manifold surface") {
  // std::mt19937's output is fixed by the standard, so the volume is too.
  std::mt19937 random(20240611);
  for (const int levels : {2, 256}) {
    Volume volume = Volume::allocate({23, 19, 17}, VoxelType::UInt8);
    volume.spacing = {0.7, 1.3, 2.0};
    for (int k = 0; k < 17; ++k) {
      for (int j = 0; j < 19; ++j) {
        for (int i = 0; i < 23; ++i) {
          volume.setValue(i, j, k, static_cast<double>(random() % static_cast<unsigned>(levels)));
        }
      }
    }
    INFO(levels << " levels");
    auto mesh = extractIsosurface(volume, levels == 2 ? 0.5 : 127.5);
    REQUIRE(mesh.ok());
    REQUIRE(assets::triangleCount(*mesh) > 5000);
    checkClosed(*mesh);
    CHECK(assets::signedVolume(*mesh) > 0.0);
  }
}

TEST_CASE("a surface cut by the volume's faces is capped on them, and open when asked") {
  // A ball whose centre lies near a corner of the volume: three faces cut it.
  SphereVolume s = makeSphereVolume(VoxelType::Float32, false, {30, 28, 26}, 14.0);
  s.centre = s.volume.voxelToPatient(glm::dvec3(3.3, 4.2, 2.1));
  for (int k = 0; k < s.volume.dims.z; ++k) {
    for (int j = 0; j < s.volume.dims.y; ++j) {
      for (int i = 0; i < s.volume.dims.x; ++i) {
        const double d = glm::distance(s.volume.voxelToPatient(glm::dvec3(i, j, k)), s.centre);
        s.volume.setValue(i, j, k, s.radius - d);
      }
    }
  }
  auto capped = extractIsosurface(s.volume, 0.0);
  REQUIRE(capped.ok());
  checkClosed(*capped);
  CHECK(assets::signedVolume(*capped) > 0.0);
  // The caps lie on the volume's outer faces, so the mesh stays inside them.
  const PatientBounds box = s.volume.patientBounds();
  for (int a = 0; a < 3; ++a) {
    CHECK(capped->boundsMin[a] >= box.min[a] - 1e-3);
    CHECK(capped->boundsMax[a] <= box.max[a] + 1e-3);
  }
  IsoOptions open;
  open.closeAtBoundary = false;
  auto cut = extractIsosurface(s.volume, 0.0, open);
  REQUIRE(cut.ok());
  const EdgeCensus census = censusEdges(*cut);
  CHECK(census.boundary > 0);
  CHECK(census.nonManifold == 0);
  CHECK(census.misoriented == 0);
  CHECK(assets::triangleCount(*cut) < assets::triangleCount(*capped));
}

TEST_CASE("a volume entirely inside the surface becomes a closed box on its outer faces") {
  Volume volume = Volume::allocate({5, 4, 3}, VoxelType::UInt8);
  volume.spacing = {2.0, 1.5, 3.0};
  volume.origin = {10.0, -20.0, 30.0};
  for (int k = 0; k < 3; ++k) {
    for (int j = 0; j < 4; ++j) {
      for (int i = 0; i < 5; ++i) {
        volume.setValue(i, j, k, 200);
      }
    }
  }
  auto mesh = extractIsosurface(volume, 100.0);
  REQUIRE(mesh.ok());
  checkClosed(*mesh);
  const PatientBounds box = volume.patientBounds();
  CHECK(glm::all(glm::lessThan(glm::abs(glm::dvec3(mesh->boundsMin) - box.min), glm::dvec3(1e-5))));
  CHECK(glm::all(glm::lessThan(glm::abs(glm::dvec3(mesh->boundsMax) - box.max), glm::dvec3(1e-5))));
  // The box's edges and corners are bevelled by half a voxel, never grown.
  const glm::dvec3 size = box.max - box.min;
  const double full = size.x * size.y * size.z;
  CHECK(assets::signedVolume(*mesh) < full);
  CHECK(assets::signedVolume(*mesh) > 0.75 * full);
}

TEST_CASE("a value the volume never reaches gives an empty mesh, not an error") {
  const SphereVolume s = makeSphereVolume(VoxelType::UInt8);
  for (const double iso : {1000.0, -5.0}) {
    auto mesh = extractIsosurface(s.volume, iso);
    REQUIRE(mesh.ok());
    if (iso > 255) {
      CHECK(mesh->indices.empty());
      CHECK(mesh->vertices.empty());
    } else {
      // Everything is inside: the closed box of the volume's faces.
      checkClosed(*mesh);
    }
  }
  IsoOptions open;
  open.closeAtBoundary = false;
  auto none = extractIsosurface(s.volume, -5.0, open);
  REQUIRE(none.ok());
  CHECK(none->indices.empty());
}

TEST_CASE("a single voxel and a one-voxel-thin slab still give closed surfaces") {
  Volume dot = Volume::allocate({1, 1, 1}, VoxelType::Float32);
  dot.setValue(0, 0, 0, 1.0);
  auto single = extractIsosurface(dot, 0.5);
  REQUIRE(single.ok());
  checkClosed(*single);
  CHECK(assets::signedVolume(*single) > 0.0);

  Volume slab = Volume::allocate({9, 7, 1}, VoxelType::Int16);
  for (int j = 2; j < 5; ++j) {
    for (int i = 1; i < 8; ++i) {
      slab.setValue(i, j, 0, 10);
    }
  }
  auto thin = extractIsosurface(slab, 5.5);
  REQUIRE(thin.ok());
  checkClosed(*thin);
  IsoOptions open;
  open.closeAtBoundary = false;
  auto flat = extractIsosurface(slab, 5.5, open);
  REQUIRE(flat.ok());
  CHECK(flat->indices.empty());  // one slice has no cubes
}

TEST_CASE("NaN voxels count as outside and never leak into positions or normals") {
  SphereVolume s = makeSphereVolume(VoxelType::Float32);
  s.volume.setValue(20, 19, 15, std::nan(""));
  s.volume.setValue(21, 19, 15, std::numeric_limits<double>::infinity());
  auto mesh = extractIsosurface(s.volume, 0.0);
  REQUIRE(mesh.ok());
  CHECK(assets::validate(*mesh).ok());
  checkClosed(*mesh);
  for (const assets::Vertex& v : mesh->vertices) {
    CHECK(std::abs(glm::length(v.normal) - 1.0f) < 1e-4f);
  }
}

TEST_CASE("invalid volumes and iso values are refused with a message") {
  Volume broken = Volume::allocate({4, 4, 4}, VoxelType::UInt8);
  broken.spacing.y = 0.0;
  auto a = extractIsosurface(broken, 1.0);
  REQUIRE_FALSE(a.ok());
  CHECK(a.error().message.find("isosurface") != std::string::npos);
  const SphereVolume s = makeSphereVolume(VoxelType::UInt8);
  auto b = extractIsosurface(s.volume, std::nan(""));
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().message.find("finite") != std::string::npos);
}

TEST_CASE("ch2better at a brain threshold gives a closed brain inside the scan") {
  auto volume = readNifti(testing::kCh2Better.path);
  REQUIRE_MESSAGE(volume.ok(), (volume.ok() ? "" : volume.error().message));
  // The template is skull-stripped: background 0, brain tissue 55..130.
  auto mesh = extractIsosurface(*volume, 60.5);
  REQUIRE(mesh.ok());
  REQUIRE(assets::validate(*mesh).ok());
  checkClosed(*mesh);
  const PatientBounds box = volume->patientBounds();
  const glm::dvec3 lo(mesh->boundsMin);
  const glm::dvec3 hi(mesh->boundsMax);
  for (int a = 0; a < 3; ++a) {
    CHECK(lo[a] >= box.min[a] - 1e-3);
    CHECK(hi[a] <= box.max[a] + 1e-3);
    // An adult brain with cerebellum and brainstem: 110-200 mm on each axis.
    CHECK(hi[a] - lo[a] > 110.0);
    CHECK(hi[a] - lo[a] < 200.0);
  }
  // The enclosed volume is that of the voxels above the threshold.
  const auto voxels = volume->as<std::uint8_t>();
  const auto above =
      std::count_if(voxels.begin(), voxels.end(), [](std::uint8_t v) { return v > 60; });
  const double voxelVolume = volume->spacing.x * volume->spacing.y * volume->spacing.z;
  const double expected = static_cast<double>(above) * voxelVolume;
  const double enclosed = assets::signedVolume(*mesh);
  INFO("enclosed " << enclosed / 1000.0 << " mL, voxels above " << expected / 1000.0 << " mL");
  CHECK(std::abs(enclosed - expected) < 0.03 * expected);
  CHECK(enclosed > 1.0e6);  // more than a litre
  CHECK(enclosed < 2.0e6);
}

}  // namespace
}  // namespace medverse::imaging
