// medverse-case: turns a patient's imaging into a MedVerse case bundle, and
// inspects and exports cases. Exit codes: 0 success, 2 usage error, 3 bad input.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../common/cli.h"
#include "medverse/assets/mesh_io.h"
#include "medverse/core/log.h"
#include "medverse/imaging/case_bundle.h"
#include "medverse/imaging/case_import.h"
#include "medverse/imaging/dicom_series.h"
#include "medverse/imaging/nifti.h"
#include "progress.h"

using namespace medverse::apps;  // exit codes, parseCommandLine

namespace fs = std::filesystem;
using nlohmann::json;
using namespace medverse;
using namespace medverse::imaging;

namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "medverse-case: %s\n", message.c_str());
  return kExitBadInput;
}

bool isNiftiName(const fs::path& p) {
  const std::string n = p.filename().string();
  return (n.size() > 4 && n.ends_with(".nii")) || (n.size() > 7 && n.ends_with(".nii.gz"));
}

json volumeSummary(const fs::path& path, const Volume& v) {
  const ValueRange r = v.valueRange();
  json direction = json::array();
  for (int c = 0; c < 3; ++c) {
    // + 0.0 turns -0 into 0, so printed directions read cleanly.
    direction.push_back({v.direction[c].x + 0.0, v.direction[c].y + 0.0, v.direction[c].z + 0.0});
  }
  return {{"path", path.string()},
          {"format", "nifti"},
          {"dims", {v.dims.x, v.dims.y, v.dims.z}},
          {"spacing_mm", {v.spacing.x, v.spacing.y, v.spacing.z}},
          {"origin_lps_mm", {v.origin.x, v.origin.y, v.origin.z}},
          {"direction_lps", direction},
          {"voxel_type", std::string(voxelTypeName(v.type()))},
          {"modality", std::string(modalityName(v.modality))},
          {"value_range", {r.min, r.max}}};
}

int probe(const fs::path& input, bool asJson) {
  std::error_code ec;
  if (!fs::exists(input, ec)) {
    return fail(input.string() + " does not exist");
  }
  std::vector<fs::path> candidates;
  if (fs::is_directory(input, ec)) {
    for (auto it = fs::recursive_directory_iterator(
             input, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) {
        break;
      }
      if (it->is_regular_file(ec) && isNiftiName(it->path())) {
        candidates.push_back(it->path());
      }
    }
    std::sort(candidates.begin(), candidates.end());
  } else if (isNiftiName(input)) {
    candidates.push_back(input);
  }
  json found = json::array();
  int problems = 0;
  for (const fs::path& p : candidates) {
    Result<Volume> v = readNifti(p);
    if (!v) {
      std::fprintf(stderr, "medverse-case: skipped %s\n", v.error().message.c_str());
      ++problems;
      continue;
    }
    found.push_back(volumeSummary(p, *v));
  }
  // DICOM series anywhere under the input (headers only).
  json series = json::array();
  if (Result<DicomScan> scan = scanDicom(input); scan) {
    // What was skipped and why (file names only: no patient data).
    for (const std::string& note : scan->notes) {
      std::fprintf(stderr, "medverse-case: %s\n", note.c_str());
      problems += note.find(": skipped") != std::string::npos ? 1 : 0;
    }
    for (const SeriesInfo& info : scan->series) {
      series.push_back({{"uid", info.uid},
                        {"key", info.key()},
                        {"description", info.description},
                        {"modality", info.modality},
                        {"files", info.fileCount},
                        {"frames", info.frameCount},
                        {"dims", {info.dimsGuess.x, info.dimsGuess.y, info.dimsGuess.z}},
                        {"mixed_geometry", info.mixedGeometry}});
    }
  }
  if (asJson) {
    std::printf("%s\n", json{{"volumes", found}, {"dicom_series", series}}.dump(2).c_str());
  } else {
    for (const json& v : found) {
      std::printf("%s\n  %s, %d x %d x %d voxels, %.4g x %.4g x %.4g mm, %s\n",
                  v["path"].get<std::string>().c_str(), v["modality"].get<std::string>().c_str(),
                  v["dims"][0].get<int>(), v["dims"][1].get<int>(), v["dims"][2].get<int>(),
                  v["spacing_mm"][0].get<double>(), v["spacing_mm"][1].get<double>(),
                  v["spacing_mm"][2].get<double>(), v["voxel_type"].get<std::string>().c_str());
    }
  }
  if (!asJson) {
    for (const json& d : series) {
      std::printf("DICOM series %s\n  %s, %d files, %d x %d x %d%s  (select with --series %s)\n",
                  d["uid"].get<std::string>().c_str(), d["modality"].get<std::string>().c_str(),
                  d["files"].get<int>(), d["dims"][0].get<int>(), d["dims"][1].get<int>(),
                  d["dims"][2].get<int>(),
                  d["mixed_geometry"].get<bool>() ? ", mixed geometry" : "",
                  d["key"].get<std::string>().c_str());
    }
  }
  if (found.empty() && series.empty()) {
    return fail(
        "no readable volume found in " + input.string() +
        (problems > 0 ? " (" + std::to_string(problems) + " file(s) could not be read)" : ""));
  }
  return kExitOk;
}

