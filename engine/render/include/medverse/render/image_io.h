#pragma once
// 8-bit RGBA images on the CPU: what a screenshot is, and what tests inspect.
#include <cstdint>
#include <filesystem>
#include <vector>

#include <glm/vec4.hpp>

#include "medverse/core/result.h"

namespace medverse::render {

struct RgbaImage {
  uint32_t width = 0;
  uint32_t height = 0;
  std::vector<uint8_t> pixels;  // row-major, top row first, 4 bytes per pixel (sRGB encoded)

  [[nodiscard]] glm::u8vec4 at(uint32_t x, uint32_t y) const {
    const uint8_t* p = &pixels[(static_cast<size_t>(y) * width + x) * 4];
    return {p[0], p[1], p[2], p[3]};
  }
};

// The two eyes of a stereo frame next to each other (left eye on the left),
// as in a side-by-side stereo photo; the eyes must have the same size.
Result<RgbaImage> sideBySide(const RgbaImage& left, const RgbaImage& right);

Status writePng(const std::filesystem::path& path, const RgbaImage& image);
Result<RgbaImage> readPng(const std::filesystem::path& path);

}  // namespace medverse::render
