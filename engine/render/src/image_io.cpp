#include "medverse/render/image_io.h"

#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

#include <cstring>
#include <string>
#include <system_error>

namespace medverse::render {

Result<RgbaImage> sideBySide(const RgbaImage& left, const RgbaImage& right) {
  if (left.width != right.width || left.height != right.height || left.pixels.empty() ||
      left.pixels.size() != right.pixels.size()) {
    return makeError("side-by-side stereo needs two eyes of the same size, got " +
                     std::to_string(left.width) + "x" + std::to_string(left.height) + " and " +
                     std::to_string(right.width) + "x" + std::to_string(right.height));
  }
  RgbaImage out;
  out.width = left.width * 2;
  out.height = left.height;
  out.pixels.resize(static_cast<size_t>(out.width) * out.height * 4);
  const size_t row = static_cast<size_t>(left.width) * 4;
  for (uint32_t y = 0; y < left.height; ++y) {
    uint8_t* dst = &out.pixels[y * row * 2];
    std::memcpy(dst, &left.pixels[y * row], row);
    std::memcpy(dst + row, &right.pixels[y * row], row);
  }
  return out;
}

Status writePng(const std::filesystem::path& path, const RgbaImage& image) {
  if (image.width == 0 || image.height == 0 ||
      image.pixels.size() != static_cast<size_t>(image.width) * image.height * 4) {
    return makeError("cannot write " + path.string() + ": the image is empty or malformed");
  }
  if (path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
  }
  int ok = stbi_write_png(path.c_str(), static_cast<int>(image.width),
                          static_cast<int>(image.height), 4, image.pixels.data(),
                          static_cast<int>(image.width * 4));
  if (ok == 0) {
    return makeError("cannot write PNG " + path.string() + " (is the directory writable?)");
  }
  return {};
}

Result<RgbaImage> readPng(const std::filesystem::path& path) {
  int w = 0;
  int h = 0;
  int channels = 0;
  stbi_uc* data = stbi_load(path.c_str(), &w, &h, &channels, 4);
  if (data == nullptr) {
    return makeError("cannot read image " + path.string() + ": " + stbi_failure_reason());
  }
  RgbaImage image;
  image.width = static_cast<uint32_t>(w);
  image.height = static_cast<uint32_t>(h);
  image.pixels.assign(data, data + static_cast<size_t>(w) * h * 4);
  stbi_image_free(data);
  return image;
}

}  // namespace medverse::render
