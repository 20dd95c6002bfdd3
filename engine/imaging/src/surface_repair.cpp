#include "surface_repair.h"

#include <algorithm>
#include <array>
#include <numeric>
#include <unordered_set>

namespace medverse::imaging::detail {
namespace {

void keepTriangles(std::vector<std::uint32_t>& indices, const std::vector<char>& drop) {
  std::size_t write = 0;
  for (std::size_t t = 0; t < drop.size(); ++t) {
    if (drop[t] == 0) {
      for (std::size_t v = 0; v < 3; ++v) {
        indices[write++] = indices[3 * t + v];
      }
    }
  }
  indices.resize(write);
}

class DisjointSets {
 public:
  explicit DisjointSets(std::size_t n) : parent_(n) {
    std::iota(parent_.begin(), parent_.end(), std::uint32_t{0});
  }
  std::uint32_t find(std::uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  void join(std::uint32_t a, std::uint32_t b) { parent_[find(a)] = find(b); }

 private:
  std::vector<std::uint32_t> parent_;
};

std::uint64_t edgeKey(std::uint32_t a, std::uint32_t b) {
  return std::uint64_t{std::min(a, b)} << 32 | std::max(a, b);
}

// Triangle `t` rotated to start with the side a -> b; false if it has none.
bool startAt(const std::vector<std::uint32_t>& indices, std::size_t t, std::uint32_t a,
             std::uint32_t b, std::uint32_t& third) {
  for (std::size_t s = 0; s < 3; ++s) {
    if (indices[3 * t + s] == a && indices[3 * t + (s + 1) % 3] == b) {
      third = indices[3 * t + (s + 2) % 3];
      return true;
    }
  }
  return false;
}

glm::dvec3 areaNormal(std::span<const assets::Vertex> v, std::uint32_t a, std::uint32_t b,
                      std::uint32_t c) {
  const glm::dvec3 pa(v[a].position);
  return glm::cross(glm::dvec3(v[b].position) - pa, glm::dvec3(v[c].position) - pa);
}

double cosine(const glm::dvec3& x, const glm::dvec3& y) {
  const double length = glm::length(x) * glm::length(y);
  return length > 0.0 ? glm::dot(x, y) / length : -1.0;
}

}  // namespace

std::size_t unpinchEdges(std::vector<std::uint32_t>& indices,
                         std::span<const assets::Vertex> vertices) {
  const std::size_t count = indices.size() / 3;
  // Triangles per non-manifold edge.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> uses;
  uses.reserve(indices.size());
  std::unordered_set<std::uint64_t> edges;
  edges.reserve(indices.size());
  for (std::size_t t = 0; t < count; ++t) {
    for (std::size_t s = 0; s < 3; ++s) {
      const std::uint64_t key = edgeKey(indices[3 * t + s], indices[3 * t + (s + 1) % 3]);
      uses.emplace_back(key, static_cast<std::uint32_t>(t));
      edges.insert(key);
    }
  }
  std::sort(uses.begin(), uses.end());
  std::vector<char> changed(count, 0);
  std::size_t flips = 0;
  std::vector<std::uint32_t> forward;
  std::vector<std::uint32_t> backward;
  for (std::size_t i = 0; i < uses.size();) {
    std::size_t end = i + 1;
    while (end < uses.size() && uses[end].first == uses[i].first) {
      ++end;
    }
    const std::size_t first = i;
    i = end;
    if (end - first <= 2) {
      continue;
    }
    const auto a = static_cast<std::uint32_t>(uses[first].first >> 32);
    const auto b = static_cast<std::uint32_t>(uses[first].first & 0xFFFFFFFFU);
    // Each flip takes one triangle per direction; repeat while both remain.
    for (;;) {
      forward.clear();
      backward.clear();
      for (std::size_t u = first; u < end; ++u) {
        const std::uint32_t t = uses[u].second;
        std::uint32_t third = 0;
        if (changed[t] != 0) {
          continue;
        }
        if (startAt(indices, t, a, b, third)) {
          forward.push_back(t);
        } else if (startAt(indices, t, b, a, third)) {
          backward.push_back(t);
        }
      }
      if (forward.size() + backward.size() <= 2 || forward.empty() || backward.empty()) {
        break;
      }
      double bestScore = -2.0;
      std::uint32_t bestF = 0;
      std::uint32_t bestG = 0;
      std::uint32_t bestC1 = 0;
      std::uint32_t bestC2 = 0;
      for (const std::uint32_t f : forward) {
        for (const std::uint32_t g : backward) {
          std::uint32_t c1 = 0;
          std::uint32_t c2 = 0;
          startAt(indices, f, a, b, c1);
          startAt(indices, g, b, a, c2);
          if (c1 == c2 || edges.count(edgeKey(c1, c2)) != 0) {
            continue;
          }
          const glm::dvec3 before = areaNormal(vertices, a, b, c1) + areaNormal(vertices, b, a, c2);
          const double score = std::min(cosine(areaNormal(vertices, a, c2, c1), before),
                                        cosine(areaNormal(vertices, c2, b, c1), before));
          if (score > bestScore) {
            bestScore = score;
            bestF = f;
            bestG = g;
            bestC1 = c1;
            bestC2 = c2;
          }
        }
      }
      if (bestScore < -1.5) {
        break;  // every flip would duplicate an edge
      }
      const std::array<std::uint32_t, 3> t1{a, bestC2, bestC1};
      const std::array<std::uint32_t, 3> t2{bestC2, b, bestC1};
      std::copy(t1.begin(), t1.end(), indices.begin() + 3 * static_cast<std::ptrdiff_t>(bestF));
      std::copy(t2.begin(), t2.end(), indices.begin() + 3 * static_cast<std::ptrdiff_t>(bestG));
      changed[bestF] = 1;
      changed[bestG] = 1;
      edges.insert(edgeKey(bestC1, bestC2));
      ++flips;
    }
  }
  return flips;
}

std::size_t removeFins(std::vector<std::uint32_t>& indices) {
  struct Key {
    std::array<std::uint32_t, 3> sorted;
    bool even;  // winding relative to `sorted`
    std::uint32_t triangle;
  };
  const std::size_t count = indices.size() / 3;
  std::vector<Key> keys(count);
  for (std::size_t t = 0; t < count; ++t) {
    std::array<std::uint32_t, 3> v{indices[3 * t], indices[3 * t + 1], indices[3 * t + 2]};
    // With the smallest index rotated to the front (a rotation keeps the
    // winding), the winding is whether the middle index comes next.
    std::rotate(v.begin(), std::min_element(v.begin(), v.end()), v.end());
    keys[t] = {{v[0], std::min(v[1], v[2]), std::max(v[1], v[2])},
               v[1] < v[2],
               static_cast<std::uint32_t>(t)};
  }
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    return a.sorted != b.sorted ? a.sorted < b.sorted : a.triangle < b.triangle;
  });
  std::vector<char> drop(count, 0);
  std::size_t dropped = 0;
  std::vector<std::uint32_t> even;
  std::vector<std::uint32_t> odd;
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t end = i + 1;
    while (end < keys.size() && keys[end].sorted == keys[i].sorted) {
      ++end;
    }
    even.clear();
    odd.clear();
    for (std::size_t k = i; k < end; ++k) {
      (keys[k].even ? even : odd).push_back(keys[k].triangle);
    }
    for (std::size_t p = 0; p < std::min(even.size(), odd.size()); ++p) {
      drop[even[p]] = 1;
      drop[odd[p]] = 1;
      dropped += 2;
    }
    i = end;
  }
  if (dropped > 0) {
    keepTriangles(indices, drop);
  }
  return dropped;
}

