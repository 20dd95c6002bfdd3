#include "medverse/imaging/case_bundle.h"

#include <bit>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <system_error>

#include "blob_codec.h"
#include "medverse/core/log.h"
#include "medverse/core/temp_siblings.h"

namespace medverse::imaging {
namespace fs = std::filesystem;
using nlohmann::json;

static_assert(std::endian::native == std::endian::little,
              "case bundles store little-endian data; big-endian hosts need byte swapping");

namespace {

constexpr const char* kManifest = "manifest.json";

void report(const BundleIo& io, const char* stage, double fraction) {
  if (io.progress != nullptr) {
    io.progress(io.progressUser, stage, fraction);
  }
}

Status writeFile(const fs::path& path, std::span<const std::uint8_t> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    return makeError("cannot write " + path.string());
  }
  return {};
}

Result<std::vector<std::uint8_t>> readFile(const fs::path& path, std::uint64_t expectedSize) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) {
    return makeError(path.string() + " is missing or unreadable: " + ec.message());
  }
  if (size != expectedSize) {
    return makeError(path.string() + " is " + std::to_string(size) + " bytes, the manifest says " +
                     std::to_string(expectedSize) + " (truncated or replaced?)");
  }
  std::vector<std::uint8_t> bytes(size);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  if (!in) {
    return makeError("cannot read " + path.string());
  }
  return bytes;
}

// --- blobs -------------------------------------------------------------------

Result<json> writeBlob(const fs::path& dir, const std::string& file, std::span<const std::byte> raw) {
  EncodedBlob blob = encodeBlob(raw, kBlobChunkBytes);
  if (Status s = writeFile(dir / file, blob.stored); !s) {
    return s.error();
  }
  return json{{"file", file},
              {"raw_bytes", raw.size()},
              {"stored_bytes", blob.stored.size()},
              {"chunk_bytes", kBlobChunkBytes},
              {"chunks", blob.chunkSizes},
              {"blake2b", hashBytes(blob.stored).hex()}};
}

Result<std::vector<std::byte>> readBlob(const fs::path& dir, const json& ref) {
  const std::string file = ref.at("file").get<std::string>();
  if (file.empty() || file.find("..") != std::string::npos || file.front() == '/') {
    return makeError("manifest names a blob outside the bundle: '" + file + "'");
  }
  const fs::path path = dir / file;
  Result<std::vector<std::uint8_t>> stored = readFile(path, ref.at("stored_bytes").get<std::uint64_t>());
  if (!stored) {
    return stored.error();
  }
  Result<Hash256> expected = Hash256::fromHex(ref.at("blake2b").get<std::string>());
  if (!expected) {
    return makeError(path.string() + ": manifest hash is malformed: " + expected.error().message);
  }
  if (hashBytes(*stored) != *expected) {
    return makeError(path.string() + " does not match its BLAKE2b hash in the manifest (corrupt)");
  }
  const auto chunkBytes = ref.at("chunk_bytes").get<std::size_t>();
  if (chunkBytes == 0 || chunkBytes > (256u << 20)) {
    return makeError(path.string() + ": implausible chunk size " + std::to_string(chunkBytes));
  }
  const auto chunks = ref.at("chunks").get<std::vector<std::uint32_t>>();
  Result<std::vector<std::byte>> raw =
      decodeBlob(*stored, chunks, ref.at("raw_bytes").get<std::uint64_t>(), chunkBytes);
  if (!raw) {
    return makeError(path.string() + ": " + raw.error().message);
  }
  return raw;
}

// --- volumes -------------------------------------------------------------------

json vec3Json(const glm::dvec3& v) { return json::array({v.x, v.y, v.z}); }

glm::dvec3 jsonVec3(const json& j) {
  return {j.at(0).get<double>(), j.at(1).get<double>(), j.at(2).get<double>()};
}

Result<VoxelType> parseVoxelType(const std::string& name) {
  for (VoxelType t : {VoxelType::UInt8, VoxelType::Int16, VoxelType::UInt16, VoxelType::Float32}) {
    if (voxelTypeName(t) == name) {
      return t;
    }
  }
  return makeError("unknown voxel type '" + name + "'");
}

