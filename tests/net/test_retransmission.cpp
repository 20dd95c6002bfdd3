// White-box: the retransmission cap on ENet's own reliable commands
// (enet_glue.h, Timeouts::retransmitCapMs). A lossy link is only as quick to
// recover as the wait before a lost command is sent again.
#include <doctest/doctest.h>
#include <enet/enet.h>

#include <algorithm>
#include <cstdint>

#include "enet_glue.h"

using namespace medverse::net;

namespace {

uint32_t longestRetransmissionWait(ENetPeer* peer) {
  uint32_t longest = 0;
  for (ENetListIterator it = enet_list_begin(&peer->sentReliableCommands);
       it != enet_list_end(&peer->sentReliableCommands); it = enet_list_next(it)) {
    const auto* command = reinterpret_cast<const ENetOutgoingCommand*>(it);  // NOLINT
    longest = std::max(longest, command->roundTripTimeout);
  }
  return longest;
}

}  // namespace

TEST_CASE(
    "a connection being made has its lost CONNECT sent again within the cap, not after "
    "ENet's 500 ms guess") {
  const EnetUse enet;
  REQUIRE(enet.ok());
  // A port nobody answers on: the CONNECT stays unacknowledged.
  ENetAddress quiet{};
  quiet.host = ENET_HOST_ANY;
  quiet.port = 0;
  ENetHost* listener = enet_host_create(&quiet, 1, 1, 0, 0);
  REQUIRE(listener != nullptr);
  ENetAddress target{};
  REQUIRE(enet_address_set_host_ip(&target, "127.0.0.1") == 0);
  target.port = listener->address.port;
  ENetHost* host = enet_host_create(nullptr, 1, 1, 0, 0);
  REQUIRE(host != nullptr);
  ENetPeer* peer = enet_host_connect(host, &target, 1, 0);
  REQUIRE(peer != nullptr);
  enet_host_flush(host);  // the CONNECT goes out and waits for its answer
  REQUIRE(peer->state == ENET_PEER_STATE_CONNECTING);
  REQUIRE_FALSE(enet_list_empty(&peer->sentReliableCommands));
  CHECK(longestRetransmissionWait(peer) >= 500);  // ENet's own first wait

  capRetransmissions(peer, 200);
  CHECK(longestRetransmissionWait(peer) == 200);
  // ENet looks at the peer's timeouts again no later than that.
  const auto* connect =
      reinterpret_cast<const ENetOutgoingCommand*>(enet_list_begin(&peer->sentReliableCommands));
  CHECK(peer->nextTimeout - connect->sentTime <= 200);

  capRetransmissions(peer, 0);  // 0: no cap, nothing changes
  CHECK(longestRetransmissionWait(peer) == 200);
  enet_host_destroy(host);
  enet_host_destroy(listener);
}
