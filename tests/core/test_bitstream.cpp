#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "medverse/core/bitstream.h"

using namespace medverse;

namespace {

uint32_t maxValue(int bits) {
  return bits == 32 ? 0xFFFFFFFFU : (1U << static_cast<unsigned>(bits)) - 1U;
}

}  // namespace

TEST_CASE("values written with N bits read back exactly, at any bit offset") {
  std::mt19937 rng(99);
  struct Field {
    uint32_t value;
    int bits;
  };
  std::vector<Field> fields;
  for (int round = 0; round < 50; ++round) {
    for (int bits = 1; bits <= 32; ++bits) {
      const uint32_t value = rng() & maxValue(bits);
      fields.push_back({value, bits});
      fields.push_back({maxValue(bits), bits});
      fields.push_back({0U, bits});
    }
  }
  std::shuffle(fields.begin(), fields.end(), rng);

  BitWriter writer;
  size_t expectedBits = 0;
  for (const Field& f : fields) {
    writer.writeBits(f.value, f.bits);
    expectedBits += static_cast<size_t>(f.bits);
  }
  CHECK(writer.bitsWritten() == expectedBits);
  CHECK(writer.bytes().size() == (expectedBits + 7) / 8);

  BitReader reader(writer.bytes());
  for (const Field& f : fields) {
    CHECK(reader.readBits(f.bits) == f.value);
  }
  CHECK(reader.ok());
  CHECK(reader.bitsRemaining() < 8);
}

TEST_CASE("bits are packed least significant first") {
  BitWriter writer;
  writer.writeBits(0b101U, 3);
  writer.writeBits(0b11111U, 5);
  writer.writeBits(0x1U, 1);
  REQUIRE(writer.bytes().size() == 2);
  CHECK(writer.bytes()[0] == 0b11111101U);
  CHECK(writer.bytes()[1] == 0b00000001U);  // padding is zero
}

TEST_CASE("bools, floats and raw bytes round-trip, bit patterns included") {
  const std::vector<float> floats = {0.0f,
                                     -0.0f,
                                     1.5f,
                                     -3.25e-20f,
                                     std::numeric_limits<float>::infinity(),
                                     std::numeric_limits<float>::denorm_min(),
                                     std::numeric_limits<float>::quiet_NaN()};
  const std::vector<uint8_t> blob = {0x00, 0xFF, 0x5A, 0xA5, 0x01};
  BitWriter writer;
  for (const float f : floats) {
    writer.writeBool(std::signbit(f));
    writer.writeFloat(f);
  }
  writer.writeBytes(blob);  // unaligned: 7 * 33 bits so far
  writer.alignToByte();
  writer.writeBytes(blob);  // aligned
  CHECK(writer.bitsWritten() % 8 == 0);

  BitReader reader(writer.bytes());
  for (const float f : floats) {
    CHECK(reader.readBool() == std::signbit(f));
    CHECK(std::bit_cast<uint32_t>(reader.readFloat()) == std::bit_cast<uint32_t>(f));
  }
  std::vector<uint8_t> unaligned(blob.size());
  reader.readBytes(unaligned);
  reader.alignToByte();
  std::vector<uint8_t> aligned(blob.size());
  reader.readBytes(aligned);
  CHECK(unaligned == blob);
  CHECK(aligned == blob);
  CHECK(reader.ok());
  CHECK(reader.bitsRemaining() == 0);
}

TEST_CASE("varuints round-trip and small values take one byte") {
  const std::vector<uint64_t> values = {0,
                                        1,
                                        127,
                                        128,
                                        300,
                                        16383,
                                        16384,
                                        0xFFFFFFFFULL,
                                        0x100000000ULL,
                                        std::numeric_limits<uint64_t>::max() - 1,
                                        std::numeric_limits<uint64_t>::max()};
  BitWriter writer;
  for (const uint64_t v : values) {
    writer.writeVarUint(v);
  }
  BitReader reader(writer.bytes());
  for (const uint64_t v : values) {
    CHECK(reader.readVarUint() == v);
  }
  CHECK(reader.ok());

  BitWriter small;
  small.writeVarUint(127);
  CHECK(small.bitsWritten() == 8);
  BitWriter largest;
  largest.writeVarUint(std::numeric_limits<uint64_t>::max());
  CHECK(largest.bitsWritten() == 80);
}

