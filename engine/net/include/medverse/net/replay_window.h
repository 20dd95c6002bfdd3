#pragma once
// Sliding anti-replay window over 64-bit sequence numbers (RFC 6347 §4.1.2.6,
// as in DTLS and netcode.io): remembers the highest sequence accepted and
// which of the 256 below it have been seen. A sequence is fresh if it is
// above the highest, or inside the window and not yet seen; anything older
// than the window is refused, since it can no longer be told apart from a
// replay.
//
// Only authenticated packets may be recorded, or a forger could slide the
// window forward and make genuine packets look stale.
#include <array>
#include <cstdint>

namespace medverse::net {

class ReplayWindow {
 public:
  static constexpr uint64_t kSize = 256;

  enum class Verdict : uint8_t { Fresh, Duplicate, TooOld };

  [[nodiscard]] Verdict check(uint64_t sequence) const;
  // Records a sequence that check() called Fresh and that authenticated.
  void record(uint64_t sequence);

  [[nodiscard]] bool empty() const { return empty_; }
  [[nodiscard]] uint64_t highest() const { return highest_; }

 private:
  // Bit i (word i / 64, bit i % 64) set: sequence highest_ - i was seen.
  std::array<uint64_t, kSize / 64> seen_{};
  uint64_t highest_ = 0;
  bool empty_ = true;
};

}  // namespace medverse::net
