#include "medverse/net/connect_token.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>

#include "medverse/core/bitstream.h"
#include "sodium_init.h"
#include "wire.h"

namespace medverse::net {
namespace {

constexpr std::array<uint8_t, kTokenVersionBytes> kTokenVersion = {'M', 'V', 'T', 'O',
                                                                   'K', 'E', 'N', '1'};
constexpr std::string_view kStringPrefix = "mvt1_";
constexpr size_t kKeyBytes = 32;

static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == std::tuple_size_v<TokenNonce>);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == Key::kBytes);
static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES ==
              kSealedPrivateBytes - kTokenPrivateBytes);

std::span<const uint8_t> asBytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};  // NOLINT
}

std::string asString(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};  // NOLINT
}

// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
// Offset of the first bad byte, or npos.
size_t firstInvalidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());  // NOLINT
  size_t i = 0;
  while (i < text.size()) {
    const uint8_t c = s[i];  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
    size_t length = 0;
    uint32_t cp = 0;
    uint32_t minimum = 0;
    if (c < 0x80) {
      length = 1;
      cp = c;
    } else if ((c & 0xE0U) == 0xC0U) {
      length = 2;
      cp = c & 0x1FU;
      minimum = 0x80;
    } else if ((c & 0xF0U) == 0xE0U) {
      length = 3;
      cp = c & 0x0FU;
      minimum = 0x800;
    } else if ((c & 0xF8U) == 0xF0U) {
      length = 4;
      cp = c & 0x07U;
      minimum = 0x10000;
    } else {
      return i;
    }
    if (i + length > text.size()) {
      return i;
    }
    for (size_t k = 1; k < length; ++k) {
      const uint8_t next = s[i + k];  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
      if ((next & 0xC0U) != 0x80U) {
        return i;
      }
      cp = (cp << 6U) | (next & 0x3FU);
    }
    if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

void writeHeader(BitWriter& w, uint64_t issuedAt, uint64_t expiresAt, const TokenNonce& nonce,
                 std::string_view room) {
  w.writeBytes(kTokenVersion);
  wire::writeU64(w, issuedAt);
  wire::writeU64(w, expiresAt);
  w.writeBytes(nonce);
  wire::writeU8(w, static_cast<uint8_t>(room.size()));
  w.writeBytes(asBytes(room));
}

struct Header {
  uint64_t issuedAt = 0;
  uint64_t expiresAt = 0;
  TokenNonce nonce{};
  std::string room;
  size_t bytes = 0;  // length of the header on the wire
};

// Reads the public header. Errors are about malformation only.
Result<Header> readHeader(BitReader& r, size_t totalBytes) {
  std::array<uint8_t, kTokenVersionBytes> version{};
  r.readBytes(version);
  if (!r.ok()) {
    return makeError("token is truncated: " + std::to_string(totalBytes) + " bytes");
  }
  if (version != kTokenVersion) {
    return makeError("not a MedVerse connect token, or an unsupported token version");
  }
  Header header;
  header.issuedAt = wire::readU64(r);
  header.expiresAt = wire::readU64(r);
  r.readBytes(header.nonce);
  const uint8_t roomBytes = wire::readU8(r);
  if (!r.ok()) {
    return makeError("token is truncated: " + std::to_string(totalBytes) + " bytes");
  }
  if (roomBytes == 0 || roomBytes > kMaxRoomBytes) {
    return makeError("token has an invalid room length (" + std::to_string(roomBytes) + ")");
  }
  std::vector<uint8_t> room(roomBytes);
  r.readBytes(room);
  if (!r.ok()) {
    return makeError("token is truncated: " + std::to_string(totalBytes) + " bytes");
  }
  header.room = asString(room);
  header.bytes = r.bitsRead() / 8;
  return header;
}

std::vector<uint8_t> encodePrivate(const ConnectToken& t) {
  BitWriter w(kTokenPrivateBytes);
  wire::writeU64(w, t.clientId);
  wire::writeU8(w, static_cast<uint8_t>(t.role));
  wire::writeU8(w, static_cast<uint8_t>(t.displayName.size()));
  // Padded to the maximum, so the sealed size does not reveal the name length.
  std::array<uint8_t, kMaxDisplayNameBytes> name{};
  std::copy(t.displayName.begin(), t.displayName.end(), name.begin());
  w.writeBytes(name);
  w.writeBytes(t.clientToServerKey);
  w.writeBytes(t.serverToClientKey);
  return w.release();
}

uint64_t systemNowUnix() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

Error refuse(TokenRefusal kind, TokenRefusal* out, std::string message) {
  if (out != nullptr) {
    *out = kind;
  }
  return makeError(std::move(message));
}

}  // namespace

