#pragma once
// The desktop and headless camera: orbits a target point at a distance.
#include <glm/vec3.hpp>

#include "medverse/render/render_view.h"

namespace medverse::app {

struct OrbitCamera {
  glm::vec3 target{0.0F};
  float yaw = 0.0F;      // radians about +Y; 0 looks along -Z
  float pitch = 0.0F;    // radians; positive looks down on the target
  float distance = 3.0F;
  float fovY = 0.8F;     // radians (about 46 degrees)
  float nearZ = 0.05F;
  float farZ = 50.0F;

  // Positions the camera at `eye`, looking at `target`.
  static OrbitCamera lookingAt(const glm::vec3& eye, const glm::vec3& target);

  [[nodiscard]] glm::vec3 eye() const;
  [[nodiscard]] render::CameraView view(float aspect) const;
};

}  // namespace medverse::app
