#include "medverse/imaging/case_import.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "medverse/core/log.h"
#include "medverse/imaging/deidentify.h"
#include "medverse/imaging/dicom_series.h"
#include "medverse/imaging/isosurface.h"
#include "medverse/imaging/label_surfaces.h"
#include "medverse/imaging/labels.h"
#include "medverse/imaging/nifti.h"
#include "medverse/imaging/simplify.h"

namespace medverse::imaging {
namespace fs = std::filesystem;

namespace {

bool isNifti(const fs::path& p) {
  const std::string name = p.filename().string();
  auto endsWith = [&](const std::string& s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return endsWith(".nii") || endsWith(".nii.gz");
}

// A 4096-bin histogram of the volume's values, with the range it spans.
struct Histogram {
  std::array<std::uint64_t, 4096> bins{};
  double min = 0;
  double max = 0;
  std::uint64_t total = 0;
  [[nodiscard]] double binValue(std::size_t b) const {
    return min + (max - min) * (static_cast<double>(b) + 0.5) / bins.size();
  }
};

Histogram histogram(const Volume& v) {
  Histogram h;
  const ValueRange r = v.valueRange();
  h.min = r.min;
  h.max = r.max > r.min ? r.max : r.min + 1;
  const double scale = h.bins.size() / (h.max - h.min);
  std::visit(
      [&](const auto& data) {
        for (auto x : data) {
          auto b = static_cast<std::size_t>((static_cast<double>(x) - h.min) * scale);
          ++h.bins[std::min(b, h.bins.size() - 1)];
        }
      },
      v.voxels);
  h.total = v.voxelCount();
  return h;
}

double percentile(const Histogram& h, double p) {
  const auto target = static_cast<std::uint64_t>(p * static_cast<double>(h.total));
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < h.bins.size(); ++b) {
    seen += h.bins[b];
    if (seen > target) {
      return h.binValue(b);
    }
  }
  return h.max;
}

// Otsu's threshold: the split that maximises between-class variance.
double otsu(const Histogram& h) {
  double sumAll = 0;
  for (std::size_t b = 0; b < h.bins.size(); ++b) {
    sumAll += static_cast<double>(b) * static_cast<double>(h.bins[b]);
  }
  double sumBelow = 0;
  double weightBelow = 0;
  double best = -1;
  std::size_t bestBin = 0;
  for (std::size_t b = 0; b < h.bins.size(); ++b) {
    weightBelow += static_cast<double>(h.bins[b]);
    if (weightBelow == 0) {
      continue;
    }
    const double weightAbove = static_cast<double>(h.total) - weightBelow;
    if (weightAbove == 0) {
      break;
    }
    sumBelow += static_cast<double>(b) * static_cast<double>(h.bins[b]);
    const double meanBelow = sumBelow / weightBelow;
    const double meanAbove = (sumAll - sumBelow) / weightAbove;
    const double between = weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove);
    if (between > best) {
      best = between;
      bestBin = b;
    }
  }
  return h.min + (h.max - h.min) * (static_cast<double>(bestBin) + 1.0) / h.bins.size();
}

}  // namespace

const std::vector<std::string>& presetNames() {
  static const std::vector<std::string> names{"ct-bone", "ct-lung", "ct-soft", "mr-brain"};
  return names;
}

Result<PresetChoice> choosePreset(const std::string& name, const Volume& volume) {
  if (name == "ct-bone") {
    return PresetChoice{{name, 400, 1800}, 300};
  }
  if (name == "ct-lung") {
    return PresetChoice{{name, -600, 1500}, -500};
  }
  if (name == "ct-soft") {
    return PresetChoice{{name, 40, 400}, -200};
  }
  if (name == "mr-brain") {
    const Histogram h = histogram(volume);
    const double lo = percentile(h, 0.01);
    const double hi = percentile(h, 0.995);
    return PresetChoice{{name, (lo + hi) / 2, std::max(hi - lo, 1e-6)}, otsu(h)};
  }
  std::string list;
  for (const auto& n : presetNames()) {
    list += (list.empty() ? "" : ", ") + n;
  }
  return makeError("unknown preset '" + name + "' (choose one of: " + list + ")");
}

fs::path siblingLabelFile(const fs::path& labels, const std::string& extension) {
  std::string name = labels.filename().string();
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) {
    name.resize(name.size() - 3);
  }
  return labels.parent_path() / (name + extension);
}

