#include "medverse/imaging/simplify.h"

#include <meshoptimizer.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "medverse/core/log.h"
#include "surface_repair.h"

namespace medverse::imaging {
namespace {

// Keeps only the vertices `indices` use, in order of first use.
assets::MeshData compact(const assets::MeshData& source, std::vector<std::uint32_t> indices) {
  assets::MeshData result;
  result.name = source.name;
  result.vertices.resize(source.vertices.size());
  const std::size_t used =
      indices.empty() ? 0
                      : meshopt_optimizeVertexFetch(result.vertices.data(), indices.data(),
                                                    indices.size(), source.vertices.data(),
                                                    source.vertices.size(), sizeof(assets::Vertex));
  result.vertices.resize(used);
  result.indices = std::move(indices);
  assets::computeBounds(result);
  return result;
}

// No hole and no flipped triangle that the input did not have.
bool keepsClosure(const EdgeCensus& before, const EdgeCensus& after) {
  return after.boundary <= before.boundary && after.misoriented <= before.misoriented;
}

// ... and no pinch either.
bool keepsTopology(const EdgeCensus& before, const EdgeCensus& after) {
  return keepsClosure(before, after) && after.nonManifold <= before.nonManifold;
}

// Marks the input triangles within radii[s] of seeds[s] (walking the input's
// own connectivity), so that the next attempt leaves them as they are.
class Protection {
 public:
  explicit Protection(const assets::MeshData& mesh)
      : mesh_(mesh), triangles_(mesh.indices.size() / 3, 0) {
    const std::size_t n = mesh.vertices.size();
    start_.assign(n + 1, 0);
    for (const std::uint32_t v : mesh.indices) {
      ++start_[v + 1];
    }
    for (std::size_t v = 0; v < n; ++v) {
      start_[v + 1] += start_[v];
    }
    incident_.resize(mesh.indices.size());
    std::vector<std::size_t> fill(start_.begin(), start_.end() - 1);
    for (std::size_t i = 0; i < mesh.indices.size(); ++i) {
      incident_[fill[mesh.indices[i]]++] = static_cast<std::uint32_t>(i / 3);
    }
    seen_.assign(n, std::numeric_limits<std::uint32_t>::max());
  }

  void protect(std::span<const std::uint32_t> seeds, std::span<const float> radii) {
    std::vector<std::uint32_t> queue;
    for (std::size_t s = 0; s < seeds.size(); ++s) {
      const float radius = radii[s];
      const auto stamp = static_cast<std::uint32_t>(round_++);
      const glm::vec3 centre = mesh_.vertices[seeds[s]].position;
      queue.assign(1, seeds[s]);
      seen_[seeds[s]] = stamp;
      while (!queue.empty()) {
        const std::uint32_t v = queue.back();
        queue.pop_back();
        for (std::size_t a = start_[v]; a < start_[v + 1]; ++a) {
          const std::uint32_t t = incident_[a];
          triangles_[t] = 1;
          for (std::size_t c = 0; c < 3; ++c) {
            const std::uint32_t w = mesh_.indices[3 * std::size_t{t} + c];
            if (seen_[w] != stamp && glm::distance(mesh_.vertices[w].position, centre) <= radius) {
              seen_[w] = stamp;
              queue.push_back(w);
            }
          }
        }
      }
    }
  }

  [[nodiscard]] bool isProtected(std::size_t triangle) const { return triangles_[triangle] != 0; }