TEST_CASE("reading past the end reports an overrun instead of reading out of bounds") {
  BitWriter writer;
  writer.writeBits(0xABU, 8);
  writer.writeBits(0x3U, 2);  // 10 bits, 2 bytes
  const std::vector<uint8_t> bytes = writer.release();

  BitReader reader(bytes);
  CHECK(reader.readBits(8) == 0xABU);
  CHECK(reader.ok());
  CHECK(reader.readBits(32) == 0U);  // only 8 bits remain
  CHECK_FALSE(reader.ok());
  const Status status = reader.status();
  REQUIRE_FALSE(status.ok());
  const std::string& message = status.error().message;
  CHECK(message.find("overrun") != std::string::npos);
  CHECK(message.find("needed 32 bits") != std::string::npos);
  CHECK(message.find("only 8 remain") != std::string::npos);

  SUBCASE("the error is sticky: later reads return 0 and keep the first message") {
    CHECK(reader.readBits(1) == 0U);  // would have fit
    CHECK(reader.readVarUint() == 0U);
    CHECK(reader.readFloat() == 0.0f);
    CHECK_FALSE(reader.readBool());
    CHECK(reader.status().error().message == message);
  }
  SUBCASE("a failed byte read leaves zeros, not stale data") {
    std::vector<uint8_t> out(4, 0xEE);
    reader.readBytes(out);
    CHECK(out == std::vector<uint8_t>(4, 0));
  }
}

TEST_CASE("an empty buffer fails its first read cleanly") {
  BitReader reader(std::span<const uint8_t>{});
  CHECK(reader.bitsRemaining() == 0);
  CHECK(reader.readBits(1) == 0U);
  CHECK_FALSE(reader.ok());
  CHECK(reader.status().error().message.find("only 0 remain") != std::string::npos);
}

TEST_CASE("varuints longer than 10 bytes are rejected, not looped over") {
  SUBCASE("eleven continuation bytes") {
    const std::vector<uint8_t> bytes(11, 0xFF);
    BitReader reader(bytes);
    CHECK(reader.readVarUint() == 0U);
    CHECK_FALSE(reader.ok());
    CHECK(reader.status().error().message.find("varuint") != std::string::npos);
    CHECK(reader.bitsRead() <= 80);
  }
  SUBCASE("a 10th byte that would overflow 64 bits") {
    std::vector<uint8_t> bytes(9, 0xFF);
    bytes.push_back(0x02);
    BitReader reader(bytes);
    CHECK(reader.readVarUint() == 0U);
    CHECK_FALSE(reader.ok());
  }
  SUBCASE("a varuint cut short by the end of the buffer") {
    const std::vector<uint8_t> bytes = {0x80, 0x80};
    BitReader reader(bytes);
    CHECK(reader.readVarUint() == 0U);
    CHECK_FALSE(reader.ok());
    CHECK(reader.status().error().message.find("overrun") != std::string::npos);
  }
  SUBCASE("an unbounded stream of continuation bytes stops at 10") {
    const std::vector<uint8_t> bytes(4096, 0x80);
    BitReader reader(bytes);
    CHECK(reader.readVarUint() == 0U);
    CHECK_FALSE(reader.ok());
    CHECK(reader.bitsRead() == 80);
  }
}

TEST_CASE("random garbage never makes the reader fail to terminate or read out of bounds") {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<uint8_t> bytes(rng() % 40);
    for (uint8_t& b : bytes) {
      b = static_cast<uint8_t>(rng());
    }
    BitReader reader(bytes);
    std::vector<uint8_t> sink(rng() % 8);
    for (int i = 0; i < 64; ++i) {
      switch (rng() % 5) {
        case 0:
          (void)reader.readBits(static_cast<int>(rng() % 32) + 1);
          break;
        case 1:
          (void)reader.readVarUint();
          break;
        case 2:
          (void)reader.readFloat();
          break;
        case 3:
          reader.readBytes(sink);
          break;
        default:
          reader.alignToByte();
          break;
      }
      CHECK(reader.bitsRead() <= bytes.size() * 8);
    }
  }
}

#ifdef NDEBUG
TEST_CASE("in release builds a value too wide for its field is masked to the field") {
  BitWriter writer;
  writer.writeBits(0x1FFU, 4);  // programming error: asserts in debug builds
  writer.writeBits(0x0U, 4);
  REQUIRE(writer.bytes().size() == 1);
  CHECK(writer.bytes()[0] == 0x0FU);  // the overflowing bits did not bleed into the next field
}
#endif

TEST_CASE("release hands over the bytes and leaves an empty writer") {
  BitWriter writer(16);
  writer.writeBits(0x1234U, 16);
  const std::vector<uint8_t> bytes = writer.release();
  CHECK(bytes == std::vector<uint8_t>{0x34, 0x12});
  CHECK(writer.bitsWritten() == 0);
  CHECK(writer.bytes().empty());
}
