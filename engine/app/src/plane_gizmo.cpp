#include "medverse/app/plane_gizmo.h"

#include <algorithm>
#include <cmath>
#include <glm/gtc/matrix_transform.hpp>
#include <glm/gtx/quaternion.hpp>
#include <limits>

#include "medverse/render/renderer.h"

namespace medverse::app {
namespace {

constexpr glm::vec3 kUp{0.0F, 1.0F, 0.0F};

glm::vec3 corner(const render::VolumeInfo& info, int bits) {
  return {(bits & 1) != 0 ? info.boundsMax.x : info.boundsMin.x,
          (bits & 2) != 0 ? info.boundsMax.y : info.boundsMin.y,
          (bits & 4) != 0 ? info.boundsMax.z : info.boundsMin.z};
}

// Linear colours: clip planes cyan; slices as 3D Slicer shows them (axial
// red, coronal green, sagittal yellow), which radiologists know.
glm::vec3 colourOf(PlaneRef ref) {
  if (ref.kind == PlaneKind::Clip) {
    return {0.05F, 0.65F, 0.85F};
  }
  static const glm::vec3 kSlice[3] = {
      {0.85F, 0.12F, 0.10F}, {0.15F, 0.70F, 0.15F}, {0.90F, 0.75F, 0.10F}};
  return kSlice[std::min<uint8_t>(ref.index, 2)];
}

render::Material glowing(const glm::vec3& linear, float strength) {
  // Barely translucent: drawn after the volume, so the gizmo shows through it.
  return glowingMaterial(linear, strength, 0.97F);
}

}  // namespace

int sliceAxis(uint8_t index) {
  static constexpr int kAxes[3] = {2, 1, 0};
  return kAxes[std::min<uint8_t>(index, 2)];
}

world::Plane planeOf(const HologramState& state, PlaneRef ref) {
  const uint8_t i = std::min<uint8_t>(ref.index, 2);
  if (ref.kind == PlaneKind::Clip) {
    return state.clip.at(i);
  }
  world::Plane p = state.slice.at(i);
  p.normal = glm::vec3(0.0F);
  p.normal[sliceAxis(i)] = 1.0F;
  return p;
}

std::vector<glm::vec3> planeOutline(const world::Plane& plane, const render::VolumeInfo& info) {
  const float len = glm::length(plane.normal);
  if (!(len > 1e-6F)) {
    return {};
  }
  const glm::vec3 n = plane.normal / len;
  const float offset = plane.offset / len;
  std::vector<glm::vec3> points;
  for (int a = 0; a < 8; ++a) {
    for (int axis = 0; axis < 3; ++axis) {
      const int b = a | (1 << axis);
      if (b == a) {
        continue;
      }
      const glm::vec3 pa = corner(info, a);
      const glm::vec3 pb = corner(info, b);
      const float da = glm::dot(n, pa) - offset;
      const float db = glm::dot(n, pb) - offset;
      if ((da > 0.0F && db > 0.0F) || (da < 0.0F && db < 0.0F) || da == db) {
        continue;
      }
      const glm::vec3 p = pa + (pb - pa) * (da / (da - db));
      const bool seen = std::any_of(points.begin(), points.end(), [&](const glm::vec3& q) {
        return glm::distance(p, q) < 1e-3F;
      });
      if (!seen) {
        points.push_back(p);
      }
    }
  }
  if (points.size() < 3) {
    return {};
  }
  glm::vec3 centre(0.0F);
  for (const glm::vec3& p : points) {
    centre += p;
  }
  centre /= static_cast<float>(points.size());
  const glm::vec3 helper =
      std::abs(n.x) < 0.9F ? glm::vec3(1.0F, 0.0F, 0.0F) : glm::vec3(0.0F, 1.0F, 0.0F);
  const glm::vec3 u = glm::normalize(glm::cross(n, helper));
  const glm::vec3 v = glm::cross(n, u);
  std::sort(points.begin(), points.end(), [&](const glm::vec3& p, const glm::vec3& q) {
    return std::atan2(glm::dot(p - centre, v), glm::dot(p - centre, u)) <
           std::atan2(glm::dot(q - centre, v), glm::dot(q - centre, u));
  });
  return points;
}

glm::vec2 planeOffsetRange(const glm::vec3& normal, const render::VolumeInfo& info) {
  float lo = std::numeric_limits<float>::max();
  float hi = std::numeric_limits<float>::lowest();
  for (int c = 0; c < 8; ++c) {
    const float d = glm::dot(normal, corner(info, c));
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  return {lo, hi};
}

world::Plane clipPlaneThrough(const glm::vec3& pointMm, const glm::vec3& directionMm) {
  world::Plane p;
  p.enabled = true;
  const float len = glm::length(directionMm);
  p.normal = len > 1e-6F ? directionMm / len : glm::vec3(0.0F, 0.0F, 1.0F);
  p.offset = glm::dot(p.normal, pointMm);
  return p;
}

world::Plane withOffset(world::Plane plane, float offset, const render::VolumeInfo& info) {
  const glm::vec2 range = planeOffsetRange(plane.normal, info);
  plane.offset = std::clamp(offset, range.x, range.y);
  return plane;
}

std::vector<PlaneHandle> planeHandles(const HologramState& state, const render::VolumeInfo& info) {
  std::vector<PlaneHandle> handles;
  const glm::vec3 centre = 0.5F * (info.boundsMin + info.boundsMax);
  for (size_t i = 0; i < state.clip.size(); ++i) {
    const PlaneRef ref{PlaneKind::Clip, static_cast<uint8_t>(i)};
    const world::Plane plane = planeOf(state, ref);
    if (!plane.enabled) {
      continue;
    }
    const std::vector<glm::vec3> outline = planeOutline(plane, info);
    glm::vec3 at(0.0F);
    if (outline.empty()) {
      // Off the box: the point of the plane nearest the box's centre, kept
      // on the box so the handle can still be reached and dragged back.
      at = glm::clamp(centre - (glm::dot(plane.normal, centre) - plane.offset) * plane.normal,
                      info.boundsMin, info.boundsMax);
    } else {
      for (const glm::vec3& p : outline) {
        at += p;
      }
      at /= static_cast<float>(outline.size());
    }
    handles.push_back({ref, plane, at});
  }
  for (size_t i = 0; i < state.slice.size(); ++i) {
    const PlaneRef ref{PlaneKind::Slice, static_cast<uint8_t>(i)};
    const world::Plane plane = planeOf(state, ref);
    if (!plane.enabled) {
      continue;
    }
    const int axis = sliceAxis(ref.index);
    glm::vec3 at = centre;
    at[axis] = std::clamp(plane.offset, info.boundsMin[axis], info.boundsMax[axis]);
    const int edge = (axis + 1) % 3;
    at[edge] = info.boundsMax[edge];
    handles.push_back({ref, plane, at});
  }
  return handles;
}

Result<PlaneGizmos> PlaneGizmos::create(render::Renderer& renderer) {
  Result<PrimitiveMeshes> primitives = PrimitiveMeshes::create(renderer, 24, 12);
  if (!primitives) {
    return primitives.error();
  }
  PlaneGizmos g;
  g.primitives_ = *primitives;
  return g;
}

void PlaneGizmos::add(const HologramState& state, const render::VolumeInfo& info,
                      const glm::mat4& patientToWorld, std::optional<PlaneRef> active,
                      std::vector<render::MeshInstance>& out) const {
  const auto toWorld = [&](const glm::vec3& p) {
    return glm::vec3(patientToWorld * glm::vec4(p, 1.0F));
  };
  const auto segment = [&](const glm::vec3& a, const glm::vec3& b, float radius,
                           const render::Material& material) {
    if (std::optional<render::MeshInstance> rod = primitives_.rod(a, b, radius, material)) {
      out.push_back(*rod);
    }
  };
  for (const PlaneHandle& h : planeHandles(state, info)) {
    const bool hot = active && *active == h.ref;
    const render::Material material = glowing(colourOf(h.ref), hot ? 2.0F : 1.0F);
    const std::vector<glm::vec3> outline = planeOutline(h.plane, info);
    for (size_t k = 0; k < outline.size(); ++k) {
      segment(toWorld(outline[k]), toWorld(outline[(k + 1) % outline.size()]),
              hot ? 0.0016F : 0.0011F, material);
    }
    // The handle, and a short bar along the normal: the way it moves.
    const glm::vec3 at = toWorld(h.positionMm);
    glm::vec3 along = glm::vec3(patientToWorld * glm::vec4(h.plane.normal, 0.0F));
    along = glm::length(along) > 1e-9F ? glm::normalize(along) : kUp;
    segment(at - along * 0.03F, at + along * 0.03F, 0.0022F, material);
    out.push_back(primitives_.ellipsoid(at, glm::vec3(kHandleRadius * (hot ? 1.35F : 1.0F)),
                                        glm::quat(1.0F, 0.0F, 0.0F, 0.0F), material));
  }
}

}  // namespace medverse::app