Status checkTokenText(std::string_view text, std::string_view what) {
  const std::string name(what);
  if (text.empty()) {
    return makeError(name + " is empty");
  }
  if (text.size() > kMaxDisplayNameBytes) {
    return makeError(name + " is " + std::to_string(text.size()) + " bytes; at most " +
                     std::to_string(kMaxDisplayNameBytes) + " bytes of UTF-8 are allowed");
  }
  if (const size_t bad = firstInvalidUtf8(text); bad != std::string_view::npos) {
    return makeError(name + " is not valid UTF-8 (byte " + std::to_string(bad) + ")");
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<uint8_t>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      return makeError(name + " contains a control character (byte " + std::to_string(i) + ")");
    }
  }
  return Status::success();
}

static_assert(kMaxDisplayNameBytes == kMaxRoomBytes, "checkTokenText uses one limit for both");

std::vector<uint8_t> ClientToken::handshakeBlob() const {
  BitWriter w(kMaxHandshakeBlobBytes);
  writeHeader(w, issuedAtUnix, expiresAtUnix, nonce, room);
  w.writeBytes(sealedPrivate);
  return w.release();
}

Result<ClientToken> issueToken(const Key& issuerKey, const TokenRequest& request,
                               uint64_t nowUnix) {
  ensureSodium();
  if (Status s = checkTokenText(request.displayName, "display name"); !s) {
    return s.error();
  }
  if (Status s = checkTokenText(request.room, "room"); !s) {
    return s.error();
  }
  if (static_cast<uint8_t>(request.role) >= kRoleCount) {
    return makeError("invalid role");
  }
  if (request.ttlSeconds == 0 || request.ttlSeconds > kMaxTokenTtlSeconds) {
    return makeError("token lifetime must be 1 to " + std::to_string(kMaxTokenTtlSeconds) +
                     " seconds, got " + std::to_string(request.ttlSeconds));
  }

  ConnectToken identity;
  identity.clientId = request.clientId;
  identity.displayName = request.displayName;
  identity.role = request.role;
  identity.room = request.room;
  identity.issuedAtUnix = nowUnix;
  identity.expiresAtUnix = nowUnix + request.ttlSeconds;
  randombytes_buf(identity.nonce.data(), identity.nonce.size());
  crypto_aead_chacha20poly1305_ietf_keygen(identity.clientToServerKey.data());
  crypto_aead_chacha20poly1305_ietf_keygen(identity.serverToClientKey.data());

  ClientToken token;
  token.issuedAtUnix = identity.issuedAtUnix;
  token.expiresAtUnix = identity.expiresAtUnix;
  token.nonce = identity.nonce;
  token.room = identity.room;
  token.clientToServerKey = identity.clientToServerKey;
  token.serverToClientKey = identity.serverToClientKey;

  BitWriter header(kTokenHeaderFixedBytes + kMaxRoomBytes);
  writeHeader(header, token.issuedAtUnix, token.expiresAtUnix, token.nonce, token.room);
  std::vector<uint8_t> plain = encodePrivate(identity);
  token.sealedPrivate.resize(kSealedPrivateBytes);
  unsigned long long sealedBytes = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      token.sealedPrivate.data(), &sealedBytes, plain.data(), plain.size(), header.bytes().data(),
      header.bytes().size(), nullptr, token.nonce.data(), issuerKey.bytes().data());
  sodium_memzero(plain.data(), plain.size());
  sodium_memzero(identity.clientToServerKey.data(), identity.clientToServerKey.size());
  sodium_memzero(identity.serverToClientKey.data(), identity.serverToClientKey.size());
  if (sealedBytes != kSealedPrivateBytes) {
    return makeError("internal error: sealed token part has an unexpected size");
  }
  return token;
}

