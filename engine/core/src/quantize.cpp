#include "medverse/core/quantize.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cfloat>
#include <cmath>
#include <limits>
#include <numbers>

#include "medverse/core/bitstream.h"

namespace medverse {
namespace {

// The top level of an N-bit quantizer: levels are 0..top.
uint64_t topLevel(int bits) {
  return (uint64_t{1} << static_cast<unsigned>(bits)) - 1U;
}

// Rounds a non-negative double up to the nearest float, so that a bound
// computed in double stays a bound after conversion.
float roundUpToFloat(double value) {
  auto f = static_cast<float>(value);
  if (static_cast<double>(f) < value) {
    f = std::nextafter(f, std::numeric_limits<float>::infinity());
  }
  return f;
}

// Quantizes v to the nearest of top+1 levels over [min, max], in double so
// that rounding happens once. NaN and values at or below min map to 0.
uint32_t quantizeToLevel(double v, double min, double max, uint64_t top) {
  if (!(v > min)) {
    return 0;
  }
  if (v >= max) {
    return static_cast<uint32_t>(top);
  }
  const double scaled = (v - min) / (max - min) * static_cast<double>(top);
  const auto level = static_cast<uint64_t>(std::llround(scaled));
  return static_cast<uint32_t>(std::min(level, top));
}

double levelToValue(uint32_t q, double min, double max, uint64_t top) {
  const double t = static_cast<double>(std::min<uint64_t>(q, top)) / static_cast<double>(top);
  // Written as a lerp so that both ends come out exactly.
  return min * (1.0 - t) + max * t;
}

constexpr double kInvSqrt2 = 1.0 / std::numbers::sqrt2;

}  // namespace

uint32_t quantizeFloat(float v, float min, float max, int bits) {
  assert(min < max && "quantizeFloat: empty range");
  assert(bits >= 1 && bits <= 32 && "quantizeFloat: bits must be 1..32");
  bits = std::clamp(bits, 1, 32);
  return quantizeToLevel(v, min, max, topLevel(bits));
}

float dequantizeFloat(uint32_t q, float min, float max, int bits) {
  assert(min < max && "dequantizeFloat: empty range");
  assert(bits >= 1 && bits <= 32 && "dequantizeFloat: bits must be 1..32");
  bits = std::clamp(bits, 1, 32);
  return static_cast<float>(levelToValue(q, min, max, topLevel(bits)));
}

float quantizationErrorBound(float min, float max, int bits) {
  bits = std::clamp(bits, 1, 32);
  const double halfStep = (static_cast<double>(max) - static_cast<double>(min)) /
                          (2.0 * static_cast<double>(topLevel(bits)));
  const float largest = std::max(std::abs(min), std::abs(max));
  const double ulp = std::nextafter(largest, std::numeric_limits<float>::infinity()) - largest;
  return roundUpToFloat(halfStep + ulp);
}

int bitsForErrorBound(float min, float max, float maxError) {
  for (int bits = 1; bits <= 32; ++bits) {
    if (quantizationErrorBound(min, max, bits) <= maxError) {
      return bits;
    }
  }
  return 0;
}

QuantizedVec3 quantizeVec3(const glm::vec3& v, const glm::vec3& min, const glm::vec3& max,
                           int bits) {
  return {quantizeFloat(v.x, min.x, max.x, bits), quantizeFloat(v.y, min.y, max.y, bits),
          quantizeFloat(v.z, min.z, max.z, bits)};
}

glm::vec3 dequantizeVec3(const QuantizedVec3& q, const glm::vec3& min, const glm::vec3& max,
                         int bits) {
  return {dequantizeFloat(q.x, min.x, max.x, bits), dequantizeFloat(q.y, min.y, max.y, bits),
          dequantizeFloat(q.z, min.z, max.z, bits)};
}

float quantizationErrorBound(const glm::vec3& min, const glm::vec3& max, int bits) {
  const glm::dvec3 perAxis(quantizationErrorBound(min.x, max.x, bits),
                           quantizationErrorBound(min.y, max.y, bits),
                           quantizationErrorBound(min.z, max.z, bits));
  return roundUpToFloat(glm::length(perAxis));
}

QuantizedQuat quantizeQuat(const glm::quat& q, int bitsPerComponent) {
  assert(bitsPerComponent >= kMinQuatComponentBits && bitsPerComponent <= kMaxQuatComponentBits &&
         "quantizeQuat: bits out of range");
  bitsPerComponent = std::clamp(bitsPerComponent, kMinQuatComponentBits, kMaxQuatComponentBits);
  std::array<double, 4> c = {q.x, q.y, q.z, q.w};
  const double length = std::sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2] + c[3] * c[3]);
  assert(length > 0.0 && std::isfinite(length) && "quantizeQuat: not a rotation");
  if (!(length > 0.0) || !std::isfinite(length)) {
    return {};  // identity; garbage in must not become NaN on every peer
  }
  uint32_t largest = 0;
  for (uint32_t i = 1; i < 4; ++i) {
    if (std::abs(c[i]) > std::abs(c[largest])) {
      largest = i;
    }
  }
  const double scale = (c[largest] < 0.0 ? -1.0 : 1.0) / length;
  const uint64_t top = topLevel(bitsPerComponent);
  std::array<uint32_t, 3> stored{};
  for (uint32_t i = 0, j = 0; i < 4; ++i) {
    if (i != largest) {
      stored[j++] = quantizeToLevel(scale * c[i], -kInvSqrt2, kInvSqrt2, top);
    }
  }
  return {largest, stored[0], stored[1], stored[2]};
}