int info(const fs::path& casePath, bool asJson) {
  Result<std::string> text = readManifestText(casePath);
  if (!text) {
    return fail(text.error().message);
  }
  json m;
  try {
    m = json::parse(*text);
    const json& v = m.at("volume");
    json out{{"case", casePath.string()},
             {"format_version", m.at("version")},
             {"deidentified", m.at("provenance").at("deidentified")},
             {"deidentification_method", m.at("provenance").at("deidentification_method")},
             {"source_format", m.at("provenance").at("source_format")},
             {"modality", v.at("modality")},
             {"voxel_type", v.at("voxel_type")},
             {"dims", v.at("dims")},
             {"spacing_mm", v.at("spacing_mm")},
             {"origin_lps_mm", v.at("origin_lps_mm")},
             {"direction_lps", v.at("direction_lps")},
             {"value_range", v.at("value_range")},
             {"volume_blake2b", v.at("blob").at("blake2b")},
             {"windows", m.at("windows")},
             {"surfaces", json::array()}};
    if (m.contains("labels")) {
      out["labels"] = {{"dims", m["labels"].at("dims")},
                       {"blake2b", m["labels"].at("blob").at("blake2b")}};
    }
    for (const json& s : m.at("surfaces")) {
      out["surfaces"].push_back({{"name", s.at("name")},
                                 {"label", s.at("label")},
                                 {"triangles", s.at("triangles")},
                                 {"vertices", s.at("vertices")},
                                 {"color", s.at("color")},
                                 {"blake2b", s.at("blob").at("blake2b")}});
    }
    if (asJson) {
      std::printf("%s\n", out.dump(2).c_str());
      return kExitOk;
    }
    auto vec = [](const json& a) {
      char buf[128];
      std::snprintf(buf, sizeof buf, "(%.6g, %.6g, %.6g)", a[0].get<double>(), a[1].get<double>(),
                    a[2].get<double>());
      return std::string(buf);
    };
    std::printf("case        %s (format v%d)\n", casePath.string().c_str(),
                m["version"].get<int>());
    std::printf("modality    %s, %s voxels, values %.6g .. %.6g\n",
                out["modality"].get<std::string>().c_str(),
                out["voxel_type"].get<std::string>().c_str(), out["value_range"][0].get<double>(),
                out["value_range"][1].get<double>());
    std::printf("dims        %d x %d x %d\n", out["dims"][0].get<int>(), out["dims"][1].get<int>(),
                out["dims"][2].get<int>());
    std::printf("spacing     %s mm\n", vec(out["spacing_mm"]).c_str());
    std::printf("origin      %s mm (LPS)\n", vec(out["origin_lps_mm"]).c_str());
    std::printf("direction   i %s  j %s  k %s (LPS)\n", vec(out["direction_lps"][0]).c_str(),
                vec(out["direction_lps"][1]).c_str(), vec(out["direction_lps"][2]).c_str());
    std::printf("de-identified  %s (%s)\n", out["deidentified"].get<bool>() ? "yes" : "NO",
                out["deidentification_method"].get<std::string>().c_str());
    std::printf("volume hash    %s\n", out["volume_blake2b"].get<std::string>().c_str());
    std::printf("surfaces    %zu\n", out["surfaces"].size());
    for (const json& s : out["surfaces"]) {
      std::printf("  %-28s %9llu triangles  %s\n", s["name"].get<std::string>().c_str(),
                  s["triangles"].get<unsigned long long>(),
                  s["blake2b"].get<std::string>().c_str());
    }
  } catch (const json::exception& e) {
    return fail(casePath.string() + "/manifest.json is missing a field: " + e.what());
  }
  return kExitOk;
}

int exportMesh(const fs::path& casePath, const std::string& surfaceName, const fs::path& out) {
  Result<CaseBundle> bundle = readCaseBundle(casePath);
  if (!bundle) {
    return fail(bundle.error().message);
  }
  std::string names;
  for (const CaseSurface& s : bundle->surfaces) {
    if (s.name == surfaceName) {
      if (Status st = assets::saveMesh(s.mesh, out); !st) {
        return fail(st.error().message);
      }
      std::printf("wrote %s (%zu triangles, patient LPS millimetres)\n", out.string().c_str(),
                  s.mesh.indices.size() / 3);
      return kExitOk;
    }
    if (names.size() < 300) {
      names += (names.empty() ? "" : ", ") + s.name;
    }
  }
  return fail("case " + casePath.string() + " has no surface named '" + surfaceName +
              "'; it has: " + (names.empty() ? "(none)" : names));
}

}  // namespace

