// Case bundles keep a case exactly, and refuse damaged ones with a message
// naming the file, never loading a partial case.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "medverse/assets/primitives.h"
#include "medverse/imaging/case_bundle.h"

namespace fs = std::filesystem;
using namespace medverse;
using namespace medverse::imaging;

namespace {

CaseBundle sampleCase() {
  CaseBundle c;
  c.provenance.sourceFormat = "nifti";
  c.provenance.seriesDescription = "synthetic";
  c.provenance.deidentified = true;
  c.provenance.deidentificationMethod = "test";
  // Large enough to span several compression chunks (5.2 MB of int16).
  c.volume = Volume::allocate({160, 128, 128}, VoxelType::Int16, Modality::CT);
  for (int k = 0; k < 128; ++k) {
    for (int j = 0; j < 128; ++j) {
      for (int i = 0; i < 160; ++i) {
        c.volume.setValue(i, j, k, (i * 7 + j * 3 + k) % 2000 - 1000);
      }
    }
  }
  c.volume.spacing = {0.7, 0.7, 1.25};
  c.volume.origin = {-56.0, -44.8, 120.5};
  c.volume.direction = glm::dmat3(glm::dvec3(0, 1, 0), glm::dvec3(-1, 0, 0), glm::dvec3(0, 0, 1));
  Volume labels = Volume::allocate({20, 16, 16}, VoxelType::UInt8, Modality::Label);
  labels.setValue(3, 4, 5, 7);
  c.labels = std::move(labels);
  c.windows = {{"ct-bone", 400, 1800}, {"ct-soft", 40, 400}};
  CaseSurface s;
  s.name = "ball";
  s.label = 7;
  s.color = {200, 100, 50};
  s.opacity = 0.5F;
  s.mesh = assets::makeUvSphere(30.0F, 24, 12);
  c.surfaces.push_back(s);
  return c;
}

fs::path freshDir(const char* name) {
  fs::path dir = fs::temp_directory_path() / "medverse-test-bundles" / name;
  fs::remove_all(dir);
  fs::create_directories(dir.parent_path());
  return dir;
}

void flipByte(const fs::path& file, std::streamoff offset) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(offset);
  char c = 0;
  f.get(c);
  f.seekp(offset);
  f.put(static_cast<char>(c ^ 0x5A));
}

}  // namespace

TEST_CASE("a case bundle round-trips volume, geometry, labels, windows and surfaces exactly") {
  const CaseBundle original = sampleCase();
  const fs::path dir = freshDir("roundtrip.mvcase");
  REQUIRE(writeCaseBundle(original, dir).ok());
  auto loaded = readCaseBundle(dir);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));
  CHECK(loaded->volume.dims == original.volume.dims);
  CHECK(loaded->volume.spacing == original.volume.spacing);
  CHECK(loaded->volume.origin == original.volume.origin);
  CHECK(loaded->volume.direction == original.volume.direction);
  CHECK(loaded->volume.modality == Modality::CT);
  CHECK(loaded->volume.type() == VoxelType::Int16);
  CHECK(loaded->volume.voxels == original.volume.voxels);
  REQUIRE(loaded->labels.has_value());
  CHECK(loaded->labels->value(3, 4, 5) == 7);
  REQUIRE(loaded->windows.size() == 2);
  CHECK(loaded->windows[0].name == "ct-bone");
  CHECK(loaded->windows[0].width == 1800);
  REQUIRE(loaded->surfaces.size() == 1);
  CHECK(loaded->surfaces[0].name == "ball");
  CHECK(loaded->surfaces[0].color == glm::u8vec3(200, 100, 50));
  CHECK(loaded->surfaces[0].mesh.indices == original.surfaces[0].mesh.indices);
  CHECK(loaded->surfaces[0].mesh.vertices.size() == original.surfaces[0].mesh.vertices.size());
  CHECK(loaded->provenance.deidentified);
  // Compressed: the blob on disk is smaller than the raw voxels.
  CHECK(fs::file_size(dir / "volume.bin") < original.volume.bytes().size());
}

TEST_CASE("a flipped byte in a blob is caught by its hash and the file is named") {
  const fs::path dir = freshDir("corrupt.mvcase");
  REQUIRE(writeCaseBundle(sampleCase(), dir).ok());
  flipByte(dir / "volume.bin", 1000);
  auto loaded = readCaseBundle(dir);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().message.find("volume.bin") != std::string::npos);
  CHECK(loaded.error().message.find("hash") != std::string::npos);
}

TEST_CASE("a truncated surface file is refused with its name and sizes") {
  const fs::path dir = freshDir("truncated.mvcase");
  REQUIRE(writeCaseBundle(sampleCase(), dir).ok());
  const fs::path mesh = dir / "surfaces" / "0000.bin";
  fs::resize_file(mesh, fs::file_size(mesh) / 2);
  auto loaded = readCaseBundle(dir);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().message.find("0000.bin") != std::string::npos);
  CHECK(loaded.error().message.find("truncated") != std::string::npos);
}

TEST_CASE("a manifest from a newer format version, or not a manifest at all, is refused") {
  const fs::path dir = freshDir("version.mvcase");
  REQUIRE(writeCaseBundle(sampleCase(), dir).ok());
  {
    std::ifstream in(dir / "manifest.json");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = text.find("\"version\": 1");
    REQUIRE(at != std::string::npos);
    text.replace(at, 12, "\"version\": 9");
    std::ofstream(dir / "manifest.json") << text;
  }
  auto loaded = readCaseBundle(dir);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().message.find("version 9") != std::string::npos);

  std::ofstream(dir / "manifest.json") << "{ this is not json";
  loaded = readCaseBundle(dir);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().message.find("malformed") != std::string::npos);

  auto missing = readCaseBundle(freshDir("nothing-here.mvcase"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("nothing-here.mvcase") != std::string::npos);
}

TEST_CASE("a failed write leaves nothing behind, and an existing case is not overwritten silently") {
  const fs::path dir = freshDir("atomic.mvcase");
  CaseBundle bad = sampleCase();
  bad.surfaces[0].mesh.indices.push_back(999999);  // index out of range: invalid mesh
  bad.surfaces[0].mesh.indices.push_back(0);
  bad.surfaces[0].mesh.indices.push_back(1);
  Status s = writeCaseBundle(bad, dir);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("ball") != std::string::npos);
  CHECK_FALSE(fs::exists(dir));
  for (const auto& entry : fs::directory_iterator(dir.parent_path())) {
    CHECK(entry.path().filename().string().find("atomic.mvcase.partial") == std::string::npos);
  }

  REQUIRE(writeCaseBundle(sampleCase(), dir).ok());
  Status again = writeCaseBundle(sampleCase(), dir);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().message.find("already exists") != std::string::npos);
  CHECK(writeCaseBundle(sampleCase(), dir, /*overwrite=*/true).ok());
}
