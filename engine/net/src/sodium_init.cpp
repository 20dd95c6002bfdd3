#include "sodium_init.h"

#include <sodium.h>

#include <cstdlib>

#include "medverse/core/log.h"

namespace medverse::net {

void ensureSodium() {
  static const bool initialised = [] {
    if (sodium_init() < 0) {
      log::get("net")->critical("libsodium failed to initialise; no secure transport possible");
      std::abort();
    }
    return true;
  }();
  (void)initialised;
}

}  // namespace medverse::net
