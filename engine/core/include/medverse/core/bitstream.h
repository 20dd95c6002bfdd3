#pragma once
// Bit-packed serialisation for snapshots and messages.
//
// Layout: bits are packed least-significant first, into bytes in order (bit i
// of the stream is bit (i % 8) of byte i / 8). A value written with N bits
// occupies the next N stream bits, its own bit 0 first. The last byte is
// zero-padded. Least-significant-first is the usual order of game bit packers:
// packing and unpacking are a shift and a mask, independent of host endianness.
//
// The reader faces untrusted bytes from the network. It never reads outside
// its span: a read past the end, or a malformed varuint, sets a sticky error,
// returns 0, and every later read returns 0 too. Callers decode a whole
// message, then check ok()/status() once, instead of checking every field.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "medverse/core/result.h"

namespace medverse {

class BitWriter {
 public:
  BitWriter() = default;
  explicit BitWriter(size_t reserveBytes) { bytes_.reserve(reserveBytes); }

  // Writes the low `bits` bits of `value`, bits in 1..32. A value that does
  // not fit is a programming error: it asserts in debug builds and is masked
  // to its low `bits` bits in release builds.
  void writeBits(uint32_t value, int bits);
  void writeBool(bool value) { writeBits(value ? 1U : 0U, 1); }
  // The IEEE-754 bit pattern, 32 bits; NaN payloads and -0 survive.
  void writeFloat(float value);
  // LEB128: 7 value bits per group, low groups first, high bit of each 8-bit
  // group set when more follow. 1 byte for < 128, at most 10 for a uint64.
  void writeVarUint(uint64_t value);
  // Whole bytes at the current bit position (need not be aligned).
  void writeBytes(std::span<const uint8_t> data);
  // Pads with zero bits up to the next byte boundary (no-op when aligned).
  void alignToByte();

  [[nodiscard]] size_t bitsWritten() const { return bitCount_; }
  // The encoded bytes: ceil(bitsWritten() / 8) of them, last one zero-padded.
  [[nodiscard]] std::span<const uint8_t> bytes() const { return bytes_; }
  // Moves the bytes out; the writer is empty afterwards.
  [[nodiscard]] std::vector<uint8_t> release();

 private:
  std::vector<uint8_t> bytes_;
  size_t bitCount_ = 0;
};

class BitReader {
 public:
  // The reader does not own the bytes; they must outlive it.
  explicit BitReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  // Reads `bits` bits (1..32). Past the end: returns 0 and sets the error.
  [[nodiscard]] uint32_t readBits(int bits);
  [[nodiscard]] bool readBool() { return readBits(1) != 0; }
  [[nodiscard]] float readFloat();
  // Fails (error set, returns 0) on overrun, on more than 10 groups, or when
  // the 10th group carries bits beyond 64.
  [[nodiscard]] uint64_t readVarUint();
  // Fills `out` completely, or zero-fills it and sets the error.
  void readBytes(std::span<uint8_t> out);
  // Skips to the next byte boundary (the writer's padding).
  void alignToByte();

  [[nodiscard]] size_t bitsRead() const { return bitPos_; }
  [[nodiscard]] size_t bitsRemaining() const { return bytes_.size() * 8 - bitPos_; }

  [[nodiscard]] bool ok() const { return !failed_; }
  // The first error, e.g. "bit stream overrun: needed 32 bits at bit 40 but
  // only 8 remain (6-byte buffer)". Later errors do not replace it.
  [[nodiscard]] Status status() const;

 private:
  // False (and error set) if `bits` more bits are not available.
  bool require(size_t bits);
  uint32_t readBitsUnchecked(int bits);
  void fail(std::string message);

  std::span<const uint8_t> bytes_;
  size_t bitPos_ = 0;
  bool failed_ = false;
  std::string error_;
};

}  // namespace medverse
