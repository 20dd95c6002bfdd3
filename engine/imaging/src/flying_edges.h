#pragma once
// Flying edges over a scalar field on a box of voxels (see isosurface.h for
// the algorithm and the guarantees). A template over the field so that the
// same code extracts a raw intensity surface (RawField) and one label of a
// label map without building a mask (LabelMaskField), for every voxel type.
//
// Grid vocabulary used below: the grid is the box's voxels, plus, when
// padding, a virtual layer of below-iso points on every side (index 0 and
// n-1 of each axis). A row is the line of grid points (*, j, k); its x-edge
// cases are one byte per x-edge: bit 0 = left point inside, bit 1 = right
// point inside. A cell row (j, k) is the line of cubes between rows (j, k),
// (j+1, k), (j, k+1) and (j+1, k+1). The vertices of a row are those on its
// x-edges, then on the y-edges from the row towards j+1, then on the z-edges
// towards k+1, each group in increasing x.
#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <glm/glm.hpp>
#include <limits>
#include <memory>
#include <vector>

#include "cube_cases.h"
#include "medverse/assets/mesh.h"
#include "medverse/core/jobs.h"
#include "medverse/core/result.h"
#include "row_classification.h"

namespace medverse::imaging::detail {

// Runs data-parallel loops on a pool, or inline when there is none.
struct Runner {
  JobSystem* jobs = nullptr;

  void forEach(std::size_t count, std::size_t grain,
               const std::function<void(std::size_t, std::size_t)>& body) const {
    if (jobs == nullptr) {
      body(0, count);
    } else {
      jobs->parallelFor(count, grain, body);
    }
  }
};

// Where the box's voxels sit in patient space.
struct SurfacePlacement {
  glm::dmat3 linear{1.0};        // direction * diag(spacing)
  glm::dvec3 origin{0.0};        // patient position of the box's voxel (0,0,0)
  glm::dmat3 normalMatrix{1.0};  // inverse transpose of linear
  bool mirrored = false;         // det(linear) < 0: winding must flip
};

// The voxel values themselves; inside is value >= iso. `threshold` is the
// smallest T that is >= iso, so the hot loop compares in T and gives exactly
// the answer of comparing in double (NaN is never inside).
template <typename T>
struct RawField {
  using Value = T;
  const T* base = nullptr;  // voxel (0,0,0) of the box
  std::ptrdiff_t strideY = 0;
  std::ptrdiff_t strideZ = 0;
  glm::ivec3 dims{0};
  double iso = 0.0;
  T threshold{};

  [[nodiscard]] bool inside(T v) const { return v >= threshold; }
  void insideFlags(const T* s, std::size_t n, std::uint8_t* flags) const {
    detail::insideFlags<false>(s, n, threshold, flags);
  }
  [[nodiscard]] double scalar(T v) const { return static_cast<double>(v); }
  [[nodiscard]] const T* row(int j, int k) const { return base + j * strideY + k * strideZ; }
};

// One label of a label map as the field 1 (label) / 0 (anything else),
// contoured at 0.5.
template <typename T>
struct LabelMaskField {
  using Value = T;
  const T* base = nullptr;
  std::ptrdiff_t strideY = 0;
  std::ptrdiff_t strideZ = 0;
  glm::ivec3 dims{0};
  double iso = 0.5;
  T label{};

  [[nodiscard]] bool inside(T v) const { return v == label; }
  void insideFlags(const T* s, std::size_t n, std::uint8_t* flags) const {
    detail::insideFlags<true>(s, n, label, flags);
  }
  [[nodiscard]] double scalar(T v) const { return v == label ? 1.0 : 0.0; }
  [[nodiscard]] const T* row(int j, int k) const { return base + j * strideY + k * strideZ; }
};

template <class Field>
class FlyingEdges {
 public:
  FlyingEdges(const Field& field, const SurfacePlacement& placement, bool pad)
      : field_(field), placement_(placement), pad_(pad ? 1 : 0) {
    nx_ = field.dims.x + 2 * pad_;
    ny_ = field.dims.y + 2 * pad_;
    nz_ = field.dims.z + 2 * pad_;
    edgesPerRow_ = static_cast<std::size_t>(std::max(nx_ - 1, 0));
  }

