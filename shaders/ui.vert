#version 450
// UI triangles in pixel coordinates (ImGui-style draw data) mapped to clip
// space: the screen overlay and the UI inside world panel textures.

layout(location = 0) in vec2 inPosition;  // pixels, y down
layout(location = 1) in vec2 inUv;
layout(location = 2) in vec4 inColor;     // RGBA8 UNORM: sRGB rgb, straight alpha

layout(push_constant) uniform Ui {
  vec2 scale;      // 2 / display size
  vec2 translate;  // -1 (top-left of clip space)
} ui;

layout(location = 0) out vec2 uv;
layout(location = 1) out vec4 color;

vec3 srgbToLinear(vec3 c) {
  return mix(c / 12.92, pow((c + 0.055) / 1.055, vec3(2.4)), step(vec3(0.04045), c));
}

void main() {
  uv = inUv;
  // The targets are sRGB formats that encode on store, so the authored sRGB
  // colour is decoded here and lands in the image exactly as authored.
  color = vec4(srgbToLinear(inColor.rgb), inColor.a);
  gl_Position = vec4(inPosition * ui.scale + ui.translate, 0.0, 1.0);
}
