#pragma once
// How long each side waits before giving up on the other.
#include <cstdint>

namespace medverse::net {

struct Timeouts {
  // From ENet connect to the end of the handshake. A server drops a peer that
  // has not proved itself by then; a client gives up on a server that has
  // not answered its Hello.
  uint32_t handshakeMs = 5000;
  // ENet's liveness timeout (enet_peer_timeout): a peer that acknowledges
  // nothing is dropped after between `minimumMs` and `maximumMs`, depending on
  // its round-trip time times `limit`.
  uint32_t limit = 32;
  uint32_t minimumMs = 5000;
  uint32_t maximumMs = 30000;
  // ENet pings a peer it has sent nothing reliable to for this long, so that
  // a dead peer has something unacknowledged to time out on.
  uint32_t pingIntervalMs = 500;
  // After we ask to disconnect, how long to wait for the peer to acknowledge
  // before dropping it without ceremony.
  uint32_t disconnectMs = 3000;
};

}  // namespace medverse::net
