#version 450
#extension GL_GOOGLE_include_directive : require
#include "frame.glsl"
#include "volume_common.glsl"

// An MPR slice shows the voxel values through its own window: grey g =
// (value - (centre - width/2)) / width, clamped, displayed as g (the target
// is sRGB, so the linear value written is g decoded from sRGB: the stored
// byte is round(255 g), as on a radiology workstation).

layout(set = 1, binding = 1) uniform sampler3D volumeTexture;

layout(push_constant) uniform Slice {
  int axis;
} slice;

layout(location = 0) in vec3 patientPosition;
layout(location = 0) out vec4 outColor;

float srgbToLinear(float c) {
  return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

void main() {
  vec3 tex = (vol.patientToTexture * vec4(patientPosition, 1.0)).xyz;
  if (any(lessThan(tex, vec3(0.0))) || any(greaterThan(tex, vec3(1.0)))) {
    discard;
  }
  float n = texture(volumeTexture, tex).r;
  float value = vol.valueRange.x + n * vol.valueRange.y;
  vec4 s = vol.slices[slice.axis];
  float width = max(s.z, 1e-6);
  float g = clamp((value - (s.y - 0.5 * width)) / width, 0.0, 1.0);
  outColor = vec4(vec3(srgbToLinear(g)), 1.0);
}
