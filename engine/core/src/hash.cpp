#include "medverse/core/hash.h"

#include <sodium.h>

#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <system_error>
#include <vector>

#include "medverse/core/log.h"

namespace medverse {
namespace {

static_assert(sizeof(crypto_generichash_state) <= 384, "Hasher::state_ too small for libsodium");
static_assert(alignof(crypto_generichash_state) <= 64, "Hasher::state_ under-aligned");
static_assert(crypto_generichash_BYTES == 32, "Hash256 is BLAKE2b-256");

// sodium_init picks the fastest implementation for this CPU; it must run
// before first use. A function-local static makes that once and thread-safe.
void ensureSodium() {
  static const bool initialised = [] {
    if (sodium_init() < 0) {
      log::get("core")->critical("libsodium failed to initialise; cannot hash");
      std::abort();
    }
    return true;
  }();
  (void)initialised;
}

crypto_generichash_state* sodiumState(std::array<unsigned char, 384>& storage) {
  return reinterpret_cast<crypto_generichash_state*>(storage.data());  // NOLINT
}

int hexDigitValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

std::string Hash256::hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4U];
    out[2 * i + 1] = kDigits[bytes[i] & 0x0FU];
  }
  return out;
}

Result<Hash256> Hash256::fromHex(std::string_view text) {
  Hash256 hash;
  if (text.size() != hash.bytes.size() * 2) {
    return makeError("not a BLAKE2b-256 hash: expected 64 hex digits, got " +
                     std::to_string(text.size()) + " characters");
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (hexDigitValue(text[i]) < 0) {
      return makeError("not a BLAKE2b-256 hash: character " + std::to_string(i) + " ('" +
                       std::string(1, text[i]) + "') is not a hex digit");
    }
  }
  for (size_t i = 0; i < hash.bytes.size(); ++i) {
    hash.bytes[i] =
        static_cast<uint8_t>((hexDigitValue(text[2 * i]) << 4) | hexDigitValue(text[2 * i + 1]));
  }
  return hash;
}

Hash256 hashBytes(std::span<const uint8_t> data) {
  ensureSodium();
  Hash256 hash;
  crypto_generichash(hash.bytes.data(), hash.bytes.size(), data.data(), data.size(), nullptr, 0);
  return hash;
}

Hasher::Hasher() {
  ensureSodium();
  crypto_generichash_init(sodiumState(state_), nullptr, 0, crypto_generichash_BYTES);
}

void Hasher::update(std::span<const uint8_t> data) {
  assert(!finished_ && "Hasher::update after finish");
  crypto_generichash_update(sodiumState(state_), data.data(), data.size());
}

Hash256 Hasher::finish() {
  assert(!finished_ && "Hasher::finish called twice");
  finished_ = true;
  Hash256 hash;
  crypto_generichash_final(sodiumState(state_), hash.bytes.data(), hash.bytes.size());
  return hash;
}

Result<Hash256> hashFile(const std::filesystem::path& path) {
  auto failure = [&path](int error) {
    return makeError("cannot hash '" + path.string() +
                     "': " + std::generic_category().message(error));
  };
  // Opening a directory succeeds on POSIX and only the read fails; say so up front.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return failure(EISDIR);
  }
  errno = 0;
  const std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "rb"),
                                                                &std::fclose);
  if (!file) {
    return failure(errno != 0 ? errno : EIO);
  }
  Hasher hasher;
  // 64 KiB reads: large enough that system calls do not dominate hashing time.
  std::vector<uint8_t> buffer(size_t{64} * 1024);
  for (;;) {
    const size_t got = std::fread(buffer.data(), 1, buffer.size(), file.get());
    if (got > 0) {
      hasher.update(std::span<const uint8_t>(buffer.data(), got));
    }
    if (got < buffer.size()) {
      if (std::ferror(file.get()) != 0) {
        return failure(errno != 0 ? errno : EIO);
      }
      break;  // end of file
    }
  }
  return hasher.finish();
}

}  // namespace medverse
