#pragma once
// Showing remote motion smoothly from snapshots that arrive late, unevenly or
// not at all.
//
// SnapshotClock maps local time to server time from snapshot arrivals and
// measures their jitter; the interpolation delay follows the jitter (a steady
// link gets a short delay, a jittery one a longer one), and moves gradually
// so the picture never jumps when it changes.
//
// InterpolationTrack holds timed samples of one actor's poses and answers
// "where was it at server time t": interpolated between the two samples
// around t; extrapolated from the last two when t is past the newest, for at
// most `maxExtrapolationMs`, then held; and when a late sample corrects an
// extrapolation, the error is faded out over `correctionMs` instead of
// snapping.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "medverse/core/transform.h"

namespace medverse::world {

struct InterpolationConfig {
  double minDelayTicks = 1.5;    // never less than this many tick periods behind
  double maxDelayMs = 300.0;     // nor more than this
  double jitterFactor = 3.0;     // delay = minDelay + jitterFactor * jitter
  double maxExtrapolationMs = 100.0;
  double correctionMs = 100.0;   // time constant of fading a correction out
  size_t maxSamples = 64;
};

class SnapshotClock {
 public:
  SnapshotClock(double tickMs, InterpolationConfig config);
  // A snapshot of server time serverMs arrived at local time localMs.
  void onSnapshot(double serverMs, double localMs);
  [[nodiscard]] bool ready() const { return samples_ > 0; }
  // Server time now, as the newest snapshots would suggest.
  [[nodiscard]] double serverNow(double localMs) const { return localMs + offset_; }
  // Server time to show remote actors at: serverNow - delay.
  [[nodiscard]] double renderTime(double localMs);
  [[nodiscard]] double jitterMs() const { return jitter_; }
  [[nodiscard]] double delayMs() const { return delay_; }

 private:
  double tickMs_;
  InterpolationConfig config_;
  uint64_t samples_ = 0;
  double offset_ = 0.0;  // server - local, following the freshest arrivals
  double jitter_ = 0.0;  // mean absolute deviation of arrivals, ms
  double delay_ = 0.0;
  double lastLocal_ = 0.0;
};

class InterpolationTrack {
 public:
  explicit InterpolationTrack(InterpolationConfig config = {}) : config_(config) {}

  // Samples must come in increasing server time; older ones are ignored.
  void push(double serverMs, std::span<const Transform> values);
  // Fills `out` with the values to show at server time `t` (local time
  // `localMs` drives the fading of corrections). False when empty.
  bool sample(double t, double localMs, std::vector<Transform>& out);
  [[nodiscard]] bool empty() const { return samples_.empty(); }
  [[nodiscard]] bool extrapolating() const { return extrapolating_; }

 private:
  struct Sample {
    double t = 0.0;
    std::vector<Transform> values;
  };
  void evaluate(double t, std::vector<Transform>& out);

  InterpolationConfig config_;
  std::deque<Sample> samples_;
  bool extrapolating_ = false;
  bool newSince_ = false;
  double lastLocal_ = 0.0;
  std::vector<Transform> lastShown_;
  std::vector<glm::vec3> posError_;
  std::vector<glm::quat> rotError_;
};

}  // namespace medverse::world
