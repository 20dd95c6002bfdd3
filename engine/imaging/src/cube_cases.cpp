#include "cube_cases.h"

#include <cassert>
#include <stdexcept>
#include <vector>

namespace medverse::imaging::detail {
namespace {

// The cube's faces, corners counter-clockwise seen from outside the cube
// (-x, +x, -y, +y, -z, +z).
constexpr std::array<std::array<int, 4>, 6> kFaces{{
    {0, 4, 6, 2},
    {1, 3, 7, 5},
    {0, 1, 5, 4},
    {2, 6, 7, 3},
    {0, 2, 3, 1},
    {4, 5, 7, 6},
}};

int edgeBetween(int a, int b);

// True when cube edges a and b bound a common face.
bool shareFace(int a, int b) {
  for (const auto& face : kFaces) {
    bool hasA = false;
    bool hasB = false;
    for (int m = 0; m < 4; ++m) {
      const int e = edgeBetween(face[static_cast<std::size_t>(m)],
                                face[static_cast<std::size_t>((m + 1) % 4)]);
      hasA = hasA || e == a;
      hasB = hasB || e == b;
    }
    if (hasA && hasB) {
      return true;
    }
  }
  return false;
}

using Triangle = std::array<int, 3>;

// Triangulates the contour polygon without a diagonal between two crossings
// on one cube face. Such a diagonal runs across an ambiguous face (the only
// kind where two crossings share a face without a contour segment between
// them), and the cube on the other side of that face may pick the same
// diagonal: the edge would then have four triangles. Tries the ear at the
// polygon's first side with each apex in turn, so a plain fan wins whenever
// it is allowed. Every case of this table has a solution (checked on build).
bool triangulate(const std::vector<int>& polygon, std::vector<Triangle>& out) {
  const std::size_t n = polygon.size();
  if (n == 3) {
    out.push_back({polygon[0], polygon[1], polygon[2]});
    return true;
  }
  for (std::size_t k = 2; k < n; ++k) {
    if ((k != 2 && shareFace(polygon[1], polygon[k])) ||
        (k != n - 1 && shareFace(polygon[0], polygon[k]))) {
      continue;
    }
    const std::size_t mark = out.size();
    out.push_back({polygon[0], polygon[1], polygon[k]});
    const std::vector<int> left(polygon.begin() + 1,
                                polygon.begin() + static_cast<std::ptrdiff_t>(k) + 1);
    std::vector<int> right{polygon[0]};
    right.insert(right.end(), polygon.begin() + static_cast<std::ptrdiff_t>(k), polygon.end());
    if ((left.size() < 3 || triangulate(left, out)) &&
        (right.size() < 3 || triangulate(right, out))) {
      return true;
    }
    out.resize(mark);
  }
  return false;
}

int edgeBetween(int a, int b) {
  for (int e = 0; e < 12; ++e) {
    const auto& ends = kCubeEdgeCorners[static_cast<std::size_t>(e)];
    if ((ends[0] == a && ends[1] == b) || (ends[0] == b && ends[1] == a)) {
      return e;
    }
  }
  throw std::logic_error("cube_cases: corners are not joined by an edge");
}

CubeCases build() {
  CubeCases table;
  for (int cubeCase = 0; cubeCase < 256; ++cubeCase) {
    const auto inside = [cubeCase](int corner) { return ((cubeCase >> corner) & 1) != 0; };
    // next[e]: the crossing that follows crossing e along the contour. Walking
    // a face's boundary counter-clockwise, crossings alternate between
    // entering the inside and leaving it; joining each entry to the exit that
    // follows it cuts off every inside corner on its own (so diagonal inside
    // corners stay apart) and leaves the outside on the segment's left.
    std::array<int, 12> next{};
    next.fill(-1);
    std::uint16_t uses = 0;
    for (const auto& face : kFaces) {
      for (int m = 0; m < 4; ++m) {
        const int a = face[static_cast<std::size_t>(m)];
        const int b = face[static_cast<std::size_t>((m + 1) % 4)];
        if (inside(a) == inside(b)) {
          continue;
        }
        uses = static_cast<std::uint16_t>(uses | (1U << edgeBetween(a, b)));
        if (inside(a)) {
          continue;  // an exit; it is the target of the entry before it
        }
        for (int d = 1; d < 4; ++d) {
          const int c0 = face[static_cast<std::size_t>((m + d) % 4)];
          const int c1 = face[static_cast<std::size_t>((m + d + 1) % 4)];
          if (inside(c0) && !inside(c1)) {
            next[static_cast<std::size_t>(edgeBetween(a, b))] = edgeBetween(c0, c1);
            break;
          }
        }
      }
    }

    // Each crossing lies on two faces: it is an entry on one and an exit on
    // the other, so `next` is a permutation of the crossings. Its cycles are
    // the contour polygons.
    auto& triangles = table.triangles[static_cast<std::size_t>(cubeCase)];
    std::size_t count = 0;
    std::uint16_t traced = 0;
    for (int start = 0; start < 12; ++start) {
      if (((uses >> start) & 1U) == 0 || ((traced >> start) & 1U) != 0) {
        continue;
      }
      std::vector<int> polygon;
      int e = start;
      do {
        if (e < 0 || polygon.size() == 12) {
          throw std::logic_error("cube_cases: contour does not close");
        }
        traced = static_cast<std::uint16_t>(traced | (1U << e));
        polygon.push_back(e);
        e = next[static_cast<std::size_t>(e)];
      } while (e != start);
      std::vector<Triangle> fan;
      if (!triangulate(polygon, fan)) {
        throw std::logic_error("cube_cases: no triangulation keeps diagonals off the faces");
      }
      for (const Triangle& t : fan) {
        if (count == kMaxCubeTriangles) {
          throw std::logic_error("cube_cases: more triangles than kMaxCubeTriangles");
        }
        for (std::size_t v = 0; v < 3; ++v) {
          triangles[3 * count + v] = static_cast<std::uint8_t>(t[v]);
        }
        ++count;
      }
    }
    table.triangleCount[static_cast<std::size_t>(cubeCase)] = static_cast<std::uint8_t>(count);
    table.edgeUses[static_cast<std::size_t>(cubeCase)] = uses;
  }
  return table;
}

}  // namespace

const CubeCases& cubeCases() {
  static const CubeCases table = build();
  return table;
}

}  // namespace medverse::imaging::detail
