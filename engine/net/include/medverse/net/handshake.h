#pragma once
// The messages that set up a secure connection, and the key schedule
// (docs/PROTOCOL.md, "Handshake").
//
//   client                                    server
//   ENet connect, data = kProtocolId  ──────▶ checks id and channel count
//   Hello: X25519 pk_c, token blob    ──────▶ opens the token (room, expiry,
//                                             seal), refuses a token in use
//                                      ◀────── Welcome: X25519 pk_s, sealed identity
//   (derives keys, opens Welcome:
//    the server holds the issuer key)
//   Confirm (sealed)                  ──────▶ first sealed packet that opens:
//                                             the client holds the token keys
//
// Any refusal is a Reject (code, text) in clear, then an ENet disconnect
// carrying the code.
//
// Session keys mix the token's per-connection keys (which authenticate: only
// the real client and a holder of the issuer key know them) with an
// ephemeral X25519 exchange (fresh per connection, secrets dropped once the
// keys are derived). So reconnecting with the same token never reuses a key,
// and traffic recorded today stays private even if the issuer key or a token
// leaks later.
//
// Every message starts with a type byte: kind (high nibble), stream (low
// nibble, the ENet channel). Hello, Welcome and Reject are the only ones in
// clear; the rest are sealed packets (packet_crypto.h).
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/net/connect_token.h"
#include "medverse/net/disconnect_reason.h"
#include "medverse/net/packet_crypto.h"
#include "medverse/net/role.h"

namespace medverse::net {

// Sent as ENet's connect data; a server refuses any other value. Bump it when
// the wire format changes. "MVN1".
inline constexpr uint32_t kProtocolId = 0x314E564DU;

enum class MessageKind : uint8_t {
  Hello = 1,    // clear, client → server
  Welcome = 2,  // X25519 public key in clear + sealed identity, server → client
  Confirm = 3,  // sealed, client → server
  Reject = 4,   // clear, server → client
  Data = 5,     // sealed, either way
  Goodbye = 6,  // sealed, either way: why the sender is disconnecting
};

constexpr uint8_t messageType(MessageKind kind, uint8_t stream) {
  return packetType(static_cast<uint8_t>(kind), stream);
}
constexpr MessageKind messageKind(uint8_t type) {
  return static_cast<MessageKind>(packetKind(type));
}

using ExchangePublicKey = std::array<uint8_t, 32>;

// An ephemeral X25519 key pair for one handshake. The secret is wiped on
// destruction.
class ExchangeKeyPair {
 public:
  [[nodiscard]] static ExchangeKeyPair generate();
  ExchangeKeyPair(const ExchangeKeyPair&) = delete;
  ExchangeKeyPair& operator=(const ExchangeKeyPair&) = delete;
  ExchangeKeyPair(ExchangeKeyPair&&) = default;
  ExchangeKeyPair& operator=(ExchangeKeyPair&&) = default;
  ~ExchangeKeyPair();

  [[nodiscard]] const ExchangePublicKey& publicKey() const { return public_; }
  [[nodiscard]] const std::array<uint8_t, 32>& secretKey() const { return secret_; }

 private:
  ExchangeKeyPair() = default;
  ExchangePublicKey public_{};
  std::array<uint8_t, 32> secret_{};
};

enum class HandshakeSide : uint8_t { Client, Server };

struct SessionKeys {
  PacketKey clientToServer{};
  PacketKey serverToClient{};
  uint64_t connectionId = 0;
};

// With q = X25519(own secret, peer public):
//   clientToServer = BLAKE2b-256(key = token c2s key, "medverse c2s" | q | pk_c | pk_s)
//   serverToClient = BLAKE2b-256(key = token s2c key, "medverse s2c" | q | pk_c | pk_s)
//   connectionId   = first 8 bytes (LE) of BLAKE2b-128("medverse cid" | pk_c | pk_s)
// Fails when the peer's public key is a low-order point (q would be zero).
[[nodiscard]] Result<SessionKeys> deriveSessionKeys(const ConnectionKey& tokenClientToServer,
                                                    const ConnectionKey& tokenServerToClient,
                                                    const ExchangeKeyPair& own,
                                                    const ExchangePublicKey& peer,
                                                    HandshakeSide side);

struct Hello {
  ExchangePublicKey clientPublicKey{};
  std::vector<uint8_t> tokenBlob;
};
[[nodiscard]] std::vector<uint8_t> encodeHello(const ExchangePublicKey& clientPublicKey,
                                               std::span<const uint8_t> tokenBlob);
// Checks the type byte and sizes only; openToken judges the blob.
[[nodiscard]] Result<Hello> decodeHello(std::span<const uint8_t> message);

struct Welcome {
  ExchangePublicKey serverPublicKey{};
  std::vector<uint8_t> sealedIdentity;  // a sealed packet of kind Welcome
};
[[nodiscard]] std::vector<uint8_t> encodeWelcome(const ExchangePublicKey& serverPublicKey,
                                                 std::span<const uint8_t> sealedIdentity);
[[nodiscard]] Result<Welcome> decodeWelcome(std::span<const uint8_t> message);

// Who the server says the client is (the Welcome's sealed payload), so the
// client learns its name, role and room as the server will enforce them.
struct PeerIdentity {
  uint64_t clientId = 0;
  std::string displayName;
  Role role = Role::Spectator;
  std::string room;
};
[[nodiscard]] PeerIdentity identityOf(const ConnectToken& token);
[[nodiscard]] std::vector<uint8_t> encodeIdentity(const PeerIdentity& identity);
[[nodiscard]] Result<PeerIdentity> decodeIdentity(std::span<const uint8_t> payload);

// The payload of Reject and Goodbye: code (4, LE), detail length (1), detail
// (UTF-8, at most kMaxReasonDetailBytes; longer text is cut).
inline constexpr size_t kMaxReasonDetailBytes = 200;
[[nodiscard]] std::vector<uint8_t> encodeReason(const DisconnectReason& reason);
[[nodiscard]] Result<DisconnectReason> decodeReason(std::span<const uint8_t> payload);

[[nodiscard]] std::vector<uint8_t> encodeReject(const DisconnectReason& reason);
[[nodiscard]] Result<DisconnectReason> decodeReject(std::span<const uint8_t> message);

}  // namespace medverse::net
