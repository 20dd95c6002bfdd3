#pragma once
// Synthetic volumes and a fixed camera for the volume-pass suites: what each
// pixel should show is known from the voxel values.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <glm/gtc/matrix_transform.hpp>
#include <memory>
#include <vector>

#include "medverse/render/camera.h"
#include "medverse/render/image_io.h"
#include "medverse/render/offscreen_target.h"
#include "medverse/render/renderer.h"
#include "render_test_support.h"

namespace medverse::test {

// Patient LPS mm -> world metres for a hologram facing the viewer: patient
// left (+x) to world +x (screen right), superior (+z) to world +y (up),
// anterior (-y) to world +z (towards the camera).
inline glm::mat4 lpsToWorld(float metresPerMm = 0.001F) {
  glm::mat4 m(0.0F);
  m[0] = glm::vec4(metresPerMm, 0, 0, 0);
  m[1] = glm::vec4(0, 0, -metresPerMm, 0);
  m[2] = glm::vec4(0, metresPerMm, 0, 0);
  m[3] = glm::vec4(0, 0, 0, 1);
  return m;
}

// A cubic int16 CT-like volume of n^3 voxels, `spacing` mm apart, centred on
// the patient origin; value(p) gives HU at a patient point (mm).
struct SyntheticVolume {
  glm::uvec3 dims;
  glm::vec3 spacing;
  glm::mat4 voxelToPatient;
  std::vector<int16_t> voxels;

  [[nodiscard]] render::VolumeData data() const {
    render::VolumeData d;
    d.name = "synthetic";
    d.dims = dims;
    d.spacing = spacing;
    d.voxelToPatient = voxelToPatient;
    d.voxels = std::span<const int16_t>(voxels);
    return d;
  }
  [[nodiscard]] glm::vec3 patient(glm::uvec3 ijk) const {
    return glm::vec3(voxelToPatient * glm::vec4(glm::vec3(ijk), 1.0F));
  }
};

inline SyntheticVolume makeVolume(uint32_t n, float spacing,
                                  const std::function<float(glm::vec3)>& value) {
  SyntheticVolume v;
  v.dims = glm::uvec3(n);
  v.spacing = glm::vec3(spacing);
  const float half = 0.5F * static_cast<float>(n - 1) * spacing;
  v.voxelToPatient = glm::translate(glm::mat4(1.0F), glm::vec3(-half)) *
                     glm::scale(glm::mat4(1.0F), glm::vec3(spacing));
  v.voxels.resize(static_cast<size_t>(n) * n * n);
  for (uint32_t k = 0; k < n; ++k) {
    for (uint32_t j = 0; j < n; ++j) {
      for (uint32_t i = 0; i < n; ++i) {
        v.voxels[(static_cast<size_t>(k) * n + j) * n + i] =
            static_cast<int16_t>(std::lround(value(v.patient({i, j, k}))));
      }
    }
  }
  return v;
}

// The camera of every volume test: 0.5 m in front of the world origin (the
// hologram's centre), looking at it, 40 degrees vertical field of view.
struct VolumeCamera {
  static constexpr float kDistance = 0.5F;
  static constexpr float kFovY = 0.7F;
  uint32_t size = 192;

  [[nodiscard]] render::CameraView view() const {
    render::CameraView c;
    c.position = {0.0F, 0.0F, kDistance};
    c.view = render::lookAt(c.position, {0, 0, 0});
    c.projection = render::perspective(kFovY, 1.0F, 0.05F, 10.0F);
    return c;
  }
  // Pixel (x right, y down) of a world point.
  [[nodiscard]] glm::vec2 project(glm::vec3 world) const {
    const render::CameraView c = view();
    const glm::vec4 clip = c.projection * c.view * glm::vec4(world, 1.0F);
    const glm::vec2 ndc = glm::vec2(clip) / clip.w;
    return (ndc * 0.5F + 0.5F) * static_cast<float>(size);
  }
};

struct VolumeScene {
  std::unique_ptr<render::Context> context = makeContext();
  std::unique_ptr<render::Renderer> renderer;
  VolumeCamera camera;
  render::RenderView view;

  VolumeScene() {
    auto r = render::Renderer::create(*context);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    renderer = std::move(r.value());
    view.camera = camera.view();
    view.clearColor = {0.0F, 0.0F, 0.0F, 1.0F};
  }

  render::VolumeHandle upload(const SyntheticVolume& volume) {
    auto handle = renderer->uploadVolume(volume.data());
    REQUIRE_MESSAGE(handle.ok(), (handle.ok() ? "" : handle.error().message));
    return *handle;
  }

  render::RgbaImage draw(VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_4_BIT) {
    auto target = render::OffscreenTarget::create(*context, camera.size, camera.size, samples);
    REQUIRE(target.ok());
    Status s = renderer->render(view, (*target)->info());
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message));
    auto image = (*target)->readback();
    REQUIRE(image.ok());
    return std::move(*image);
  }
};

inline float luminance(glm::u8vec4 c) {
  return 0.2126F * c.r + 0.7152F * c.g + 0.0722F * c.b;
}

// Mean luminance over a small square around a pixel.
inline float meanLuminance(const render::RgbaImage& image, glm::vec2 centre, int radius = 2) {
  float sum = 0;
  int n = 0;
  for (int dy = -radius; dy <= radius; ++dy) {
    for (int dx = -radius; dx <= radius; ++dx) {
      sum += luminance(
          image.at(static_cast<uint32_t>(centre.x) + dx, static_cast<uint32_t>(centre.y) + dy));
      ++n;
    }
  }
  return sum / static_cast<float>(n);
}

// Writes the image next to the test's temporary files when MEDVERSE_TEST_PNG
// is set, for looking at by eye.
inline void maybeSave(const render::RgbaImage& image, const char* name) {
  if (std::getenv("MEDVERSE_TEST_PNG") != nullptr) {
    auto path = std::filesystem::temp_directory_path() / (std::string(name) + ".png");
    (void)render::writePng(path, image);
    MESSAGE("wrote " << path.string());
  }
}

}  // namespace medverse::test