glm::quat dequantizeQuat(const QuantizedQuat& q, int bitsPerComponent) {
  assert(bitsPerComponent >= kMinQuatComponentBits && bitsPerComponent <= kMaxQuatComponentBits &&
         "dequantizeQuat: bits out of range");
  bitsPerComponent = std::clamp(bitsPerComponent, kMinQuatComponentBits, kMaxQuatComponentBits);
  const uint64_t top = topLevel(bitsPerComponent);
  const std::array<double, 3> stored = {levelToValue(q.a, -kInvSqrt2, kInvSqrt2, top),
                                        levelToValue(q.b, -kInvSqrt2, kInvSqrt2, top),
                                        levelToValue(q.c, -kInvSqrt2, kInvSqrt2, top)};
  const double sumSquares = stored[0] * stored[0] + stored[1] * stored[1] + stored[2] * stored[2];
  const uint32_t largest = q.largestIndex & 3U;
  std::array<double, 4> c{};
  for (uint32_t i = 0, j = 0; i < 4; ++i) {
    c[i] = i == largest ? std::sqrt(std::max(0.0, 1.0 - sumSquares)) : stored[j++];
  }
  // Only corrupt input (|stored| > 1) is off the unit sphere; the stored
  // vector is then non-zero, so this never divides by zero.
  const double length = std::sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2] + c[3] * c[3]);
  return {static_cast<float>(c[3] / length), static_cast<float>(c[0] / length),
          static_cast<float>(c[1] / length), static_cast<float>(c[2] / length)};
}

double quatErrorBoundDegrees(int bitsPerComponent) {
  bitsPerComponent = std::clamp(bitsPerComponent, kMinQuatComponentBits, kMaxQuatComponentBits);
  const double delta = kInvSqrt2 / static_cast<double>(topLevel(bitsPerComponent));
  const double vectorError = std::sqrt(3.0) * delta;
  const double smallestRebuilt = std::sqrt(1.0 - 3.0 * (0.5 + delta) * (0.5 + delta));
  const double arc = vectorError / smallestRebuilt;
  // Rounding the four reconstructed components to float moves the quaternion
  // by under 2^-23 of arc; 8 float epsilons of rotation angle cover it.
  const double floatTerm = 8.0 * FLT_EPSILON;
  return (2.0 * arc + floatTerm) * (180.0 / std::numbers::pi);
}

int quatBitsForErrorBound(double maxDegrees) {
  for (int bits = kMinQuatComponentBits; bits <= kMaxQuatComponentBits; ++bits) {
    if (quatErrorBoundDegrees(bits) <= maxDegrees) {
      return bits;
    }
  }
  return 0;
}

void writeQuantizedFloat(BitWriter& out, float v, float min, float max, int bits) {
  out.writeBits(quantizeFloat(v, min, max, bits), bits);
}

float readQuantizedFloat(BitReader& in, float min, float max, int bits) {
  return dequantizeFloat(in.readBits(bits), min, max, bits);
}

void writeQuantizedVec3(BitWriter& out, const glm::vec3& v, const glm::vec3& min,
                        const glm::vec3& max, int bits) {
  const QuantizedVec3 q = quantizeVec3(v, min, max, bits);
  out.writeBits(q.x, bits);
  out.writeBits(q.y, bits);
  out.writeBits(q.z, bits);
}

glm::vec3 readQuantizedVec3(BitReader& in, const glm::vec3& min, const glm::vec3& max, int bits) {
  QuantizedVec3 q;
  q.x = in.readBits(bits);
  q.y = in.readBits(bits);
  q.z = in.readBits(bits);
  return dequantizeVec3(q, min, max, bits);
}

void writeQuantizedQuat(BitWriter& out, const glm::quat& q, int bitsPerComponent) {
  const QuantizedQuat encoded = quantizeQuat(q, bitsPerComponent);
  out.writeBits(encoded.largestIndex, 2);
  out.writeBits(encoded.a, bitsPerComponent);
  out.writeBits(encoded.b, bitsPerComponent);
  out.writeBits(encoded.c, bitsPerComponent);
}

glm::quat readQuantizedQuat(BitReader& in, int bitsPerComponent) {
  QuantizedQuat q;
  q.largestIndex = in.readBits(2);
  q.a = in.readBits(bitsPerComponent);
  q.b = in.readBits(bitsPerComponent);
  q.c = in.readBits(bitsPerComponent);
  return dequantizeQuat(q, bitsPerComponent);
}

}  // namespace medverse
