#include "medverse/net/reconnect_policy.h"

#include <algorithm>
#include <cmath>

namespace medverse::net {
namespace {

// SplitMix64: a well-mixed 64-bit hash of the input.
uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31U);
}

}  // namespace

uint32_t ReconnectPolicy::delayBeforeAttempt(uint32_t attempt) const {
  const double cap = static_cast<double>(maxDelayMs);
  const double growth = std::max(1.0, multiplier);
  const double exponent = static_cast<double>(std::max<uint32_t>(attempt, 1) - 1);
  // pow overflows to inf for huge attempts; min() then picks the cap.
  const double base =
      std::min(cap, static_cast<double>(initialDelayMs) * std::pow(growth, exponent));
  const double u = static_cast<double>(mix(seed ^ mix(attempt)) >> 11U) * 0x1.0p-53;
  const double delay = base * (1.0 - std::clamp(jitter, 0.0, 1.0) * u);
  return static_cast<uint32_t>(std::clamp(delay, 0.0, cap));
}

}  // namespace medverse::net
