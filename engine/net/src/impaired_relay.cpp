#include "medverse/net/impaired_relay.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "enet_glue.h"
#include "medverse/core/log.h"

namespace medverse::net {
namespace {

constexpr size_t kMaxDatagramBytes = 65536;
constexpr int kMaxReadsPerSocket = 1024;  // per service(), bounds the work under a flood
constexpr size_t kMaxFlows = 256;

struct Pending {
  uint64_t due = 0;
  uint64_t order = 0;  // ties keep arrival order
  ENetSocket from = ENET_SOCKET_NULL;
  ENetAddress to{};
  std::vector<uint8_t> bytes;
};

// Min-heap on (due, order) for std::push_heap/pop_heap.
bool later(const Pending& a, const Pending& b) {
  return a.due != b.due ? a.due > b.due : a.order > b.order;
}

bool sameAddress(const ENetAddress& a, const ENetAddress& b) {
  return a.host == b.host && a.port == b.port;
}

Result<ENetSocket> openSocket(const ENetAddress& bind) {
  ENetSocket socket = enet_socket_create(ENET_SOCKET_TYPE_DATAGRAM);
  if (socket == ENET_SOCKET_NULL) {
    return makeError("cannot create a UDP socket");
  }
  if (enet_socket_bind(socket, &bind) != 0 ||
      enet_socket_set_option(socket, ENET_SOCKOPT_NONBLOCK, 1) != 0) {
    enet_socket_destroy(socket);
    return makeError("cannot bind a UDP socket to " + formatAddress(bind));
  }
  return socket;
}

}  // namespace

struct ImpairedRelay::Impl {
  // A client seen on the front socket, and the socket that speaks for it
  // to the target.
  struct Flow {
    ENetAddress client{};
    ENetSocket upstream = ENET_SOCKET_NULL;
  };

  EnetUse enet;
  ENetAddress bind{};
  ENetAddress target{};
  ENetSocket front = ENET_SOCKET_NULL;
  uint16_t port = 0;
  Impairment toServer;
  Impairment toClient;
  std::vector<Flow> flows;
  std::vector<Pending> queue;  // heap ordered by later()
  uint64_t order = 0;
  uint64_t forwarded = 0;
  std::vector<uint8_t> buffer = std::vector<uint8_t>(kMaxDatagramBytes);

  Impl(const ImpairmentProfile& up, const ImpairmentProfile& down, uint64_t seed)
      // Different streams per direction, both fixed by the seed.
      : toServer(up, seed), toClient(down, seed ^ 0x5DEECE66DULL) {}
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  Impl(Impl&&) = delete;
  Impl& operator=(Impl&&) = delete;
  ~Impl() {
    for (const Flow& flow : flows) {
      enet_socket_destroy(flow.upstream);
    }
    if (front != ENET_SOCKET_NULL) {
      enet_socket_destroy(front);
    }
  }

  // One datagram, or 0 bytes when none is waiting (or on error).
  size_t receive(ENetSocket socket, ENetAddress& from) {
    ENetBuffer view{buffer.data(), buffer.size()};
    const int n = enet_socket_receive(socket, &from, &view, 1);
    return n > 0 ? static_cast<size_t>(n) : 0;
  }

  void enqueue(Impairment& impairment, uint64_t now, ENetSocket from, const ENetAddress& to,
               size_t bytes) {
    for (const uint64_t due : impairment.schedule(now)) {
      queue.push_back(
          Pending{due, order++, from, to,
                  std::vector<uint8_t>(buffer.begin(), buffer.begin() + static_cast<long>(bytes))});
      std::push_heap(queue.begin(), queue.end(), later);
    }
  }

  Flow* flowFor(const ENetAddress& client) {
    for (Flow& flow : flows) {
      if (sameAddress(flow.client, client)) {
        return &flow;
      }
    }
    if (flows.size() >= kMaxFlows) {
      return nullptr;
    }
    auto socket = openSocket(bind);
    if (!socket) {
      log::get("net")->warn("impaired relay: {}", socket.error().message);
      return nullptr;
    }
    flows.push_back(Flow{client, *socket});
    return &flows.back();
  }

  void service(uint64_t now) {
    ENetAddress from{};
    for (int i = 0; i < kMaxReadsPerSocket; ++i) {
      const size_t n = receive(front, from);
      if (n == 0) {
        break;
      }
      if (Flow* flow = flowFor(from); flow != nullptr) {
        enqueue(toServer, now, flow->upstream, target, n);
      }
    }
    for (const Flow& flow : flows) {
      for (int i = 0; i < kMaxReadsPerSocket; ++i) {
        const size_t n = receive(flow.upstream, from);
        if (n == 0) {
          break;
        }
        enqueue(toClient, now, front, flow.client, n);
      }
    }
    while (!queue.empty() && queue.front().due <= now) {
      std::pop_heap(queue.begin(), queue.end(), later);
      Pending& next = queue.back();
      ENetBuffer view{next.bytes.data(), next.bytes.size()};
      if (enet_socket_send(next.from, &next.to, &view, 1) > 0) {
        forwarded++;
      }
      queue.pop_back();
    }
  }
};

ImpairedRelay::ImpairedRelay(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ImpairedRelay::ImpairedRelay(ImpairedRelay&&) noexcept = default;
ImpairedRelay& ImpairedRelay::operator=(ImpairedRelay&&) noexcept = default;
ImpairedRelay::~ImpairedRelay() = default;

Result<ImpairedRelay> ImpairedRelay::create(std::string_view targetHost, uint16_t targetPort,
                                            const ImpairmentProfile& toServer,
                                            const ImpairmentProfile& toClient, uint64_t seed,
                                            std::string_view bindHost) {
  auto impl = std::make_unique<Impl>(toServer, toClient, seed);
  if (!impl->enet.ok()) {
    return makeError("cannot start the impaired relay: ENet failed to initialise");
  }
  auto target = resolveAddress(targetHost, targetPort);
  if (!target) {
    return makeError("impaired relay: " + target.error().message);
  }
  auto bind = resolveAddress(bindHost, 0);
  if (!bind) {
    return makeError("impaired relay: " + bind.error().message);
  }
  impl->target = *target;
  impl->bind = *bind;
  auto front = openSocket(impl->bind);
  if (!front) {
    return makeError("impaired relay: " + front.error().message);
  }
  impl->front = *front;
  auto port = boundPort(impl->front);
  if (!port) {
    return makeError("impaired relay: " + port.error().message);
  }
  impl->port = *port;
  return ImpairedRelay(std::move(impl));
}

uint16_t ImpairedRelay::port() const {
  return impl_->port;
}

void ImpairedRelay::service(uint64_t nowMs) {
  impl_->service(nowMs);
}

void ImpairedRelay::service() {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now().time_since_epoch());
  impl_->service(static_cast<uint64_t>(now.count()));
}

RelayStats ImpairedRelay::stats() const {
  return RelayStats{impl_->toServer.stats(), impl_->toClient.stats(), impl_->forwarded};
}

}  // namespace medverse::net
