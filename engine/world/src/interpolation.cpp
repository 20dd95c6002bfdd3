#include "medverse/world/interpolation.h"

#include <algorithm>
#include <cmath>

namespace medverse::world {

SnapshotClock::SnapshotClock(double tickMs, InterpolationConfig config)
    : tickMs_(tickMs), config_(config), delay_(config.minDelayTicks * tickMs) {}

void SnapshotClock::onSnapshot(double serverMs, double localMs) {
  const double sample = serverMs - localMs;
  if (samples_ == 0) {
    offset_ = sample;
  } else {
    const double deviation = sample - offset_;
    // Early arrivals (the link got faster) pull the clock forward quickly,
    // late ones slowly: the offset tracks the fastest path, and lateness is
    // what the jitter measures.
    offset_ += deviation > 0.0 ? 0.25 * deviation : 0.02 * deviation;
    jitter_ += 0.1 * (std::abs(deviation) - jitter_);
  }
  ++samples_;
}

double SnapshotClock::renderTime(double localMs) {
  const double target = std::clamp(config_.minDelayTicks * tickMs_ + config_.jitterFactor * jitter_,
                                   config_.minDelayTicks * tickMs_, config_.maxDelayMs);
  // Glide towards the target delay: at most 10% of elapsed time, so the
  // shown motion slows or speeds up slightly instead of jumping.
  const double dt = std::max(0.0, localMs - lastLocal_);
  lastLocal_ = localMs;
  const double step = std::min(std::abs(target - delay_), 0.1 * dt);
  delay_ += target > delay_ ? step : -step;
  return serverNow(localMs) - delay_;
}

void InterpolationTrack::push(double serverMs, std::span<const Transform> values) {
  if (!samples_.empty() && serverMs <= samples_.back().t) {
    return;
  }
  samples_.push_back({serverMs, std::vector<Transform>(values.begin(), values.end())});
  while (samples_.size() > config_.maxSamples) {
    samples_.pop_front();
  }
  newSince_ = true;
}

namespace {

Transform mix(const Transform& a, const Transform& b, float u) {
  Transform t;
  t.position = a.position + (b.position - a.position) * u;
  t.scale = a.scale + (b.scale - a.scale) * u;
  t.rotation = slerpShortest(a.rotation, b.rotation, u);
  return t;
}

}  // namespace

void InterpolationTrack::evaluate(double t, std::vector<Transform>& out) {
  const Sample& newest = samples_.back();
  extrapolating_ = false;
  if (samples_.size() == 1 || t <= samples_.front().t) {
    out = t <= samples_.front().t ? samples_.front().values : newest.values;
    return;
  }
  if (t >= newest.t) {
    const Sample& prev = samples_[samples_.size() - 2];
    const double ahead = std::min(t - newest.t, config_.maxExtrapolationMs);
    const auto u = static_cast<float>(1.0 + ahead / (newest.t - prev.t));
    out.resize(newest.values.size());
    for (size_t i = 0; i < out.size(); ++i) {
      // Linear in position and scale; rotation continues along the same arc.
      out[i] = mix(prev.values[i], newest.values[i], u);
    }
    extrapolating_ = ahead > 0.0;
    return;
  }
  // The two samples around t.
  size_t hi = 1;
  while (hi < samples_.size() && samples_[hi].t < t) {
    ++hi;
  }
  const Sample& a = samples_[hi - 1];
  const Sample& b = samples_[hi];
  const auto u = static_cast<float>((t - a.t) / (b.t - a.t));
  out.resize(a.values.size());
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = mix(a.values[i], b.values[i], u);
  }
  // Samples far behind are no longer needed.
  while (samples_.size() > 2 && samples_[1].t < t) {
    samples_.pop_front();
  }
}

bool InterpolationTrack::sample(double t, double localMs, std::vector<Transform>& out) {
  if (samples_.empty()) {
    return false;
  }
  const bool wasExtrapolating = extrapolating_;
  evaluate(t, out);
  const size_t n = out.size();
  if (posError_.size() != n) {
    posError_.assign(n, glm::vec3(0.0F));
    rotError_.assign(n, glm::quat(1.0F, 0.0F, 0.0F, 0.0F));
    lastShown_.clear();
  }
  // Fade the outstanding correction.
  const double dt = std::max(0.0, localMs - lastLocal_);
  lastLocal_ = localMs;
  const auto keep = static_cast<float>(std::exp(-dt / config_.correctionMs));
  for (size_t i = 0; i < n; ++i) {
    posError_[i] *= keep;
    rotError_[i] = slerpShortest(glm::quat(1.0F, 0.0F, 0.0F, 0.0F), rotError_[i], keep);
  }
  // A sample that arrived while we were guessing: what we showed last is the
  // starting point; fade from there to the truth.
  if (newSince_ && wasExtrapolating && lastShown_.size() == n) {
    for (size_t i = 0; i < n; ++i) {
      posError_[i] = lastShown_[i].position - out[i].position;
      rotError_[i] = glm::normalize(lastShown_[i].rotation * glm::inverse(out[i].rotation));
    }
  }
  newSince_ = false;
  for (size_t i = 0; i < n; ++i) {
    out[i].position += posError_[i];
    out[i].rotation = glm::normalize(rotError_[i] * out[i].rotation);
  }
  lastShown_ = out;
  return true;
}

}  // namespace medverse::world
