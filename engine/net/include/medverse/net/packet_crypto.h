#pragma once
// Per-packet AEAD for an established connection (docs/PROTOCOL.md, "Sealed
// packets").
//
// A sealed packet is
//
//   type (1) | sequence (8, little-endian) | ciphertext | Poly1305 tag (16)
//
// encrypted with ChaCha20-Poly1305-IETF under a key for one direction. The
// type byte carries the message kind (high nibble) and the stream (low
// nibble, the ENet channel). Each stream has its own sequence counter: the
// nonce is stream (1) | 0 (3) | sequence (8), so no nonce repeats under a
// key as long as no counter does, and the sealer refuses to wrap one. The
// associated data binds the connection id, the type byte and the sequence,
// so a packet cannot be moved to another connection, channel or kind.
//
// The opener checks the replay window of the stream before decrypting (cheap
// refusal of duplicates and stale packets) and records the sequence only
// after the tag verifies. One window per stream, because ENet delivers each
// channel in order but channels independently: a resent reliable message
// must not look stale next to a stream of snapshots.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/net/replay_window.h"

namespace medverse::net {

inline constexpr size_t kSealedHeaderBytes = 1 + 8;
inline constexpr size_t kSealTagBytes = 16;
inline constexpr size_t kSealOverheadBytes = kSealedHeaderBytes + kSealTagBytes;
inline constexpr size_t kStreamCount = 16;

using PacketKey = std::array<uint8_t, 32>;

// The type byte: kind in the high nibble, stream in the low one.
constexpr uint8_t packetType(uint8_t kind, uint8_t stream) {
  return static_cast<uint8_t>(((kind & 0x0FU) << 4U) | (stream & 0x0FU));
}
constexpr uint8_t packetKind(uint8_t type) {
  return static_cast<uint8_t>(type >> 4U);
}
constexpr uint8_t packetStream(uint8_t type) {
  return static_cast<uint8_t>(type & 0x0FU);
}

// Why a packet was not accepted. Callers count these per connection.
enum class PacketDrop : uint8_t {
  Malformed,  // shorter than header + tag
  Forged,     // tag did not verify: altered, wrong key or wrong connection
  Replayed,   // sequence already seen, or older than the window
};

struct OpenedPacket {
  uint8_t type = 0;
  uint64_t sequence = 0;
  std::vector<uint8_t> plaintext;
};

// The sending half of one direction.
class PacketSealer {
 public:
  PacketSealer(const PacketKey& key, uint64_t connectionId);
  ~PacketSealer();
  PacketSealer(const PacketSealer&) = delete;
  PacketSealer& operator=(const PacketSealer&) = delete;
  PacketSealer(PacketSealer&&) = default;
  PacketSealer& operator=(PacketSealer&&) = default;

  // Seals the next packet of the type's stream. Fails only when that stream's
  // 64-bit counter is exhausted (a new connection is needed).
  [[nodiscard]] Result<std::vector<uint8_t>> seal(uint8_t type, std::span<const uint8_t> plaintext);
  [[nodiscard]] uint64_t nextSequence(uint8_t stream) const;

 private:
  PacketKey key_;
  uint64_t connectionId_;
  std::array<uint64_t, kStreamCount> next_{};
};

// The receiving half of one direction.
class PacketOpener {
 public:
  PacketOpener(const PacketKey& key, uint64_t connectionId);
  ~PacketOpener();
  PacketOpener(const PacketOpener&) = delete;
  PacketOpener& operator=(const PacketOpener&) = delete;
  PacketOpener(PacketOpener&&) = default;
  PacketOpener& operator=(PacketOpener&&) = default;

  // Authenticates, decrypts and records a packet. On failure `drop`, when
  // given, says why; the window is unchanged.
  [[nodiscard]] Result<OpenedPacket> open(std::span<const uint8_t> packet,
                                          PacketDrop* drop = nullptr);

 private:
  PacketKey key_;
  uint64_t connectionId_;
  std::array<ReplayWindow, kStreamCount> windows_{};
};

}  // namespace medverse::net
