#pragma once
// Content hashes: BLAKE2b with a 32-byte digest (libsodium's
// crypto_generichash). Case bundles list a hash per file, and asset transfer
// names chunks by hash, so a hash identifies content without revealing it and
// a cache can be trusted after a crash. Hashes, not patient names, are what
// logs may show.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "medverse/core/result.h"

namespace medverse {

struct Hash256 {
  std::array<uint8_t, 32> bytes{};

  // 64 lowercase hex digits.
  [[nodiscard]] std::string hex() const;
  // Accepts exactly 64 hex digits, either case.
  [[nodiscard]] static Result<Hash256> fromHex(std::string_view text);

  friend bool operator==(const Hash256&, const Hash256&) = default;
  friend auto operator<=>(const Hash256&, const Hash256&) = default;
};

// One-shot hash of a byte range.
[[nodiscard]] Hash256 hashBytes(std::span<const uint8_t> data);

// Incremental hashing: update() any number of times, then finish() once.
// The digest depends only on the concatenated bytes, not on how they were split.
class Hasher {
 public:
  Hasher();
  void update(std::span<const uint8_t> data);
  // Precondition: not yet finished.
  [[nodiscard]] Hash256 finish();

 private:
  // libsodium's crypto_generichash_state (384 bytes, 64-byte aligned), kept
  // opaque so that this header does not need sodium.h.
  alignas(64) std::array<unsigned char, 384> state_{};
  bool finished_ = false;
};

// Streams the file through the hash. The error names the file and the reason
// (missing, permission denied, a directory, a read error).
[[nodiscard]] Result<Hash256> hashFile(const std::filesystem::path& path);

}  // namespace medverse

template <>
struct std::hash<medverse::Hash256> {
  size_t operator()(const medverse::Hash256& h) const noexcept {
    // The digest is uniformly distributed; its first bytes are a fine hash.
    size_t value = 0;
    for (size_t i = 0; i < sizeof(size_t); ++i) {
      value = (value << 8U) | h.bytes[i];
    }
    return value;
  }
};