Modality parseModality(const std::string& name) {
  for (Modality m : {Modality::CT, Modality::MR, Modality::PT, Modality::Label, Modality::Other}) {
    if (modalityName(m) == name) {
      return m;
    }
  }
  return Modality::Other;
}

Result<json> writeVolume(const fs::path& dir, const std::string& file, const Volume& v) {
  Result<json> blob = writeBlob(dir, file, v.bytes());
  if (!blob) {
    return blob.error();
  }
  const ValueRange range = v.valueRange();
  json direction = json::array();
  for (int c = 0; c < 3; ++c) {
    direction.push_back(vec3Json(v.direction[c]));
  }
  return json{{"dims", {v.dims.x, v.dims.y, v.dims.z}},
              {"spacing_mm", vec3Json(v.spacing)},
              {"origin_lps_mm", vec3Json(v.origin)},
              {"direction_lps", direction},
              {"voxel_type", std::string(voxelTypeName(v.type()))},
              {"modality", std::string(modalityName(v.modality))},
              {"value_range", {range.min, range.max}},
              {"blob", *blob}};
}

Result<Volume> readVolume(const fs::path& dir, const json& j) {
  const auto dims = j.at("dims").get<std::vector<int>>();
  if (dims.size() != 3) {
    return makeError("volume dims must have three entries");
  }
  Result<VoxelType> type = parseVoxelType(j.at("voxel_type").get<std::string>());
  if (!type) {
    return type.error();
  }
  const glm::ivec3 d{dims[0], dims[1], dims[2]};
  if (d.x <= 0 || d.y <= 0 || d.z <= 0) {
    return makeError("volume dims must be positive");
  }
  const std::uint64_t expectedBytes =
      static_cast<std::uint64_t>(d.x) * d.y * d.z * voxelSize(*type);
  if (j.at("blob").at("raw_bytes").get<std::uint64_t>() != expectedBytes) {
    return makeError("volume blob size does not match dims x voxel size (" +
                     std::to_string(expectedBytes) + " bytes)");
  }
  Result<std::vector<std::byte>> raw = readBlob(dir, j.at("blob"));
  if (!raw) {
    return raw.error();
  }
  Volume v = Volume::allocate(d, *type, parseModality(j.at("modality").get<std::string>()));
  std::visit([&](auto& storage) { std::memcpy(storage.data(), raw->data(), raw->size()); }, v.voxels);
  v.spacing = jsonVec3(j.at("spacing_mm"));
  v.origin = jsonVec3(j.at("origin_lps_mm"));
  for (int c = 0; c < 3; ++c) {
    v.direction[c] = jsonVec3(j.at("direction_lps").at(c));
  }
  if (Status s = v.validate(); !s) {
    return makeError("volume geometry is invalid: " + s.error().message);
  }
  return v;
}

// --- meshes ------------------------------------------------------------------

// Raw mesh layout: u32 vertex count, u32 index count, vertices, indices.
std::vector<std::byte> meshBytes(const assets::MeshData& mesh) {
  const auto vc = static_cast<std::uint32_t>(mesh.vertices.size());
  const auto ic = static_cast<std::uint32_t>(mesh.indices.size());
  std::vector<std::byte> out(8 + vc * sizeof(assets::Vertex) + ic * sizeof(std::uint32_t));
  std::memcpy(out.data(), &vc, 4);
  std::memcpy(out.data() + 4, &ic, 4);
  std::memcpy(out.data() + 8, mesh.vertices.data(), vc * sizeof(assets::Vertex));
  std::memcpy(out.data() + 8 + vc * sizeof(assets::Vertex), mesh.indices.data(),
              ic * sizeof(std::uint32_t));
  return out;
}

