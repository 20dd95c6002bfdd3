#pragma once
// Fewer triangles for the renderer and the network: isosurfaces of a CT can
// reach millions of triangles, a consult room draws many surfaces at once in
// stereo, and case bundles travel to every participant.
//
// meshoptimizer's edge-collapse simplifier does the work; this layer adds
// the guarantee MedVerse needs for anatomy: a closed surface stays closed (a
// hole in a vessel or a skull is a clinical misreading, not a cosmetic
// defect). meshoptimizer 0.18 does not open holes, but it does not check the
// link condition either, so on thin structures (a gyrus, a vessel wall) a
// collapse can fold the surface into a zero-volume "fin" or pinch two sheets
// together along an edge. Every result is checked with censusEdges():
//  - fins (two triangles on the same vertices, opposite winding) are dropped,
//    and so are small closed bubbles (at most 256 triangles or 1% of the
//    result) that a collapse glued onto another sheet along an edge; neither
//    can open a hole, as each is closed on its own;
//  - an edge still shared by two sheets is flipped within one of them:
//    (a,b,c1),(b,a,c2) -> (a,c2,c1),(c2,b,c1) keeps the quad's outline, so
//    it cannot open anything either;
//  - if pinches remain (no flip is possible without duplicating an edge),
//    the input around them is protected: left out of the next run (whose
//    border lock pins the protected patch's rim) and put back unchanged,
//    with the patch growing on each attempt;
//  - a result with a new boundary or misoriented edge is never returned. If
//    every attempt of a step leaves one, the step is retried smaller (4x,
//    then 2.5x, then 1.5x reduction), then simplification stops at the last
//    closed result (topologyKept = false). If only pinches remain after
//    maxAttempts, the attempt with the fewest is used: it is closed and
//    encloses the same volume, and report.after.nonManifold says how many
//    edges are pinched (none in any case measured so far: with the flips, the
//    brains of docs/PERFORMANCE.md and the tests come out edge-manifold).
// Large reductions run in steps of at most 4x, so that a protected patch is a
// few triangles of the step's input rather than a wide disk of the original.
// Normals are kept from the input: meshoptimizer collapses vertices onto
// existing vertices, so each surviving vertex keeps its gradient normal.
#include <cstddef>

#include "medverse/assets/mesh.h"
#include "medverse/imaging/mesh_topology.h"

namespace medverse::imaging {

struct SimplifyOptions {
  // Largest deviation meshoptimizer may introduce, relative to the mesh's
  // extent (its target_error: 0.01 = 1%). The default lets the triangle
  // budget decide; set it to bound the shape error instead, in which case the
  // result may stay above the budget (see SimplifyReport::budgetMet).
  float maxRelativeError = 1.0f;
  // Keep open borders where they are (meshopt_SimplifyLockBorder). Closed
  // surfaces have no border, so this only matters for open ones.
  bool lockBorder = true;
  // Simplifier runs per step; each one after the first protects a larger
  // patch around what the last one pinched.
  int maxAttempts = 4;
};

struct SimplifyReport {
  std::size_t trianglesBefore = 0;
  std::size_t trianglesAfter = 0;
  float relativeError = 0.0f;  // meshoptimizer's estimate, largest of any stage
  EdgeCensus before;
  EdgeCensus after;
  int stages = 0;                      // 0 when the input was already in budget
  int attempts = 0;                    // meshoptimizer runs, all stages
  std::size_t finsRemoved = 0;         // triangles dropped as fins
  std::size_t piecesRemoved = 0;       // pinched-on bubbles dropped
  std::size_t edgesFlipped = 0;        // pinches separated by an edge flip
  std::size_t protectedTriangles = 0;  // kept as they were, summed over stages
  // False when no attempt of a step kept the surface closed: simplification
  // stopped at the last closed result (so over budget). Never a holed mesh.
  bool topologyKept = true;
  bool budgetMet = true;
};

// `mesh` with at most `maxTriangles` triangles where the options and the
// topology guarantee allow; vertices are compacted (only used ones remain)
// and bounds recomputed. The name is kept.
[[nodiscard]] assets::MeshData simplify(const assets::MeshData& mesh, std::size_t maxTriangles,
                                        const SimplifyOptions& options = {},
                                        SimplifyReport* report = nullptr);

// Reorders triangles for the GPU's post-transform vertex cache and vertices
// for fetch locality (meshopt_optimizeVertexCache, meshopt_optimizeVertexFetch).
// The surface is unchanged: same triangles, same winding.
void optimizeForRendering(assets::MeshData& mesh);

}  // namespace medverse::imaging
