// Label surfaces: every region of an atlas becomes its own closed surface,
// named and coloured from the atlas's table, whatever thread runs it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "checks.h"
#include "medverse/core/jobs.h"
#include "medverse/imaging/label_surfaces.h"
#include "medverse/imaging/labels.h"
#include "medverse/imaging/nifti.h"
#include "nibabel_reference.h"
#include "surface_checks.h"

namespace medverse::imaging {
namespace {

using testing::checkClosed;
using testing::identical;

const std::filesystem::path kAalTxt = "/usr/share/mricron/templates/aal.nii.txt";
const std::filesystem::path kAalLut = "/usr/share/mricron/templates/aal.nii.lut";

std::map<int, std::size_t> histogram(const Volume& volume) {
  std::map<int, std::size_t> counts;
  for (const std::uint8_t v : volume.as<std::uint8_t>()) {
    ++counts[v];
  }
  return counts;
}

TEST_CASE("AAL gives one closed surface per region, with the table's name and colour") {
  auto volume = readNifti(testing::kAal.path);
  REQUIRE(volume.ok());
  auto table = readLabelTable(kAalTxt, kAalLut);
  REQUIRE(table.ok());
  auto surfaces = extractLabelSurfaces(*volume, *table);
  REQUIRE_MESSAGE(surfaces.ok(), (surfaces.ok() ? "" : surfaces.error().message));

  const std::vector<int> present = labelsPresent(*volume);
  REQUIRE(surfaces->size() == present.size());
  const std::map<int, std::size_t> counts = histogram(*volume);
  const PatientBounds box = volume->patientBounds();
  for (std::size_t n = 0; n < surfaces->size(); ++n) {
    const LabelSurface& s = (*surfaces)[n];
    INFO("label " << s.value << " '" << s.name << "'");
    CHECK(s.value == present[n]);
    const auto entry = std::find_if(table->begin(), table->end(),
                                    [&](const LabelEntry& e) { return e.value == s.value; });
    REQUIRE(entry != table->end());
    CHECK(s.name == entry->name);
    CHECK(s.color == entry->color);
    CHECK(s.mesh.name == entry->name);
    CHECK(s.voxelCount == counts.at(s.value));
    REQUIRE(assets::validate(s.mesh).ok());
    checkClosed(s.mesh);
    // The surface at 0.5 of a 1 mm voxel mask encloses nearly the voxels'
    // volume: corners are cut, never added (measured 0.96-1.00 on AAL).
    const double ratio = assets::signedVolume(s.mesh) / static_cast<double>(s.voxelCount);
    CHECK(ratio > 0.93);
    CHECK(ratio < 1.0);
    for (int a = 0; a < 3; ++a) {
      CHECK(s.mesh.boundsMin[a] >= box.min[a]);
      CHECK(s.mesh.boundsMax[a] <= box.max[a]);
    }
  }
  // Left and right precentral gyri sit either side of the midline (LPS: +x
  // is the patient's left).
  CHECK((*surfaces)[0].name == "Precentral_L");
  CHECK((*surfaces)[0].mesh.boundsMin.x > 0.0f);
  CHECK((*surfaces)[1].name == "Precentral_R");
  CHECK((*surfaces)[1].mesh.boundsMax.x < 0.0f);
}

TEST_CASE("label surfaces are the same serially, one label per job, or each extraction parallel") {
  auto volume = readNifti(testing::kAal.path);
  REQUIRE(volume.ok());
  auto table = readLabelTable(kAalTxt, kAalLut);
  REQUIRE(table.ok());
  LabelSurfaceOptions serial;
  serial.parallel = false;
  auto reference = extractLabelSurfaces(*volume, *table, serial);
  REQUIRE(reference.ok());
  JobSystem jobs(3);
  for (const LabelParallelism mode :
       {LabelParallelism::AcrossLabels, LabelParallelism::WithinLabel}) {
    LabelSurfaceOptions options;
    options.jobs = &jobs;
    options.parallelism = mode;
    auto surfaces = extractLabelSurfaces(*volume, *table, options);
    REQUIRE(surfaces.ok());
    REQUIRE(surfaces->size() == reference->size());
    std::size_t different = 0;
    for (std::size_t n = 0; n < surfaces->size(); ++n) {
      different += identical((*surfaces)[n].mesh, (*reference)[n].mesh) ? 0 : 1;
    }
    CHECK(different == 0);
  }
}

TEST_CASE("regions at the volume's edge are closed, unnamed values are kept, absent ones skipped") {
  for (const VoxelType type :
       {VoxelType::UInt8, VoxelType::Int16, VoxelType::UInt16, VoxelType::Float32}) {
    INFO(voxelTypeName(type));
    Volume volume = Volume::allocate({12, 10, 8}, type, Modality::Label);
    volume.spacing = {1.5, 1.0, 2.0};
    volume.direction = testing::obliqueDirection(true);
    for (int k = 0; k < 8; ++k) {
      for (int j = 0; j < 10; ++j) {
        for (int i = 0; i < 12; ++i) {
          if (i < 4 && j < 5) {
            volume.setValue(i, j, k, 3);  // a column through the whole volume
          } else if (i > 7 && j > 5 && k > 2 && k < 6) {
            volume.setValue(i, j, k, 7);  // touches two faces
          }
        }
      }
    }
    const std::vector<LabelEntry> table{{3, "Liver", {200, 80, 60}}, {5, "Spleen", {90, 20, 30}}};
    auto surfaces = extractLabelSurfaces(volume, table);
    REQUIRE(surfaces.ok());
    REQUIRE(surfaces->size() == 2);
    CHECK((*surfaces)[0].value == 3);
    CHECK((*surfaces)[0].name == "Liver");
    CHECK((*surfaces)[0].color == glm::u8vec3(200, 80, 60));
    CHECK((*surfaces)[0].voxelCount == 4 * 5 * 8);
    CHECK((*surfaces)[1].value == 7);
    CHECK((*surfaces)[1].name == "label 7");
    CHECK((*surfaces)[1].color == glm::u8vec3(128));
    CHECK((*surfaces)[1].voxelCount == 4 * 4 * 3);
    for (const LabelSurface& s : *surfaces) {
      checkClosed(s.mesh);
      CHECK(assets::signedVolume(s.mesh) > 0.0);
    }
  }
}

TEST_CASE("Taubin smoothing rounds a voxelised ball without shrinking it or opening it") {
  // A ball of radius 9 voxels as a label: raw, its surface shows the voxel
  // steps; smoothed, it should lie closer to the true sphere.
  const double radius = 9.0;
  Volume volume = Volume::allocate({26, 26, 26}, VoxelType::UInt8, Modality::Label);
  const glm::dvec3 centre(12.4, 12.7, 12.2);
  for (int k = 0; k < 26; ++k) {
    for (int j = 0; j < 26; ++j) {
      for (int i = 0; i < 26; ++i) {
        if (glm::distance(glm::dvec3(i, j, k), centre) <= radius) {
          volume.setValue(i, j, k, 1);
        }
      }
    }
  }
  const std::vector<LabelEntry> table{{1, "Ball", {255, 255, 255}}};
  const auto rmsError = [&](const assets::MeshData& mesh) {
    double sum = 0.0;
    for (const assets::Vertex& v : mesh.vertices) {
      const double e = glm::distance(glm::dvec3(v.position), centre) - radius;
      sum += e * e;
    }
    return std::sqrt(sum / static_cast<double>(mesh.vertices.size()));
  };
  auto raw = extractLabelSurfaces(volume, table);
  LabelSurfaceOptions smoothOptions;
  smoothOptions.smoothingIterations = 10;
  auto smooth = extractLabelSurfaces(volume, table, smoothOptions);
  REQUIRE(raw.ok());
  REQUIRE(smooth.ok());
  const assets::MeshData& a = raw->front().mesh;
  const assets::MeshData& b = smooth->front().mesh;
  checkClosed(b);
  CHECK(b.indices == a.indices);  // only positions move
  INFO("rms distance from the sphere: raw " << rmsError(a) << ", smoothed " << rmsError(b));
  CHECK(rmsError(b) < 0.75 * rmsError(a));
  const double va = assets::signedVolume(a);
  const double vb = assets::signedVolume(b);
  CHECK(std::abs(vb - va) < 0.02 * va);
  for (const assets::Vertex& v : b.vertices) {
    CHECK(glm::dot(glm::dvec3(v.normal), glm::normalize(glm::dvec3(v.position) - centre)) > 0.8);
  }
}

TEST_CASE("an invalid label volume is refused with a message") {
  Volume volume = Volume::allocate({4, 4, 4}, VoxelType::UInt8, Modality::Label);
  volume.direction[0] = glm::dvec3(2.0, 0.0, 0.0);
  auto surfaces = extractLabelSurfaces(volume, {});
  REQUIRE_FALSE(surfaces.ok());
  CHECK(surfaces.error().message.find("label surfaces") != std::string::npos);
}

}  // namespace
}  // namespace medverse::imaging
