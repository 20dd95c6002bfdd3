#version 450
#extension GL_GOOGLE_include_directive : require
#define MULTISAMPLED 1
#include "frame.glsl"
#include "volume_common.glsl"
#include "volume_march.glsl"