static int toolMain(int argc, char** argv) {
  log::setLevelFromEnv();
  CLI::App app{"medverse-case: builds MedVerse case bundles from CT/MRI and inspects them."};
  app.require_subcommand(1);
  app.footer("Exit codes: 0 success, 2 usage error, 3 bad input.");

  auto* probeCmd =
      app.add_subcommand("probe", "list the volumes/series found in a file or directory");
  std::string probeInput;
  bool probeJson = false;
  probeCmd->add_option("INPUT", probeInput, "NIfTI file, DICOM file or directory")->required();
  probeCmd->add_flag("--json", probeJson, "print JSON");

  auto* importCmd = app.add_subcommand("import", "build a case bundle from imaging");
  std::vector<std::string> inputs;
  std::string output;
  ImportRequest request;
  std::string labels;
  std::string lut;
  std::string labelNames;
  bool overwrite = false;
  importCmd
      ->add_option("INPUT", inputs,
                   "NIfTI file (.nii, .nii.gz), DICOM directory, or the DICOM files of one series")
      ->required();
  importCmd->add_option("-o,--output", output, "case bundle directory to write")->required();
  importCmd->add_option("--series", request.seriesUid, "series UID or description to import");
  importCmd->add_option("--labels", labels,
                        "label volume (one surface per label), e.g. aal.nii.gz");
  importCmd->add_option("--lut", lut,
                        "label colours (768-byte RGB palette); default: LABELS with .lut");
  importCmd->add_option("--label-names", labelNames,
                        "label names (index name ...); default: LABELS with .txt");
  importCmd->add_option("--iso", request.isoValues,
                        "isosurface value in modality units (repeatable)");
  importCmd
      ->add_option("--preset", request.preset,
                   "ct-bone, ct-lung, ct-soft or mr-brain (default by modality)")
      ->check(CLI::IsMember(presetNames()));
  importCmd
      ->add_option("--max-triangles", request.maxTrianglesPerSurface,
                   "triangle budget per surface (0: no simplification)")
      ->check(CLI::NonNegativeNumber);
  importCmd->add_flag("--overwrite", overwrite, "replace an existing case at --output");

  auto* infoCmd = app.add_subcommand("info", "describe a case bundle");
  std::string infoCase;
  bool infoJson = false;
  infoCmd->add_option("CASE", infoCase, "case bundle directory")->required();
  infoCmd->add_flag("--json", infoJson, "print JSON");

  auto* meshCmd =
      app.add_subcommand("mesh", "export one surface of a case as STL, OBJ, PLY or GLB");
  std::string meshCase;
  std::string surface;
  std::string meshOut;
  meshCmd->add_option("CASE", meshCase, "case bundle directory")->required();
  meshCmd->add_option("--surface", surface, "surface name (see info)")->required();
  meshCmd->add_option("-o,--output", meshOut, "output file; the extension picks the format")
      ->required();

  if (const int code = medverse::apps::parseCommandLine(app, argc, argv, "medverse-case");
      code >= 0) {
    return code;
  }

  if (*probeCmd) {
    return probe(probeInput, probeJson);
  }
  if (*infoCmd) {
    return info(infoCase, infoJson);
  }
  if (*meshCmd) {
    return exportMesh(meshCase, surface, meshOut);
  }
  // import
  for (const auto& in : inputs) {
    request.inputs.emplace_back(in);
  }
  if (!labels.empty()) {
    request.labels = labels;
  }
  if (!lut.empty()) {
    request.lut = lut;
  }
  if (!labelNames.empty()) {
    request.labelNames = labelNames;
  }
  std::error_code ec;
  if (fs::exists(fs::symlink_status(output, ec)) && !overwrite) {
    return fail(output + " already exists (use --overwrite to replace it)");
  }
  if (fs::exists(fs::symlink_status(output, ec)) && !looksLikeCaseBundle(output)) {
    // --overwrite replaces a case, never a folder or file that is not one.
    return fail(output + " exists and is not a case bundle; refusing to replace it");
  }
  tools::ProgressPrinter progress;
  Result<CaseBundle> bundle =
      importCase(request, [&](const std::string& stage, double f) { progress.update(stage, f); });
  if (!bundle) {
    progress.finish();
    return fail(bundle.error().message);
  }
  BundleIo io;
  io.progressUser = &progress;
  io.progress = [](void* user, const char* stage, double f) {
    static_cast<tools::ProgressPrinter*>(user)->update(stage, f);
  };
  Status written = writeCaseBundle(*bundle, output, overwrite, io);
  progress.finish();
  if (!written) {
    return fail(written.error().message);
  }
  std::size_t triangles = 0;
  for (const auto& s : bundle->surfaces) {
    triangles += s.mesh.indices.size() / 3;
  }
  std::printf("wrote %s: %d x %d x %d %s volume, %zu surface(s), %zu triangles\n", output.c_str(),
              bundle->volume.dims.x, bundle->volume.dims.y, bundle->volume.dims.z,
              std::string(modalityName(bundle->volume.modality)).c_str(), bundle->surfaces.size(),
              triangles);
  return kExitOk;
}

int main(int argc, char** argv) {
  return medverse::apps::runTool("medverse-case", [&] { return toolMain(argc, argv); });
}
