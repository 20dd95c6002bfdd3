#version 450
#extension GL_GOOGLE_include_directive : require
#include "frame.glsl"
#include "volume_common.glsl"

// The proxy geometry of the ray marcher: the volume's own box (texture space
// [0,1]^3, mapped through its voxel grid to patient space and on into the
// world), drawn with its back faces so that a camera inside the volume still
// gets rays. 36 vertices, no vertex buffer.

layout(location = 0) out vec3 worldPosition;

const int kFaces[36] = int[36](
    // -x, +x, -y, +y, -z, +z; counter-clockwise seen from outside
    0, 4, 6, 0, 6, 2,   1, 3, 7, 1, 7, 5,
    0, 1, 5, 0, 5, 4,   2, 6, 7, 2, 7, 3,
    0, 2, 3, 0, 3, 1,   4, 5, 7, 4, 7, 6);

void main() {
  int corner = kFaces[gl_VertexIndex];
  // A mirroring voxel grid (negative determinant) turns the winding inside
  // out; swap two vertices of each triangle to keep outside faces CCW.
  if ((int(vol.march.z) & VOLUME_MIRRORED) != 0) {
    int k = gl_VertexIndex % 3;
    if (k != 0) {
      corner = kFaces[gl_VertexIndex + (k == 1 ? 1 : -1)];
    }
  }
  vec3 tex = vec3(corner & 1, (corner >> 1) & 1, (corner >> 2) & 1);
  vec4 patient = vol.textureToPatient * vec4(tex, 1.0);
  vec4 world = vol.patientToWorld * patient;
  worldPosition = world.xyz;
  gl_Position = frame.viewProj[VIEW] * world;
}
