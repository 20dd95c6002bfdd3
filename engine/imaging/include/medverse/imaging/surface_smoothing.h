#pragma once
// Smoothing that removes the voxel staircase of label surfaces without
// shrinking them: Taubin's lambda|mu filter (G. Taubin, "A Signal Processing
// Approach to Fair Surface Design", SIGGRAPH 1995). Each iteration moves
// every vertex towards the mean of its neighbours (lambda > 0), then away
// from it (mu < -lambda), which damps high frequencies (the steps) and
// leaves low ones (the shape) alone; plain Laplacian smoothing would shrink
// a region's volume with every pass.
#include "medverse/assets/mesh.h"

namespace medverse {
class JobSystem;
}

namespace medverse::imaging {

struct SmoothingOptions {
  int iterations = 10;
  // Taubin's k_PB: frequencies below it pass. 0.1 with lambda 0.5 gives
  // mu = -0.526, the values of his paper and of VTK's windowed filters.
  double passBand = 0.1;
  double lambda = 0.5;
  JobSystem* jobs = nullptr;  // nullptr: run on the calling thread
};

// Moves vertices only (connectivity and so closedness are untouched), then
// recomputes normals and bounds.
void smoothTaubin(assets::MeshData& mesh, const SmoothingOptions& options = {});

}  // namespace medverse::imaging