  // Errors only for a surface too large to index with 32 bits.
  Result<assets::MeshData> run(const Runner& runner) {
    assets::MeshData mesh;
    if (nx_ < 2 || ny_ < 2 || nz_ < 2) {
      return mesh;  // no cubes
    }
    const std::size_t realRows =
        static_cast<std::size_t>(field_.dims.y) * static_cast<std::size_t>(field_.dims.z);
    // Uninitialised: pass 1 writes every case byte and every row's metadata
    // (in parallel, which also spreads the page faults of first touch).
    cases_ = std::make_unique_for_overwrite<std::uint8_t[]>(realRows * edgesPerRow_);
    zeroRow_.assign(edgesPerRow_, 0);
    rowCount_ = static_cast<std::size_t>(ny_) * static_cast<std::size_t>(nz_);
    rows_ = std::make_unique_for_overwrite<RowMeta[]>(rowCount_);
    sliceBounds_.assign(static_cast<std::size_t>(nz_), Bounds{});

    // Chunks of whole z-slices, around 64k grid points each.
    const std::size_t slice = static_cast<std::size_t>(nx_) * static_cast<std::size_t>(ny_);
    const std::size_t grain = std::max<std::size_t>(1, (std::size_t{1} << 16) / slice);

    runner.forEach(static_cast<std::size_t>(nz_), grain, [this](std::size_t k0, std::size_t k1) {
      for (auto k = static_cast<int>(k0); k < static_cast<int>(k1); ++k) {
        classifySlice(k);
      }
    });
    runner.forEach(static_cast<std::size_t>(nz_ - 1), grain,
                   [this](std::size_t k0, std::size_t k1) {
                     for (auto k = static_cast<int>(k0); k < static_cast<int>(k1); ++k) {
                       countSlice(k);
                     }
                   });

    // Pass 3: output offsets, rows in memory order.
    std::size_t vertexCount = 0;
    std::size_t triangleCount = 0;
    for (std::size_t r = 0; r < rowCount_; ++r) {
      RowMeta& row = rows_[r];
      row.firstVertex = vertexCount;
      row.firstTriangle = triangleCount;
      vertexCount += std::size_t{row.xCount} + row.yCount + row.zCount;
      triangleCount += row.triangleCount;
    }
    if (vertexCount > std::numeric_limits<std::uint32_t>::max()) {
      return makeError(fmt::format(
          "isosurface: {} vertices do not fit 32-bit indices; raise the iso value, crop the "
          "volume or resample it coarser",
          vertexCount));
    }
    if (triangleCount == 0) {
      return mesh;
    }
    // Zero-filling the output (value-initialisation, 50 MB for a brain) is
    // the one serial step left: let two threads do one vector each.
    if (runner.jobs != nullptr) {
      const JobHandle indices =
          runner.jobs->submit([&mesh, triangleCount] { mesh.indices.resize(3 * triangleCount); });
      mesh.vertices.resize(vertexCount);
      indices.wait();
    } else {
      mesh.vertices.resize(vertexCount);
      mesh.indices.resize(3 * triangleCount);
    }
    vertices_ = mesh.vertices.data();
    indices_ = mesh.indices.data();

    runner.forEach(static_cast<std::size_t>(nz_ - 1), grain,
                   [this](std::size_t k0, std::size_t k1) {
                     for (auto k = static_cast<int>(k0); k < static_cast<int>(k1); ++k) {
                       generateSlice(k);
                     }
                   });
    Bounds all;
    for (const Bounds& b : sliceBounds_) {
      all.merge(b);
    }
    mesh.boundsMin = all.min;
    mesh.boundsMax = all.max;
    return mesh;
  }

 private:
  using T = typename Field::Value;

