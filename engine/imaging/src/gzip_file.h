#pragma once
// Sequential reading of a file that may or may not be gzip-compressed (zlib's
// gz* API reads plain files transparently), with the limits a reader needs to
// refuse a corrupt header's size before allocating for it.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <utility>

#include "medverse/core/result.h"

namespace medverse::imaging {

class GzipFile {
 public:
  // Error messages name the file; callers pass them on unchanged.
  [[nodiscard]] static Result<GzipFile> open(const std::filesystem::path& path);

  GzipFile(GzipFile&& other) noexcept;
  GzipFile& operator=(GzipFile&& other) noexcept;
  GzipFile(const GzipFile&) = delete;
  GzipFile& operator=(const GzipFile&) = delete;
  ~GzipFile();

  // Fills `out` completely, or returns how many bytes were there before the
  // end of the (decompressed) stream. A damaged compressed stream is an Error.
  [[nodiscard]] Result<std::size_t> read(std::span<std::byte> out);
  // Reads and discards `count` bytes; returns how many there were.
  [[nodiscard]] Result<std::uint64_t> skip(std::uint64_t count);

  // Whether the content is gzip-compressed (known after the first read).
  [[nodiscard]] bool compressed() const;
  // Size of the file on disk.
  [[nodiscard]] std::uint64_t fileSize() const { return fileSize_; }
  // An upper bound of the bytes the stream can yield: the file size for a
  // plain file, and for a compressed one the file size times deflate's
  // largest possible expansion (1032:1, RFC 1951's 258-byte matches coded in
  // 2 bits). Anything a header promises beyond this cannot be there.
  [[nodiscard]] std::uint64_t maxContentSize() const;

 private:
  GzipFile(gzFile handle, std::filesystem::path path, std::uint64_t fileSize)
      : handle_(handle), path_(std::move(path)), fileSize_(fileSize) {}

  [[nodiscard]] Error corruptStream() const;

  gzFile handle_ = nullptr;
  std::filesystem::path path_;
  std::uint64_t fileSize_ = 0;
};

}  // namespace medverse::imaging
