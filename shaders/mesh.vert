#version 450
#extension GL_GOOGLE_include_directive : require
#include "frame.glsl"

layout(location = 0) in vec3 inPosition;
layout(location = 1) in vec3 inNormal;

layout(push_constant) uniform Draw {
  mat4 model;
  vec4 baseColor;         // linear rgb, a: opacity
  vec4 roughnessMetallic; // x: perceptual roughness, y: metallic
  vec4 emissive;          // linear rgb
} draw;

layout(location = 0) out vec3 worldPosition;
layout(location = 1) out vec3 worldNormal;

void main() {
  vec4 world = draw.model * vec4(inPosition, 1.0);
  worldPosition = world.xyz;
  // Inverse-transpose handles non-uniform scale (the room's boxes are scaled).
  worldNormal = transpose(inverse(mat3(draw.model))) * inNormal;
  gl_Position = frame.viewProj[VIEW] * world;
}
