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

  // Desktop controls, in pixels of mouse travel and wheel notches.
  // Dragging right turns the camera to the left around the target (the
  // scene follows the mouse); dragging down raises it to look from above.
  void orbit(float dxPixels, float dyPixels);
  // Moves the target (and the camera with it) so that the point under the
  // cursor follows the mouse; viewportHeight in pixels sets the scale.
  void pan(float dxPixels, float dyPixels, float viewportHeight);
  // Positive notches move closer; each notch is 10% of the distance.
  void zoom(float notches);

  static constexpr float kRadiansPerPixel = 0.005F;
  static constexpr float kMaxPitch = 1.5F;  // just short of straight up or down
  static constexpr float kMinDistance = 0.2F;
  static constexpr float kMaxDistance = 40.0F;
};

}  // namespace medverse::app