Result<assets::MeshData> parseMesh(std::span<const std::byte> raw, const std::string& name) {
  std::uint32_t vc = 0;
  std::uint32_t ic = 0;
  if (raw.size() < 8) {
    return makeError("mesh '" + name + "' is truncated");
  }
  std::memcpy(&vc, raw.data(), 4);
  std::memcpy(&ic, raw.data() + 4, 4);
  const std::uint64_t expected =
      8 + static_cast<std::uint64_t>(vc) * sizeof(assets::Vertex) + static_cast<std::uint64_t>(ic) * 4;
  if (expected != raw.size()) {
    return makeError("mesh '" + name + "' has inconsistent counts");
  }
  assets::MeshData mesh;
  mesh.name = name;
  mesh.vertices.resize(vc);
  mesh.indices.resize(ic);
  std::memcpy(mesh.vertices.data(), raw.data() + 8, vc * sizeof(assets::Vertex));
  std::memcpy(mesh.indices.data(), raw.data() + 8 + vc * sizeof(assets::Vertex), ic * 4ULL);
  assets::computeBounds(mesh);
  if (Status s = assets::validate(mesh); !s) {
    return s.error();
  }
  return mesh;
}

// True for a directory holding nothing but what writeCaseBundle writes
// (manifest.json, volume.bin, labels.bin, surfaces/NNNN.bin), complete or
// not: an unfinished bundle of ours, never someone else's folder.
bool onlyBundleFiles(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_symlink(dir, ec) || !fs::is_directory(dir, ec)) {
    return false;
  }
  for (fs::directory_iterator it(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name == "surfaces" && !it->is_symlink(ec) && it->is_directory(ec)) {
      for (fs::directory_iterator s(it->path(), ec); !ec && s != fs::directory_iterator();
           s.increment(ec)) {
        const std::string mesh = s->path().filename().string();
        const bool numbered = mesh.size() >= 8 && mesh.ends_with(".bin") &&
                              mesh.find_first_not_of("0123456789") == mesh.size() - 4;
        if (!numbered || !s->is_regular_file(ec)) {
          return false;
        }
      }
    } else if ((name != kManifest && name != "volume.bin" && name != "labels.bin") ||
               !it->is_regular_file(ec)) {
      return false;
    }
  }
  return !ec;
}

// What writes into `folder` by processes that were killed left behind:
// unfinished bundles (NAME.partial-PID) are removed; a bundle moved aside
// for --overwrite (NAME.replaced-PID) is removed if the new NAME got in
// place, and moved back to NAME if the kill came between the two renames.
// Only our own layouts are touched, and only when their process is gone.
void cleanUpKilledWrites(const fs::path& folder) {
  const auto logger = log::get("imaging");
  std::error_code ec;
  for (const StaleTemp& t : staleTempSiblings(folder, "partial")) {
    if (onlyBundleFiles(t.path) && fs::remove_all(t.path, ec) > 0 && !ec) {
      logger->info("removed {}, left by an import (process {}) that did not finish",
                   t.path.string(), t.pid);
    }
  }
  for (const StaleTemp& t : staleTempSiblings(folder, "replaced")) {
    if (!looksLikeCaseBundle(t.path)) {
      continue;
    }
    const fs::path original = folder / t.base;
    if (!fs::exists(fs::symlink_status(original, ec))) {
      fs::rename(t.path, original, ec);
      if (!ec) {
        logger->info("restored the case {}, moved aside by an import (process {}) that did not finish",
                     original.string(), t.pid);
      }
    } else if (looksLikeCaseBundle(original) && fs::remove_all(t.path, ec) > 0 && !ec) {
      logger->info("removed {}, the replaced case an import (process {}) did not remove",
                   t.path.string(), t.pid);
    }
  }
}

}  // namespace

