#pragma once
#include <glm/vec3.hpp>

#include "medverse/render/resources.h"

namespace medverse::render {

// A mesh's vertex and index buffers on the GPU (vertex layout: assets::Vertex).
struct GpuMesh {
  Buffer vertices;
  Buffer indices;
  uint32_t indexCount = 0;
  glm::vec3 boundsCenter{0.0F};  // model space; sorts transparent meshes
};

}  // namespace medverse::render
