#include "medverse/core/bitstream.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>
#include <string>
#include <utility>

namespace medverse {
namespace {

constexpr int kVarUintMaxGroups = 10;  // ceil(64 / 7)

constexpr uint32_t lowMask(int bits) {
  return bits >= 32 ? 0xFFFFFFFFU : (uint32_t{1} << static_cast<unsigned>(bits)) - 1U;
}

}  // namespace

void BitWriter::writeBits(uint32_t value, int bits) {
  assert(bits >= 1 && bits <= 32 && "BitWriter::writeBits: bits must be 1..32");
  assert((bits == 32 || (value >> static_cast<unsigned>(bits)) == 0) &&
         "BitWriter::writeBits: value does not fit in the given bit count");
  bits = std::clamp(bits, 1, 32);
  uint64_t pending = value & lowMask(bits);

  bytes_.resize((bitCount_ + static_cast<size_t>(bits) + 7) / 8, 0);
  size_t pos = bitCount_;
  int remaining = bits;
  while (remaining > 0) {
    const int offset = static_cast<int>(pos % 8);
    const int take = std::min(8 - offset, remaining);
    const auto chunk = static_cast<uint8_t>((pending & lowMask(take)) << offset);
    bytes_[pos / 8] = static_cast<uint8_t>(bytes_[pos / 8] | chunk);
    pending >>= static_cast<unsigned>(take);
    pos += static_cast<size_t>(take);
    remaining -= take;
  }
  bitCount_ += static_cast<size_t>(bits);
}

void BitWriter::writeFloat(float value) {
  writeBits(std::bit_cast<uint32_t>(value), 32);
}

void BitWriter::writeVarUint(uint64_t value) {
  while (value >= 0x80U) {
    writeBits(static_cast<uint32_t>(value & 0x7FU) | 0x80U, 8);
    value >>= 7U;
  }
  writeBits(static_cast<uint32_t>(value), 8);
}

void BitWriter::writeBytes(std::span<const uint8_t> data) {
  if (bitCount_ % 8 == 0) {
    bytes_.insert(bytes_.end(), data.begin(), data.end());
    bitCount_ += data.size() * 8;
    return;
  }
  for (const uint8_t byte : data) {
    writeBits(byte, 8);
  }
}

void BitWriter::alignToByte() {
  // Padding bits are already zero in the buffer; only the count moves.
  bitCount_ = bytes_.size() * 8;
}

std::vector<uint8_t> BitWriter::release() {
  std::vector<uint8_t> out = std::move(bytes_);
  bytes_.clear();
  bitCount_ = 0;
  return out;
}

void BitReader::fail(std::string message) {
  if (!failed_) {
    failed_ = true;
    error_ = std::move(message);
  }
}

bool BitReader::require(size_t bits) {
  if (failed_) {
    return false;
  }
  if (bits > bitsRemaining()) {
    fail("bit stream overrun: needed " + std::to_string(bits) + " bits at bit " +
         std::to_string(bitPos_) + " but only " + std::to_string(bitsRemaining()) + " remain (" +
         std::to_string(bytes_.size()) + "-byte buffer)");
    return false;
  }
  return true;
}

uint32_t BitReader::readBitsUnchecked(int bits) {
  uint64_t value = 0;
  int filled = 0;
  while (filled < bits) {
    const int offset = static_cast<int>(bitPos_ % 8);
    const int take = std::min(8 - offset, bits - filled);
    const uint64_t chunk = (static_cast<uint64_t>(bytes_[bitPos_ / 8]) >> offset) & lowMask(take);
    value |= chunk << static_cast<unsigned>(filled);
    bitPos_ += static_cast<size_t>(take);
    filled += take;
  }
  return static_cast<uint32_t>(value);
}

uint32_t BitReader::readBits(int bits) {
  assert(bits >= 1 && bits <= 32 && "BitReader::readBits: bits must be 1..32");
  if (bits < 1 || bits > 32) {
    fail("bit stream misuse: asked to read " + std::to_string(bits) + " bits (allowed 1..32)");
    return 0;
  }
  if (!require(static_cast<size_t>(bits))) {
    return 0;
  }
  return readBitsUnchecked(bits);
}

float BitReader::readFloat() {
  return std::bit_cast<float>(readBits(32));
}

uint64_t BitReader::readVarUint() {
  const size_t start = bitPos_;
  uint64_t value = 0;
  for (int group = 0; group < kVarUintMaxGroups; ++group) {
    const uint32_t byte = readBits(8);
    if (!ok()) {
      return 0;
    }
    const uint64_t payload = byte & 0x7FU;
    const auto shift = static_cast<unsigned>(7 * group);
    // The 10th group holds only bit 63; anything above would be lost.
    if (group == kVarUintMaxGroups - 1 && (payload > 1U || (byte & 0x80U) != 0)) {
      break;
    }
    value |= payload << shift;
    if ((byte & 0x80U) == 0) {
      return value;
    }
  }
  fail("malformed varuint at bit " + std::to_string(start) +
       ": longer than 10 bytes or larger than 64 bits");
  return 0;
}

void BitReader::readBytes(std::span<uint8_t> out) {
  if (out.empty()) {
    return;
  }
  if (!require(out.size() * 8)) {
    std::fill(out.begin(), out.end(), uint8_t{0});
    return;
  }
  if (bitPos_ % 8 == 0) {
    std::memcpy(out.data(), bytes_.data() + bitPos_ / 8, out.size());
    bitPos_ += out.size() * 8;
    return;
  }
  for (uint8_t& byte : out) {
    byte = static_cast<uint8_t>(readBitsUnchecked(8));
  }
}

void BitReader::alignToByte() {
  bitPos_ = std::min((bitPos_ + 7) / 8 * 8, bytes_.size() * 8);
}

Status BitReader::status() const {
  if (!failed_) {
    return Status::success();
  }
  return makeError(error_);
}

}  // namespace medverse
