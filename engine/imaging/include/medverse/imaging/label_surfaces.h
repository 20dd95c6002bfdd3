#pragma once
// One closed surface per region of a label map (an atlas such as AAL, or a
// segmentation), named and coloured from its label table, for the consult
// room's "show regions" view and for case bundles.
//
// Each region is contoured as its own binary mask (1 inside the label, 0
// elsewhere) at 0.5 with the flying-edges extractor of isosurface.h, over the
// region's bounding box grown by one voxel rather than over the whole
// volume, and without building the mask: the extractor compares voxels with
// the label as it reads them. Outside the volume counts as "not the label",
// so every surface is closed even where a region touches the edge of the
// scan. Neighbouring regions get coincident but separate surfaces.
#include <cstddef>
#include <glm/glm.hpp>
#include <string>
#include <vector>

#include "medverse/assets/mesh.h"
#include "medverse/core/result.h"
#include "medverse/imaging/labels.h"
#include "medverse/imaging/volume.h"

namespace medverse {
class JobSystem;
}

namespace medverse::imaging {

struct LabelSurface {
  int value = 0;  // voxel value of the region
  std::string name;
  glm::u8vec3 color{0};
  std::size_t voxelCount = 0;  // voxels with this value
  assets::MeshData mesh;       // closed, patient LPS mm, named after the region
};

// How the job system is used. Measured on AAL (116 regions, 181x217x181; see
// docs/PERFORMANCE.md): one region per job wins, because most regions are
// small and a parallel extraction of a small box is mostly synchronisation.
enum class LabelParallelism {
  AcrossLabels,  // one region per job, each extracted on one thread
  WithinLabel,   // regions one after another, each extraction parallel
};

struct LabelSurfaceOptions {
  // Taubin (lambda|mu) smoothing iterations; 0 keeps the raw surface, whose
  // vertices sit on voxel-edge midpoints and show the voxel steps. Smoothing
  // changes positions only, so surfaces stay closed; normals are then
  // recomputed from the smoothed geometry.
  int smoothingIterations = 0;
  JobSystem* jobs = nullptr;  // nullptr: defaultJobSystem()
  bool parallel = true;       // false: everything on the calling thread
  LabelParallelism parallelism = LabelParallelism::AcrossLabels;
};

// Surfaces for every label present in `labels` (non-zero values, see
// labelsPresent()), in ascending label value. Name and colour come from the
// table entry with that value; a value the table does not name is still
// extracted, as "label <value>" in grey, and logged. Entries of the table
// that are absent from the volume give no surface. Errors: the volume fails
// validate(), or a surface exceeds 32-bit indices.
[[nodiscard]] Result<std::vector<LabelSurface>> extractLabelSurfaces(
    const Volume& labels, const std::vector<LabelEntry>& table,
    const LabelSurfaceOptions& options = {});

}  // namespace medverse::imaging
