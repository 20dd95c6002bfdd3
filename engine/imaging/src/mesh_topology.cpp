#include "medverse/imaging/mesh_topology.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace medverse::imaging {
namespace {

// One key per triangle side: the undirected edge, and whether the side runs
// from the lower to the higher index. Sorting brings the uses of each edge
// together; at millions of triangles a sort beats a hash map by a wide margin.
struct Side {
  std::uint64_t edge = 0;  // low index << 32 | high index
  bool reversed = false;

  bool operator<(const Side& other) const {
    return edge != other.edge ? edge < other.edge : reversed < other.reversed;
  }
};

}  // namespace

EdgeCensus censusEdges(const assets::MeshData& mesh, std::vector<ProblemEdge>* problems) {
  return censusEdges(std::span<const std::uint32_t>(mesh.indices), problems);
}

EdgeCensus censusEdges(std::span<const std::uint32_t> indices, std::vector<ProblemEdge>* problems) {
  EdgeCensus census;
  std::vector<Side> sides;
  sides.reserve(indices.size());
  for (std::size_t t = 0; t + 2 < indices.size(); t += 3) {
    const std::uint32_t v[3] = {indices[t], indices[t + 1], indices[t + 2]};
    if (v[0] == v[1] || v[1] == v[2] || v[2] == v[0]) {
      ++census.degenerateTriangles;
      continue;
    }
    for (int s = 0; s < 3; ++s) {
      const std::uint32_t a = v[s];
      const std::uint32_t b = v[(s + 1) % 3];
      sides.push_back({std::uint64_t{std::min(a, b)} << 32 | std::max(a, b), a > b});
    }
  }
  std::sort(sides.begin(), sides.end());
  std::size_t i = 0;
  while (i < sides.size()) {
    std::size_t end = i + 1;
    while (end < sides.size() && sides[end].edge == sides[i].edge) {
      ++end;
    }
    ++census.edges;
    const std::size_t uses = end - i;
    bool problem = true;
    if (uses == 1) {
      ++census.boundary;
    } else if (uses > 2) {
      ++census.nonManifold;
    } else if (sides[i].reversed == sides[i + 1].reversed) {
      ++census.misoriented;
    } else {
      problem = false;
    }
    if (problem && problems != nullptr) {
      problems->push_back({static_cast<std::uint32_t>(sides[i].edge >> 32),
                           static_cast<std::uint32_t>(sides[i].edge & 0xFFFFFFFFU)});
    }
    i = end;
  }
  return census;
}

}  // namespace medverse::imaging
