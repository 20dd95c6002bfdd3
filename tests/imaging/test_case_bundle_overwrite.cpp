// --overwrite replaces a case bundle and nothing else: a folder or file that
// is not a case is refused and left exactly as it was (medverse-case import
// -o ~/Documents --overwrite once deleted the folder).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "medverse/assets/primitives.h"
#include "medverse/imaging/case_bundle.h"

namespace fs = std::filesystem;
using namespace medverse;
using namespace medverse::imaging;

namespace {

CaseBundle tinyCase(double value) {
  CaseBundle c;
  c.provenance.sourceFormat = "nifti";
  c.volume = Volume::allocate({4, 4, 4}, VoxelType::Int16, Modality::CT);
  c.volume.setValue(1, 2, 3, value);
  CaseSurface s;
  s.name = "ball";
  s.mesh = assets::makeUvSphere(3.0F, 8, 4);
  c.surfaces.push_back(s);
  return c;
}

fs::path freshDir(const char* name) {
  fs::path dir = fs::temp_directory_path() / "medverse-test-overwrite" / name;
  fs::remove_all(dir);
  fs::create_directories(dir.parent_path());
  return dir;
}

std::string readText(const fs::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void checkNoLeftovers(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(dir.parent_path())) {
    const std::string name = entry.path().filename().string();
    INFO("sibling " << name);
    CHECK(name.find(".partial-") == std::string::npos);
    CHECK(name.find(".replaced-") == std::string::npos);
  }
}

}  // namespace

TEST_CASE("overwrite refuses a folder that is not a case bundle and leaves its files alone") {
  const fs::path dir = freshDir("precious");
  fs::create_directories(dir);
  std::ofstream(dir / "thesis.txt") << "four years of work";
  Status s = writeCaseBundle(tinyCase(1), dir, /*overwrite=*/true);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("is not a case bundle") != std::string::npos);
  CHECK(readText(dir / "thesis.txt") == "four years of work");
  CHECK_FALSE(fs::exists(dir / "manifest.json"));
  checkNoLeftovers(dir);
}

TEST_CASE("overwrite refuses a plain file in place of the bundle") {
  const fs::path file = freshDir("notes.mvcase");
  std::ofstream(file) << "not a case";
  Status s = writeCaseBundle(tinyCase(1), file, /*overwrite=*/true);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find(file.string()) != std::string::npos);
  CHECK(readText(file) == "not a case");
}

TEST_CASE("overwrite replaces an existing case completely and leaves no side directories") {
  const fs::path dir = freshDir("replace.mvcase");
  REQUIRE(writeCaseBundle(tinyCase(1), dir).ok());
  CHECK(looksLikeCaseBundle(dir));
  REQUIRE(writeCaseBundle(tinyCase(42), dir, /*overwrite=*/true).ok());
  auto loaded = readCaseBundle(dir);
  REQUIRE(loaded.ok());
  CHECK(loaded->volume.value(1, 2, 3) == 42.0);
  checkNoLeftovers(dir);
}
