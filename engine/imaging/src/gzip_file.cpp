#include "gzip_file.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <array>
#include <limits>
#include <system_error>

namespace medverse::imaging {
namespace {

// Deflate's largest expansion: a 258-byte match coded in as little as 2 bits.
constexpr std::uint64_t kMaxDeflateRatio = 1032;
// gzread takes an unsigned int; stay well inside it.
constexpr std::size_t kMaxReadChunk = std::size_t{1} << 30;
// Bigger than zlib's 8 KiB default: far fewer syscalls for 10-100 MB volumes.
constexpr unsigned kGzBufferSize = 256U * 1024U;

}  // namespace

Result<GzipFile> GzipFile::open(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return makeError(fmt::format("{}: no such file", path.string()));
  }
  if (!std::filesystem::is_regular_file(status)) {
    return makeError(fmt::format("{}: not a regular file", path.string()));
  }
  const std::uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    return makeError(fmt::format("{}: cannot read its size: {}", path.string(), ec.message()));
  }
  gzFile handle = gzopen(path.c_str(), "rb");
  if (handle == nullptr) {
    return makeError(fmt::format("{}: cannot open for reading", path.string()));
  }
  gzbuffer(handle, kGzBufferSize);
  return GzipFile(handle, path, size);
}

GzipFile::GzipFile(GzipFile&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)),
      path_(std::move(other.path_)),
      fileSize_(other.fileSize_) {}

GzipFile& GzipFile::operator=(GzipFile&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) {
      gzclose(handle_);
    }
    handle_ = std::exchange(other.handle_, nullptr);
    path_ = std::move(other.path_);
    fileSize_ = other.fileSize_;
  }
  return *this;
}

GzipFile::~GzipFile() {
  if (handle_ != nullptr) {
    gzclose(handle_);
  }
}

Result<std::size_t> GzipFile::read(std::span<std::byte> out) {
  std::size_t total = 0;
  while (total < out.size()) {
    const std::size_t chunk = std::min(out.size() - total, kMaxReadChunk);
    const int n = gzread(handle_, out.data() + total, static_cast<unsigned>(chunk));
    if (n < 0) {
      return corruptStream();
    }
    if (n == 0) {
      break;
    }
    total += static_cast<std::size_t>(n);
  }
  if (total < out.size()) {
    // A stream cut short is reported as a short read (the caller knows what
    // it expected); any other zlib error means the data itself is damaged.
    int code = Z_OK;
    gzerror(handle_, &code);
    if (code != Z_OK && code != Z_BUF_ERROR && code != Z_STREAM_END) {
      return corruptStream();
    }
  }
  return total;
}

Error GzipFile::corruptStream() const {
  int code = Z_OK;
  const char* message = gzerror(handle_, &code);
  std::string detail = message != nullptr ? message : "unknown zlib error";
  // zlib prefixes its messages with the path given to gzopen; ours leads already.
  const std::string prefix = path_.string() + ": ";
  if (detail.rfind(prefix, 0) == 0) {
    detail.erase(0, prefix.size());
  }
  return makeError(fmt::format("{}: corrupt gzip stream ({})", path_.string(), detail));
}

Result<std::uint64_t> GzipFile::skip(std::uint64_t count) {
  std::array<std::byte, std::size_t{64} * 1024> scratch{};
  std::uint64_t skipped = 0;
  while (skipped < count) {
    const auto want =
        static_cast<std::size_t>(std::min<std::uint64_t>(count - skipped, scratch.size()));
    auto got = read(std::span(scratch.data(), want));
    if (!got) {
      return got.error();
    }
    skipped += *got;
    if (*got < want) {
      break;
    }
  }
  return skipped;
}

bool GzipFile::compressed() const {
  return gzdirect(handle_) == 0;
}

std::uint64_t GzipFile::maxContentSize() const {
  if (!compressed()) {
    return fileSize_;
  }
  if (fileSize_ > std::numeric_limits<std::uint64_t>::max() / kMaxDeflateRatio) {
    return std::numeric_limits<std::uint64_t>::max();
  }
  return fileSize_ * kMaxDeflateRatio;
}

}  // namespace medverse::imaging
