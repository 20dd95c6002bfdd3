#pragma once
// Seedable network impairment: what a bad Wi-Fi link or a congested hospital
// VPN does to datagrams, reproducibly. One Impairment decides the fate of
// each datagram of one direction: lost, delayed by latency ± jitter, held
// back so that later ones overtake it, or duplicated. The decisions depend
// only on the seed and the order of the datagrams, so a failing run can be
// replayed. ImpairedRelay (impaired_relay.h) applies it to real UDP traffic.
#include <cstdint>
#include <random>
#include <vector>

namespace medverse::net {

struct ImpairmentProfile {
  double loss = 0.0;            // probability a datagram is dropped
  uint32_t latencyMs = 0;       // one-way base delay
  uint32_t jitterMs = 0;        // delay varies uniformly within latency ± jitter
  double duplicate = 0.0;       // probability of one extra copy (own delay)
  double reorder = 0.0;         // probability a datagram is held back ...
  uint32_t reorderDelayMs = 0;  // ... by this much more, so later ones pass it
};

struct ImpairmentStats {
  uint64_t datagrams = 0;  // offered
  uint64_t lost = 0;
  uint64_t duplicated = 0;
  uint64_t reordered = 0;
};

class Impairment {
 public:
  Impairment(const ImpairmentProfile& profile, uint64_t seed);

  // The delivery times (ms, same clock as nowMs) of the copies of a datagram
  // sent at nowMs: none if it is lost, two if duplicated.
  [[nodiscard]] std::vector<uint64_t> schedule(uint64_t nowMs);

  [[nodiscard]] const ImpairmentProfile& profile() const { return profile_; }
  [[nodiscard]] const ImpairmentStats& stats() const { return stats_; }

 private:
  uint64_t delay();
  bool chance(double probability);

  ImpairmentProfile profile_;
  std::mt19937_64 rng_;
  ImpairmentStats stats_;
};

}  // namespace medverse::net
