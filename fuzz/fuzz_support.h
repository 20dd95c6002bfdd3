#pragma once
// Helpers shared by the libFuzzer targets in fuzz/ (see fuzz/README.md).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace medverse::fuzz {

// One private directory per fuzzer process, emptied for every input. Under
// /dev/shm when there is one, so that an input costs no disk I/O.
class ScratchDir {
 public:
  ScratchDir() {
    std::filesystem::path base = std::filesystem::exists("/dev/shm")
                                     ? std::filesystem::path("/dev/shm")
                                     : std::filesystem::temp_directory_path();
    path_ = base / ("medverse-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  // Empties the directory and returns it.
  const std::filesystem::path& fresh() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
    std::filesystem::create_directories(path_);
    return path_;
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void writeFile(const std::filesystem::path& path, std::span<const uint8_t> bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::abort();  // the harness itself failed, not the code under test
  }
}

inline std::vector<uint8_t> readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Inputs that stand for several files are the files' bytes joined by this
// separator (fuzz_seeds writes seeds that way; libFuzzer's mutations keep or
// break it like any other bytes).
inline constexpr std::string_view kFileSeparator = "\n--MVFUZZ-FILE--\n";

inline std::vector<std::span<const uint8_t>> splitFiles(std::span<const uint8_t> input,
                                                        size_t maxFiles) {
  std::vector<std::span<const uint8_t>> files;
  const std::string_view all(reinterpret_cast<const char*>(input.data()), input.size());
  size_t start = 0;
  while (files.size() + 1 < maxFiles) {
    const size_t at = all.find(kFileSeparator, start);
    if (at == std::string_view::npos) {
      break;
    }
    files.push_back(input.subspan(start, at - start));
    start = at + kFileSeparator.size();
  }
  files.push_back(input.subspan(start));
  return files;
}

inline std::vector<uint8_t> joinFiles(const std::vector<std::vector<uint8_t>>& files) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i < files.size(); ++i) {
    if (i > 0) {
      out.insert(out.end(), kFileSeparator.begin(), kFileSeparator.end());
    }
    out.insert(out.end(), files[i].begin(), files[i].end());
  }
  return out;
}

// The check a harness makes on the code's answer: a broken invariant is a
// crash the fuzzer keeps.
#define MEDVERSE_FUZZ_CHECK(cond) \
  do {                            \
    if (!(cond)) {                \
      std::abort();               \
    }                             \
  } while (false)

}  // namespace medverse::fuzz
