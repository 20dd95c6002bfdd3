#pragma once
// Little-endian fixed-width fields on top of core's BitWriter/BitReader.
//
// The bit streams pack least-significant bit first, so a 32-bit field written
// with writeBits() lands as four little-endian bytes; two of them make a
// little-endian uint64. Parsing goes through BitReader, so a truncated message
// sets its sticky error instead of reading past the end of the buffer.
#include <cstdint>
#include <span>

#include "medverse/core/bitstream.h"

namespace medverse::net::wire {

inline void writeU8(BitWriter& w, uint8_t value) {
  w.writeBits(value, 8);
}
inline void writeU32(BitWriter& w, uint32_t value) {
  w.writeBits(value, 32);
}
inline void writeU64(BitWriter& w, uint64_t value) {
  w.writeBits(static_cast<uint32_t>(value & 0xFFFFFFFFU), 32);
  w.writeBits(static_cast<uint32_t>(value >> 32U), 32);
}

inline uint8_t readU8(BitReader& r) {
  return static_cast<uint8_t>(r.readBits(8));
}
inline uint32_t readU32(BitReader& r) {
  return r.readBits(32);
}
inline uint64_t readU64(BitReader& r) {
  const uint64_t low = r.readBits(32);
  const uint64_t high = r.readBits(32);
  return low | (high << 32U);
}

// For fixed-layout buffers built without a writer (nonces, associated data).
inline void storeU64(std::span<uint8_t, 8> out, uint64_t value) {
  for (size_t i = 0; i < 8; ++i) {
    out[i] = static_cast<uint8_t>(value >> (8U * i));
  }
}
inline uint64_t loadU64(std::span<const uint8_t, 8> in) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) {
    value |= static_cast<uint64_t>(in[i]) << (8U * i);
  }
  return value;
}

}  // namespace medverse::net::wire
