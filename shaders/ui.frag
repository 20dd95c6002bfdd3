#version 450
// UI fragment: vertex colour times texture (font atlas coverage, images).
// Blended with src-alpha / one-minus-src-alpha for colour and one /
// one-minus-src-alpha for alpha, which leaves premultiplied colour in a
// panel texture cleared to transparent black.

layout(set = 0, binding = 0) uniform sampler2D uiTexture;

layout(location = 0) in vec2 uv;
layout(location = 1) in vec4 color;

layout(location = 0) out vec4 outColor;

void main() {
  outColor = color * texture(uiTexture, uv);
}
