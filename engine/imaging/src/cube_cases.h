#pragma once
// The marching-cubes case table used by flying edges, generated rather than
// typed in, so that its two guarantees follow from twenty lines of code
// instead of 256 hand-checked rows:
//  - crack-free: a cube face's contour depends only on that face's four
//    corners, decided by one rule for both cubes that share it (inside corners
//    that touch only diagonally stay apart);
//  - consistently wound: contour segments on each face run so that the
//    outside (below) is on their left seen from outside the cube, so the
//    traced polygons, fanned into triangles, face the outside.
//
// Numbering (that of vtkFlyingEdges3D, which makes a cube's case the four
// x-edge cases of its rows side by side):
//   corner c = (c & 1, (c >> 1) & 1, (c >> 2) & 1) as (x, y, z) offsets;
//   edges 0-3 run along x from corners 0, 2, 4, 6;
//   edges 4-7 run along y from corners 0, 1, 4, 5;
//   edges 8-11 run along z from corners 0, 1, 2, 3.
//   case bit c is set when corner c is inside (value >= iso).
#include <array>
#include <cstddef>
#include <cstdint>

namespace medverse::imaging::detail {

// The generated table needs at most this many triangles for one cube
// (checked when it is built).
inline constexpr std::size_t kMaxCubeTriangles = 5;

struct CubeCases {
  std::array<std::uint8_t, 256> triangleCount{};
  // Bit e set when edge e is crossed.
  std::array<std::uint16_t, 256> edgeUses{};
  // Three edge numbers per triangle.
  std::array<std::array<std::uint8_t, 3 * kMaxCubeTriangles>, 256> triangles{};
};

// Built once, on first use (thread-safe).
[[nodiscard]] const CubeCases& cubeCases();

inline constexpr std::array<std::array<int, 2>, 12> kCubeEdgeCorners{{
    {0, 1},
    {2, 3},
    {4, 5},
    {6, 7},  // x
    {0, 2},
    {1, 3},
    {4, 6},
    {5, 7},  // y
    {0, 4},
    {1, 5},
    {2, 6},
    {3, 7},  // z
}};

}  // namespace medverse::imaging::detail