std::string encodeTokenString(const ClientToken& token) {
  BitWriter w(kMaxHandshakeBlobBytes + 2 * kKeyBytes);
  writeHeader(w, token.issuedAtUnix, token.expiresAtUnix, token.nonce, token.room);
  w.writeBytes(token.clientToServerKey);
  w.writeBytes(token.serverToClientKey);
  w.writeBytes(token.sealedPrivate);
  std::vector<uint8_t> raw = w.release();

  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string text(sodium_base64_ENCODED_LEN(raw.size(), variant), '\0');
  sodium_bin2base64(text.data(), text.size(), raw.data(), raw.size(), variant);
  text.resize(text.find('\0'));
  sodium_memzero(raw.data(), raw.size());
  return std::string(kStringPrefix) + text;
}

Result<ClientToken> decodeTokenString(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                           text.back() == '\t')) {
    text.remove_suffix(1);
  }
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  if (!text.starts_with(kStringPrefix)) {
    return makeError("not a MedVerse connect token: it should start with '" +
                     std::string(kStringPrefix) + "'");
  }
  text.remove_prefix(kStringPrefix.size());
  if (text.empty()) {
    return makeError("connect token is damaged: nothing after the 'mvt1_' prefix");
  }
  std::vector<uint8_t> raw(text.size());  // base64 decodes to fewer bytes
  size_t rawBytes = 0;
  const char* end = nullptr;
  if (sodium_base642bin(raw.data(), raw.size(), text.data(), text.size(), nullptr, &rawBytes, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return makeError("connect token is damaged: not valid URL-safe base64");
  }
  raw.resize(rawBytes);

  BitReader r(raw);
  auto header = readHeader(r, raw.size());
  if (!header) {
    return makeError("connect token is damaged: " + header.error().message);
  }
  ClientToken token;
  token.issuedAtUnix = header->issuedAt;
  token.expiresAtUnix = header->expiresAt;
  token.nonce = header->nonce;
  token.room = header->room;
  r.readBytes(token.clientToServerKey);
  r.readBytes(token.serverToClientKey);
  token.sealedPrivate.resize(kSealedPrivateBytes);
  r.readBytes(token.sealedPrivate);
  if (!r.ok()) {
    return makeError("connect token is damaged: truncated (" + std::to_string(raw.size()) +
                     " bytes)");
  }
  if (r.bitsRemaining() != 0) {
    return makeError("connect token is damaged: " + std::to_string(r.bitsRemaining() / 8) +
                     " unexpected trailing bytes");
  }
  sodium_memzero(raw.data(), raw.size());
  return token;
}

Result<std::string> issueTokenString(const Key& issuerKey, std::string_view name, Role role,
                                     std::string_view room, uint64_t ttlSeconds,
                                     uint64_t clientId) {
  TokenRequest request;
  request.clientId = clientId;
  request.displayName = std::string(name);
  request.role = role;
  request.room = std::string(room);
  request.ttlSeconds = ttlSeconds;
  auto token = issueToken(issuerKey, request, systemNowUnix());
  if (!token) {
    return token.error();
  }
  return encodeTokenString(*token);
}