  // Trivial on purpose (allocated uninitialised); pass 1 sets every field.
  struct RowMeta {
    std::uint32_t xMin;  // first crossed x-edge (edgesPerRow_ if none)
    std::uint32_t xMax;  // one past the last crossed x-edge (0 if none)
    std::uint32_t xCount;
    std::uint32_t yCount;
    std::uint32_t zCount;
    std::uint32_t triangleCount;  // of the cell row starting at this row
    std::size_t firstVertex;
    std::size_t firstTriangle;
  };

  struct Bounds {
    glm::vec3 min{std::numeric_limits<float>::max()};
    glm::vec3 max{std::numeric_limits<float>::lowest()};

    void add(const glm::vec3& p) {
      min = glm::min(min, p);
      max = glm::max(max, p);
    }
    void merge(const Bounds& other) {
      min = glm::min(min, other.min);
      max = glm::max(max, other.max);
    }
  };

  // The x-extent of a cell row that can hold surface: [begin, end) in cells.
  struct Trim {
    std::size_t begin = 0;
    std::size_t end = 0;
  };

  [[nodiscard]] bool isPadRow(int j, int k) const {
    return pad_ != 0 && (j == 0 || k == 0 || j == ny_ - 1 || k == nz_ - 1);
  }
  [[nodiscard]] RowMeta& meta(int j, int k) {
    return rows_[static_cast<std::size_t>(j) + static_cast<std::size_t>(ny_) * k];
  }
  // Precondition: !isPadRow(j, k).
  [[nodiscard]] std::uint8_t* boxRowCases(int j, int k) {
    const std::size_t row =
        static_cast<std::size_t>(j - pad_) + static_cast<std::size_t>(field_.dims.y) * (k - pad_);
    return cases_.get() + row * edgesPerRow_;
  }
  [[nodiscard]] const std::uint8_t* rowCases(int j, int k) {
    return isPadRow(j, k) ? zeroRow_.data() : boxRowCases(j, k);
  }

  // Pass 1: x-edge cases and trim bounds of every row in slice k.
  void classifySlice(int k) {
    const auto n = static_cast<std::size_t>(field_.dims.x);
    // Inside flags of the row, with the virtual border's zeros at both ends.
    std::vector<std::uint8_t> flags(n + 2, 0);
    for (int j = 0; j < ny_; ++j) {
      RowMeta& m = meta(j, k);
      m = RowMeta{static_cast<std::uint32_t>(edgesPerRow_), 0, 0, 0, 0, 0, 0, 0};
      if (isPadRow(j, k)) {
        continue;
      }
      field_.insideFlags(field_.row(j - pad_, k - pad_), n, flags.data() + pad_);
      const RowCrossings row = edgeCases(flags.data(), edgesPerRow_, boxRowCases(j, k));
      if (row.count > 0) {
        m.xMin = row.first;
        m.xMax = row.end;
        m.xCount = row.count;
      }
    }
  }

  // Cells outside every row's crossed x-edges all have the same case; if the
  // four rows disagree at an end of the grid, that case is not empty and the
  // whole stretch up to that end has surface.
  [[nodiscard]] Trim trim(const std::array<const std::uint8_t*, 4>& c,
                          const std::array<const RowMeta*, 4>& m) const {
    Trim t{edgesPerRow_, 0};
    for (int r = 0; r < 4; ++r) {
      t.begin = std::min<std::size_t>(t.begin, m[r]->xMin);
      t.end = std::max<std::size_t>(t.end, m[r]->xMax);
    }
    const auto leftState = [](const std::uint8_t* row) { return row[0] & 1; };
    const auto rightState = [this](const std::uint8_t* row) {
      return (row[edgesPerRow_ - 1] >> 1) & 1;
    };
    if (leftState(c[0]) != leftState(c[1]) || leftState(c[0]) != leftState(c[2]) ||
        leftState(c[0]) != leftState(c[3])) {
      t.begin = 0;
    }
    if (rightState(c[0]) != rightState(c[1]) || rightState(c[0]) != rightState(c[2]) ||
        rightState(c[0]) != rightState(c[3])) {
      t.end = edgesPerRow_;
    }
    return t;
  }

