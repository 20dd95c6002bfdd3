// Label atlases: names and colours from MRIcron's .txt/.lut pair, and the
// set of labels a label volume actually contains.
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "checks.h"
#include "medverse/imaging/labels.h"
#include "medverse/imaging/nifti.h"
#include "nibabel_reference.h"
#include "temp_files.h"

namespace medverse::imaging {
namespace {

using testing::checkFailure;
using testing::TempDir;

const std::filesystem::path kAalTxt = "/usr/share/mricron/templates/aal.nii.txt";
const std::filesystem::path kAalLut = "/usr/share/mricron/templates/aal.nii.lut";

std::vector<std::byte> bytesOf(const std::string& text) {
  const auto* data = reinterpret_cast<const std::byte*>(text.data());
  return {data, data + text.size()};
}

TEST_CASE("the AAL table has the 116 classic regions, values 1 to 116 in order, with names") {
  auto table = readLabelTable(kAalTxt, kAalLut);
  REQUIRE_MESSAGE(table.ok(), (table.ok() ? "" : table.error().message));
  REQUIRE(table->size() == testing::kAalLabelCount);
  for (std::size_t n = 0; n < table->size(); ++n) {
    CHECK((*table)[n].value == static_cast<int>(n) + 1);
    CHECK_FALSE((*table)[n].name.empty());
    // CRLF line ends and the third column (AAL's own region code) stay out.
    CHECK((*table)[n].name.find_first_of("\r\t ") == std::string::npos);
  }
  CHECK(table->front().name == "Precentral_L");
  CHECK((*table)[1].name == "Precentral_R");
  CHECK((*table)[44].name == "Cuneus_L");
  CHECK(table->back().name == "Vermis_10");
}

TEST_CASE("AAL colours come from the planar 768-byte LUT (256 R, then 256 G, then 256 B)") {
  auto table = readLabelTable(kAalTxt, kAalLut);
  REQUIRE(table.ok());
  // From `xxd aal.nii.lut`: R[1..4] at bytes 1..4 = cc cc cb cb, G[1..4] at
  // 257..260 = cc cc 95 95, B[1..4] at 513..516 = cc cc 95 95.
  CHECK((*table)[0].color == glm::u8vec3(0xCC, 0xCC, 0xCC));
  CHECK((*table)[2].color == glm::u8vec3(0xCB, 0x95, 0x95));
  // Every entry is exactly the palette's entry at its value.
  const std::vector<std::byte> lut = testing::readRaw(kAalLut);
  for (const LabelEntry& entry : *table) {
    const auto v = static_cast<std::size_t>(entry.value);
    CHECK(entry.color == glm::u8vec3(static_cast<std::uint8_t>(lut[v]),
                                     static_cast<std::uint8_t>(lut[256 + v]),
                                     static_cast<std::uint8_t>(lut[512 + v])));
  }
  // AAL pairs left and right hemispheres (odd, even values) in one colour.
  int sameColourPairs = 0;
  for (std::size_t n = 0; n + 1 < table->size(); n += 2) {
    sameColourPairs += (*table)[n].color == (*table)[n + 1].color ? 1 : 0;
  }
  CHECK(sameColourPairs >= 50);
}

TEST_CASE("the AAL volume contains exactly the labels its table names") {
  auto aal = readNifti(testing::kAal.path);
  REQUIRE(aal.ok());
  auto table = readLabelTable(kAalTxt, kAalLut);
  REQUIRE(table.ok());
  std::vector<int> named(table->size());
  std::transform(table->begin(), table->end(), named.begin(),
                 [](const LabelEntry& e) { return e.value; });
  CHECK(labelsPresent(*aal) == named);
  const auto label1 = std::count(aal->as<std::uint8_t>().begin(), aal->as<std::uint8_t>().end(), 1);
  CHECK(label1 == testing::kAalVoxelsWithLabel1);
}

TEST_CASE("labelsPresent works on every storage type and ignores the background") {
  SUBCASE("int16 with negative labels") {
    Volume v = Volume::allocate({3, 1, 1}, VoxelType::Int16, Modality::Label);
    v.setValue(0, 0, 0, -5);
    v.setValue(1, 0, 0, 1605);
    CHECK(labelsPresent(v) == std::vector<int>{-5, 1605});
  }
  SUBCASE("float32 with one non-integral value") {
    Volume v = Volume::allocate({4, 1, 1}, VoxelType::Float32, Modality::Label);
    v.setValue(0, 0, 0, 3.0);
    v.setValue(1, 0, 0, 3.5);
    v.setValue(2, 0, 0, 70000.0);
    CHECK(labelsPresent(v) == std::vector<int>{3, 70000});
  }
  SUBCASE("all background") {
    CHECK(labelsPresent(Volume::allocate({2, 2, 2}, VoxelType::UInt16)).empty());
  }
}

TEST_CASE("a damaged label table is refused with the file and line") {
  TempDir dir;
  const auto lut = dir / "atlas.lut";
  testing::writeFile(lut, std::vector<std::byte>(768, std::byte{0x40}));
  const auto txt = dir / "atlas.txt";

  SUBCASE("a palette of the wrong size") {
    testing::writeFile(txt, bytesOf("1 Region\n"));
    testing::writeFile(dir / "short.lut", std::vector<std::byte>(767));
    checkFailure(readLabelTable(txt, dir / "short.lut"), dir / "short.lut", {"768", "767"});
  }
  SUBCASE("a line without a number") {
    testing::writeFile(txt, bytesOf("1 Region\nRegion2 2\n"));
    checkFailure(readLabelTable(txt, lut), txt, {":2:", "Region2"});
  }
  SUBCASE("a value the palette cannot colour") {
    testing::writeFile(txt, bytesOf("1 Region\n\n300 Big\n"));
    checkFailure(readLabelTable(txt, lut), txt, {":3:", "300"});
  }
  SUBCASE("a value named twice") {
    testing::writeFile(txt, bytesOf("1 A\r\n1 B\r\n"));
    checkFailure(readLabelTable(txt, lut), txt, {":2:", "twice"});
  }
  SUBCASE("a missing file") {
    checkFailure(readLabelTable(dir / "absent.txt", lut), dir / "absent.txt", {});
  }
}

TEST_CASE("tab-separated tables with a label for 0 (JHU style) parse") {
  TempDir dir;
  testing::writeFile(dir / "atlas.lut", std::vector<std::byte>(768, std::byte{0x10}));
  testing::writeFile(dir / "atlas.txt",
                     bytesOf("0\tUnclassified\r\n1\tMiddle_cerebellar_peduncle\r\n"));
  auto table = readLabelTable(dir / "atlas.txt", dir / "atlas.lut");
  REQUIRE(table.ok());
  REQUIRE(table->size() == 2);
  CHECK((*table)[0].value == 0);
  CHECK((*table)[0].name == "Unclassified");
  CHECK((*table)[1].name == "Middle_cerebellar_peduncle");
  CHECK((*table)[1].color == glm::u8vec3(0x10));
}

}  // namespace
}  // namespace medverse::imaging
