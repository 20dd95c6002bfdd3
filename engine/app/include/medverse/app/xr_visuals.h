#pragma once
// What the headset user sees of themselves: both controllers as simple hand
// models (a palm and a thumb in the user's role colour) where the grip poses
// are, each hand's laser while it points at something (beam and hit point),
// and the teleport arc with its landing ring while a teleport is aimed
// (xr_locomotion.h). Others see the same hands on the avatar
// (avatar_visuals.h); this is the local copy, drawn at the frame's own poses
// instead of the replicated ones.
#include <array>
#include <optional>

#include "medverse/app/primitive_meshes.h"
#include "medverse/app/xr_locomotion.h"
#include "medverse/core/result.h"
#include "medverse/core/transform.h"
#include "medverse/net/role.h"
#include "medverse/render/render_view.h"

namespace medverse::render {
class Renderer;
}

namespace medverse::app {

// Room space.
struct LocalHands {
  std::array<std::optional<medverse::Pose>, 2> grip;
  std::array<std::optional<medverse::Pose>, 2> aim;
  std::array<std::optional<glm::vec3>, 2> laserHit;  // the laser is drawn only with a hit
};

class XrLocalVisuals {
 public:
  static constexpr float kLaserRadius = 0.004F;
  static Result<XrLocalVisuals> create(render::Renderer& renderer);

  void append(const LocalHands& hands, const TeleportAim& teleport, net::Role role,
              render::RenderView& view) const;

 private:
  void segment(const glm::vec3& a, const glm::vec3& b, float radius,
               const render::Material& material, render::RenderView& view) const;
  void ellipsoid(const glm::vec3& centre, const glm::vec3& radii, const glm::quat& orientation,
                 const render::Material& material, render::RenderView& view) const;

  PrimitiveMeshes primitives_;
};

}  // namespace medverse::app
