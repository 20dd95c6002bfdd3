#pragma once
// Files that tests write for themselves (damaged or synthetic images): a
// private directory per test, removed afterwards, and plain/gzip writers.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace medverse::imaging::testing {

// A fresh directory under the system temp dir; ctest may run tests in
// parallel processes, so the name is random.
class TempDir {
 public:
  TempDir() {
    std::random_device entropy;
    path_ = std::filesystem::temp_directory_path() /
            ("medverse-imaging-" + std::to_string(entropy()) + "-" + std::to_string(entropy()));
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
    return path_ / name;
  }

 private:
  std::filesystem::path path_;
};

inline void writeFile(const std::filesystem::path& path, std::span<const std::byte> bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

inline void writeGzipFile(const std::filesystem::path& path, std::span<const std::byte> bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  if (file == nullptr) {
    throw std::runtime_error("cannot write " + path.string());
  }
  const int written = gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(file);
  if (written != static_cast<int>(bytes.size())) {
    throw std::runtime_error("cannot compress into " + path.string());
  }
}

// The whole (decompressed) content of a plain or gzip file.
inline std::vector<std::byte> readAll(const std::filesystem::path& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw std::runtime_error("cannot read " + path.string());
  }
  std::vector<std::byte> content;
  std::vector<std::byte> chunk(1 << 20);
  int n = 0;
  while ((n = gzread(file, chunk.data(), static_cast<unsigned>(chunk.size()))) > 0) {
    content.insert(content.end(), chunk.begin(), chunk.begin() + n);
  }
  gzclose(file);
  if (n < 0) {
    throw std::runtime_error("cannot decompress " + path.string());
  }
  return content;
}

// The raw bytes of a file on disk (no decompression).
inline std::vector<std::byte> readRaw(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::byte> bytes(std::filesystem::file_size(path));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

}  // namespace medverse::imaging::testing
