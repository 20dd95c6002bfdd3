#pragma once
// ENet plumbing shared by the server, the client and the impairment relay:
// reference-counted library initialisation and address helpers.
#include <enet/enet.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "medverse/core/result.h"
#include "medverse/net/loss_injection.h"

namespace medverse::net {

// Keeps ENet initialised while alive. enet_initialize/enet_deinitialize are
// global; the first holder initialises and the last one to go deinitialises,
// so independent servers, clients and relays in one process (a listen server,
// a test) do not pull the library out from under each other.
class EnetUse {
 public:
  EnetUse();
  ~EnetUse();
  EnetUse(const EnetUse&) = delete;
  EnetUse& operator=(const EnetUse&) = delete;
  EnetUse(EnetUse&&) = delete;
  EnetUse& operator=(EnetUse&&) = delete;

  [[nodiscard]] bool ok() const { return ok_; }

 private:
  bool ok_ = false;
};

// Resolves a host name or dotted IPv4 address. The error names the host.
[[nodiscard]] Result<ENetAddress> resolveAddress(std::string_view host, uint16_t port);

// "127.0.0.1:40123", for logs and error messages.
[[nodiscard]] std::string formatAddress(const ENetAddress& address);

// The port the socket is actually bound to (after binding port 0).
[[nodiscard]] Result<uint16_t> boundPort(ENetSocket socket);

// Services `host` once (waiting up to timeoutMs) and hands every event that
// is ready to `dispatch`, at most 4096 in one call so that a flood cannot
// hold the caller. Returns ENet's result: negative when servicing failed.
template <typename Dispatch>
int serviceHost(ENetHost* host, uint32_t timeoutMs, Dispatch&& dispatch) {
  constexpr int kMaxEventsPerService = 4096;
  ENetEvent e{};
  int rc = enet_host_service(host, &e, timeoutMs);
  for (int handled = 0; rc > 0;) {
    dispatch(e);
    if (++handled >= kMaxEventsPerService) {
      break;
    }
    rc = enet_host_service(host, &e, 0);
  }
  return rc;
}

// Caps the retransmission timeout of the peer's unacknowledged reliable
// messages at max(capMs, 2 x round trip), undoing ENet's unbounded doubling
// (Timeouts::retransmitCapMs); at capMs while the peer is still connecting
// (no round trip measured yet). 0: no cap. Call after servicing.
void capRetransmissions(ENetPeer* peer, uint32_t capMs);

// Milliseconds since the peer last acknowledged anything of ours (ENet's
// lastReceiveTime: acks of messages and of the pings ENet sends when idle).
// A busy peer whose keep-alive thread still answers is heard this way even
// while its application sends nothing.
[[nodiscard]] uint32_t msSinceAcknowledged(const ENetPeer* peer);

// Drops incoming datagrams of one host as a LossInjection says (through
// ENet's intercept hook). Must be uninstalled (or destroyed) before the host.
class LossHook {
 public:
  struct State;
  LossHook();
  ~LossHook();
  LossHook(const LossHook&) = delete;
  LossHook& operator=(const LossHook&) = delete;
  LossHook(LossHook&&) = delete;
  LossHook& operator=(LossHook&&) = delete;

  // Nothing happens for a config that drops nothing.
  void install(ENetHost* host, const LossInjection& config);
  void uninstall();
  [[nodiscard]] bool installed() const;
  [[nodiscard]] LossStats stats() const;

 private:
  ENetHost* host_ = nullptr;
  std::unique_ptr<State> state_;
};

}  // namespace medverse::net
