// The body of volume.frag (single-sample targets) and volume_ms.frag
// (multisampled: the depth input attachment is read per sample).

// GPU ray marching of one volume instance, in patient space (docs/RENDERING.md).
//
// The ray runs from the camera through this fragment of the volume's back
// faces. Its interval [tNear, tFar] (t in patient mm) is the intersection of
// the volume box, the crop box, the clip planes' kept half-spaces and the
// stretch in front of the opaque scene (depth buffer, read as an input
// attachment). Samples sit on a fixed grid t_k = tNear + (k + jitter) * step,
// the jitter from interleaved gradient noise per pixel, so skipping empty
// bricks never moves a sample: skipping and plain marching give the same
// image. Compositing is front to back with opacity corrected to the step
// length, and stops early once the ray is 99% opaque.

#ifdef MULTISAMPLED
layout(input_attachment_index = 0, set = 0, binding = 1) uniform subpassInputMS sceneDepth;
#else
layout(input_attachment_index = 0, set = 0, binding = 1) uniform subpassInput sceneDepth;
#endif

layout(set = 1, binding = 1) uniform sampler3D volumeTexture;  // normalised values (R16_UNORM)
layout(set = 1, binding = 2) uniform sampler3D brickTexture;   // rg: brick min, max (normalised)
layout(set = 1, binding = 3) uniform sampler1D transferTexture;  // rgb linear, a opacity per mm
layout(set = 1, binding = 4) uniform sampler1D opacitySum;       // r: running sum of opacities

layout(push_constant) uniform Pass {
  int samples;  // MSAA samples of the depth attachment
} pass;

layout(location = 0) in vec3 worldPosition;
layout(location = 0) out vec4 outColor;

// Jimenez's interleaved gradient noise (Call of Duty: AW): well spread in
// screen space, so the step-size banding turns into fine, even grain.
float interleavedGradientNoise(vec2 pixel) {
  return fract(52.9829189 * fract(dot(pixel, vec2(0.06711056, 0.00583715))));
}

// Slab test of the ray against an axis-aligned box; narrows [t0, t1].
void clipToBox(vec3 o, vec3 d, vec3 lo, vec3 hi, inout float t0, inout float t1) {
  // A zero component would make 0 * inf = NaN for an origin on a slab face;
  // a tiny stand-in keeps the slab test exact for everything else.
  vec3 safe = mix(d, vec3(1e-20), lessThan(abs(d), vec3(1e-20)));
  vec3 inv = 1.0 / safe;
  vec3 ta = (lo - o) * inv;
  vec3 tb = (hi - o) * inv;
  vec3 tmin = min(ta, tb);
  vec3 tmax = max(ta, tb);
  t0 = max(t0, max(max(tmin.x, tmin.y), tmin.z));
  t1 = min(t1, min(min(tmax.x, tmax.y), tmax.z));
}

// Does the transfer function give any opacity to values in [nLo, nHi]?
bool occupied(float nLo, float nHi) {
  float last = vol.valueMap.z - 1.0;
  float uLo = clamp(nLo * vol.valueMap.x + vol.valueMap.y, 0.0, 1.0) * last;
  float uHi = clamp(nHi * vol.valueMap.x + vol.valueMap.y, 0.0, 1.0) * last;
  int lo = int(floor(min(uLo, uHi)));
  int hi = int(ceil(max(uLo, uHi)));
  float below = lo > 0 ? texelFetch(opacitySum, lo - 1, 0).r : 0.0;
  return texelFetch(opacitySum, hi, 0).r - below > 0.0;
}

