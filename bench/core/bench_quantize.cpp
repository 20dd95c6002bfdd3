// Prints the measured worst-case error of position and rotation quantization
// next to the analytic bounds in quantize.h, and the encode+decode throughput,
// so that replicated properties can pick bit counts from figures.
// Usage: bench_quantize [samples]   (default 10,000,000 random orientations)
// Figures only; nothing here asserts.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "medverse/core/jobs.h"
#include "medverse/core/quantize.h"

using namespace medverse;

namespace {

constexpr double kRadToDeg = 180.0 / std::numbers::pi;

double rotationErrorDegrees(const glm::quat& truth, const glm::quat& decoded) {
  const glm::dquat a = glm::normalize(glm::dquat(truth));
  const glm::dquat b = glm::normalize(glm::dquat(decoded));
  const glm::dquat rel = glm::conjugate(a) * b;
  return 2.0 * std::atan2(glm::length(glm::dvec3(rel.x, rel.y, rel.z)), std::abs(rel.w)) *
         kRadToDeg;
}

glm::quat randomRotation(std::mt19937_64& rng) {
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  glm::quat q;
  do {
    q = glm::quat(gauss(rng), gauss(rng), gauss(rng), gauss(rng));
  } while (glm::length(q) < 1e-3f);
  return glm::normalize(q);
}

// All four components near ±1/2 (the rebuilt one is then smallest) with each
// stored component just past a rounding midpoint, so that all three round
// outwards by almost half a step: the corner the analytic bound describes.
std::vector<glm::quat> adversarialRotations(int bits) {
  std::vector<glm::quat> out;
  const double half = 1.0 / std::numbers::sqrt2;
  const double step = 2.0 * half / (std::ldexp(1.0, bits) - 1.0);
  for (int below = 0; below < 4; ++below) {
    const double level = -half + (std::floor((0.5 + half) / step) - below) * step;
    for (const double nudge : {1e-9, 1e-6, 1e-3 * step, 0.05 * step}) {
      const double v = level - step / 2.0 + nudge;
      const double w = std::sqrt(1.0 - 3.0 * v * v);
      for (int signs = 0; signs < 8; ++signs) {
        const auto x = static_cast<float>((signs & 1) != 0 ? -v : v);
        const auto y = static_cast<float>((signs & 2) != 0 ? -v : v);
        const auto z = static_cast<float>((signs & 4) != 0 ? -v : v);
        out.emplace_back(static_cast<float>(w), x, y, z);
      }
    }
  }
  return out;
}

struct RotationFigures {
  double worstRandom = 0.0;
  double worstAdversarial = 0.0;
  double nanosecondsPerRoundTrip = 0.0;
};

RotationFigures measureRotation(int bits, size_t samples) {
  RotationFigures figures;
  std::mutex mutex;
  constexpr size_t kGrain = 100000;
  defaultJobSystem().parallelFor(samples, kGrain, [&](size_t begin, size_t end) {
    std::mt19937_64 rng(begin);  // a seed per chunk: the same figures on every run
    double worst = 0.0;
    for (size_t i = begin; i < end; ++i) {
      const glm::quat q = randomRotation(rng);
      worst = std::max(worst, rotationErrorDegrees(q, dequantizeQuat(quantizeQuat(q, bits), bits)));
    }
    const std::lock_guard lock(mutex);
    figures.worstRandom = std::max(figures.worstRandom, worst);
  });
  for (const glm::quat& q : adversarialRotations(bits)) {
    figures.worstAdversarial =
        std::max(figures.worstAdversarial,
                 rotationErrorDegrees(q, dequantizeQuat(quantizeQuat(q, bits), bits)));
  }

  // Throughput on one thread over a pre-generated set, so the RNG is not timed.
  std::mt19937_64 rng(1);
  std::vector<glm::quat> inputs(1 << 16);
  for (glm::quat& q : inputs) {
    q = randomRotation(rng);
  }
  constexpr int kRepeats = 32;
  float checksum = 0.0f;
  const auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < kRepeats; ++r) {
    for (const glm::quat& q : inputs) {
      checksum += dequantizeQuat(quantizeQuat(q, bits), bits).w;
    }
  }
  const std::chrono::duration<double, std::nano> elapsed = std::chrono::steady_clock::now() - start;
  figures.nanosecondsPerRoundTrip =
      elapsed.count() / (static_cast<double>(inputs.size()) * kRepeats);
  if (checksum == -1.0f) {  // keeps the loop from being optimised away
    std::puts("");
  }
  return figures;
}

struct PositionFigures {
  double worstAxis = 0.0;
  double worst3d = 0.0;
  double nanosecondsPerRoundTrip = 0.0;
};