Result<CaseBundle> importCase(const ImportRequest& request, const ImportProgress& progress) {
  auto step = [&](const std::string& stage, double fraction) {
    if (progress) {
      progress(stage, fraction);
    }
  };
  if (request.inputs.empty()) {
    return makeError("no input given");
  }
  CaseBundle bundle;
  step("reading", 0.0);
  const fs::path& input = request.inputs.front();
  std::error_code ec;
  for (const fs::path& p : request.inputs) {
    if (!fs::exists(p, ec)) {
      return makeError(p.string() + " does not exist");
    }
  }
  if (request.inputs.size() == 1 && isNifti(input) && !fs::is_directory(input, ec)) {
    Result<Volume> volume = readNifti(input);
    if (!volume) {
      return volume.error();
    }
    bundle.volume = std::move(*volume);
    bundle.provenance.sourceFormat = "nifti";
    bundle.provenance.seriesDescription = input.filename().string();
    // A NIfTI file carries no DICOM attributes; its free-text header fields
    // (descrip, aux_file, intent_name) are not imported.
    bundle.provenance.deidentified = true;
    bundle.provenance.deidentificationMethod =
        "NIfTI source: geometry and voxels only; header text fields dropped";
  } else {
    // DICOM: one directory (or file) holding the series, or the files of one series.
    Result<Volume> volume = makeError("no DICOM input");
    std::string seriesUid;
    if (request.inputs.size() == 1) {
      Result<std::vector<SeriesInfo>> series = findDicomSeries(input);
      if (!series) {
        return series.error();
      }
      volume = readDicomSeries(input, request.seriesUid);
      for (const SeriesInfo& info : *series) {
        if (request.seriesUid.empty() || info.uid == request.seriesUid || info.key() == request.seriesUid) {
          seriesUid = info.uid;
          break;
        }
      }
    } else {
      SeriesInfo info;
      info.files = request.inputs;
      info.fileCount = request.inputs.size();
      volume = readDicomSeries(info);
    }
    if (!volume) {
      return volume.error();
    }
    bundle.volume = std::move(*volume);
    bundle.provenance.sourceFormat = "dicom";
    // Only geometry and voxel values cross into the case; of the DICOM
    // attributes, just the series UID, replaced as PS3.15 E.1-1 requires
    // (action U), so the case still identifies its series consistently
    // without revealing the original UID. Descriptions are removed (X).
    UidRemapper remapper;
    if (!seriesUid.empty()) {
      bundle.provenance.seriesInstanceUid = remapper.remap(seriesUid);
    }
    bundle.provenance.deidentified = true;
    bundle.provenance.deidentificationMethod =
        "DICOM PS3.15 Basic Application Level Confidentiality Profile: only geometry, "
        "modality and voxel values imported; UIDs replaced";
  }
  step("reading", 1.0);

  const std::string presetName =
      !request.preset.empty() ? request.preset
                              : (bundle.volume.modality == Modality::CT ? "ct-bone" : "mr-brain");
  Result<PresetChoice> preset = choosePreset(presetName, bundle.volume);
  if (!preset) {
    return preset.error();
  }
  bundle.windows.push_back(preset->window);
  std::vector<double> isoValues = request.isoValues;
  if (isoValues.empty() && !request.labels) {
    isoValues.push_back(preset->isoValue);
  }

  auto budget = [&](assets::MeshData mesh) {
    if (request.maxTrianglesPerSurface == 0) {
      return mesh;
    }
    SimplifyReport report;
    assets::MeshData out = simplify(mesh, request.maxTrianglesPerSurface, {}, &report);
    if (!report.topologyKept) {
      log::get("imaging")->warn("surface '{}': simplification would open holes; kept {} triangles",
                                mesh.name, report.trianglesAfter);
    }
    optimizeForRendering(out);
    return out;
  };

  for (std::size_t i = 0; i < isoValues.size(); ++i) {
    const double iso = isoValues[i];
    const std::string stage = "isosurface " + std::to_string(static_cast<long long>(std::lround(iso)));
    step(stage, 0.0);
    IsoOptions options;
    options.name = "iso " + std::to_string(iso);
    Result<assets::MeshData> mesh = extractIsosurface(bundle.volume, iso, options);
    if (!mesh) {
      return mesh.error();
    }
    if (mesh->indices.empty()) {
      return makeError("the isosurface at " + std::to_string(iso) + " is empty: the volume's values span " +
                       std::to_string(bundle.volume.valueRange().min) + " .. " +
                       std::to_string(bundle.volume.valueRange().max));
    }
    CaseSurface surface;
    surface.name = presetName + (isoValues.size() > 1 ? " " + std::to_string(i + 1) : "");
    surface.isoValue = iso;
    surface.color = bundle.volume.modality == Modality::CT ? glm::u8vec3(233, 225, 205)
                                                           : glm::u8vec3(230, 196, 180);
    surface.mesh = budget(std::move(*mesh));
    surface.mesh.name = surface.name;
    bundle.surfaces.push_back(std::move(surface));
    step(stage, 1.0);
  }

  if (request.labels) {
    step("labels", 0.0);
    Result<Volume> labels = readNifti(*request.labels);
    if (!labels) {
      return labels.error();
    }
    labels->modality = Modality::Label;
    const fs::path names = request.labelNames.value_or(siblingLabelFile(*request.labels, ".txt"));
    const fs::path lut = request.lut.value_or(siblingLabelFile(*request.labels, ".lut"));
    Result<std::vector<LabelEntry>> table = readLabelTable(names, lut);
    if (!table) {
      return table.error();
    }
    Result<std::vector<LabelSurface>> surfaces = extractLabelSurfaces(*labels, *table);
    if (!surfaces) {
      return surfaces.error();
    }
    for (std::size_t i = 0; i < surfaces->size(); ++i) {
      LabelSurface& ls = (*surfaces)[i];
      CaseSurface surface;
      surface.name = ls.name;
      surface.label = ls.value;
      surface.color = ls.color;
      surface.mesh = budget(std::move(ls.mesh));
      surface.mesh.name = surface.name;
      bundle.surfaces.push_back(std::move(surface));
      step("labels", static_cast<double>(i + 1) / surfaces->size());
    }
    bundle.labels = std::move(*labels);
  }
  return bundle;
}

}  // namespace medverse::imaging
