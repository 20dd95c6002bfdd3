// Fuzz target: the case-bundle loader (readManifestText, readCaseBundle) on a
// directory written from the input.
//
// Input: flags (1) | files joined by kFileSeparator, written in this order as
//   manifest.json, volume.bin, labels.bin, surfaces/0000.bin, surfaces/0001.bin
// flags & 1: before loading, every blob reference in the manifest gets the
// real BLAKE2b hash and size of its file, so that the fuzzer gets past the
// hash check into the blob decoder, the geometry and the mesh parser (a
// bundle is only as trustworthy as whoever wrote its manifest).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "fuzz_support.h"
#include "medverse/core/hash.h"
#include "medverse/imaging/case_bundle.h"

using namespace medverse;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const char* const kFileNames[] = {"manifest.json", "volume.bin", "labels.bin", "surfaces/0000.bin",
                                  "surfaces/0001.bin"};

void fixBlobRefs(json& j, const fs::path& dir) {
  if (j.is_object()) {
    auto file = j.find("file");
    if (file != j.end() && file->is_string() && j.contains("blake2b")) {
      const std::string name = file->get<std::string>();
      if (name.find("..") == std::string::npos && !name.empty() && name.front() != '/') {
        std::error_code ec;
        if (fs::is_regular_file(dir / name, ec)) {
          const std::vector<uint8_t> bytes = fuzz::readFile(dir / name);
          j["blake2b"] = hashBytes(bytes).hex();
          j["stored_bytes"] = bytes.size();
        }
      }
    }
    for (auto& [key, value] : j.items()) {
      fixBlobRefs(value, dir);
    }
  } else if (j.is_array()) {
    for (auto& value : j) {
      fixBlobRefs(value, dir);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::ScratchDir scratch;
  if (size == 0) {
    return 0;
  }
  const fs::path dir = scratch.fresh() / "case.mvcase";
  const auto files = fuzz::splitFiles({data + 1, size - 1}, std::size(kFileNames));
  for (size_t i = 0; i < files.size(); ++i) {
    fuzz::writeFile(dir / kFileNames[i], files[i]);
  }
  if ((data[0] & 1U) != 0) {
    try {
      const std::vector<uint8_t> text = fuzz::readFile(dir / "manifest.json");
      json manifest = json::parse(text.begin(), text.end());
      fixBlobRefs(manifest, dir);
      const std::string fixed = manifest.dump();
      fuzz::writeFile(dir / "manifest.json",
                      {reinterpret_cast<const uint8_t*>(fixed.data()), fixed.size()});
    } catch (const json::exception&) {
      // Not JSON: the loader gets it as it is.
    }
  }
  (void)imaging::readManifestText(dir);
  auto bundle = imaging::readCaseBundle(dir);
  if (bundle) {
    // A loaded case is valid through and through.
    MEDVERSE_FUZZ_CHECK(bundle->volume.validate().ok());
    if (bundle->labels) {
      MEDVERSE_FUZZ_CHECK(bundle->labels->validate().ok());
    }
    for (const auto& surface : bundle->surfaces) {
      for (uint32_t index : surface.mesh.indices) {
        MEDVERSE_FUZZ_CHECK(index < surface.mesh.vertices.size());
      }
    }
  }
  return 0;
}
