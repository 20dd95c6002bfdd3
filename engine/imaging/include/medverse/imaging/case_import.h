#pragma once
// From imaging to a case: read the input (NIfTI today; DICOM series next),
// choose window presets, extract and simplify surfaces, and assemble a
// CaseBundle ready for writeCaseBundle. medverse-case import is a thin CLI
// over this.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/imaging/case_bundle.h"

namespace medverse::imaging {

// Clinical presets: a display window and a default isosurface.
//   ct-bone  W1800/L400, surface at 300 HU (cortical and trabecular bone)
//   ct-lung  W1500/L-600, surface at -500 HU (air/lung boundary)
//   ct-soft  W400/L40, surface at -200 HU (skin)
//   mr-brain window from the 1st..99.5th percentile, surface at the Otsu
//            threshold (MR intensities have no absolute unit)
struct PresetChoice {
  WindowPreset window;
  double isoValue = 0.0;
};
Result<PresetChoice> choosePreset(const std::string& name, const Volume& volume);
const std::vector<std::string>& presetNames();

struct ImportRequest {
  std::vector<std::filesystem::path> inputs;
  std::string seriesUid;  // pick one series when the input holds several
  std::optional<std::filesystem::path> labels;      // label volume (e.g. aal.nii.gz)
  std::optional<std::filesystem::path> lut;         // colours (e.g. aal.nii.lut)
  std::optional<std::filesystem::path> labelNames;  // names (e.g. aal.nii.txt)
  std::vector<double> isoValues;                    // extra isosurfaces
  std::string preset;                               // empty: by modality
  std::size_t maxTrianglesPerSurface = 250000;      // 0: no simplification
};

// stage is a short phrase ("reading", "isosurface 300", "labels"), fraction in [0, 1].
using ImportProgress = std::function<void(const std::string& stage, double fraction)>;

Result<CaseBundle> importCase(const ImportRequest& request, const ImportProgress& progress = {});

// Label table files next to a label volume: for aal.nii.gz, aal.nii.txt and
// aal.nii.lut. Returns the path with `extension` in place of .gz/.nii.gz.
std::filesystem::path siblingLabelFile(const std::filesystem::path& labels,
                                       const std::string& extension);

}  // namespace medverse::imaging
