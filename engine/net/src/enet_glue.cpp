#include "enet_glue.h"

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

}  // namespace medverse::net
