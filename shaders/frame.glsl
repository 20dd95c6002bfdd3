// Per-frame data shared by every pass (set 0, binding 0). Mirrors
// medverse::render::FrameUniforms in engine/render/src/frame_uniforms.h.
#define MAX_LIGHTS 8

struct Light {
  vec4 direction;  // w = 0: xyz is the direction light travels; w = 1: xyz is a point light's position
  vec4 radiance;   // rgb: colour * intensity (linear), a: unused
};

layout(set = 0, binding = 0, std140) uniform Frame {
  mat4 view;
  mat4 proj;
  mat4 viewProj;
  vec4 cameraPosition;  // xyz world, w: exposure (linear multiplier before tone mapping)
  vec4 skyColor;        // hemisphere ambient from above (linear rgb)
  vec4 groundColor;     // hemisphere ambient from below (linear rgb)
  ivec4 lightCount;     // x: number of lights in use
  Light lights[MAX_LIGHTS];
} frame;
