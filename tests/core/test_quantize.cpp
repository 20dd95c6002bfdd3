#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

#include "medverse/core/bitstream.h"
#include "medverse/core/quantize.h"

using namespace medverse;

namespace {

constexpr double kRadToDeg = 180.0 / std::numbers::pi;

// Rotation angle between two quaternions in degrees, computed in double so
// that the measurement is far finer than any error it measures.
double rotationErrorDegrees(const glm::quat& truth, const glm::quat& decoded) {
  const glm::dquat a = glm::normalize(glm::dquat(truth));
  const glm::dquat b = glm::normalize(glm::dquat(decoded));
  const glm::dquat rel = glm::conjugate(a) * b;
  return 2.0 * std::atan2(glm::length(glm::dvec3(rel.x, rel.y, rel.z)), std::abs(rel.w)) *
         kRadToDeg;
}

glm::quat randomRotation(std::mt19937& rng) {
  // A normalised 4D Gaussian is uniform over rotations.
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  glm::quat q;
  do {
    q = glm::quat(gauss(rng), gauss(rng), gauss(rng), gauss(rng));
  } while (glm::length(q) < 1e-3f);
  return glm::normalize(q);
}

// Inputs where smallest-three does worst: the rebuilt component is smallest
// (all four components near ±1/2) and every stored component sits just short
// of a rounding midpoint, so each is off by almost half a step, all outwards.
std::vector<glm::quat> adversarialRotations(int bits) {
  std::vector<glm::quat> out;
  const double half = 1.0 / std::numbers::sqrt2;
  const double step = 2.0 * half / static_cast<double>((1U << static_cast<unsigned>(bits)) - 1U);
  // The grid level nearest below 1/2, then just past the midpoint under it.
  const double level = -half + std::floor((0.5 + half) / step) * step;
  for (const double nudge : {1e-9, 1e-6, 1e-4 * step, 0.01 * step, 0.25 * step}) {
    const double v = level - step / 2.0 + nudge;  // rounds up to `level`: error ≈ half a step
    for (int signs = 0; signs < 8; ++signs) {
      const double x = (signs & 1) != 0 ? -v : v;
      const double y = (signs & 2) != 0 ? -v : v;
      const double z = (signs & 4) != 0 ? -v : v;
      const double w = std::sqrt(1.0 - 3.0 * v * v);
      for (int largest = 0; largest < 4; ++largest) {
        double c[4] = {x, y, z, x};
        c[largest] = w;
        out.emplace_back(static_cast<float>(c[3]), static_cast<float>(c[0]),
                         static_cast<float>(c[1]), static_cast<float>(c[2]));
      }
    }
  }
  // Ties and edges: two components at 1/√2, one-hot quaternions, all ±1/2,
  // components straddling the largest, and a tiny rotation.
  const float h = static_cast<float>(half);
  for (const glm::quat& q :
       {glm::quat(h, h, 0.0f, 0.0f), glm::quat(0.0f, 0.0f, -h, h), glm::quat(h, 0.0f, -h, 0.0f),
        glm::quat(1.0f, 0.0f, 0.0f, 0.0f), glm::quat(0.0f, 1.0f, 0.0f, 0.0f),
        glm::quat(0.0f, 0.0f, 0.0f, -1.0f), glm::quat(-1.0f, 0.0f, 0.0f, 0.0f),
        glm::quat(0.5f, 0.5f, 0.5f, 0.5f), glm::quat(0.5f, -0.5f, 0.5f, -0.5f),
        glm::quat(0.5000001f, 0.4999999f, 0.5f, 0.5f), glm::quat(0.9999999f, 1e-4f, 0.0f, 0.0f)}) {
    out.push_back(glm::normalize(q));
  }
  return out;
}

}  // namespace

TEST_CASE("bounded floats: the ends of the range are exact and values outside clamp") {
  for (const int bits : {1, 2, 8, 16, 24, 32}) {
    CAPTURE(bits);
    const uint32_t top = bits == 32 ? 0xFFFFFFFFU : (1U << static_cast<unsigned>(bits)) - 1U;
    CHECK(quantizeFloat(-8.0f, -8.0f, 8.0f, bits) == 0U);
    CHECK(quantizeFloat(8.0f, -8.0f, 8.0f, bits) == top);
    CHECK(quantizeFloat(-100.0f, -8.0f, 8.0f, bits) == 0U);
    CHECK(quantizeFloat(100.0f, -8.0f, 8.0f, bits) == top);
    CHECK(quantizeFloat(std::numeric_limits<float>::infinity(), -8.0f, 8.0f, bits) == top);
    CHECK(quantizeFloat(std::numeric_limits<float>::quiet_NaN(), -8.0f, 8.0f, bits) == 0U);
    CHECK(dequantizeFloat(0U, -8.0f, 8.0f, bits) == -8.0f);
    CHECK(dequantizeFloat(top, -8.0f, 8.0f, bits) == 8.0f);
  }
}

