// Per-frame data shared by every pass (set 0, binding 0). Mirrors
// medverse::render::FrameUniforms in engine/render/src/frame_uniforms.h.
//
// Per-view layout (stereo): view, proj, viewProj and cameraPosition are
// arrays with one entry per view, indexed by VIEW (gl_ViewIndex of
// GL_EXT_multiview). Write `frame.viewProj[VIEW]`, `frame.cameraPosition[VIEW]`,
// never `frame.viewProj`. A multiview pass over a 2-layer target draws view 0
// (left eye) and view 1 (right eye) in one go; in a mono (non-multiview) pass
// gl_ViewIndex is 0, so the same shaders serve both. Everything else (lights,
// ambient) is shared by the views.
#extension GL_EXT_multiview : require
#define MAX_LIGHTS 8
#define MAX_VIEWS 2
#define VIEW gl_ViewIndex

struct Light {
  vec4 direction;  // w = 0: xyz is the direction light travels; w = 1: xyz is a point light's position
  vec4 radiance;   // rgb: colour * intensity (linear), a: unused
};

layout(set = 0, binding = 0, std140) uniform Frame {
  mat4 view[MAX_VIEWS];
  mat4 proj[MAX_VIEWS];
  mat4 viewProj[MAX_VIEWS];
  vec4 cameraPosition[MAX_VIEWS];  // xyz world, w: exposure (linear multiplier before tone mapping)
  vec4 skyColor;        // hemisphere ambient from above (linear rgb)
  vec4 groundColor;     // hemisphere ambient from below (linear rgb)
  ivec4 lightCount;     // x: number of lights in use, y: number of views (1 or 2)
  Light lights[MAX_LIGHTS];
} frame;
