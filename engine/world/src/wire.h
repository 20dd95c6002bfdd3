#pragma once
// Message layouts shared by WorldServer and WorldClient (docs/PROTOCOL.md,
// "Replication"). Each message starts with a type byte; the rest is a bit
// stream whose fixed parts are described by property tables like everything
// else.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "medverse/core/bitstream.h"
#include "medverse/world/components.h"
#include "medverse/world/properties.h"

namespace medverse::world::wire {

inline constexpr uint32_t kReplicationVersion = 2;  // 2: HologramComponent::surfaces

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

// A bit writer with the same layout as BitWriter (least-significant bit
// first) that packs through a 64-bit accumulator and appends cached
// encodings a word at a time: snapshot assembly for many clients is its hot
// loop.
class WordWriter {
 public:
  void writeBits(uint32_t value, uint32_t bits) {
    acc_ |= static_cast<uint64_t>(value) << fill_;
    fill_ += bits;
    if (fill_ >= 32) {
      words_.push_back(static_cast<uint32_t>(acc_));
      acc_ >>= 32U;
      fill_ -= 32;
    }
  }
  void writeBool(bool b) { writeBits(b ? 1U : 0U, 1); }
  void writeVarUint(uint64_t value) {
    while (value >= 0x80U) {
      writeBits(static_cast<uint32_t>(value & 0x7FU) | 0x80U, 8);
      value >>= 7U;
    }
    writeBits(static_cast<uint32_t>(value), 8);
  }
  void append(const EncodedBits& bits) {
    uint32_t left = bits.bits;
    for (const uint32_t w : bits.words) {
      const uint32_t n = left >= 32 ? 32 : left;
      if (n == 0) {
        break;
      }
      writeBits(n == 32 ? w : (w & ((1U << n) - 1U)), n);
      left -= n;
    }
  }
  void append(std::span<const uint8_t> bytes, size_t bits) {
    for (size_t i = 0; i < bits / 8; ++i) {
      writeBits(bytes[i], 8);
    }
    if (bits % 8 != 0) {
      writeBits(bytes[bits / 8] & ((1U << (bits % 8)) - 1U), static_cast<uint32_t>(bits % 8));
    }
  }
  [[nodiscard]] size_t bitsWritten() const { return words_.size() * 32 + fill_; }
  [[nodiscard]] EncodedBits take() {
    EncodedBits out;
    out.bits = static_cast<uint32_t>(bitsWritten());
    out.words = std::move(words_);
    if (fill_ > 0) {
      out.words.push_back(static_cast<uint32_t>(acc_));
    }
    words_.clear();
    acc_ = 0;
    fill_ = 0;
    return out;
  }
  // The message: type byte, then the bits, zero-padded to whole bytes.
  [[nodiscard]] std::vector<uint8_t> finish(MessageType type) const {
    const size_t bytes = (bitsWritten() + 7) / 8;
    std::vector<uint8_t> out(1 + bytes);
    out[0] = static_cast<uint8_t>(type);
    if constexpr (std::endian::native == std::endian::little) {
      const size_t whole = std::min(bytes, words_.size() * 4);
      std::memcpy(out.data() + 1, words_.data(), whole);
      const auto tail = static_cast<uint32_t>(acc_);
      std::memcpy(out.data() + 1 + whole, &tail, bytes - whole);
      return out;
    }
    for (size_t i = 0; i < bytes; ++i) {
      const size_t w = i / 4;
      const uint32_t word = w < words_.size() ? words_[w] : static_cast<uint32_t>(acc_);
      out[1 + i] = static_cast<uint8_t>(word >> (8U * (i % 4)));
    }
    return out;
  }

 private:
  std::vector<uint32_t> words_;
  uint64_t acc_ = 0;
  uint32_t fill_ = 0;
};

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
