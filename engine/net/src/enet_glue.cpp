#include "enet_glue.h"

#include <enet/time.h>

#include <algorithm>
#include <array>
#include <mutex>

#include "medverse/core/log.h"

namespace medverse::net {
namespace {

std::mutex g_enetMutex;
int g_enetUsers = 0;

}  // namespace

EnetUse::EnetUse() {
  std::lock_guard lock(g_enetMutex);
  if (g_enetUsers == 0 && enet_initialize() != 0) {
    log::get("net")->error("enet_initialize failed; networking is unavailable");
    return;
  }
  ++g_enetUsers;
  ok_ = true;
}

EnetUse::~EnetUse() {
  if (!ok_) {
    return;
  }
  std::lock_guard lock(g_enetMutex);
  if (--g_enetUsers == 0) {
    enet_deinitialize();
  }
}

namespace {
// ENet's wrap-around time comparison (ENET_TIME_LESS in enet/time.h).
bool enetTimeLess(uint32_t a, uint32_t b) {
  return a - b >= 86400000U;
}
}  // namespace

void capRetransmissions(ENetPeer* peer, uint32_t capMs) {
  if (capMs == 0 || peer == nullptr || enet_list_empty(&peer->sentReliableCommands)) {
    return;
  }
  // While the connection is being made ENet's round trip is still its 500 ms
  // guess, not a measurement: cap the handshake's retransmissions at capMs
  // itself, so a CONNECT or VERIFY_CONNECT lost on a lossy link is sent again
  // within capMs instead of after 0.5, 1, 2 s.
  const bool measured = peer->state == ENET_PEER_STATE_CONNECTED;
  const uint32_t cap = measured ? std::max(capMs, 2 * peer->roundTripTime) : capMs;
  bool first = true;
  uint32_t due = 0;
  for (ENetListIterator it = enet_list_begin(&peer->sentReliableCommands);
       it != enet_list_end(&peer->sentReliableCommands); it = enet_list_next(it)) {
    auto* command = reinterpret_cast<ENetOutgoingCommand*>(it);  // NOLINT: ENet's list layout
    command->roundTripTimeout = std::min(command->roundTripTimeout, cap);
    const uint32_t at = command->sentTime + command->roundTripTimeout;
    if (first || enetTimeLess(at, due)) {
      due = at;
      first = false;
    }
  }
  if (enetTimeLess(due, peer->nextTimeout)) {
    peer->nextTimeout = due;
  }
}

Result<ENetAddress> resolveAddress(std::string_view host, uint16_t port) {
  ENetAddress address{};
  address.port = port;
  const std::string name(host);
  if (name.empty() || name == "0.0.0.0" || name == "*") {
    address.host = ENET_HOST_ANY;
    return address;
  }
  if (enet_address_set_host_ip(&address, name.c_str()) != 0 &&
      enet_address_set_host(&address, name.c_str()) != 0) {
    return makeError("cannot resolve host '" + name + "'");
  }
  return address;
}

std::string formatAddress(const ENetAddress& address) {
  std::array<char, 64> text{};
  if (enet_address_get_host_ip(&address, text.data(), text.size()) != 0) {
    return "?:" + std::to_string(address.port);
  }
  return std::string(text.data()) + ":" + std::to_string(address.port);
}

Result<uint16_t> boundPort(ENetSocket socket) {
  ENetAddress address{};
  if (enet_socket_get_address(socket, &address) != 0) {
    return makeError("cannot read the bound address of a UDP socket");
  }
  return address.port;
}

uint32_t msSinceAcknowledged(const ENetPeer* peer) {
  return ENET_TIME_DIFFERENCE(enet_time_get(), peer->lastReceiveTime);
}

}  // namespace medverse::net