void main() {
  // Ray in patient space: origin at the camera, direction through this fragment.
  vec3 camWorld = frame.cameraPosition[VIEW].xyz;  // this view's eye (gl_ViewIndex in stereo)
  vec3 origin = (vol.worldToPatient * vec4(camWorld, 1.0)).xyz;
  vec3 through = (vol.worldToPatient * vec4(worldPosition, 1.0)).xyz;
  vec3 dir = normalize(through - origin);

  float tNear = 0.0;
  float tFar = 1e30;
  // The volume box, in texture space (an affine map keeps the ray parameter).
  vec3 texOrigin = (vol.patientToTexture * vec4(origin, 1.0)).xyz;
  vec3 texDir = mat3(vol.patientToTexture) * dir;
  clipToBox(texOrigin, texDir, vec3(0.0), vec3(1.0), tNear, tFar);
  if (vol.cropMin.w > 0.5) {
    clipToBox(origin, dir, vol.cropMin.xyz, vol.cropMax.xyz, tNear, tFar);
  }
  int planes = int(vol.march.w);
  for (int i = 0; i < planes; ++i) {
    vec4 plane = vol.clipPlanes[i];
    float num = dot(plane.xyz, origin) + plane.w;
    float den = dot(plane.xyz, dir);
    if (abs(den) < 1e-12) {
      if (num < 0.0) {
        tFar = -1.0;
      }
    } else if (den > 0.0) {
      tNear = max(tNear, -num / den);
    } else {
      tFar = min(tFar, -num / den);
    }
  }

  // The opaque scene: nearest depth among this pixel's samples, unprojected
  // along the ray. Clip coordinates are linear along the world-space ray
  // camWorld + s * (worldPosition - camWorld), so depth(s) is a ratio of
  // linear functions and solves for s directly.
#ifdef MULTISAMPLED
  float sceneZ = 1.0;
  for (int i = 0; i < pass.samples; ++i) {
    sceneZ = min(sceneZ, subpassLoad(sceneDepth, i).r);
  }
#else
  float sceneZ = subpassLoad(sceneDepth).r;
#endif
  if (sceneZ < 1.0) {
    vec4 c0 = frame.viewProj[VIEW] * vec4(camWorld, 1.0);
    vec4 c1 = frame.viewProj[VIEW] * vec4(worldPosition, 1.0);
    float s = (sceneZ * c0.w - c0.z) / ((c1.z - c0.z) - sceneZ * (c1.w - c0.w));
    vec3 hitWorld = camWorld + s * (worldPosition - camWorld);
    vec3 hit = (vol.worldToPatient * vec4(hitWorld, 1.0)).xyz;
    tFar = min(tFar, dot(hit - origin, dir));
  }
  if (tNear >= tFar) {
    discard;
  }

  const float step = vol.march.x;
  const float stepRatio = vol.march.y;
  const int flags = int(vol.march.z);
  const bool skipping = (flags & VOLUME_SKIPPING) != 0;
  const bool earlyOut = (flags & VOLUME_EARLY_TERMINATION) != 0;
  const bool shading = (flags & VOLUME_GRADIENT_SHADING) != 0;
  const float jitter = interleavedGradientNoise(gl_FragCoord.xy);
  const vec3 brickScale = vol.dims.xyz / vol.dims.w;  // texture -> brick coordinates
  const ivec3 lastBrick = ivec3(vol.brickCount.xyz) - 1;
  const vec3 voxel = 1.0 / vol.dims.xyz;
  const float entries = vol.valueMap.z;
  // Headlight: light comes from the eye, so what faces the viewer is lit.
  const vec3 toLight = -dir;

  vec4 acc = vec4(0.0);
  ivec3 brick = ivec3(-1);
  bool brickEmpty = false;
  float k = 0.0;
  for (int iter = 0; iter < 8192; ++iter) {
    float t = tNear + (k + jitter) * step;
    if (t >= tFar) {
      break;
    }
    vec3 tex = texOrigin + t * texDir;
    if (skipping) {
      ivec3 b = clamp(ivec3(tex * brickScale), ivec3(0), lastBrick);
      if (b != brick) {
        brick = b;
        vec2 range = texelFetch(brickTexture, b, 0).rg;
        brickEmpty = !occupied(range.x, range.y);
      }
      if (brickEmpty) {
        // Jump to the first grid sample past this brick.
        vec3 lo = vec3(b) / brickScale;
        vec3 hi = min(vec3(b + 1) / brickScale, vec3(1.0));
        float t0 = -1e30;
        float t1 = 1e30;
        clipToBox(texOrigin, texDir, lo, hi, t0, t1);
        k = max(k + 1.0, ceil((t1 - tNear) / step - jitter));
        continue;
      }
    }
    float n = texture(volumeTexture, tex).r;
    float u = n * vol.valueMap.x + vol.valueMap.y;
    vec4 c = texture(transferTexture, (clamp(u, 0.0, 1.0) * (entries - 1.0) + 0.5) / entries);
    if (c.a > 0.0) {
      float alpha = 1.0 - pow(1.0 - min(c.a, 1.0), stepRatio);
      vec3 color = c.rgb;
      if (shading) {
        // Central differences in texture space, taken to patient space
        // (the gradient transforms with the transpose of the linear map).
        vec3 g = vec3(texture(volumeTexture, tex + vec3(voxel.x, 0, 0)).r -
                          texture(volumeTexture, tex - vec3(voxel.x, 0, 0)).r,
                      texture(volumeTexture, tex + vec3(0, voxel.y, 0)).r -
                          texture(volumeTexture, tex - vec3(0, voxel.y, 0)).r,
                      texture(volumeTexture, tex + vec3(0, 0, voxel.z)).r -
                          texture(volumeTexture, tex - vec3(0, 0, voxel.z)).r);
        vec3 gradient = transpose(mat3(vol.patientToTexture)) * (g * 0.5 * vol.dims.xyz);
        float strength = length(g) * 0.5;  // change per voxel, normalised units
        if (strength > 0.0) {
          vec3 normal = gradient / max(length(gradient), 1e-12);
          float ndl = abs(dot(normal, toLight));
          float lit = 0.3 + 0.7 * ndl;
          float specular = 0.25 * pow(ndl, 40.0);
          // Homogeneous material (no gradient) is shown unshaded.
          float w = smoothstep(0.0, 0.02, strength * abs(vol.valueMap.x));
          color = mix(color, color * lit + specular, w);
        }
      }
      acc.rgb += (1.0 - acc.a) * alpha * color;
      acc.a += (1.0 - acc.a) * alpha;
      if (earlyOut && acc.a >= 0.99) {
        break;
      }
    }
    k += 1.0;
  }
  if (acc.a <= 0.0) {
    discard;
  }
  outColor = acc;  // premultiplied: blended with ONE, ONE_MINUS_SRC_ALPHA
}
