#pragma once
// A case bundle is what a hospital exports and a consult room loads: one
// directory holding a versioned JSON manifest (de-identified metadata,
// geometry, window presets, surfaces, content hashes) and compressed blobs
// for the volume, an optional label volume and the surface meshes.
//
//   CASE.mvcase/
//     manifest.json
//     volume.bin           voxels, deflated in independent chunks
//     labels.bin           (optional) label voxels, same encoding
//     surfaces/NNNN.bin    one mesh per surface, same encoding
//
// Blobs are split into chunks of kBlobChunkBytes raw bytes, each deflated on
// its own, so they compress and inflate in parallel and can later travel the
// network as hashed chunks. Every blob's BLAKE2b hash is in the manifest;
// loading checks version, sizes and hashes, so a corrupt or truncated bundle
// gives an error naming the file, never a partial case.
#include <cstdint>
#include <filesystem>
#include <glm/glm.hpp>
#include <optional>
#include <string>
#include <vector>

#include "medverse/assets/mesh.h"
#include "medverse/core/hash.h"
#include "medverse/core/result.h"
#include "medverse/imaging/volume.h"

namespace medverse::imaging {

inline constexpr int kCaseFormatVersion = 1;
inline constexpr const char* kCaseFormatName = "medverse-case";
inline constexpr std::size_t kBlobChunkBytes = 4u << 20;

struct WindowPreset {
  std::string name;  // e.g. "ct-bone", "mr-brain"
  double center = 0.0;
  double width = 1.0;
};

struct CaseSurface {
  std::string name;
  int label = 0;  // label value for atlas surfaces, 0 for isosurfaces
  double isoValue = 0.0;
  glm::u8vec3 color{220, 220, 220};
  float opacity = 1.0F;
  assets::MeshData mesh;  // patient LPS millimetres
};

// What the bundle says about where the data came from, after
// de-identification: nothing here may identify the patient.
struct CaseProvenance {
  std::string sourceFormat;  // "nifti" or "dicom"
  std::string seriesDescription;
  std::string studyInstanceUid;   // replaced UID, consistent within the study
  std::string seriesInstanceUid;  // replaced UID
  bool deidentified = false;
  std::string deidentificationMethod;  // e.g. the profile applied
};

struct CaseBundle {
  CaseProvenance provenance;
  Volume volume;
  std::optional<Volume> labels;
  std::vector<WindowPreset> windows;
  std::vector<CaseSurface> surfaces;
};

// Summary read from the manifest alone (medverse-case info, case transfer).
struct BlobInfo {
  std::string file;
  std::uint64_t rawBytes = 0;
  std::uint64_t storedBytes = 0;
  Hash256 hash;
};

using ProgressFn = void (*)(void* user, const char* stage, double fraction);

struct BundleIo {
  ProgressFn progress = nullptr;
  void* progressUser = nullptr;
};

// Writes the bundle to `directory` atomically: everything goes to a sibling
// temporary directory first, which is renamed into place only when complete,
// so a failure leaves no partial bundle behind. An existing bundle at the
// path is replaced only if `overwrite`, and only if it is a case bundle
// (looksLikeCaseBundle): any other file or directory there is refused, never
// deleted. The old bundle is moved aside until the new one is in place.
Status writeCaseBundle(const CaseBundle& bundle, const std::filesystem::path& directory,
                       bool overwrite = false, const BundleIo& io = {});

// True when `path` is a directory whose manifest.json names the case format
// (any version): what --overwrite may replace.
[[nodiscard]] bool looksLikeCaseBundle(const std::filesystem::path& path);
// Loads and verifies a bundle: format and version, every blob's size and
// hash, decompressed sizes, volume geometry and mesh validity.
Result<CaseBundle> readCaseBundle(const std::filesystem::path& directory, const BundleIo& io = {});

// Reads and validates the manifest only (no blobs): for `info` and for
// deciding what to transfer.
Result<std::string> readManifestText(const std::filesystem::path& directory);

}  // namespace medverse::imaging
