#version 450
#extension GL_GOOGLE_include_directive : require
#include "frame.glsl"
#include "volume_common.glsl"

// One MPR slice: a quad spanning the volume's patient-space box at the
// slice's position along its axis (axial: z, coronal: y, sagittal: x).
// Where the box holds no voxels (oblique grids) the fragment shader discards.

layout(push_constant) uniform Slice {
  int axis;  // 0 axial, 1 coronal, 2 sagittal
} slice;

layout(location = 0) out vec3 patientPosition;

void main() {
  const vec2 kCorners[6] = vec2[6](vec2(0, 0), vec2(1, 0), vec2(1, 1), vec2(0, 0), vec2(1, 1),
                                    vec2(0, 1));
  vec2 c = kCorners[gl_VertexIndex];
  vec3 lo = vol.boundsMin.xyz;
  vec3 hi = vol.boundsMax.xyz;
  float pos = vol.slices[slice.axis].x;
  vec3 p;
  if (slice.axis == 0) {
    p = vec3(mix(lo.x, hi.x, c.x), mix(lo.y, hi.y, c.y), pos);
  } else if (slice.axis == 1) {
    p = vec3(mix(lo.x, hi.x, c.x), pos, mix(lo.z, hi.z, c.y));
  } else {
    p = vec3(pos, mix(lo.y, hi.y, c.x), mix(lo.z, hi.z, c.y));
  }
  patientPosition = p;
  gl_Position = frame.viewProj[VIEW] * (vol.patientToWorld * vec4(p, 1.0));
}