TEST_CASE("bounded floats: a level survives dequantize then quantize unchanged") {
  for (const int bits : {3, 10, 17, 20}) {
    const uint32_t top = (1U << static_cast<unsigned>(bits)) - 1U;
    for (uint32_t q = 0; q <= top; q += 1 + top / 1000) {
      CHECK(quantizeFloat(dequantizeFloat(q, -1.5f, 2.5f, bits), -1.5f, 2.5f, bits) == q);
    }
  }
}

TEST_CASE("bounded floats: corrupt levels above the top decode to the range maximum") {
  CHECK(dequantizeFloat(0xFFFFU, 0.0f, 1.0f, 8) == 1.0f);
}

TEST_CASE("bounded floats: measured worst-case error stays within the analytic bound") {
  std::mt19937 rng(42);
  const float min = -8.0f;  // a room, metres
  const float max = 8.0f;
  std::uniform_real_distribution<float> uniform(min, max);
  float previousBound = std::numeric_limits<float>::infinity();
  for (int bits = 1; bits <= 32; ++bits) {
    CAPTURE(bits);
    const float bound = quantizationErrorBound(min, max, bits);
    CHECK(bound < previousBound);
    previousBound = bound;

    std::vector<float> inputs = {min, max, 0.0f, std::nextafter(max, 0.0f),
                                 std::nextafter(min, 0.0f)};
    for (int i = 0; i < 20000; ++i) {
      inputs.push_back(uniform(rng));
    }
    // Adversarial: the floats on either side of rounding midpoints.
    const double top = std::ldexp(1.0, bits) - 1.0;
    const double step = (static_cast<double>(max) - min) / top;
    std::uniform_real_distribution<double> level(0.0, top - 1.0);
    for (int i = 0; i < 2000; ++i) {
      const auto midpoint = static_cast<float>(min + (std::floor(level(rng)) + 0.5) * step);
      inputs.push_back(midpoint);
      inputs.push_back(std::nextafter(midpoint, max));
      inputs.push_back(std::nextafter(midpoint, min));
    }

    double worst = 0.0;
    for (const float v : inputs) {
      const float back = dequantizeFloat(quantizeFloat(v, min, max, bits), min, max, bits);
      worst = std::max(worst, std::abs(static_cast<double>(back) - v));
    }
    CHECK(worst <= bound);
    // The bound is not slack: midpoints come within a float ulp of half a step.
    CHECK(worst >= 0.45 * step);
  }
}

TEST_CASE("vectors: each axis uses its own range and the Euclidean bound holds") {
  const glm::vec3 min(-8.0f, 0.0f, -8.0f);  // room: 16 m across, 3 m high
  const glm::vec3 max(8.0f, 3.0f, 8.0f);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  for (const int bits : {8, 12, 16}) {
    const float bound = quantizationErrorBound(min, max, bits);
    for (int i = 0; i < 5000; ++i) {
      const glm::vec3 v = min + (max - min) * glm::vec3(unit(rng), unit(rng), unit(rng));
      const glm::vec3 back = dequantizeVec3(quantizeVec3(v, min, max, bits), min, max, bits);
      CHECK(glm::length(back - v) <= bound);
      CHECK(std::abs(back.y - v.y) <= quantizationErrorBound(min.y, max.y, bits));
    }
  }
}

TEST_CASE("rotations: the dropped component is the largest, stored as positive") {
  const QuantizedQuat q = quantizeQuat(glm::quat(-0.1f, 0.2f, -0.9f, 0.3f), 12);
  CHECK(q.largestIndex == 1U);  // y
  const glm::quat back = dequantizeQuat(q, 12);
  CHECK(back.y > 0.0f);  // -q of the input: the same rotation
  CHECK(rotationErrorDegrees(glm::normalize(glm::quat(-0.1f, 0.2f, -0.9f, 0.3f)), back) <=
        quatErrorBoundDegrees(12));
}

TEST_CASE("rotations: q and -q encode to the same bits") {
  std::mt19937 rng(3);
  for (int i = 0; i < 1000; ++i) {
    const glm::quat q = randomRotation(rng);
    const QuantizedQuat a = quantizeQuat(q, 11);
    const QuantizedQuat b = quantizeQuat(-q, 11);
    CHECK(a.largestIndex == b.largestIndex);
    CHECK(a.a == b.a);
    CHECK(a.b == b.b);
    CHECK(a.c == b.c);
  }
}

TEST_CASE("rotations: measured worst-case error stays within the analytic bound") {
  std::mt19937 rng(2024);
  double previousBound = std::numeric_limits<double>::infinity();
  for (int bits = kMinQuatComponentBits; bits <= 20; ++bits) {
    CAPTURE(bits);
    const double bound = quatErrorBoundDegrees(bits);
    CHECK(bound < previousBound);
    previousBound = bound;

    double worstRandom = 0.0;
    for (int i = 0; i < 50000; ++i) {
      const glm::quat q = randomRotation(rng);
      worstRandom = std::max(worstRandom,
                             rotationErrorDegrees(q, dequantizeQuat(quantizeQuat(q, bits), bits)));
    }
    double worstAdversarial = 0.0;
    for (const glm::quat& q : adversarialRotations(bits)) {
      worstAdversarial = std::max(
          worstAdversarial, rotationErrorDegrees(q, dequantizeQuat(quantizeQuat(q, bits), bits)));
    }
    CAPTURE(worstRandom);
    CAPTURE(worstAdversarial);
    CAPTURE(bound);
    CHECK(worstRandom <= bound);
    CHECK(worstAdversarial <= bound);
    // And the bound is close to what adversarial inputs really reach.
    if (bits >= 8 && bits <= 16) {  // see adversarialRotations
      CHECK(worstAdversarial >= 0.8 * bound);
    }
  }
}

