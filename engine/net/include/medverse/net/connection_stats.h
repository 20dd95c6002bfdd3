#pragma once
// Counters for one connection and for one ENet host.
#include <cstdint>

namespace medverse::net {

// One connection, as this side sees it. Message counts and payload bytes are
// MedVerse messages after sealing (our 25 bytes of header and tag included,
// ENet's own headers, acks and resends not). The drop counters are sealed
// packets refused by the AEAD or the replay window: a rising count means a
// broken peer or someone injecting traffic.
struct ConnectionStats {
  uint64_t messagesSent = 0;
  uint64_t messagesReceived = 0;
  uint64_t payloadBytesSent = 0;
  uint64_t payloadBytesReceived = 0;
  uint64_t droppedForged = 0;
  uint64_t droppedReplayed = 0;
  uint64_t droppedMalformed = 0;
  // ENet's estimates for the peer.
  uint32_t roundTripMs = 0;
  uint32_t roundTripVarianceMs = 0;
  double packetLoss = 0.0;  // fraction of reliable packets lost recently, 0..1
  // Milliseconds since the peer last acknowledged anything (messages or
  // ENet's pings): a peer whose application is busy still acknowledges
  // through its keep-alive thread; a dead one does not.
  uint32_t msSinceAcknowledged = 0;
};

// Everything an ENet host put on or took off the wire: UDP payload bytes
// including ENet's protocol headers, acknowledgements and resends, as ENet
// counts them. ENet keeps these per host, not per peer; a client host has a
// single peer, so for a client these are its connection's wire totals.
struct WireStats {
  uint64_t bytesSent = 0;
  uint64_t bytesReceived = 0;
  uint64_t datagramsSent = 0;
  uint64_t datagramsReceived = 0;
};

}  // namespace medverse::net