 private:
  const assets::MeshData& mesh_;
  std::vector<char> triangles_;
  std::vector<std::size_t> start_;       // vertex -> first entry in incident_
  std::vector<std::uint32_t> incident_;  // triangles around each vertex
  std::vector<std::uint32_t> seen_;
  std::size_t round_ = 0;
};

// Closed bubbles up to this size (or 1% of the result, if larger) are
// dropped where a collapse glued them onto another sheet.
constexpr std::size_t kSmallPiece = 256;
// Largest reduction asked of one meshoptimizer run.
constexpr std::size_t kStageReduction = 4;

}  // namespace

namespace {

// One stage: `input` down to `target` triangles, keeping it closed and, if
// some attempt manages, free of new pinches (see simplify.h). Returns nothing
// if every attempt opened a hole or flipped a triangle.
std::optional<assets::MeshData> simplifyStage(const assets::MeshData& input, std::size_t target,
                                              const SimplifyOptions& options, SimplifyReport& r) {
  const EdgeCensus before = censusEdges(input);
  const std::size_t triangles = assets::triangleCount(input);
  std::optional<Protection> protection;
  // The attempt with the fewest pinches, if none is free of them.
  struct Candidate {
    std::vector<std::uint32_t> indices;
    EdgeCensus census;
    float error = 0.0f;
    std::size_t protectedCount = 0;
  };
  std::optional<Candidate> best;
  float scale = 1.0f;
  std::vector<std::uint32_t> free;
  std::vector<std::uint32_t> kept;
  std::vector<std::uint32_t> simplified(input.indices.size());
  for (int attempt = 1; attempt <= std::max(options.maxAttempts, 1); ++attempt) {
    ++r.attempts;
    free.clear();
    kept.clear();
    for (std::size_t t = 0; t < triangles; ++t) {
      auto& list = protection && protection->isProtected(t) ? kept : free;
      list.insert(list.end(), input.indices.begin() + static_cast<std::ptrdiff_t>(3 * t),
                  input.indices.begin() + static_cast<std::ptrdiff_t>(3 * t + 3));
    }
    const std::size_t protectedCount = kept.size() / 3;
    const std::size_t freeTarget = target > protectedCount ? target - protectedCount : 0;
    const unsigned flags =
        options.lockBorder || protection ? unsigned{meshopt_SimplifyLockBorder} : 0U;
    float error = 0.0f;
    const std::size_t count = meshopt_simplify(
        simplified.data(), free.data(), free.size(), &input.vertices.front().position.x,
        input.vertices.size(), sizeof(assets::Vertex), 3 * freeTarget, options.maxRelativeError,
        flags, &error);
    std::vector<std::uint32_t> indices(simplified.begin(),
                                       simplified.begin() + static_cast<std::ptrdiff_t>(count));
    indices.insert(indices.end(), kept.begin(), kept.end());
    r.finsRemoved += detail::removeFins(indices);
    r.piecesRemoved += detail::removePinchedPieces(
        indices, std::max<std::size_t>(kSmallPiece, indices.size() / 3 / 100));
    r.edgesFlipped += detail::unpinchEdges(indices, input.vertices);

    std::vector<ProblemEdge> problems;
    const EdgeCensus after = censusEdges(indices, &problems);
    if (keepsTopology(before, after)) {
      r.relativeError = std::max(r.relativeError, error);
      r.protectedTriangles += protectedCount;
      return compact(input, std::move(indices));
    }

    // Protect, around each vertex of a problem edge, the input that collapsed
    // into it: a disk as wide as the vertex's longest edge in the result.
    // Protection accumulates, and the disks grow for problems that persist.
    // (Growing them fast backfires: a larger patch has a longer rim, where
    // new pinches form.)
    std::vector<float> reach(input.vertices.size(), -1.0f);
    std::vector<std::uint32_t> seeds;
    for (const ProblemEdge& e : problems) {
      for (const std::uint32_t v : e) {
        if (reach[v] < 0.0f) {
          reach[v] = 0.0f;
          seeds.push_back(v);
        }
      }
    }
    for (std::size_t t = 0; t + 2 < indices.size(); t += 3) {
      for (std::size_t c = 0; c < 3; ++c) {
        const std::uint32_t v = indices[t + c];
        if (reach[v] >= 0.0f) {
          const glm::vec3 p = input.vertices[v].position;
          reach[v] = std::max(
              {reach[v], glm::distance(p, input.vertices[indices[t + (c + 1) % 3]].position),
               glm::distance(p, input.vertices[indices[t + (c + 2) % 3]].position)});
        }
      }
    }
    scale = attempt == 1 ? 1.0f : scale * 1.5f;
    std::vector<float> radii;
    radii.reserve(seeds.size());
    for (const std::uint32_t v : seeds) {
      radii.push_back(scale * reach[v]);
    }
    log::get("imaging")->debug(
        "simplify '{}': {} -> {} triangles, attempt {} left {} boundary, {} non-manifold, {} "
        "misoriented edges; protecting the input around {} vertices",
        input.name, triangles, target, attempt, after.boundary, after.nonManifold,
        after.misoriented, seeds.size());
    if (keepsClosure(before, after) && (!best || after.nonManifold < best->census.nonManifold)) {
      best = Candidate{std::move(indices), after, error, protectedCount};
    }
    if (!protection) {
      protection.emplace(input);
    }
    protection->protect(seeds, radii);
  }
  if (best) {
    log::get("imaging")->info(
        "simplify '{}': {} -> {} triangles keeps {} edge(s) where two sheets touch (closed, no "
        "hole)",
        input.name, triangles, best->indices.size() / 3, best->census.nonManifold);
    r.relativeError = std::max(r.relativeError, best->error);
    r.protectedTriangles += best->protectedCount;
    return compact(input, std::move(best->indices));
  }
  return std::nullopt;
}

}  // namespace

assets::MeshData simplify(const assets::MeshData& mesh, std::size_t maxTriangles,
                          const SimplifyOptions& options, SimplifyReport* report) {
  SimplifyReport local;
  SimplifyReport& r = report != nullptr ? *report : local;
  r = SimplifyReport{};
  r.trianglesBefore = assets::triangleCount(mesh);
  r.before = censusEdges(mesh);
  r.after = r.before;
  r.trianglesAfter = r.trianglesBefore;
  if (r.trianglesBefore <= maxTriangles) {
    return mesh;
  }
  if (Status valid = assets::validate(mesh); !valid.ok()) {
    log::get("imaging")->warn("simplify: {}; left unsimplified", valid.error().message);
    r.budgetMet = false;
    return mesh;
  }

  // Stages of at most kStageReduction: a problem left by a stage is then
  // fixed by protecting a few triangles of that stage's input, where one big
  // step would have to protect a wide disk of the original (every result
  // edge spans many input triangles).
  assets::MeshData current = mesh;
  std::size_t reduction = kStageReduction * 2;  // in halves: 4x, then 2.5x, then 1.5x
  while (assets::triangleCount(current) > maxTriangles) {
    const std::size_t now = assets::triangleCount(current);
    const std::size_t target = std::max(maxTriangles, now * 2 / reduction);
    ++r.stages;
    std::optional<assets::MeshData> next = simplifyStage(current, target, options, r);
    if (!next) {
      // A less aggressive target collapses fewer thin parts onto each other.
      if (reduction > 3) {
        log::get("imaging")->info(
            "simplify '{}': {} -> {} triangles could not keep the surface closed; trying a "
            "smaller step",
            mesh.name, now, target);
        reduction = reduction / 2 + 1;
        continue;
      }
      log::get("imaging")->warn(
          "simplify '{}': no attempt at {} -> {} triangles kept the surface closed; stopping at "
          "{} triangles",
          mesh.name, now, target, now);
      r.topologyKept = false;
      break;
    }
    const std::size_t reached = assets::triangleCount(*next);
    current = std::move(*next);
    reduction = kStageReduction * 2;
    if (reached > now - now / 20) {
      break;  // under 5% progress: the error bound or the locks stop it
    }
  }
  r.after = censusEdges(current);
  r.trianglesAfter = assets::triangleCount(current);
  r.budgetMet = r.trianglesAfter <= maxTriangles;
  if (!r.budgetMet) {
    log::get("imaging")->info("simplify '{}': {} triangles, above the budget of {}", mesh.name,
                              r.trianglesAfter, maxTriangles);
  }
  return current;
}

void optimizeForRendering(assets::MeshData& mesh) {
  if (mesh.indices.empty()) {
    return;
  }
  std::vector<std::uint32_t> reordered(mesh.indices.size());
  meshopt_optimizeVertexCache(reordered.data(), mesh.indices.data(), mesh.indices.size(),
                              mesh.vertices.size());
  std::vector<assets::Vertex> vertices(mesh.vertices.size());
  const std::size_t used = meshopt_optimizeVertexFetch(
      vertices.data(), reordered.data(), reordered.size(), mesh.vertices.data(),
      mesh.vertices.size(), sizeof(assets::Vertex));
  vertices.resize(used);
  mesh.vertices = std::move(vertices);
  mesh.indices = std::move(reordered);
  assets::computeBounds(mesh);
}

}  // namespace medverse::imaging
