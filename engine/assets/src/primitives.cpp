#include "medverse/assets/primitives.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <glm/gtc/constants.hpp>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace medverse::assets {
namespace {

// Adds a flat quad centred at `center`. `halfU` and `halfV` span it; with
// cross(halfU, halfV) along `normal` the corners below run counter-clockwise
// as seen from the side the normal points to.
void addQuad(MeshData& mesh, glm::vec3 center, glm::vec3 normal, glm::vec3 halfU, glm::vec3 halfV) {
  const auto base = static_cast<std::uint32_t>(mesh.vertices.size());
  mesh.vertices.push_back({center - halfU - halfV, normal});
  mesh.vertices.push_back({center + halfU - halfV, normal});
  mesh.vertices.push_back({center + halfU + halfV, normal});
  mesh.vertices.push_back({center - halfU + halfV, normal});
  for (const std::uint32_t i : {0u, 1u, 2u, 0u, 2u, 3u}) {
    mesh.indices.push_back(base + i);
  }
}

// One point of a surface of revolution's profile, in the half-plane spanned
// by the radial direction and +Y, with the surface normal there.
struct ProfilePoint {
  float radius;
  float y;
  float normalRadial;
  float normalY;
};

// A run of profile points joined by bands of triangles. Separate strips are
// not joined, which is how a cylinder gets hard edges at its caps: the rim
// appears in two strips with different normals.
using ProfileStrip = std::vector<ProfilePoint>;

// Sweeps each strip around Y. Each strip must run so that, walking along it,
// the outside of the surface is to the walker's right when the radial axis
// points right and +Y up (top to bottom on the sides, centre to rim on a
// top cap, rim to centre on a bottom cap). Points on the axis (radius 0)
// become a single vertex, so pole bands are fans without degenerate triangles.
MeshData revolve(std::string name, std::span<const ProfileStrip> strips, std::uint32_t segments) {
  segments = std::max(segments, 3u);
  MeshData mesh;
  mesh.name = std::move(name);
  for (const ProfileStrip& strip : strips) {
    std::vector<std::uint32_t> ringStart(strip.size());
    for (std::size_t i = 0; i < strip.size(); ++i) {
      const ProfilePoint& p = strip[i];
      ringStart[i] = static_cast<std::uint32_t>(mesh.vertices.size());
      if (p.radius == 0.0f) {
        mesh.vertices.push_back({{0.0f, p.y, 0.0f}, {0.0f, p.normalY < 0.0f ? -1.0f : 1.0f, 0.0f}});
        continue;
      }
      for (std::uint32_t j = 0; j < segments; ++j) {
        const float angle =
            glm::two_pi<float>() * static_cast<float>(j) / static_cast<float>(segments);
        const glm::vec3 radial(std::cos(angle), 0.0f, std::sin(angle));
        const glm::vec3 normal =
            glm::normalize(radial * p.normalRadial + glm::vec3(0.0f, p.normalY, 0.0f));
        mesh.vertices.push_back({radial * p.radius + glm::vec3(0.0f, p.y, 0.0f), normal});
      }
    }
    const auto at = [&](std::size_t i, std::uint32_t j) {
      return strip[i].radius == 0.0f ? ringStart[i] : ringStart[i] + j % segments;
    };
    for (std::size_t i = 0; i + 1 < strip.size(); ++i) {
      for (std::uint32_t j = 0; j < segments; ++j) {
        const std::uint32_t a0 = at(i, j);
        const std::uint32_t a1 = at(i, j + 1);
        const std::uint32_t b0 = at(i + 1, j);
        const std::uint32_t b1 = at(i + 1, j + 1);
        if (strip[i].radius > 0.0f) {
          mesh.indices.insert(mesh.indices.end(), {a0, a1, b1});
        }
        if (strip[i + 1].radius > 0.0f) {
          mesh.indices.insert(mesh.indices.end(), {a0, b1, b0});
        }
      }
    }
  }
  computeBounds(mesh);
  return mesh;
}

// Points of a sphere of `radius` centred at height `centerY`, for polar
// angles from `fromPolar` to `toPolar` (0 = top pole) in `steps` equal steps.
void appendArc(ProfileStrip& strip, float radius, float centerY, float fromPolar, float toPolar,
               std::uint32_t steps, bool includeFirst) {
  for (std::uint32_t k = includeFirst ? 0 : 1; k <= steps; ++k) {
    const float polar = k == steps ? toPolar
                                   : fromPolar + (toPolar - fromPolar) * static_cast<float>(k) /
                                                     static_cast<float>(steps);
    float s = std::sin(polar);
    const float c = std::cos(polar);
    // Exactly zero on the axis so that poles collapse to one vertex.
    if (polar <= 0.0f || polar >= glm::pi<float>()) {
      s = 0.0f;
    }
    strip.push_back({radius * s, centerY + radius * c, s, c});
  }
}

}  // namespace

