#version 450
#extension GL_GOOGLE_include_directive : require
#include "frame.glsl"

// Metallic-roughness shading in the glTF 2.0 / Filament manner: Lambert
// diffuse plus a Cook-Torrance specular lobe (GGX distribution, height-
// correlated Smith visibility, Schlick Fresnel), a hemisphere ambient term,
// and a filmic tone curve. The target is an sRGB format, so the hardware does
// the sRGB encode on store; everything here is linear.

layout(location = 0) in vec3 worldPosition;
layout(location = 1) in vec3 worldNormal;

layout(push_constant) uniform Draw {
  mat4 model;
  vec4 baseColor;         // linear rgb, a: opacity
  vec4 roughnessMetallic; // x: perceptual roughness, y: metallic
  vec4 emissive;          // linear rgb
} draw;

layout(location = 0) out vec4 outColor;

const float PI = 3.14159265359;

float distributionGGX(float NoH, float a) {
  float a2 = a * a;
  float d = NoH * NoH * (a2 - 1.0) + 1.0;
  return a2 / (PI * d * d);
}

float visibilitySmithGGX(float NoV, float NoL, float a) {
  float a2 = a * a;
  float ggxV = NoL * sqrt(NoV * NoV * (1.0 - a2) + a2);
  float ggxL = NoV * sqrt(NoL * NoL * (1.0 - a2) + a2);
  return 0.5 / max(ggxV + ggxL, 1e-5);
}

vec3 fresnelSchlick(float VoH, vec3 f0) {
  return f0 + (1.0 - f0) * pow(1.0 - VoH, 5.0);
}

// Karis' analytic fit of the split-sum environment BRDF (UE4 mobile): the
// scale and bias applied to f0 for light reflected from the surroundings.
vec3 envBRDFApprox(vec3 f0, float roughness, float NoV) {
  const vec4 c0 = vec4(-1.0, -0.0275, -0.572, 0.022);
  const vec4 c1 = vec4(1.0, 0.0425, 1.04, -0.04);
  vec4 r = roughness * c0 + c1;
  float a004 = min(r.x * r.x, exp2(-9.28 * NoV)) * r.x + r.y;
  vec2 ab = vec2(-1.04, 1.04) * a004 + r.zw;
  return f0 * ab.x + ab.y;
}

vec3 hemisphere(vec3 dir) {
  return mix(frame.groundColor.rgb, frame.skyColor.rgb, 0.5 * dir.y + 0.5);
}

// Narkowicz's fit of the ACES filmic curve.
vec3 toneMap(vec3 x) {
  return clamp((x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14), 0.0, 1.0);
}

void main() {
  vec3 N = normalize(worldNormal);
  vec3 V = normalize(frame.cameraPosition[VIEW].xyz - worldPosition);
  if (!gl_FrontFacing) {
    N = -N;
  }
  float roughness = clamp(draw.roughnessMetallic.x, 0.045, 1.0);
  float metallic = clamp(draw.roughnessMetallic.y, 0.0, 1.0);
  float a = roughness * roughness;
  vec3 base = draw.baseColor.rgb;
  vec3 diffuseColor = base * (1.0 - metallic);
  vec3 f0 = mix(vec3(0.04), base, metallic);
  float NoV = max(dot(N, V), 1e-4);

  vec3 color = vec3(0.0);
  for (int i = 0; i < frame.lightCount.x && i < MAX_LIGHTS; ++i) {
    vec3 L;
    vec3 radiance = frame.lights[i].radiance.rgb;
    if (frame.lights[i].direction.w > 0.5) {
      vec3 toLight = frame.lights[i].direction.xyz - worldPosition;
      float d2 = max(dot(toLight, toLight), 1e-4);
      L = toLight * inversesqrt(d2);
      radiance /= d2;
    } else {
      L = -normalize(frame.lights[i].direction.xyz);
    }
    vec3 H = normalize(V + L);
    float NoL = clamp(dot(N, L), 0.0, 1.0);
    float NoH = clamp(dot(N, H), 0.0, 1.0);
    float VoH = clamp(dot(V, H), 0.0, 1.0);
    vec3 F = fresnelSchlick(VoH, f0);
    vec3 specular = distributionGGX(NoH, a) * visibilitySmithGGX(NoV, NoL, a) * F;
    vec3 diffuse = (1.0 - F) * diffuseColor / PI;
        // PI: intensity 1 head-on on a matte surface reflects the base colour.
    color += (diffuse + specular) * radiance * (PI * NoL);
  }
  // Hemisphere ambient: sky above, bounce from the floor below; diffuse by
  // the normal, specular by the reflected direction (metals need it).
  vec3 R = reflect(-V, N);
  vec3 specularAmbient = mix(hemisphere(R), hemisphere(N), roughness);
  color += hemisphere(N) * diffuseColor + specularAmbient * envBRDFApprox(f0, roughness, NoV);

  color += draw.emissive.rgb;
  color *= frame.cameraPosition[VIEW].w;
  outColor = vec4(toneMap(color), draw.baseColor.a);
}
