#pragma once
// Projection matrices for Vulkan clip space (y down, depth 0..1).
#include <glm/mat4x4.hpp>
#include <glm/vec3.hpp>

namespace medverse::render {

// Symmetric perspective; fovY in radians.
glm::mat4 perspective(float fovY, float aspect, float nearZ, float farZ);

// Asymmetric perspective from four half-angles in radians (left and down are
// negative), as OpenXR's XrFovf gives them per eye.
glm::mat4 perspectiveFromFov(float angleLeft, float angleRight, float angleUp, float angleDown,
                             float nearZ, float farZ);

glm::mat4 lookAt(const glm::vec3& eye, const glm::vec3& target, const glm::vec3& up = {0, 1, 0});

}  // namespace medverse::render
