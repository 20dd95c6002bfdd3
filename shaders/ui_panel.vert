#version 450
#extension GL_GOOGLE_include_directive : require
#include "frame.glsl"
// A world panel: the unit square [-0.5, 0.5]^2 in the model's XY plane,
// facing +Z, generated from gl_VertexIndex (no vertex buffer).

layout(push_constant) uniform Panel {
  mat4 model;
  vec4 params;  // xy: uv scale (used part of the panel texture), z: 1 if double-sided
} panel;

layout(location = 0) out vec2 uv;

const vec2 kCorners[6] = vec2[](vec2(-0.5, -0.5), vec2(0.5, -0.5), vec2(0.5, 0.5),
                                vec2(-0.5, -0.5), vec2(0.5, 0.5), vec2(-0.5, 0.5));

void main() {
  vec2 c = kCorners[gl_VertexIndex];
  uv = vec2(c.x + 0.5, 0.5 - c.y);  // UI top-left at (-0.5, +0.5)
  gl_Position = frame.viewProj[VIEW] * (panel.model * vec4(c, 0.0, 1.0));
}