MeshData makeBox(glm::vec3 size) {
  const glm::vec3 half = size * 0.5f;
  MeshData mesh;
  mesh.name = "box";
  const std::array<std::pair<glm::vec3, glm::vec3>, 6> faces = {{
      {{1, 0, 0}, {0, 1, 0}},
      {{-1, 0, 0}, {0, 1, 0}},
      {{0, 1, 0}, {0, 0, 1}},
      {{0, -1, 0}, {0, 0, 1}},
      {{0, 0, 1}, {1, 0, 0}},
      {{0, 0, -1}, {1, 0, 0}},
  }};
  for (const auto& [normal, u] : faces) {
    const glm::vec3 v = glm::cross(normal, u);  // so that cross(u, v) == normal
    addQuad(mesh, normal * half, normal, u * half, v * half);
  }
  computeBounds(mesh);
  return mesh;
}

MeshData makePlane(glm::vec2 size) {
  MeshData mesh;
  mesh.name = "plane";
  // cross(+X, -Z) == +Y
  addQuad(mesh, glm::vec3(0.0f), {0, 1, 0}, {size.x * 0.5f, 0, 0}, {0, 0, -size.y * 0.5f});
  computeBounds(mesh);
  return mesh;
}

MeshData makeUvSphere(float radius, std::uint32_t segments, std::uint32_t rings) {
  ProfileStrip strip;
  appendArc(strip, radius, 0.0f, 0.0f, glm::pi<float>(), std::max(rings, 2u), true);
  return revolve("sphere", std::span(&strip, 1), segments);
}

MeshData makeCylinder(float radius, float height, std::uint32_t segments) {
  const float top = height * 0.5f;
  const std::array<ProfileStrip, 3> strips = {{
      {{0.0f, top, 0.0f, 1.0f}, {radius, top, 0.0f, 1.0f}},
      {{radius, top, 1.0f, 0.0f}, {radius, -top, 1.0f, 0.0f}},
      {{radius, -top, 0.0f, -1.0f}, {0.0f, -top, 0.0f, -1.0f}},
  }};
  return revolve("cylinder", strips, segments);
}

MeshData makeCapsule(float radius, float cylinderHeight, std::uint32_t segments,
                     std::uint32_t rings) {
  const std::uint32_t perHemisphere = std::max((rings + 1) / 2, 1u);
  const float half = cylinderHeight * 0.5f;
  const float equator = glm::half_pi<float>();
  ProfileStrip strip;
  appendArc(strip, radius, half, 0.0f, equator, perHemisphere, true);
  // With no cylinder the two equators coincide; joining them would only add
  // zero-area triangles.
  appendArc(strip, radius, -half, equator, glm::pi<float>(), perHemisphere, cylinderHeight > 0.0f);
  return revolve("capsule", std::span(&strip, 1), segments);
}

}  // namespace medverse::assets