  static unsigned cubeCase(const std::array<const std::uint8_t*, 4>& c, std::size_t i) {
    return static_cast<unsigned>(c[0][i]) | static_cast<unsigned>(c[1][i]) << 2 |
           static_cast<unsigned>(c[2][i]) << 4 | static_cast<unsigned>(c[3][i]) << 6;
  }

  // Pass 2: triangles and y/z-edge crossings of the cell rows of slice k.
  void countSlice(int k) {
    const CubeCases& table = cubeCases();
    const bool lastK = k == nz_ - 2;
    for (int j = 0; j + 1 < ny_; ++j) {
      const bool lastJ = j == ny_ - 2;
      const std::array<const std::uint8_t*, 4> c{rowCases(j, k), rowCases(j + 1, k),
                                                 rowCases(j, k + 1), rowCases(j + 1, k + 1)};
      const std::array<const RowMeta*, 4> m{&meta(j, k), &meta(j + 1, k), &meta(j, k + 1),
                                            &meta(j + 1, k + 1)};
      const Trim t = trim(c, m);
      if (t.begin >= t.end) {
        continue;
      }
      std::uint32_t triangles = 0;
      std::uint32_t y0 = 0;
      std::uint32_t z0 = 0;
      std::uint32_t y1 = 0;  // row (j, k+1), owned here only on the last slice
      std::uint32_t z1 = 0;  // row (j+1, k), owned here only on the last row
      for (std::size_t i = nextCrossedCube(c[0], c[1], c[2], c[3], t.begin, t.end); i < t.end;
           i = nextCrossedCube(c[0], c[1], c[2], c[3], i + 1, t.end)) {
        const unsigned cs = cubeCase(c, i);
        const unsigned uses = table.edgeUses[cs];
        triangles += table.triangleCount[cs];
        y0 += (uses >> 4) & 1;
        z0 += (uses >> 8) & 1;
        y1 += (uses >> 6) & 1;
        z1 += (uses >> 10) & 1;
      }
      // The y/z-edges at the trim's far end belong to the last cell's +x face.
      const unsigned lastUses = table.edgeUses[cubeCase(c, t.end - 1)];
      y0 += (lastUses >> 5) & 1;
      z0 += (lastUses >> 9) & 1;
      y1 += (lastUses >> 7) & 1;
      z1 += (lastUses >> 11) & 1;

      RowMeta& row = meta(j, k);
      row.triangleCount = triangles;
      row.yCount = y0;
      row.zCount = z0;
      if (lastK) {
        meta(j, k + 1).yCount = y1;
      }
      if (lastJ) {
        meta(j + 1, k).zCount = z1;
      }
    }
  }

  [[nodiscard]] double sample(const T* voxel) const { return field_.scalar(*voxel); }

  // Central differences in voxel index space at the voxel `p` points to, at
  // box position (i, j, k); one-sided on the box's faces.
  [[nodiscard]] glm::dvec3 gradient(const T* p, int i, int j, int k) const {
    const auto axis = [&](int at, int size, std::ptrdiff_t stride) {
      if (size < 2) {
        return 0.0;
      }
      if (at == 0) {
        return sample(p + stride) - sample(p);
      }
      if (at == size - 1) {
        return sample(p) - sample(p - stride);
      }
      return 0.5 * (sample(p + stride) - sample(p - stride));
    };
    return {axis(i, field_.dims.x, 1), axis(j, field_.dims.y, field_.strideY),
            axis(k, field_.dims.z, field_.strideZ)};
  }

  [[nodiscard]] bool inBox(glm::ivec3 p) const {
    return p.x >= 0 && p.y >= 0 && p.z >= 0 && p.x < field_.dims.x && p.y < field_.dims.y &&
           p.z < field_.dims.z;
  }

