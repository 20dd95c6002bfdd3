#pragma once
// When a client tries again after losing its server: exponential backoff,
// capped, with deterministic jitter. The delay before attempt n is
//
//   base(n)  = min(maxDelayMs, initialDelayMs * multiplier^(n-1))
//   delay(n) = base(n) * (1 - jitter * u(seed, n)),   u in [0, 1)
//
// Jitter only shortens a delay, so maxDelayMs is a hard cap; it spreads out
// the clients of a restarted server so that they do not all knock at once.
// u is a hash of (seed, n), not a running generator, so the schedule is a
// pure function that tests can check without sleeping.
#include <cstdint>

namespace medverse::net {

struct ReconnectPolicy {
  bool enabled = false;
  uint32_t initialDelayMs = 250;
  uint32_t maxDelayMs = 10000;
  double multiplier = 2.0;
  double jitter = 0.25;      // 0..1
  uint32_t maxAttempts = 0;  // 0 = keep trying
  uint64_t seed = 0;         // e.g. the client id

  // Delay before attempt `attempt` (1 = the first retry).
  [[nodiscard]] uint32_t delayBeforeAttempt(uint32_t attempt) const;
  [[nodiscard]] bool allowsAttempt(uint32_t attempt) const {
    return enabled && (maxAttempts == 0 || attempt <= maxAttempts);
  }
};

}  // namespace medverse::net
