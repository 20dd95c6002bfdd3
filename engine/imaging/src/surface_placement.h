#pragma once
// The voxel->patient map of a box of a volume, in the form the surface
// extractor uses it.
#include <glm/glm.hpp>

#include "flying_edges.h"
#include "medverse/imaging/volume.h"

namespace medverse::imaging::detail {

// `boxMin` is the volume voxel that is (0,0,0) of the box.
inline SurfacePlacement placementOf(const Volume& volume, glm::ivec3 boxMin) {
  SurfacePlacement placement;
  const glm::dmat4 toPatient = volume.voxelToPatient();
  placement.linear = glm::dmat3(toPatient);
  placement.origin = volume.voxelToPatient(glm::dvec3(boxMin));
  // Gradients are covectors: index-space gradient -> patient-space gradient
  // is the inverse transpose, which keeps normals perpendicular under
  // anisotropic spacing.
  placement.normalMatrix = glm::transpose(glm::inverse(placement.linear));
  placement.mirrored = glm::determinant(placement.linear) < 0.0;
  return placement;
}

}  // namespace medverse::imaging::detail
