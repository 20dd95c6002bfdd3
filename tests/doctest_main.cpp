#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "medverse/core/log.h"

int main(int argc, char** argv) {
  // Quiet by default; MEDVERSE_LOG=debug shows the engine's logs during a test.
  medverse::log::setLevel(spdlog::level::warn);
  medverse::log::setLevelFromEnv();
  doctest::Context context(argc, argv);
  return context.run();
}
