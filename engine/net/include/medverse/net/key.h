#pragma once
// The secret a connect-token issuer shares with the server (netcode.io's
// "private key"). Whoever holds it can mint tokens for any name, role and
// room, so it lives in a file only its owner can read (mode 0600) and is
// wiped from memory when a Key goes away.
//
// File format: 64 hex digits and a newline, as saveKey writes it. loadKey
// also accepts exactly 32 raw bytes (e.g. `head -c 32 /dev/urandom`).
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "medverse/core/result.h"

namespace medverse::net {

class Key {
 public:
  static constexpr size_t kBytes = 32;
  using Bytes = std::array<uint8_t, kBytes>;

  Key() = default;  // all zero: not a usable key, see generate()
  explicit Key(const Bytes& bytes) : bytes_(bytes) {}
  ~Key();
  Key(const Key&) = default;
  Key& operator=(const Key&) = default;
  Key(Key&&) = default;
  Key& operator=(Key&&) = default;

  // 32 bytes from the operating system's CSPRNG.
  [[nodiscard]] static Key generate();
  // Exactly 64 hex digits, either case.
  [[nodiscard]] static Result<Key> fromHex(std::string_view text);

  [[nodiscard]] const Bytes& bytes() const { return bytes_; }
  // 64 lowercase hex digits. This is the secret: never log it.
  [[nodiscard]] std::string hex() const;

  // Constant-time comparison.
  friend bool operator==(const Key& a, const Key& b);

 private:
  Bytes bytes_{};
};

// Writes the key as hex to a new file with mode 0600. Refuses to overwrite an
// existing file: replacing a server key silently invalidates every token
// issued with it.
[[nodiscard]] Status saveKey(const Key& key, const std::filesystem::path& path);

// Reads a key written by saveKey (or 32 raw bytes). Errors name the file and
// say what is wrong with it: missing, a directory, empty, too short, too
// long, or not hex. Warns (but loads) when group or others can read it.
[[nodiscard]] Result<Key> loadKey(const std::filesystem::path& path);

}  // namespace medverse::net
