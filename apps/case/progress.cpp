#include "progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace medverse::tools {

ProgressPrinter::ProgressPrinter() : terminal_(::isatty(STDERR_FILENO) != 0) {}

void ProgressPrinter::update(const std::string& stage, double fraction) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  const int percent = static_cast<int>(std::lround(fraction * 100));
  if (terminal_) {
    constexpr int kBar = 30;
    const int filled = static_cast<int>(fraction * kBar);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kBar, '.');
    int width = std::fprintf(stderr, "\r%-24.24s [%s] %3d%%", stage.c_str(), bar.c_str(), percent);
    if (width < lastWidth_) {
      std::fprintf(stderr, "%*s", lastWidth_ - width, "");
    }
    lastWidth_ = width;
    std::fflush(stderr);
    return;
  }
  const int decile = percent / 10;
  if (stage != stage_ || decile != lastDecile_) {
    std::fprintf(stderr, "progress: %s %d%%\n", stage.c_str(), percent);
    stage_ = stage;
    lastDecile_ = decile;
  }
}

void ProgressPrinter::finish() {
  if (terminal_ && lastWidth_ > 0) {
    std::fprintf(stderr, "\n");
  }
}

}  // namespace medverse::tools
