#pragma once

namespace medverse::net {

// libsodium must be initialised before first use (it picks the fastest
// implementation for this CPU and seeds its random generator). Cheap after
// the first call; aborts if libsodium cannot start, since nothing secure can
// happen without it.
void ensureSodium();

}  // namespace medverse::net
