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
  // its round-trip time times `limit`. This is the backstop; silenceMs below
  // is the fast and loss-proof detector when traffic flows continuously.
  uint32_t limit = 32;
  uint32_t minimumMs = 10000;
  uint32_t maximumMs = 30000;
  // ENet doubles a reliable message's retransmission timeout at every
  // attempt without bound, so under heavy loss (30 %: a round trip fails
  // half of the time) the attempts thin out (10, 20, 40 ... 2560 ms apart)
  // and a message can go unacknowledged for seconds, which ENet then takes
  // for a dead peer. The retransmission timeout is capped at this, or twice
  // the round-trip time if that is longer, so attempts keep coming.
  // docs/RELIABILITY.md ("Faults and load") has the measurements. 0: ENet's
  // own behaviour.
  uint32_t retransmitCapMs = 200;
  // A connected peer from which nothing at all has arrived for this long is
  // taken to be gone (ConnectionLost), without waiting for ENet. Only for
  // layers that keep traffic flowing (the world: snapshots every tick,
  // inputs every frame): at 60 messages a second and 30 % loss, 2 s of
  // silence by chance has a probability of 0.3^120. Time this side itself
  // did not service the connection does not count. 0: off.
  uint32_t silenceMs = 0;
  // ENet pings a peer it has sent nothing reliable to for this long, so that
  // a dead peer has something unacknowledged to time out on.
  uint32_t pingIntervalMs = 500;
  // After we ask to disconnect, how long to wait for the peer to acknowledge
  // before dropping it without ceremony.
  uint32_t disconnectMs = 3000;
  // While the owner has not serviced its host for this long (busy loading a
  // case, say), a background thread keeps the connections alive: it
  // acknowledges, pings and queues what arrives for the owner's next
  // service. 0 turns it off (then a stall longer than the liveness timeout
  // loses the connection).
  uint32_t keepAliveAfterMs = 250;
};

}  // namespace medverse::net
