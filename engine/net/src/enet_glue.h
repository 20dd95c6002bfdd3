#pragma once
// ENet plumbing shared by the server, the client and the impairment relay:
// reference-counted library initialisation and address helpers.
#include <enet/enet.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "medverse/core/result.h"

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

}  // namespace medverse::net