Status writeCaseBundle(const CaseBundle& bundle, const fs::path& directory, bool overwrite,
                       const BundleIo& io) {
  cleanUpKilledWrites(directory.has_parent_path() ? directory.parent_path() : fs::path("."));
  std::error_code ec;
  const bool replacing = fs::exists(fs::symlink_status(directory, ec));
  if (replacing && !overwrite) {
    return makeError(directory.string() + " already exists (choose another output or remove it)");
  }
  if (replacing && !looksLikeCaseBundle(directory)) {
    return makeError(directory.string() +
                     " exists and is not a case bundle; refusing to replace it");
  }
  if (Status s = bundle.volume.validate(); !s) {
    return makeError("cannot write case: " + s.error().message);
  }
  const fs::path parent = directory.has_parent_path() ? directory.parent_path() : fs::path(".");
  fs::create_directories(parent, ec);
  const fs::path tmp = parent / tempSibling(directory.filename(), "partial");
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp / "surfaces", ec);
  if (ec) {
    return makeError("cannot create " + tmp.string() + ": " + ec.message());
  }
  auto fail = [&](const Error& e) -> Status {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    return e;
  };

  json manifest;
  manifest["format"] = kCaseFormatName;
  manifest["version"] = kCaseFormatVersion;
  manifest["generator"] = "medverse 0.1.0";
  const CaseProvenance& p = bundle.provenance;
  manifest["provenance"] = {{"source_format", p.sourceFormat},
                            {"series_description", p.seriesDescription},
                            {"study_instance_uid", p.studyInstanceUid},
                            {"series_instance_uid", p.seriesInstanceUid},
                            {"deidentified", p.deidentified},
                            {"deidentification_method", p.deidentificationMethod}};
  report(io, "writing volume", 0.0);
  Result<json> volume = writeVolume(tmp, "volume.bin", bundle.volume);
  if (!volume) {
    return fail(volume.error());
  }
  manifest["volume"] = *volume;
  if (bundle.labels) {
    Result<json> labels = writeVolume(tmp, "labels.bin", *bundle.labels);
    if (!labels) {
      return fail(labels.error());
    }
    manifest["labels"] = *labels;
  }
  manifest["windows"] = json::array();
  for (const WindowPreset& w : bundle.windows) {
    manifest["windows"].push_back({{"name", w.name}, {"center", w.center}, {"width", w.width}});
  }
  manifest["surfaces"] = json::array();
  for (std::size_t i = 0; i < bundle.surfaces.size(); ++i) {
    report(io, "writing surfaces", static_cast<double>(i) / bundle.surfaces.size());
    const CaseSurface& s = bundle.surfaces[i];
    if (Status valid = assets::validate(s.mesh); !valid) {
      return fail(makeError("surface '" + s.name + "': " + valid.error().message));
    }
    char file[32];
    std::snprintf(file, sizeof(file), "surfaces/%04zu.bin", i);
    Result<json> blob = writeBlob(tmp, file, meshBytes(s.mesh));
    if (!blob) {
      return fail(blob.error());
    }
    manifest["surfaces"].push_back(
        {{"name", s.name},
         {"label", s.label},
         {"iso_value", s.isoValue},
         {"color", {s.color.r, s.color.g, s.color.b}},
         {"opacity", s.opacity},
         {"vertices", s.mesh.vertices.size()},
         {"triangles", s.mesh.indices.size() / 3},
         {"bounds_min_lps_mm", vec3Json(glm::dvec3(s.mesh.boundsMin))},
         {"bounds_max_lps_mm", vec3Json(glm::dvec3(s.mesh.boundsMax))},
         {"blob", *blob}});
  }
  const std::string text = manifest.dump(2) + "\n";
  if (Status s = writeFile(tmp / kManifest, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
      !s) {
    return fail(s.error());
  }
  // The old bundle moves aside and is removed only once the new one is in
  // place, so a failure at any point leaves one complete bundle there.
  const fs::path aside = parent / tempSibling(directory.filename(), "replaced");
  if (replacing) {
    fs::remove_all(aside, ec);
    fs::rename(directory, aside, ec);
    if (ec) {
      return fail(makeError("cannot move the old case at " + directory.string() + " aside: " +
                            ec.message()));
    }
  }
  fs::rename(tmp, directory, ec);
  if (ec) {
    std::error_code ignored;
    if (replacing) {
      fs::rename(aside, directory, ignored);
    }
    return fail(makeError("cannot move the finished case to " + directory.string() + ": " + ec.message()));
  }
  if (replacing) {
    fs::remove_all(aside, ec);
  }
  report(io, "done", 1.0);
  return {};
}