  // The vertex on the grid edge from grid point (i, j, k) along `axis`.
  void writeEdgeVertex(std::size_t id, int axis, int i, int j, int k, Bounds& bounds) const {
    const glm::ivec3 p0 = glm::ivec3(i, j, k) - pad_;
    glm::ivec3 p1 = p0;
    p1[axis] += 1;
    // Fallback normal: along the edge, from its inside end to its outside end.
    const bool inside0 = inBox(p0) && field_.inside(field_.row(p0.y, p0.z)[p0.x]);
    const glm::dvec3 axisNormal =
        inside0 ? placement_.normalMatrix[axis] : -placement_.normalMatrix[axis];

    double t = 0.5;  // an edge to the virtual border: cap on the volume's face
    glm::dvec3 normal = axisNormal;
    if (inBox(p0) && inBox(p1)) {
      const std::ptrdiff_t stride = axis == 0 ? 1 : (axis == 1 ? field_.strideY : field_.strideZ);
      const T* v0 = field_.row(p0.y, p0.z) + p0.x;
      const T* v1 = v0 + stride;
      const double s0 = sample(v0);
      const double s1 = sample(v1);
      const double crossing = (field_.iso - s0) / (s1 - s0);
      if (std::isfinite(crossing)) {
        t = std::clamp(crossing, 0.0, 1.0);
      }
      const glm::dvec3 g =
          glm::mix(gradient(v0, p0.x, p0.y, p0.z), gradient(v1, p1.x, p1.y, p1.z), t);
      normal = -(placement_.normalMatrix * g);
    }
    double length = glm::length(normal);
    if (!(length > 1e-300) || !std::isfinite(length)) {
      normal = axisNormal;
      length = glm::length(normal);
    }
    glm::dvec3 position(p0);
    position[axis] += t;
    assets::Vertex& v = vertices_[id];
    v.position = glm::vec3(placement_.origin + placement_.linear * position);
    v.normal = glm::vec3(normal / length);
    bounds.add(v.position);
  }