PositionFigures measurePosition(const glm::vec3& min, const glm::vec3& max, int bits,
                                size_t samples) {
  PositionFigures figures;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  const glm::vec3 step = (max - min) / static_cast<float>(std::ldexp(1.0, bits) - 1.0);
  for (size_t i = 0; i < samples; ++i) {
    glm::vec3 v = min + (max - min) * glm::vec3(unit(rng), unit(rng), unit(rng));
    if (i % 2 == 1) {  // every other sample: snapped to a rounding midpoint on every axis
      v = min + (glm::floor((v - min) / step) + 0.5f) * step;
      v = glm::clamp(v, min, max);
    }
    const glm::vec3 back = dequantizeVec3(quantizeVec3(v, min, max, bits), min, max, bits);
    const glm::dvec3 error = glm::abs(glm::dvec3(back) - glm::dvec3(v));
    figures.worstAxis = std::max({figures.worstAxis, error.x, error.y, error.z});
    figures.worst3d = std::max(figures.worst3d, glm::length(error));
  }

  std::vector<glm::vec3> inputs(1 << 16);
  for (glm::vec3& v : inputs) {
    v = min + (max - min) * glm::vec3(unit(rng), unit(rng), unit(rng));
  }
  constexpr int kRepeats = 32;
  float checksum = 0.0f;
  const auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < kRepeats; ++r) {
    for (const glm::vec3& v : inputs) {
      checksum += dequantizeVec3(quantizeVec3(v, min, max, bits), min, max, bits).x;
    }
  }
  const std::chrono::duration<double, std::nano> elapsed = std::chrono::steady_clock::now() - start;
  figures.nanosecondsPerRoundTrip =
      elapsed.count() / (static_cast<double>(inputs.size()) * kRepeats);
  if (checksum == -1.0f) {
    std::puts("");
  }
  return figures;
}

}  // namespace

int main(int argc, char** argv) {
  size_t samples = 10'000'000;
  if (argc > 1) {
    samples = std::strtoull(argv[1], nullptr, 10);
  }

  // Room space, metres: a 16 m x 16 m floor, 4 m high (-8..8, 0..4, -8..8).
  const glm::vec3 roomMin(-8.0f, 0.0f, -8.0f);
  const glm::vec3 roomMax(8.0f, 4.0f, 8.0f);
  const size_t positionSamples = std::min<size_t>(samples, 2'000'000);
  std::printf("Position quantization, room box x,z in [-8, 8] m, y in [0, 4] m; errors in mm\n");
  std::printf("%zu samples per bit count, half random, half at rounding midpoints\n",
              positionSamples);
  std::printf("%4s %6s %14s %14s %14s %14s %10s\n", "bits", "bits/3", "axis bound", "axis worst",
              "3D bound", "3D worst", "ns/rt");
  int firstPositionBits = 0;
  for (int bits = 10; bits <= 18; ++bits) {
    const PositionFigures f = measurePosition(roomMin, roomMax, bits, positionSamples);
    const double axisBound = 1000.0 * quantizationErrorBound(roomMin.x, roomMax.x, bits);
    const double bound3d = 1000.0 * quantizationErrorBound(roomMin, roomMax, bits);
    std::printf("%4d %6d %14.4f %14.4f %14.4f %14.4f %10.1f\n", bits, 3 * bits, axisBound,
                1000.0 * f.worstAxis, bound3d, 1000.0 * f.worst3d, f.nanosecondsPerRoundTrip);
    if (firstPositionBits == 0 && bound3d <= 1.0) {
      firstPositionBits = bits;
    }
  }

  std::printf("\nRotation quantization, smallest three; errors in degrees\n");
  std::printf("%zu uniformly random rotations per bit count, plus %zu adversarial ones\n", samples,
              adversarialRotations(10).size());
  std::printf("%4s %6s %12s %14s %14s %10s %10s\n", "bits", "total", "bound", "random worst",
              "advers. worst", "worst/bnd", "ns/rt");
  int firstRotationBits = 0;
  for (int bits = 9; bits <= 16; ++bits) {
    const RotationFigures f = measureRotation(bits, samples);
    const double bound = quatErrorBoundDegrees(bits);
    const double worst = std::max(f.worstRandom, f.worstAdversarial);
    std::printf("%4d %6d %12.5f %14.5f %14.5f %10.3f %10.1f\n", bits, quantizedQuatBits(bits),
                bound, f.worstRandom, f.worstAdversarial, worst / bound, f.nanosecondsPerRoundTrip);
    if (firstRotationBits == 0 && worst <= 0.1 && bound <= 0.1) {
      firstRotationBits = bits;
    }
  }

  std::printf("\nFor <= 0.1 deg rotation and <= 1 mm position (3D, in the room box above):\n");
  std::printf(
      "  rotation: %d bits per component (%d bits per rotation), first count whose "
      "bound and measured worst case are both <= 0.1 deg\n",
      firstRotationBits, quantizedQuatBits(firstRotationBits));
  std::printf(
      "  position: %d bits per axis (%d bits per position), first count whose 3D bound "
      "is <= 1 mm\n",
      firstPositionBits, 3 * firstPositionBits);
  std::printf("  a full pose: %d bits\n",
              quantizedQuatBits(firstRotationBits) + 3 * firstPositionBits);
  return 0;
}