bool looksLikeCaseBundle(const fs::path& path) {
  std::error_code ec;
  if (fs::is_symlink(path, ec) || !fs::is_directory(path, ec)) {
    return false;
  }
  std::ifstream in(path / kManifest, std::ios::binary);
  if (!in) {
    return false;
  }
  try {
    const json j = json::parse(in);
    return j.is_object() && j.value("format", std::string()) == kCaseFormatName;
  } catch (const json::exception&) {
    return false;
  }
}

Result<std::string> readManifestText(const fs::path& directory) {
  const fs::path path = directory / kManifest;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!fs::is_directory(directory, ec)) {
      return makeError(directory.string() + " is not a case bundle directory");
    }
    return makeError(path.string() + " is missing: not a case bundle, or an incomplete one");
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    json j = json::parse(text);
    if (j.at("format").get<std::string>() != kCaseFormatName) {
      return makeError(path.string() + " is not a MedVerse case manifest");
    }
    const int version = j.at("version").get<int>();
    if (version != kCaseFormatVersion) {
      return makeError(path.string() + " has format version " + std::to_string(version) +
                       "; this build reads version " + std::to_string(kCaseFormatVersion));
    }
  } catch (const json::exception& e) {
    return makeError(path.string() + " is malformed: " + e.what());
  }
  return text;
}

Result<CaseBundle> readCaseBundle(const fs::path& directory, const BundleIo& io) {
  Result<std::string> text = readManifestText(directory);
  if (!text) {
    return text.error();
  }
  const fs::path manifestPath = directory / kManifest;
  try {
    const json m = json::parse(*text);
    CaseBundle bundle;
    const json& p = m.at("provenance");
    bundle.provenance.sourceFormat = p.at("source_format").get<std::string>();
    bundle.provenance.seriesDescription = p.at("series_description").get<std::string>();
    bundle.provenance.studyInstanceUid = p.at("study_instance_uid").get<std::string>();
    bundle.provenance.seriesInstanceUid = p.at("series_instance_uid").get<std::string>();
    bundle.provenance.deidentified = p.at("deidentified").get<bool>();
    bundle.provenance.deidentificationMethod = p.at("deidentification_method").get<std::string>();

    report(io, "reading volume", 0.0);
    Result<Volume> volume = readVolume(directory, m.at("volume"));
    if (!volume) {
      return makeError(directory.string() + ": volume: " + volume.error().message);
    }
    bundle.volume = std::move(*volume);
    if (m.contains("labels")) {
      Result<Volume> labels = readVolume(directory, m.at("labels"));
      if (!labels) {
        return makeError(directory.string() + ": labels: " + labels.error().message);
      }
      bundle.labels = std::move(*labels);
    }
    for (const json& w : m.at("windows")) {
      bundle.windows.push_back(
          {w.at("name").get<std::string>(), w.at("center").get<double>(), w.at("width").get<double>()});
    }
    const json& surfaces = m.at("surfaces");
    for (std::size_t i = 0; i < surfaces.size(); ++i) {
      report(io, "reading surfaces", static_cast<double>(i) / surfaces.size());
      const json& s = surfaces[i];
      CaseSurface surface;
      surface.name = s.at("name").get<std::string>();
      surface.label = s.at("label").get<int>();
      surface.isoValue = s.at("iso_value").get<double>();
      const auto c = s.at("color").get<std::vector<int>>();
      if (c.size() != 3) {
        return makeError(manifestPath.string() + ": surface '" + surface.name + "' colour needs 3 values");
      }
      surface.color = glm::u8vec3(c[0], c[1], c[2]);
      surface.opacity = s.at("opacity").get<float>();
      Result<std::vector<std::byte>> raw = readBlob(directory, s.at("blob"));
      if (!raw) {
        return makeError(directory.string() + ": surface '" + surface.name + "': " + raw.error().message);
      }
      Result<assets::MeshData> mesh = parseMesh(*raw, surface.name);
      if (!mesh) {
        return makeError(directory.string() + ": " + mesh.error().message);
      }
      surface.mesh = std::move(*mesh);
      bundle.surfaces.push_back(std::move(surface));
    }
    report(io, "done", 1.0);
    return bundle;
  } catch (const json::exception& e) {
    return makeError(manifestPath.string() + " is missing a field or has a wrong type: " + e.what());
  }
}

}  // namespace medverse::imaging
