#include "medverse/net/handshake.h"

#include <sodium.h>

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "medverse/core/bitstream.h"
#include "sodium_init.h"
#include "wire.h"

namespace medverse::net {
namespace {

constexpr uint8_t kControlStream = 0;
constexpr std::string_view kLabelC2S = "medverse c2s";
constexpr std::string_view kLabelS2C = "medverse s2c";
constexpr std::string_view kLabelCid = "medverse cid";

std::span<const uint8_t> asBytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};  // NOLINT
}

std::string asString(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};  // NOLINT
}

// BLAKE2b over label | parts..., keyed when `key` is not empty.
void blake2b(std::span<uint8_t> out, std::span<const uint8_t> key, std::string_view label,
             std::initializer_list<std::span<const uint8_t>> parts) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, key.empty() ? nullptr : key.data(), key.size(), out.size());
  crypto_generichash_update(&state, asBytes(label).data(), label.size());
  for (const auto part : parts) {
    crypto_generichash_update(&state, part.data(), part.size());
  }
  crypto_generichash_final(&state, out.data(), out.size());
  sodium_memzero(&state, sizeof(state));
}

// Reads a length-prefixed string (1-byte length) of at most `limit` bytes.
std::string readShortString(BitReader& r, size_t limit, bool& ok) {
  const uint8_t length = wire::readU8(r);
  if (!r.ok() || length > limit) {
    ok = false;
    return {};
  }
  std::vector<uint8_t> bytes(length);
  r.readBytes(bytes);
  return asString(bytes);
}

}  // namespace

static_assert(crypto_scalarmult_BYTES == 32 && crypto_scalarmult_SCALARBYTES == 32);

ExchangeKeyPair ExchangeKeyPair::generate() {
  ensureSodium();
  ExchangeKeyPair pair;
  randombytes_buf(pair.secret_.data(), pair.secret_.size());
  crypto_scalarmult_base(pair.public_.data(), pair.secret_.data());
  return pair;
}

ExchangeKeyPair::~ExchangeKeyPair() {
  sodium_memzero(secret_.data(), secret_.size());
}

Result<SessionKeys> deriveSessionKeys(const ConnectionKey& tokenClientToServer,
                                      const ConnectionKey& tokenServerToClient,
                                      const ExchangeKeyPair& own, const ExchangePublicKey& peer,
                                      HandshakeSide side) {
  ensureSodium();
  std::array<uint8_t, crypto_scalarmult_BYTES> shared{};
  if (crypto_scalarmult(shared.data(), own.secretKey().data(), peer.data()) != 0) {
    return makeError("key exchange failed: the peer sent a weak X25519 public key");
  }
  const bool client = side == HandshakeSide::Client;
  const ExchangePublicKey& clientKey = client ? own.publicKey() : peer;
  const ExchangePublicKey& serverKey = client ? peer : own.publicKey();
  SessionKeys keys;
  blake2b(keys.clientToServer, tokenClientToServer, kLabelC2S, {shared, clientKey, serverKey});
  blake2b(keys.serverToClient, tokenServerToClient, kLabelS2C, {shared, clientKey, serverKey});
  std::array<uint8_t, 16> cid{};
  blake2b(cid, {}, kLabelCid, {clientKey, serverKey});
  keys.connectionId = wire::loadU64(std::span<const uint8_t, 8>(cid.data(), 8));
  sodium_memzero(shared.data(), shared.size());
  return keys;
}

std::vector<uint8_t> encodeHello(const ExchangePublicKey& clientPublicKey,
                                 std::span<const uint8_t> tokenBlob) {
  BitWriter w(1 + clientPublicKey.size() + tokenBlob.size());
  wire::writeU8(w, messageType(MessageKind::Hello, kControlStream));
  w.writeBytes(clientPublicKey);
  w.writeBytes(tokenBlob);
  return w.release();
}

Result<Hello> decodeHello(std::span<const uint8_t> message) {
  constexpr size_t kMinBytes = 1 + std::tuple_size_v<ExchangePublicKey> + kTokenHeaderFixedBytes;
  constexpr size_t kMaxBytes = 1 + std::tuple_size_v<ExchangePublicKey> + kMaxHandshakeBlobBytes;
  if (message.empty() || message[0] != messageType(MessageKind::Hello, kControlStream)) {
    return makeError("expected a Hello message");
  }
  if (message.size() < kMinBytes || message.size() > kMaxBytes) {
    return makeError("Hello message has an impossible size (" + std::to_string(message.size()) +
                     " bytes)");
  }
  Hello hello;
  std::copy_n(message.begin() + 1, hello.clientPublicKey.size(), hello.clientPublicKey.begin());
  const auto blob = message.subspan(1 + hello.clientPublicKey.size());
  hello.tokenBlob.assign(blob.begin(), blob.end());
  return hello;
}

