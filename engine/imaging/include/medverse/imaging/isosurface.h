#pragma once
// Isosurfaces: the triangle mesh where a Volume crosses a value (a bone
// threshold in HU, a brain/background threshold in MR units).
//
// The algorithm is flying edges (Schroeder, Maynard and Geveci, "Flying
// Edges: A High-Performance Scalable Isocontouring Algorithm", IEEE LDAV
// 2015), the one VTK's vtkFlyingEdges3D implements: instead of visiting every
// cell and welding duplicate vertices through a hash map, it
//   1. classifies the x-edges of every grid row and records where along the
//      row the surface can be (the trim bounds),
//   2. counts, per row, the y/z-edge crossings and triangles inside the trim,
//   3. turns the counts into output offsets with a prefix sum,
//   4. writes each edge's vertex once and each triangle directly into the
//      preallocated output.
// Rows are independent in passes 1, 2 and 4, so they run on the job system
// across z-slices; output offsets depend only on the volume, so the mesh is
// bit-identical for any number of threads.
//
// What the mesh is:
//  - Indexed and welded: every vertex is the crossing on one grid edge and is
//    shared by all triangles around that edge, so an interior surface is
//    closed (every edge is used by exactly two triangles, in opposite
//    directions).
//  - "Inside" is value >= isoValue. Normals point out of the inside, toward
//    lower values (the negative gradient), and triangles are counter-clockwise
//    seen from outside, so back-face culling keeps the outer side.
//  - Positions and normals are in patient LPS millimetres through the volume's
//    voxel->patient map (spacing, direction, origin; an improper direction is
//    handled by flipping the winding).
//  - Normals come from the central-difference gradient of the volume,
//    interpolated along the edge, transformed to patient space.
//  - Ambiguous cube faces are resolved the same way from both sides (inside
//    corners that touch only diagonally are kept apart), so no cracks open.
//  - With closeAtBoundary (the default) everything outside the volume counts
//    as below isoValue, as if the volume had a one-voxel border of "nothing"
//    (done logically; the volume is not copied). A surface that reaches the
//    edge of the scan, such as a neck cut by the field of view, is then capped
//    on the volume's outer face (patientBounds()) and the mesh stays closed.
#include <string>

#include "medverse/assets/mesh.h"
#include "medverse/core/result.h"
#include "medverse/imaging/volume.h"

namespace medverse {
class JobSystem;
}

namespace medverse::imaging {

struct IsoOptions {
  // Treat outside the volume as below isoValue, closing surfaces that touch
  // the volume's faces. Off gives VTK's behaviour: open where the surface
  // leaves the volume.
  bool closeAtBoundary = true;
  // Pool for the passes; nullptr means defaultJobSystem().
  JobSystem* jobs = nullptr;
  // False runs every pass on the calling thread (benchmarks, or a caller that
  // already runs one extraction per worker).
  bool parallel = true;
  // Name of the mesh; empty gives "isosurface <isoValue>".
  std::string name;
};

// The surface where `volume` crosses `isoValue` (in the volume's modality
// units). An empty mesh (no triangles) is a success: the value is not
// crossed. Errors: the volume fails validate(), isoValue is not finite, or
// the surface needs more than 2^32 vertices.
[[nodiscard]] Result<assets::MeshData> extractIsosurface(const Volume& volume, double isoValue,
                                                         const IsoOptions& options = {});

}  // namespace medverse::imaging
