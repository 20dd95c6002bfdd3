// Per-volume-instance data of the volume and slice passes (set 1). Mirrors
// medverse::render::VolumeUniforms in engine/render/src/volume_pass.cpp.
#define MAX_CLIP_PLANES 6
#define VOLUME_SKIPPING 1
#define VOLUME_EARLY_TERMINATION 2
#define VOLUME_GRADIENT_SHADING 4
#define VOLUME_MIRRORED 8

layout(set = 1, binding = 0, std140) uniform VolumeBlock {
  mat4 worldToPatient;    // inverse of the hologram's model matrix
  mat4 patientToWorld;    // the model matrix: patient mm -> world m
  mat4 patientToTexture;  // patient mm -> [0,1]^3 texture coordinates
  mat4 textureToPatient;
  vec4 clipPlanes[MAX_CLIP_PLANES];  // keep dot(xyz, p) + w >= 0
  vec4 cropMin;       // xyz patient mm; w: 1 when the crop box is on
  vec4 cropMax;
  vec4 dims;          // xyz voxels; w: brick size in voxels
  vec4 brickCount;    // xyz bricks
  vec4 march;         // x: step (mm), y: step / 1 mm (opacity correction), z: flags, w: clip planes
  vec4 valueMap;      // x,y: texture value n -> TF coordinate u = n*x + y (u in [0,1] over
                      //      the baked range); z: TF entries; w: unused
  vec4 valueRange;    // x: value at n = 0, y: value span (n = 1 -> x + y), modality units
  vec4 slices[3];     // per axis: x position (mm), y window centre, z window width, w visible
  vec4 boundsMin;     // patient AABB of the volume (outer voxel faces)
  vec4 boundsMax;
} vol;
