#include "medverse/net/key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

#include "medverse/core/log.h"
#include "sodium_init.h"

namespace medverse::net {
namespace {

// Anything bigger is certainly not a key; do not read a whole disk image.
constexpr size_t kMaxKeyFileBytes = 4096;

bool isHexDigit(uint8_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool isSpace(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string quoted(const std::filesystem::path& path) {
  return "'" + path.string() + "'";
}

}  // namespace

Key::~Key() {
  sodium_memzero(bytes_.data(), bytes_.size());
}

Key Key::generate() {
  ensureSodium();
  Key key;
  randombytes_buf(key.bytes_.data(), key.bytes_.size());
  return key;
}

Result<Key> Key::fromHex(std::string_view text) {
  if (text.size() != kBytes * 2) {
    return makeError("a key is 64 hex digits, got " + std::to_string(text.size()) + " characters");
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (!isHexDigit(static_cast<uint8_t>(text[i]))) {
      return makeError("a key is 64 hex digits, but character " + std::to_string(i) +
                       " is not a hex digit");
    }
  }
  Key key;
  size_t written = 0;
  if (sodium_hex2bin(key.bytes_.data(), key.bytes_.size(), text.data(), text.size(), nullptr,
                     &written, nullptr) != 0 ||
      written != kBytes) {
    return makeError("a key is 64 hex digits; could not decode it");
  }
  return key;
}

std::string Key::hex() const {
  std::array<char, kBytes * 2 + 1> text{};
  sodium_bin2hex(text.data(), text.size(), bytes_.data(), bytes_.size());
  std::string out(text.data(), kBytes * 2);
  sodium_memzero(text.data(), text.size());
  return out;
}

bool operator==(const Key& a, const Key& b) {
  return sodium_memcmp(a.bytes_.data(), b.bytes_.data(), Key::kBytes) == 0;
}

Status saveKey(const Key& key, const std::filesystem::path& path) {
  // O_EXCL: never replace a key; 0600 at creation, so there is no window in
  // which another user could open the file. fchmod undoes a restrictive umask
  // only in the direction of exactly 0600.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0) {
    const int err = errno;
    if (err == EEXIST) {
      return makeError("refusing to overwrite existing key file " + quoted(path) +
                       "; move it away first (tokens issued with it stop working)");
    }
    return makeError("cannot create key file " + quoted(path) + ": " +
                     std::error_code(err, std::generic_category()).message());
  }
  std::string text = key.hex() + "\n";
  bool ok = ::fchmod(fd, S_IRUSR | S_IWUSR) == 0;
  size_t done = 0;
  while (ok && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    ok = n > 0;
    done += ok ? static_cast<size_t>(n) : 0;
  }
  const int err = errno;
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  sodium_memzero(text.data(), text.size());
  if (!ok) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    return makeError("cannot write key file " + quoted(path) + ": " +
                     std::error_code(err, std::generic_category()).message());
  }
  return Status::success();
}

Result<Key> loadKey(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    return makeError("key file " + quoted(path) +
                     " does not exist; create one with `medverse-server keygen`");
  }
  if (std::filesystem::is_directory(status)) {
    return makeError("key file " + quoted(path) + " is a directory, not a key");
  }
  using std::filesystem::perms;
  if ((status.permissions() & (perms::group_all | perms::others_all)) != perms::none) {
    log::get("net")->warn("key file {} is readable by other users; run chmod 600 on it",
                          quoted(path));
  }

  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return makeError("cannot open key file " + quoted(path) + ": " +
                     std::error_code(errno, std::generic_category()).message());
  }
  std::vector<uint8_t> content(kMaxKeyFileBytes + 1);
  in.read(reinterpret_cast<char*>(
              content.data()),  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
          static_cast<std::streamsize>(content.size()));
  content.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) {
    return makeError("cannot read key file " + quoted(path));
  }

  // 32 bytes that are not all hex digits and spaces: a raw key. (32 bytes of
  // hex text is a truncated hex key, reported as too short below; a random
  // raw key looks like text with probability about 2^-110.)
  bool looksLikeText = true;
  for (const uint8_t c : content) {
    looksLikeText = looksLikeText && (isHexDigit(c) || isSpace(c));
  }
  if (content.size() == Key::kBytes && !looksLikeText) {
    Key::Bytes bytes{};
    std::copy(content.begin(), content.end(), bytes.begin());
    sodium_memzero(content.data(), content.size());
    return Key(bytes);
  }

  size_t end = content.size();
  while (end > 0 && isSpace(content[end - 1])) {
    --end;
  }
  size_t begin = 0;
  while (begin < end && isSpace(content[begin])) {
    ++begin;
  }
  const size_t digits = end - begin;
  const std::string expected = "; expected 64 hex digits (or 32 raw bytes)";
  if (digits == 0) {
    return makeError("key file " + quoted(path) + " is empty" + expected);
  }
  for (size_t i = begin; i < end; ++i) {
    if (!isHexDigit(content[i])) {
      return makeError("key file " + quoted(path) + " is not a key: byte " + std::to_string(i) +
                       " is not a hex digit" + expected);
    }
  }
  if (digits < Key::kBytes * 2) {
    return makeError("key file " + quoted(path) + " is too short: " + std::to_string(digits) +
                     " hex digits" + expected);
  }
  if (digits > Key::kBytes * 2) {
    return makeError("key file " + quoted(path) + " is too long: " + std::to_string(digits) +
                     " hex digits" + expected);
  }
  auto key = Key::fromHex(
      std::string_view(reinterpret_cast<const char*>(content.data() + begin),  // NOLINT
                       digits));
  sodium_memzero(content.data(), content.size());
  if (!key) {
    return makeError("key file " + quoted(path) + ": " + key.error().message);
  }
  return key;
}

}  // namespace medverse::net