uint64_t randomClientId() {
  ensureSodium();
  uint64_t id = 0;
  while (id == 0) {
    randombytes_buf(&id, sizeof(id));
  }
  return id;
}

std::string_view tokenRefusalName(TokenRefusal refusal) {
  switch (refusal) {
    case TokenRefusal::Malformed:
      return "malformed";
    case TokenRefusal::Tampered:
      return "tampered";
    case TokenRefusal::Expired:
      return "expired";
    case TokenRefusal::WrongRoom:
      return "wrong room";
  }
  return "unknown";
}

Result<ConnectToken> openToken(std::span<const uint8_t> handshakeBlob, const Key& issuerKey,
                               std::string_view room, uint64_t nowUnix, TokenRefusal* refusal) {
  ensureSodium();
  BitReader r(handshakeBlob);
  auto header = readHeader(r, handshakeBlob.size());
  if (!header) {
    return refuse(TokenRefusal::Malformed, refusal, header.error().message);
  }
  if (handshakeBlob.size() != header->bytes + kSealedPrivateBytes) {
    return refuse(TokenRefusal::Malformed, refusal,
                  "token is " + std::to_string(handshakeBlob.size()) + " bytes; expected " +
                      std::to_string(header->bytes + kSealedPrivateBytes) +
                      " (truncated or padded)");
  }

  std::array<uint8_t, kTokenPrivateBytes> plain{};
  unsigned long long plainBytes = 0;
  const std::span<const uint8_t> ad = handshakeBlob.first(header->bytes);
  const std::span<const uint8_t> sealed = handshakeBlob.subspan(header->bytes);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          plain.data(), &plainBytes, nullptr, sealed.data(), sealed.size(), ad.data(), ad.size(),
          header->nonce.data(), issuerKey.bytes().data()) != 0 ||
      plainBytes != plain.size()) {
    return refuse(TokenRefusal::Tampered, refusal,
                  "token failed authentication: it was altered, or sealed with a different "
                  "issuer key");
  }

  ConnectToken token;
  BitReader p(plain);
  token.clientId = wire::readU64(p);
  const uint8_t role = wire::readU8(p);
  const uint8_t nameBytes = wire::readU8(p);
  std::array<uint8_t, kMaxDisplayNameBytes> name{};
  p.readBytes(name);
  p.readBytes(token.clientToServerKey);
  p.readBytes(token.serverToClientKey);
  sodium_memzero(plain.data(), plain.size());
  // Authentic but nonsensical contents mean a broken issuer; still refuse.
  if (!p.ok() || role >= kRoleCount || nameBytes == 0 || nameBytes > kMaxDisplayNameBytes) {
    return refuse(TokenRefusal::Malformed, refusal, "token contents are invalid (role or name)");
  }
  token.role = static_cast<Role>(role);
  token.displayName = asString(std::span<const uint8_t>(name).first(nameBytes));
  token.room = header->room;
  token.issuedAtUnix = header->issuedAt;
  token.expiresAtUnix = header->expiresAt;
  token.nonce = header->nonce;
  if (Status s = checkTokenText(token.displayName, "display name"); !s) {
    return refuse(TokenRefusal::Malformed, refusal, "token " + s.error().message);
  }
  if (Status s = checkTokenText(token.room, "room"); !s) {
    return refuse(TokenRefusal::Malformed, refusal, "token " + s.error().message);
  }

  if (nowUnix >= token.expiresAtUnix) {
    return refuse(TokenRefusal::Expired, refusal,
                  "token expired " + std::to_string(nowUnix - token.expiresAtUnix) +
                      " s ago (client " + std::to_string(token.clientId) +
                      "); ask the issuer for a new one");
  }
  if (token.room != room) {
    return refuse(TokenRefusal::WrongRoom, refusal,
                  "token is for room '" + token.room + "' but this server hosts room '" +
                      std::string(room) + "'");
  }
  return token;
}

}  // namespace medverse::net
