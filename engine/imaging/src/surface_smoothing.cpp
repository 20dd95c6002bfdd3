#include "medverse/imaging/surface_smoothing.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "flying_edges.h"

namespace medverse::imaging {
namespace {

// Neighbour lists of every vertex in one array (compressed rows).
struct Adjacency {
  std::vector<std::size_t> start;  // vertexCount + 1 offsets
  std::vector<std::uint32_t> neighbours;
};

Adjacency buildAdjacency(const assets::MeshData& mesh) {
  const std::size_t n = mesh.vertices.size();
  Adjacency adjacency;
  adjacency.start.assign(n + 1, 0);
  // Both directions of every triangle side: a closed surface lists each
  // neighbour twice, an open one at least once; duplicates are removed below.
  for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
    for (int s = 0; s < 3; ++s) {
      adjacency.start[mesh.indices[t + static_cast<std::size_t>(s)] + 1] += 2;
    }
  }
  for (std::size_t v = 0; v < n; ++v) {
    adjacency.start[v + 1] += adjacency.start[v];
  }
  adjacency.neighbours.resize(adjacency.start[n]);
  std::vector<std::size_t> fill(adjacency.start.begin(), adjacency.start.end() - 1);
  for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
    for (std::size_t s = 0; s < 3; ++s) {
      const std::uint32_t a = mesh.indices[t + s];
      adjacency.neighbours[fill[a]++] = mesh.indices[t + (s + 1) % 3];
      adjacency.neighbours[fill[a]++] = mesh.indices[t + (s + 2) % 3];
    }
  }
  // Sort and deduplicate each list in place, then close the gaps.
  std::size_t write = 0;
  for (std::size_t v = 0; v < n; ++v) {
    const auto first =
        adjacency.neighbours.begin() + static_cast<std::ptrdiff_t>(adjacency.start[v]);
    const auto last =
        adjacency.neighbours.begin() + static_cast<std::ptrdiff_t>(adjacency.start[v + 1]);
    std::sort(first, last);
    const auto unique = std::unique(first, last);
    adjacency.start[v] = write;
    for (auto it = first; it != unique; ++it) {
      adjacency.neighbours[write++] = *it;
    }
  }
  adjacency.start[n] = write;
  adjacency.neighbours.resize(write);
  return adjacency;
}

}  // namespace

void smoothTaubin(assets::MeshData& mesh, const SmoothingOptions& options) {
  if (options.iterations <= 0 || mesh.vertices.empty()) {
    return;
  }
  const Adjacency adjacency = buildAdjacency(mesh);
  const double lambda = options.lambda;
  const double mu = 1.0 / (options.passBand - 1.0 / lambda);
  const detail::Runner runner{options.jobs};
  const std::size_t n = mesh.vertices.size();

  std::vector<glm::vec3> from(n);
  std::vector<glm::vec3> to(n);
  for (std::size_t v = 0; v < n; ++v) {
    from[v] = mesh.vertices[v].position;
  }
  const auto step = [&](double factor) {
    runner.forEach(n, 4096, [&](std::size_t begin, std::size_t end) {
      for (std::size_t v = begin; v < end; ++v) {
        const std::size_t first = adjacency.start[v];
        const std::size_t last = adjacency.start[v + 1];
        if (first == last) {
          to[v] = from[v];
          continue;
        }
        glm::dvec3 mean(0.0);
        for (std::size_t a = first; a < last; ++a) {
          mean += glm::dvec3(from[adjacency.neighbours[a]]);
        }
        mean /= static_cast<double>(last - first);
        const glm::dvec3 p(from[v]);
        to[v] = glm::vec3(p + factor * (mean - p));
      }
    });
    from.swap(to);
  };
  for (int i = 0; i < options.iterations; ++i) {
    step(lambda);
    step(mu);
  }
  for (std::size_t v = 0; v < n; ++v) {
    mesh.vertices[v].position = from[v];
  }
  assets::recomputeNormals(mesh);
  assets::computeBounds(mesh);
}

}  // namespace medverse::imaging