std::vector<uint8_t> encodeWelcome(const ExchangePublicKey& serverPublicKey,
                                   std::span<const uint8_t> sealedIdentity) {
  BitWriter w(1 + serverPublicKey.size() + sealedIdentity.size());
  wire::writeU8(w, messageType(MessageKind::Welcome, kControlStream));
  w.writeBytes(serverPublicKey);
  w.writeBytes(sealedIdentity);
  return w.release();
}

Result<Welcome> decodeWelcome(std::span<const uint8_t> message) {
  constexpr size_t kMinBytes = 1 + std::tuple_size_v<ExchangePublicKey> + kSealOverheadBytes;
  if (message.empty() || message[0] != messageType(MessageKind::Welcome, kControlStream)) {
    return makeError("expected a Welcome message");
  }
  if (message.size() < kMinBytes) {
    return makeError("Welcome message is truncated (" + std::to_string(message.size()) + " bytes)");
  }
  Welcome welcome;
  std::copy_n(message.begin() + 1, welcome.serverPublicKey.size(), welcome.serverPublicKey.begin());
  const auto sealed = message.subspan(1 + welcome.serverPublicKey.size());
  welcome.sealedIdentity.assign(sealed.begin(), sealed.end());
  return welcome;
}

PeerIdentity identityOf(const ConnectToken& token) {
  return PeerIdentity{token.clientId, token.displayName, token.role, token.room};
}

std::vector<uint8_t> encodeIdentity(const PeerIdentity& identity) {
  BitWriter w(2 + 8 + 2 * kMaxDisplayNameBytes);
  wire::writeU64(w, identity.clientId);
  wire::writeU8(w, static_cast<uint8_t>(identity.role));
  wire::writeU8(w, static_cast<uint8_t>(identity.displayName.size()));
  w.writeBytes(asBytes(identity.displayName));
  wire::writeU8(w, static_cast<uint8_t>(identity.room.size()));
  w.writeBytes(asBytes(identity.room));
  return w.release();
}

Result<PeerIdentity> decodeIdentity(std::span<const uint8_t> payload) {
  BitReader r(payload);
  PeerIdentity identity;
  identity.clientId = wire::readU64(r);
  const uint8_t role = wire::readU8(r);
  bool ok = true;
  identity.displayName = readShortString(r, kMaxDisplayNameBytes, ok);
  identity.room = readShortString(r, kMaxRoomBytes, ok);
  if (!ok || !r.ok() || r.bitsRemaining() != 0 || role >= kRoleCount) {
    return makeError("Welcome carries an invalid identity");
  }
  identity.role = static_cast<Role>(role);
  return identity;
}

std::vector<uint8_t> encodeReason(const DisconnectReason& reason) {
  // Cut on a UTF-8 boundary so the receiver gets valid text.
  size_t length = std::min(reason.detail.size(), kMaxReasonDetailBytes);
  while (length > 0 && length < reason.detail.size() &&
         (static_cast<uint8_t>(reason.detail[length]) & 0xC0U) == 0x80U) {
    --length;
  }
  BitWriter w(5 + length);
  wire::writeU32(w, static_cast<uint32_t>(reason.code));
  wire::writeU8(w, static_cast<uint8_t>(length));
  w.writeBytes(asBytes(std::string_view(reason.detail).substr(0, length)));
  return w.release();
}

Result<DisconnectReason> decodeReason(std::span<const uint8_t> payload) {
  BitReader r(payload);
  DisconnectReason reason;
  reason.code = static_cast<DisconnectCode>(wire::readU32(r));
  bool ok = true;
  reason.detail = readShortString(r, kMaxReasonDetailBytes, ok);
  if (!ok || !r.ok() || r.bitsRemaining() != 0) {
    return makeError("malformed disconnect reason");
  }
  // The text is shown to people and written to logs: keep it printable.
  for (char& c : reason.detail) {
    if (static_cast<uint8_t>(c) < 0x20 || c == 0x7F) {
      c = '?';
    }
  }
  return reason;
}

std::vector<uint8_t> encodeReject(const DisconnectReason& reason) {
  std::vector<uint8_t> message{messageType(MessageKind::Reject, kControlStream)};
  const std::vector<uint8_t> payload = encodeReason(reason);
  message.insert(message.end(), payload.begin(), payload.end());
  return message;
}

Result<DisconnectReason> decodeReject(std::span<const uint8_t> message) {
  if (message.empty() || message[0] != messageType(MessageKind::Reject, kControlStream)) {
    return makeError("expected a Reject message");
  }
  return decodeReason(message.subspan(1));
}

}  // namespace medverse::net
