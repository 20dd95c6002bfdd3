#include "medverse/net/replay_window.h"

#include <cstddef>

namespace medverse::net {
namespace {

constexpr size_t kWords = ReplayWindow::kSize / 64;

bool testBit(const std::array<uint64_t, kWords>& bits, uint64_t index) {
  return ((bits[index / 64] >> (index % 64)) & 1U) != 0;
}

void setBit(std::array<uint64_t, kWords>& bits, uint64_t index) {
  bits[index / 64] |= uint64_t{1} << (index % 64);
}

// Moves every bit `distance` places toward older sequences (higher indices).
void shiftOlder(std::array<uint64_t, kWords>& bits, uint64_t distance) {
  if (distance >= ReplayWindow::kSize) {
    bits.fill(0);
    return;
  }
  const size_t words = static_cast<size_t>(distance / 64);
  const unsigned shift = static_cast<unsigned>(distance % 64);
  for (size_t i = kWords; i-- > 0;) {
    uint64_t value = 0;
    if (i >= words) {
      value = bits[i - words] << shift;
      if (shift != 0 && i >= words + 1) {
        value |= bits[i - words - 1] >> (64U - shift);
      }
    }
    bits[i] = value;
  }
}

}  // namespace

ReplayWindow::Verdict ReplayWindow::check(uint64_t sequence) const {
  if (empty_ || sequence > highest_) {
    return Verdict::Fresh;
  }
  const uint64_t age = highest_ - sequence;
  if (age >= kSize) {
    return Verdict::TooOld;
  }
  return testBit(seen_, age) ? Verdict::Duplicate : Verdict::Fresh;
}

void ReplayWindow::record(uint64_t sequence) {
  if (empty_) {
    empty_ = false;
    highest_ = sequence;
    seen_.fill(0);
    setBit(seen_, 0);
    return;
  }
  if (sequence > highest_) {
    shiftOlder(seen_, sequence - highest_);
    highest_ = sequence;
    setBit(seen_, 0);
    return;
  }
  const uint64_t age = highest_ - sequence;
  if (age < kSize) {
    setBit(seen_, age);
  }
}

}  // namespace medverse::net
