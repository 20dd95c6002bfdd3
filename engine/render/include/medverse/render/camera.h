#pragma once
// Projection matrices for Vulkan clip space (y down, depth 0..1) and the
// per-eye cameras of stereo rendering.
#include <array>
#include <cstdint>

#include <glm/mat4x4.hpp>
#include <glm/vec3.hpp>

#include "medverse/render/render_view.h"

namespace medverse::render {

// Symmetric perspective; fovY in radians.
glm::mat4 perspective(float fovY, float aspect, float nearZ, float farZ);

// Asymmetric perspective from four half-angles in radians (left and down are
// negative), as OpenXR's XrFovf gives them per eye.
glm::mat4 perspectiveFromFov(float angleLeft, float angleRight, float angleUp, float angleDown,
                             float nearZ, float farZ);

glm::mat4 lookAt(const glm::vec3& eye, const glm::vec3& target, const glm::vec3& up = {0, 1, 0});

// One eye's field of view, field for field like OpenXR's XrFovf: half-angles
// in radians from the view axis, left and down negative.
struct Fov {
  float angleLeft = -0.785398F;
  float angleRight = 0.785398F;
  float angleUp = 0.785398F;
  float angleDown = -0.785398F;
};

// The projection of an XrFovf (the name the XR code uses; same matrix as
// perspectiveFromFov).
inline glm::mat4 projectionFromFov(float angleLeft, float angleRight, float angleUp,
                                   float angleDown, float nearZ, float farZ) {
  return perspectiveFromFov(angleLeft, angleRight, angleUp, angleDown, nearZ, farZ);
}
inline glm::mat4 projectionFromFov(const Fov& fov, float nearZ, float farZ) {
  return perspectiveFromFov(fov.angleLeft, fov.angleRight, fov.angleUp, fov.angleDown, nearZ,
                            farZ);
}

// A symmetric frustum: vertical angle fovY, horizontal from the aspect ratio.
Fov symmetricFov(float fovY, float aspect);

// A typical consumer headset's per-eye field of view (Quest 2 class, as its
// OpenXR runtime reports it): wider towards the temple than towards the
// nose, a little more down than up. eye 0 is the left eye; the right eye is
// its mirror image. About 94 x 94 degrees per eye: suits square eye images.
Fov typicalHeadsetFov(uint32_t eye);

// The average adult interpupillary distance, in metres.
inline constexpr float kDefaultIpd = 0.063F;

// The two eye cameras of a head: parallel view axes (no toe-in, as OpenXR
// reports eye poses), the eyes ipd apart along the head's x axis, each with
// its own field of view. The head camera supplies orientation, position and
// exposure; eyes[0] is the left eye.
std::array<CameraView, 2> stereoEyes(const CameraView& head, float ipd,
                                     const std::array<Fov, 2>& fovs, float nearZ, float farZ);

}  // namespace medverse::render