  // Pass 4: vertices and triangles of the cell rows of slice k.
  void generateSlice(int k) {
    const CubeCases& table = cubeCases();
    Bounds& bounds = sliceBounds_[static_cast<std::size_t>(k)];
    const bool lastK = k == nz_ - 2;
    const std::size_t lastCell = edgesPerRow_ - 1;
    for (int j = 0; j + 1 < ny_; ++j) {
      const bool lastJ = j == ny_ - 2;
      const std::array<const std::uint8_t*, 4> c{rowCases(j, k), rowCases(j + 1, k),
                                                 rowCases(j, k + 1), rowCases(j + 1, k + 1)};
      const std::array<const RowMeta*, 4> m{&meta(j, k), &meta(j + 1, k), &meta(j, k + 1),
                                            &meta(j + 1, k + 1)};
      const Trim t = trim(c, m);
      if (t.begin >= t.end) {
        continue;
      }
      // Running vertex ids of the edge lines around the cell row.
      std::size_t x0 = m[0]->firstVertex;
      std::size_t x1 = m[1]->firstVertex;
      std::size_t x2 = m[2]->firstVertex;
      std::size_t x3 = m[3]->firstVertex;
      std::size_t y0 = m[0]->firstVertex + m[0]->xCount;
      std::size_t y1 = m[2]->firstVertex + m[2]->xCount;
      std::size_t z0 = m[0]->firstVertex + m[0]->xCount + m[0]->yCount;
      std::size_t z1 = m[1]->firstVertex + m[1]->xCount + m[1]->yCount;
      std::uint32_t* out = indices_ + 3 * m[0]->firstTriangle;

      for (std::size_t i = nextCrossedCube(c[0], c[1], c[2], c[3], t.begin, t.end); i < t.end;
           i = nextCrossedCube(c[0], c[1], c[2], c[3], i + 1, t.end)) {
        const unsigned cs = cubeCase(c, i);
        const unsigned uses = table.edgeUses[cs];
        const auto used = [uses](int e) { return ((uses >> e) & 1U) != 0; };
        // Vertex ids of the cube's 12 edges, numbered as in cube_cases.h.
        // clang-format off
        const std::array<std::size_t, 12> ids{
            x0, x1, x2, x3,                                            // x-edges
            y0, y0 + ((uses >> 4) & 1), y1, y1 + ((uses >> 6) & 1),    // y-edges
            z0, z0 + ((uses >> 8) & 1), z1, z1 + ((uses >> 10) & 1)};  // z-edges
        // clang-format on
        const auto x = static_cast<int>(i);

        // Each cell writes the vertices of the edges at its low corner; the
        // last cell of a row, row of a slice and slice also write their far
        // edges, which no other cell owns.
        if (used(0)) {
          writeEdgeVertex(ids[0], 0, x, j, k, bounds);
        }
        if (used(4)) {
          writeEdgeVertex(ids[4], 1, x, j, k, bounds);
        }
        if (used(8)) {
          writeEdgeVertex(ids[8], 2, x, j, k, bounds);
        }
        if (i == lastCell) {
          if (used(5)) {
            writeEdgeVertex(ids[5], 1, x + 1, j, k, bounds);
          }
          if (used(9)) {
            writeEdgeVertex(ids[9], 2, x + 1, j, k, bounds);
          }
        }
        if (lastJ) {
          if (used(1)) {
            writeEdgeVertex(ids[1], 0, x, j + 1, k, bounds);
          }
          if (used(10)) {
            writeEdgeVertex(ids[10], 2, x, j + 1, k, bounds);
          }
          if (i == lastCell && used(11)) {
            writeEdgeVertex(ids[11], 2, x + 1, j + 1, k, bounds);
          }
        }
        if (lastK) {
          if (used(2)) {
            writeEdgeVertex(ids[2], 0, x, j, k + 1, bounds);
          }
          if (used(6)) {
            writeEdgeVertex(ids[6], 1, x, j, k + 1, bounds);
          }
          if (i == lastCell && used(7)) {
            writeEdgeVertex(ids[7], 1, x + 1, j, k + 1, bounds);
          }
        }
        if (lastJ && lastK && used(3)) {
          writeEdgeVertex(ids[3], 0, x, j + 1, k + 1, bounds);
        }

        const auto& triangles = table.triangles[cs];
        const int count = table.triangleCount[cs];
        for (int n = 0; n < count; ++n) {
          const auto at = 3 * static_cast<std::size_t>(n);
          out[0] = static_cast<std::uint32_t>(ids[triangles[at]]);
          out[1] = static_cast<std::uint32_t>(ids[triangles[at + (placement_.mirrored ? 2 : 1)]]);
          out[2] = static_cast<std::uint32_t>(ids[triangles[at + (placement_.mirrored ? 1 : 2)]]);
          out += 3;
        }

        x0 += uses & 1;
        x1 += (uses >> 1) & 1;
        x2 += (uses >> 2) & 1;
        x3 += (uses >> 3) & 1;
        y0 += (uses >> 4) & 1;
        y1 += (uses >> 6) & 1;
        z0 += (uses >> 8) & 1;
        z1 += (uses >> 10) & 1;
      }
    }
  }

  Field field_;
  SurfacePlacement placement_;
  int pad_ = 0;
  int nx_ = 0;  // grid points per axis, padding included
  int ny_ = 0;
  int nz_ = 0;
  std::size_t edgesPerRow_ = 0;
  std::unique_ptr<std::uint8_t[]> cases_;  // x-edge cases of the box's rows
  std::vector<std::uint8_t> zeroRow_;      // the cases of every padding row
  std::unique_ptr<RowMeta[]> rows_;        // every grid row, j fastest
  std::size_t rowCount_ = 0;
  std::vector<Bounds> sliceBounds_;  // of the vertices each slice wrote
  assets::Vertex* vertices_ = nullptr;
  std::uint32_t* indices_ = nullptr;
};

}  // namespace medverse::imaging::detail
