#pragma once
// Quantization of replicated values: bounded floats, vectors and rotations.
//
// Every function comes with an analytic worst-case error bound, so that a
// property description can state "position to within 0.5 mm, rotation to
// within 0.1°" and pick the bit count from that, instead of by trial. The
// tests measure the worst case over random and adversarial inputs against
// these bounds; bench_quantize prints the figures.
//
// Bounded floats: 2^bits levels spaced evenly over [min, max], both ends
// exactly representable. Values outside are clamped (NaN maps to min).
//
// Rotations: "smallest three". Of a unit quaternion's four components the
// largest in magnitude is dropped (2 bits say which); since q and -q are the
// same rotation it is made positive, so it can be rebuilt as
// sqrt(1 - a² - b² - c²). The other three then lie in [-1/√2, 1/√2], which is
// the range they are quantized over.
#include <cstdint>
#include <glm/glm.hpp>
#include <glm/gtc/quaternion.hpp>

namespace medverse {

class BitWriter;
class BitReader;

// ---- bounded floats ----------------------------------------------------------

// Precondition: min < max, bits in 1..32.
[[nodiscard]] uint32_t quantizeFloat(float v, float min, float max, int bits);
// Values above the top level (possible only from corrupt input) clamp to max.
[[nodiscard]] float dequantizeFloat(uint32_t q, float min, float max, int bits);

// Largest |dequantize(quantize(v)) - v| over v in [min, max]: half a step,
// (max - min) / (2 (2^bits - 1)), plus one float ulp at the range's largest
// magnitude for representing the reconstructed value as a float (that term
// only matters above ~20 bits).
[[nodiscard]] float quantizationErrorBound(float min, float max, int bits);

// The fewest bits (1..32) whose bound is at most `maxError`; 0 if even 32
// bits cannot (the float term dominates).
[[nodiscard]] int bitsForErrorBound(float min, float max, float maxError);

// ---- vectors in a box --------------------------------------------------------

struct QuantizedVec3 {
  uint32_t x = 0;
  uint32_t y = 0;
  uint32_t z = 0;
};

// Each axis is quantized over its own [min, max] with the same bit count.
[[nodiscard]] QuantizedVec3 quantizeVec3(const glm::vec3& v, const glm::vec3& min,
                                         const glm::vec3& max, int bits);
[[nodiscard]] glm::vec3 dequantizeVec3(const QuantizedVec3& q, const glm::vec3& min,
                                       const glm::vec3& max, int bits);

// Worst-case Euclidean distance between a vector in the box and its
// reconstruction: the length of the per-axis bounds.
[[nodiscard]] float quantizationErrorBound(const glm::vec3& min, const glm::vec3& max, int bits);

// ---- rotations (smallest three) ------------------------------------------------

inline constexpr int kMinQuatComponentBits = 4;
inline constexpr int kMaxQuatComponentBits = 30;

struct QuantizedQuat {
  uint32_t largestIndex = 3;  // 2 bits: which component was dropped, 0=x 1=y 2=z 3=w
  uint32_t a = 0;             // the remaining three, in x, y, z, w order
  uint32_t b = 0;
  uint32_t c = 0;
};

// Total bits of one encoded rotation.
[[nodiscard]] constexpr int quantizedQuatBits(int bitsPerComponent) {
  return 2 + 3 * bitsPerComponent;
}

// `q` need not be exactly unit length (it is normalised first) but must not be
// zero. bitsPerComponent in kMinQuatComponentBits..kMaxQuatComponentBits.
[[nodiscard]] QuantizedQuat quantizeQuat(const glm::quat& q, int bitsPerComponent);
// Always returns a unit quaternion, even from corrupt input. It may be -q of
// what was encoded: the same rotation.
[[nodiscard]] glm::quat dequantizeQuat(const QuantizedQuat& q, int bitsPerComponent);

// Largest rotation angle, in degrees, between an input rotation and its
// reconstruction. With δ the per-component half step, each of the three stored
// components is off by at most δ, so the stored vector v by at most √3·δ.
// Rebuilding the dropped component maps v onto the unit sphere; that map
// stretches distances by at most 1/w where w is the rebuilt component, and w
// is at least 1/2 as it was the largest of four components of a unit vector.
// Along the way from v to its reconstruction w stays above
// sqrt(1 - 3·(1/2 + δ)²), which bounds the quaternion arc; the rotation angle
// is twice that arc. A few float ulps cover the float arithmetic. To first
// order the bound is 4·√3·δ radians. Measured (bench_quantize): 10 million
// random rotations reach about 90% of it, inputs built for the corner (all
// four components near ±1/2, every stored one rounding outwards) over 98%.
[[nodiscard]] double quatErrorBoundDegrees(int bitsPerComponent);

// The fewest bits per component whose bound is at most `maxDegrees`; 0 if
// none in kMinQuatComponentBits..kMaxQuatComponentBits is. 12 for 0.1°.
[[nodiscard]] int quatBitsForErrorBound(double maxDegrees);

// ---- bit stream helpers ----------------------------------------------------------

void writeQuantizedFloat(BitWriter& out, float v, float min, float max, int bits);
[[nodiscard]] float readQuantizedFloat(BitReader& in, float min, float max, int bits);

void writeQuantizedVec3(BitWriter& out, const glm::vec3& v, const glm::vec3& min,
                        const glm::vec3& max, int bits);
[[nodiscard]] glm::vec3 readQuantizedVec3(BitReader& in, const glm::vec3& min, const glm::vec3& max,
                                          int bits);

// Writes quantizedQuatBits(bitsPerComponent) bits.
void writeQuantizedQuat(BitWriter& out, const glm::quat& q, int bitsPerComponent);
[[nodiscard]] glm::quat readQuantizedQuat(BitReader& in, int bitsPerComponent);

}  // namespace medverse
