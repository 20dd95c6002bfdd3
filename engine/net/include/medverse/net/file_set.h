#pragma once
// A content-addressed set of files: what case distribution moves from the
// server to a client (docs/PROTOCOL.md, "Case distribution"). Each file is
// named by a relative path and identified by its BLAKE2b-256 hash; it is cut
// into fixed-size chunks, each with its own hash, so that a damaged chunk is
// caught (and asked for again) the moment it arrives rather than after the
// whole file. The set itself is identified by the hash of its listing, so two
// servers offering the same case offer the same set id and a client's cache
// serves both.
//
// The net layer knows nothing of case bundles: a case is simply the set of
// files in its directory (manifest.json and blobs).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "medverse/core/hash.h"
#include "medverse/core/result.h"

namespace medverse::net {

// Chunk size: big enough that per-chunk overhead (request, header, hash) is
// under 0.2 %, small enough that one chunk is a few milliseconds of a
// hospital uplink and a resend after damage is cheap.
inline constexpr uint32_t kAssetChunkBytes = 64U * 1024U;
// Limits a client enforces on an offer, so that a listing cannot make it
// allocate or write without bound.
inline constexpr uint32_t kMaxFileSetFiles = 4096;
inline constexpr uint64_t kMaxFileSetFileBytes = 1ULL << 36;  // 64 GiB
inline constexpr size_t kMaxFileSetPathBytes = 255;

struct FileSetEntry {
  std::string path;  // relative, '/'-separated, see checkFileSetPath
  uint64_t size = 0;
  Hash256 hash;                      // of the whole file
  std::vector<Hash256> chunkHashes;  // one per kAssetChunkBytes (last one shorter)

  [[nodiscard]] uint32_t chunkCount() const { return static_cast<uint32_t>(chunkHashes.size()); }
  // Bytes in chunk `index` (kAssetChunkBytes except for the last).
  [[nodiscard]] uint32_t chunkSize(uint32_t index) const;
};

struct FileSet {
  std::vector<FileSetEntry> files;  // sorted by path

  // BLAKE2b-256 of the listing (path, size and hash of every file, in
  // order); chunk hashes follow from the files, so they are not included.
  [[nodiscard]] Hash256 id() const;
  [[nodiscard]] uint64_t totalBytes() const;
};

// Number of chunks a file of `size` bytes has (an empty file has none).
[[nodiscard]] uint32_t chunkCountFor(uint64_t size);

// Hashes every regular file under `directory` (recursively; symbolic links
// and other special files are refused, so a set is exactly what is on disk).
// Errors name the file.
[[nodiscard]] Result<FileSet> scanFileSet(const std::filesystem::path& directory);

// A path a client may create under its own directory: 1..255 bytes,
// '/'-separated, no empty, "." or ".." component, no leading '/', no
// backslash or control character. Everything else is refused, so an offer
// cannot write outside the client's cache.
[[nodiscard]] Status checkFileSetPath(std::string_view path);

}  // namespace medverse::net
