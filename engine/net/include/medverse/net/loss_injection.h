#pragma once
// Deliberate packet loss inside a real process, for fault tests and
// benchmarks: an ENet host with a LossInjection drops each incoming UDP
// datagram with probability `drop` during a time window, before ENet sees
// it (ENet's intercept hook). Both ends of a connection configured with 0.3
// lose 30 % of the datagrams in each direction, acknowledgements included.
//
// The decisions come from a generator seeded with `seed` and the host's
// creation order in the process, so a run can be repeated. A default
// LossInjection (drop 0) installs nothing, so shipping the hook costs
// nothing; the apps only set one when MEDVERSE_NET_DROP says so.
#include <cstdint>
#include <optional>
#include <string_view>

#include "medverse/core/result.h"

namespace medverse::net {

struct LossInjection {
  double drop = 0.0;          // probability an incoming datagram is dropped, 0..1
  uint32_t startAfterMs = 0;  // window start, from the host's creation
  // The window opens when the process receives SIGUSR1 instead (after
  // startAfterMs is ignored): a test opens it once everyone is in the room.
  bool startOnSignal = false;
  uint32_t durationMs = 0;  // window length; 0: until the host closes
  uint64_t seed = 1;

  [[nodiscard]] bool enabled() const { return drop > 0.0; }
};

struct LossStats {
  uint64_t offered = 0;  // datagrams received while the window was open
  uint64_t dropped = 0;
  bool windowOpened = false;  // the window has started (it may be over)
  bool windowOver = false;    // the window had an end and it has passed
};

// "P[:DURATION_MS[:START_AFTER_MS|usr1]]", e.g. "0.3:10000" (30 % for 10 s
// from the start) or "0.3:10000:usr1" (for 10 s from the process's first
// SIGUSR1). The error names the text and what is wrong with it.
[[nodiscard]] Result<LossInjection> parseLossInjection(std::string_view text);

// MEDVERSE_NET_DROP parsed (seed from MEDVERSE_NET_DROP_SEED, default 1);
// nullopt when it is unset or empty, an error when it does not parse.
[[nodiscard]] Result<std::optional<LossInjection>> lossInjectionFromEnvironment();

}  // namespace medverse::net
