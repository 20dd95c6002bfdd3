#include <doctest/doctest.h>

#include <vector>

#include "medverse/net/reconnect_policy.h"

using namespace medverse::net;

TEST_CASE("reconnect backoff doubles from its initial delay up to its cap") {
  ReconnectPolicy policy;
  policy.enabled = true;
  policy.initialDelayMs = 250;
  policy.maxDelayMs = 10'000;
  policy.multiplier = 2.0;
  policy.jitter = 0.0;
  std::vector<uint32_t> delays;
  for (uint32_t attempt = 1; attempt <= 9; ++attempt) {
    delays.push_back(policy.delayBeforeAttempt(attempt));
  }
  CHECK(delays == std::vector<uint32_t>{250, 500, 1000, 2000, 4000, 8000, 10'000, 10'000, 10'000});
  CHECK(policy.delayBeforeAttempt(1'000'000) == 10'000);  // no overflow far out
}

TEST_CASE("jitter only shortens delays, never past the cap, and depends only on the seed") {
  ReconnectPolicy policy;
  policy.enabled = true;
  policy.initialDelayMs = 100;
  policy.maxDelayMs = 5000;
  policy.jitter = 0.5;
  policy.seed = 42;
  ReconnectPolicy same = policy;
  ReconnectPolicy other = policy;
  other.seed = 43;
  ReconnectPolicy plain = policy;
  plain.jitter = 0.0;

  bool differs = false;
  uint32_t previousCeiling = 0;
  for (uint32_t attempt = 1; attempt <= 20; ++attempt) {
    const uint32_t ceiling = plain.delayBeforeAttempt(attempt);
    const uint32_t delay = policy.delayBeforeAttempt(attempt);
    CHECK(ceiling >= previousCeiling);  // the un-jittered schedule never shrinks
    CHECK(delay <= ceiling);
    CHECK(delay >= ceiling / 2);
    CHECK(delay <= policy.maxDelayMs);
    CHECK(delay == same.delayBeforeAttempt(attempt));  // a pure function
    differs = differs || delay != other.delayBeforeAttempt(attempt);
    previousCeiling = ceiling;
  }
  CHECK(differs);  // clients with different seeds spread out
}

TEST_CASE("a reconnect policy allows only as many attempts as configured") {
  ReconnectPolicy policy;
  CHECK_FALSE(policy.allowsAttempt(1));  // disabled by default
  policy.enabled = true;
  CHECK(policy.allowsAttempt(1'000));  // unlimited
  policy.maxAttempts = 3;
  CHECK(policy.allowsAttempt(3));
  CHECK_FALSE(policy.allowsAttempt(4));
}
