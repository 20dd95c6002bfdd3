#include "medverse/net/impairment.h"

#include <algorithm>

namespace medverse::net {

Impairment::Impairment(const ImpairmentProfile& profile, uint64_t seed)
    : profile_(profile), rng_(seed) {}

bool Impairment::chance(double probability) {
  // Always draw, so one decision does not shift the stream of the others
  // depending on a probability being 0.
  const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  return u < probability;
}

uint64_t Impairment::delay() {
  const int64_t jitter = profile_.jitterMs;
  const int64_t offset = std::uniform_int_distribution<int64_t>(-jitter, jitter)(rng_);
  return static_cast<uint64_t>(std::max<int64_t>(0, int64_t{profile_.latencyMs} + offset));
}

std::vector<uint64_t> Impairment::schedule(uint64_t nowMs) {
  stats_.datagrams++;
  const bool lost = chance(profile_.loss);
  const bool duplicated = chance(profile_.duplicate);
  const bool held = chance(profile_.reorder);
  const uint64_t first = delay();
  const uint64_t second = delay();
  if (lost) {
    stats_.lost++;
    return {};
  }
  std::vector<uint64_t> times{nowMs + first + (held ? profile_.reorderDelayMs : 0)};
  if (held) {
    stats_.reordered++;
  }
  if (duplicated) {
    stats_.duplicated++;
    times.push_back(nowMs + second);
  }
  return times;
}

}  // namespace medverse::net