TEST_CASE("rotations: 12 bits per component meet a 0.1 degree requirement, 11 do not") {
  CHECK(quatErrorBoundDegrees(12) <= 0.1);
  CHECK(quatErrorBoundDegrees(11) > 0.1);
  CHECK(quatBitsForErrorBound(0.1) == 12);
  CHECK(quantizedQuatBits(12) == 38);
  CHECK(quatBitsForErrorBound(0.0) == 0);  // unattainable
}

TEST_CASE("bit counts can be chosen from a required precision") {
  // 1 mm per axis over a 16 m room needs 13 bits (0.98 mm); 12 bits give 1.95 mm.
  CHECK(bitsForErrorBound(-8.0f, 8.0f, 0.001f) == 13);
  CHECK(quantizationErrorBound(-8.0f, 8.0f, 12) > 0.001f);
  for (const float tolerance : {0.5f, 0.01f, 1e-4f, 1e-5f}) {
    const int bits = bitsForErrorBound(-8.0f, 8.0f, tolerance);
    REQUIRE(bits > 0);
    CHECK(quantizationErrorBound(-8.0f, 8.0f, bits) <= tolerance);
    if (bits > 1) {
      CHECK(quantizationErrorBound(-8.0f, 8.0f, bits - 1) > tolerance);
    }
  }
  CHECK(bitsForErrorBound(-8.0f, 8.0f, 1e-9f) == 0);  // finer than a float near 8
}

TEST_CASE("rotations: corrupt encodings still decode to a unit quaternion") {
  for (const uint32_t largest : {0U, 1U, 2U, 3U, 7U}) {
    for (const uint32_t v : {0U, 0x3FFU, 0xFFFFFFFFU}) {
      const glm::quat q = dequantizeQuat({largest, v, v, v}, 10);
      CHECK(std::isfinite(q.w));
      CHECK(glm::length(q) == doctest::Approx(1.0f).epsilon(1e-5));
    }
  }
}

TEST_CASE("quantized values go through a bit stream in exactly their bit count") {
  const glm::vec3 min(-8.0f, 0.0f, -8.0f);
  const glm::vec3 max(8.0f, 3.0f, 8.0f);
  const glm::vec3 position(1.25f, 1.6f, -3.5f);
  const glm::quat orientation = glm::normalize(glm::quat(0.3f, -0.5f, 0.7f, 0.2f));

  BitWriter writer;
  writer.writeBool(true);  // leave everything after unaligned
  writeQuantizedVec3(writer, position, min, max, 14);
  writeQuantizedQuat(writer, orientation, 12);
  writeQuantizedFloat(writer, 0.75f, 0.0f, 1.0f, 7);
  CHECK(writer.bitsWritten() == 1 + 3 * 14 + quantizedQuatBits(12) + 7);

  const std::vector<uint8_t> bytes = writer.release();
  BitReader reader(bytes);
  CHECK(reader.readBool());
  const glm::vec3 p = readQuantizedVec3(reader, min, max, 14);
  const glm::quat q = readQuantizedQuat(reader, 12);
  const float f = readQuantizedFloat(reader, 0.0f, 1.0f, 7);
  REQUIRE(reader.ok());
  CHECK(reader.bitsRead() == 1 + 3 * 14 + quantizedQuatBits(12) + 7);
  CHECK(glm::length(p - position) <= quantizationErrorBound(min, max, 14));
  CHECK(rotationErrorDegrees(orientation, q) <= quatErrorBoundDegrees(12));
  CHECK(std::abs(f - 0.75f) <= quantizationErrorBound(0.0f, 1.0f, 7));
  // Identical to the direct encoding, bit for bit.
  CHECK(p == dequantizeVec3(quantizeVec3(position, min, max, 14), min, max, 14));
  CHECK(q == dequantizeQuat(quantizeQuat(orientation, 12), 12));
}

TEST_CASE("a truncated quantized rotation is reported by the reader, not decoded from garbage") {
  BitWriter writer;
  writeQuantizedQuat(writer, glm::quat(1.0f, 0.0f, 0.0f, 0.0f), 15);
  std::vector<uint8_t> bytes = writer.release();
  bytes.resize(3);
  BitReader reader(bytes);
  const glm::quat q = readQuantizedQuat(reader, 15);
  CHECK_FALSE(reader.ok());
  CHECK(glm::length(q) == doctest::Approx(1.0f));
}
