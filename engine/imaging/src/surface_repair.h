#pragma once
// Repairs for what an edge-collapse simplifier leaves behind on a closed
// surface when it ignores the link condition (meshoptimizer 0.18 does).
// Both only ever remove a set of triangles that is closed on its own, so a
// closed surface stays closed: every edge loses as many uses in one
// direction as in the other.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "medverse/assets/mesh.h"

namespace medverse::imaging::detail {

// Drops pairs of triangles on the same three vertices with opposite winding
// ("fins": a thin part folded flat; they enclose no volume). Returns the
// number of triangles dropped.
std::size_t removeFins(std::vector<std::uint32_t>& indices);

// Cuts the surface at its non-manifold edges and drops every resulting piece
// that is closed on its own, touches a non-manifold edge, is not the largest
// piece and has at most `maxPieceTriangles` triangles: a bubble (typically a
// small blob of the isosurface) that a collapse glued onto another sheet
// along an edge. Returns the number of pieces dropped.
std::size_t removePinchedPieces(std::vector<std::uint32_t>& indices, std::size_t maxPieceTriangles);

// Separates two sheets pinched together along an edge (a, b) by flipping
// that edge within one sheet: triangles (a, b, c1) and (b, a, c2) become
// (a, c2, c1) and (c2, b, c1). The quad's outline is unchanged, so no edge
// but (a, b) changes its number of uses; (a, b) loses two and the new edge
// (c1, c2) must not exist yet, so every flip strictly reduces the pinches.
// Of the possible sheets, the flip whose new triangles best agree with the
// old ones' orientation is used. Returns the number of flips.
std::size_t unpinchEdges(std::vector<std::uint32_t>& indices,
                         std::span<const assets::Vertex> vertices);

}  // namespace medverse::imaging::detail