std::size_t removePinchedPieces(std::vector<std::uint32_t>& indices,
                                std::size_t maxPieceTriangles) {
  struct Use {
    std::uint64_t edge;  // low index << 32 | high index
    std::uint32_t triangle;
    bool forward;  // runs from the low index to the high one
  };
  const std::size_t count = indices.size() / 3;
  std::vector<Use> uses;
  uses.reserve(indices.size());
  for (std::size_t t = 0; t < count; ++t) {
    for (std::size_t s = 0; s < 3; ++s) {
      const std::uint32_t a = indices[3 * t + s];
      const std::uint32_t b = indices[3 * t + (s + 1) % 3];
      uses.push_back({std::uint64_t{std::min(a, b)} << 32 | std::max(a, b),
                      static_cast<std::uint32_t>(t), a < b});
    }
  }
  std::sort(uses.begin(), uses.end(), [](const Use& x, const Use& y) { return x.edge < y.edge; });

  // Pieces: triangles joined across edges with exactly two uses.
  DisjointSets pieces(count);
  std::vector<std::pair<std::size_t, std::size_t>> nonManifold;  // ranges in `uses`
  for (std::size_t i = 0; i < uses.size();) {
    std::size_t end = i + 1;
    while (end < uses.size() && uses[end].edge == uses[i].edge) {
      ++end;
    }
    if (end - i == 2) {
      pieces.join(uses[i].triangle, uses[i + 1].triangle);
    } else if (end - i > 2) {
      nonManifold.emplace_back(i, end);
    }
    i = end;
  }
  if (nonManifold.empty()) {
    return 0;
  }
  std::vector<std::uint32_t> size(count, 0);
  for (std::size_t t = 0; t < count; ++t) {
    ++size[pieces.find(static_cast<std::uint32_t>(t))];
  }
  const auto largest =
      static_cast<std::uint32_t>(std::max_element(size.begin(), size.end()) - size.begin());

  // A piece is closed on its own if, at every non-manifold edge, its uses
  // run as often one way as the other.
  std::vector<char> touches(count, 0);
  std::vector<char> unbalanced(count, 0);
  std::vector<std::pair<std::uint32_t, int>> balance;
  for (const auto& [begin, end] : nonManifold) {
    balance.clear();
    for (std::size_t u = begin; u < end; ++u) {
      const std::uint32_t piece = pieces.find(uses[u].triangle);
      touches[piece] = 1;
      auto it = std::find_if(balance.begin(), balance.end(),
                             [piece](const auto& b) { return b.first == piece; });
      if (it == balance.end()) {
        balance.emplace_back(piece, 0);
        it = balance.end() - 1;
      }
      it->second += uses[u].forward ? 1 : -1;
    }
    for (const auto& [piece, sum] : balance) {
      unbalanced[piece] = static_cast<char>(unbalanced[piece] != 0 || sum != 0);
    }
  }
  std::vector<char> dropPiece(count, 0);
  std::size_t dropped = 0;
  for (std::size_t p = 0; p < count; ++p) {
    if (touches[p] != 0 && unbalanced[p] == 0 && p != largest && size[p] <= maxPieceTriangles) {
      dropPiece[p] = 1;
      ++dropped;
    }
  }
  if (dropped > 0) {
    std::vector<char> drop(count, 0);
    for (std::size_t t = 0; t < count; ++t) {
      drop[t] = dropPiece[pieces.find(static_cast<std::uint32_t>(t))];
    }
    keepTriangles(indices, drop);
  }
  return dropped;
}

}  // namespace medverse::imaging::detail
