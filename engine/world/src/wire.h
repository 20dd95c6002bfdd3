#pragma once
// Message layouts shared by WorldServer and WorldClient (docs/PROTOCOL.md,
// "Replication"). Each message starts with a type byte; the rest is a bit
// stream whose fixed parts are described by property tables like everything
// else.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "medverse/core/bitstream.h"
#include "medverse/world/components.h"
#include "medverse/world/properties.h"

namespace medverse::world::wire {

inline constexpr uint32_t kReplicationVersion = 1;

enum class MessageType : uint8_t {
  ServerHello = 0x01,  // Control, server → client, once per connection
  Rpc = 0x02,          // Control, either way, reliable RPCs
  Snapshot = 0x10,     // Snapshots, server → client
  Input = 0x20,        // Input, client → server
};

struct ServerHello {
  uint32_t version = kReplicationVersion;
  uint32_t tickHz = 60;
  uint64_t clientId = 0;
  uint64_t playerState = 0;  // net ids
  uint64_t avatar = 0;
  uint8_t role = 3;
  bool resumed = false;  // a reconnect within the grace period
  std::string caseName;
  std::string caseHash;
  static const TypeInfo& type();
};

struct SnapshotHeader {
  uint64_t sequence = 0;  // per client, from 1
  uint64_t tick = 0;      // server tick the state is from
  uint16_t lastInputSeq = 0;  // newest input of this client the server applied
  uint64_t tickMicros = 0;    // server CPU time of its last tick, for figures
  static const TypeInfo& type();
};

struct InputHeader {
  uint64_t ackSequence = 0;  // newest snapshot received, 0 = none yet
  uint16_t inputSeq = 0;
  bool hasPose = false;
  static const TypeInfo& type();
};

// The client's own avatar, as in AvatarComponent.
struct AvatarInput {
  Pose head;
  Pose leftHand;
  Pose rightHand;
  Pose pointer;
  bool pointerActive = false;
  static const TypeInfo& type();
};

inline std::vector<uint8_t> finish(MessageType type, BitWriter& body) {
  std::vector<uint8_t> out;
  out.reserve(body.bytes().size() + 1);
  out.push_back(static_cast<uint8_t>(type));
  out.insert(out.end(), body.bytes().begin(), body.bytes().end());
  return out;
}

// Cached encoding of one property: the bits, as 32-bit words in stream order.
struct EncodedBits {
  std::vector<uint32_t> words;
  uint32_t bits = 0;
  friend bool operator==(const EncodedBits&, const EncodedBits&) = default;
};

inline void encodeProperty(const PropertyDesc& prop, const void* base, BitWriter& scratch,
                           EncodedBits& out) {
  scratch = BitWriter();
  writeProperty(scratch, prop, base);
  const auto bytes = scratch.bytes();
  out.bits = static_cast<uint32_t>(scratch.bitsWritten());
  out.words.assign((bytes.size() + 3) / 4, 0U);
  for (size_t i = 0; i < bytes.size(); ++i) {
    out.words[i / 4] |= static_cast<uint32_t>(bytes[i]) << (8U * (i % 4));
  }
}

inline void appendBits(BitWriter& out, const EncodedBits& bits) {
  uint32_t left = bits.bits;
  for (const uint32_t w : bits.words) {
    const uint32_t n = left >= 32 ? 32 : left;
    if (n == 0) {
      break;
    }
    out.writeBits(n == 32 ? w : (w & ((1U << n) - 1U)), static_cast<int>(n));
    left -= n;
  }
}

inline uint32_t varUintBits(uint64_t v) {
  uint32_t bytes = 1;
  while (v >= 0x80) {
    v >>= 7U;
    ++bytes;
  }
  return bytes * 8;
}

// Newer-than for 16-bit wrapping sequence numbers.
inline bool seqNewer(uint16_t a, uint16_t b) {
  return a != b && static_cast<uint16_t>(a - b) < 0x8000U;
}

}  // namespace medverse::world::wire
