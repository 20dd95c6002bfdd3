#pragma once
// Is a surface closed? The check behind "the isosurface is watertight" and
// "simplification never opens a hole": every edge of a closed, consistently
// oriented surface is used by exactly two triangles, once in each direction.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "medverse/assets/mesh.h"

namespace medverse::imaging {

struct EdgeCensus {
  std::size_t edges = 0;                // distinct undirected edges
  std::size_t boundary = 0;             // used by one triangle: the rim of a hole
  std::size_t nonManifold = 0;          // used by three or more triangles
  std::size_t misoriented = 0;          // used by two triangles in the same direction
  std::size_t degenerateTriangles = 0;  // a triangle that repeats an index

  [[nodiscard]] bool closed() const {
    return boundary == 0 && nonManifold == 0 && misoriented == 0;
  }
};

// An edge that keeps a surface from being closed: its two vertex indices.
using ProblemEdge = std::array<std::uint32_t, 2>;

// Counts by index (not position): two vertices at the same place are
// different vertices, as they are for the renderer. Degenerate triangles are
// counted and their edges ignored. `problems`, if given, receives every
// boundary, non-manifold and misoriented edge.
[[nodiscard]] EdgeCensus censusEdges(const assets::MeshData& mesh,
                                     std::vector<ProblemEdge>* problems = nullptr);
// The same for a bare triangle list.
[[nodiscard]] EdgeCensus censusEdges(std::span<const std::uint32_t> indices,
                                     std::vector<ProblemEdge>* problems = nullptr);

}  // namespace medverse::imaging
