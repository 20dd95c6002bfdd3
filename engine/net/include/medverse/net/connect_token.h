#pragma once
// Connect tokens, in the manner of netcode.io.
//
// A token issuer (the `medverse-server token` command, or a web portal that
// shares the server's key) decides who may join which room, as what, until
// when. It hands the client a token in two parts:
//
//  * a public header the client can read: version, issue and expiry times, a
//    random nonce, the room; plus the two per-connection keys the client will
//    use to encrypt its packets;
//  * a private part sealed with the issuer key (XChaCha20-Poly1305, the
//    public header as associated data) holding the client id, display name,
//    role and the same two keys. Only the server can open it, and changing
//    any header byte (say, pushing the expiry out) breaks the seal.
//
// To connect, the client sends the header and the sealed part ("handshake
// blob"), never its keys. docs/PROTOCOL.md has the byte layouts.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/net/key.h"
#include "medverse/net/role.h"

namespace medverse::net {

inline constexpr size_t kMaxDisplayNameBytes = 64;  // UTF-8 bytes, not characters
inline constexpr size_t kMaxRoomBytes = 64;
// Tokens are meant to be short-lived; a year is a configuration mistake.
inline constexpr uint64_t kMaxTokenTtlSeconds = 365ULL * 24 * 3600;

using ConnectionKey = std::array<uint8_t, 32>;
using TokenNonce = std::array<uint8_t, 24>;

// What the server learns from a token it has opened: who this is and the keys
// for their connection.
struct ConnectToken {
  uint64_t clientId = 0;
  std::string displayName;
  Role role = Role::Spectator;
  std::string room;
  uint64_t issuedAtUnix = 0;
  uint64_t expiresAtUnix = 0;
  // Unique per token; the server remembers it to refuse a second concurrent
  // connection with the same token.
  TokenNonce nonce{};
  ConnectionKey clientToServerKey{};
  ConnectionKey serverToClientKey{};
};

// What the client holds: everything it may read, and the sealed part it
// cannot. Printable as a string (encodeTokenString) for files and command
// lines.
struct ClientToken {
  uint64_t issuedAtUnix = 0;
  uint64_t expiresAtUnix = 0;
  TokenNonce nonce{};
  std::string room;
  ConnectionKey clientToServerKey{};
  ConnectionKey serverToClientKey{};
  std::vector<uint8_t> sealedPrivate;  // kSealedPrivateBytes

  // The bytes the client sends in its Hello: public header + sealed part.
  [[nodiscard]] std::vector<uint8_t> handshakeBlob() const;
};

struct TokenRequest {
  uint64_t clientId = 0;
  std::string displayName;
  Role role = Role::Spectator;
  std::string room;
  uint64_t ttlSeconds = 0;
};

// Mints a token valid from nowUnix for request.ttlSeconds, with fresh random
// per-connection keys and nonce. Fails on an empty or over-long (or invalid
// UTF-8, or control-character) name or room, and on a TTL of 0 or more than
// kMaxTokenTtlSeconds.
[[nodiscard]] Result<ClientToken> issueToken(const Key& issuerKey, const TokenRequest& request,
                                             uint64_t nowUnix);

// "mvt1_" followed by the token in URL-safe base64 without padding: one word,
// safe in a shell argument, a URL or a file.
[[nodiscard]] std::string encodeTokenString(const ClientToken& token);
// The inverse; surrounding whitespace (a trailing newline from a file) is
// ignored. Errors say whether the prefix, the base64 or the layout is wrong.
[[nodiscard]] Result<ClientToken> decodeTokenString(std::string_view text);

// What `medverse-server token` does: issue for now (system clock) and encode.
[[nodiscard]] Result<std::string> issueTokenString(const Key& issuerKey, std::string_view name,
                                                   Role role, std::string_view room,
                                                   uint64_t ttlSeconds, uint64_t clientId);

// A random non-zero client id, for issuers that do not have their own.
[[nodiscard]] uint64_t randomClientId();

// Why the server refused a token.
enum class TokenRefusal : uint8_t {
  Malformed,  // truncated, trailing bytes, unknown version, bad field
  Tampered,   // the seal does not open: altered, or sealed with another key
  Expired,
  WrongRoom,
};
[[nodiscard]] std::string_view tokenRefusalName(TokenRefusal refusal);

// Server side: parses a handshake blob (bounds-checked; never reads past the
// end), opens the sealed part with the issuer key, then checks expiry against
// nowUnix and the room against `room`. The seal is checked before expiry and
// room, so every reason given is about authentic data. On failure the error
// message says what was wrong and `refusal`, when given, says which kind.
[[nodiscard]] Result<ConnectToken> openToken(std::span<const uint8_t> handshakeBlob,
                                             const Key& issuerKey, std::string_view room,
                                             uint64_t nowUnix, TokenRefusal* refusal = nullptr);

// Sizes, for parsers and docs/PROTOCOL.md.
inline constexpr size_t kTokenVersionBytes = 8;
inline constexpr size_t kTokenHeaderFixedBytes = kTokenVersionBytes + 8 + 8 + 24 + 1;  // + room
inline constexpr size_t kTokenPrivateBytes = 8 + 1 + 1 + kMaxDisplayNameBytes + 32 + 32;
inline constexpr size_t kSealedPrivateBytes = kTokenPrivateBytes + 16;  // + Poly1305 tag
inline constexpr size_t kMaxHandshakeBlobBytes =
    kTokenHeaderFixedBytes + kMaxRoomBytes + kSealedPrivateBytes;

// Checks a display name or room: 1..64 bytes of valid UTF-8 without control
// characters. `what` names the field in the error ("display name").
[[nodiscard]] Status checkTokenText(std::string_view text, std::string_view what);

}  // namespace medverse::net
