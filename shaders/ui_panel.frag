#version 450
// A world panel's texture: premultiplied colour, composited with one /
// one-minus-src-alpha. Unlit: UI keeps its authored colours (no exposure, no
// tone curve), like a screen in the room.

layout(set = 1, binding = 0) uniform sampler2D panelTexture;

layout(push_constant) uniform Panel {
  mat4 model;
  vec4 params;  // xy: uv scale, z: 1 if double-sided
} panel;

layout(location = 0) in vec2 uv;
layout(location = 0) out vec4 outColor;

void main() {
  vec2 st = uv;
  if (!gl_FrontFacing) {
    if (panel.params.z < 0.5) {
      discard;
    }
    st.x = 1.0 - st.x;  // seen from behind it still reads left to right
  }
  outColor = texture(panelTexture, st * panel.params.xy);
}
