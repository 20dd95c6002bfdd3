#pragma once
// The server end of the secure transport: one ENet host, one room.
//
// Poll-based and single-threaded: nothing happens between calls to
// service(), which waits up to a timeout for traffic, runs the handshakes,
// and returns what happened. A peer is announced (Connected) only once it has
// presented a valid token for this room and proved it holds the token's
// keys; before that nothing it sends reaches the caller, and a peer that
// sends anything but a Hello is dropped. Afterwards every payload is sealed
// per direction (packet_crypto.h); forged, replayed or malformed packets are
// dropped and counted in the connection's stats.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/net/channel.h"
#include "medverse/net/connect_token.h"
#include "medverse/net/connection_stats.h"
#include "medverse/net/disconnect_reason.h"
#include "medverse/net/key.h"
#include "medverse/net/loss_injection.h"
#include "medverse/net/timeouts.h"

namespace medverse::net {

// Names a connection for its lifetime; never reused by a server.
using PeerId = uint32_t;

struct ServerConfig {
  std::string bindHost = "0.0.0.0";
  uint16_t port = 0;  // 0: any free port, see Server::port()
  std::string room;   // tokens for any other room are refused
  Key issuerKey;      // the key tokens are sealed with
  uint32_t maxClients = 32;
  Timeouts timeouts;
  // Seconds since the Unix epoch, for token expiry. Defaults to the system
  // clock; tests substitute their own.
  std::function<uint64_t()> unixNow;
  // Deliberate loss of incoming datagrams, for fault tests (off by default).
  LossInjection loss;
  // Largest message a peer may send (ENet refuses bigger ones before
  // buffering them): clients send inputs, intents and asset requests of at
  // most a few KiB, so 1 MiB leaves room and bounds what a hostile peer can
  // make the server allocate (ENet's own default is 32 MiB).
  size_t maxIncomingMessageBytes = size_t{1024} * 1024;
};

class Server {
 public:
  struct Connected {
    PeerId peer = 0;
    // Who this is, from the token. Its two keys are zeroed: they served the
    // handshake and nothing above the transport needs them.
    ConnectToken identity;
  };
  struct Received {
    PeerId peer = 0;
    Channel channel = Channel::Control;
    std::vector<uint8_t> bytes;
  };
  struct Disconnected {
    PeerId peer = 0;
    DisconnectReason reason;
  };
  using Event = std::variant<Connected, Received, Disconnected>;

  // Binds the UDP socket. The error names the address on failure.
  [[nodiscard]] static Result<Server> listen(ServerConfig config);

  Server(Server&&) noexcept;
  Server& operator=(Server&&) noexcept;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  // Tells every peer the server is shutting down (best effort) and closes.
  ~Server();

  [[nodiscard]] uint16_t port() const;

  // Waits up to timeoutMs for network traffic, then processes everything
  // pending and sends what is queued. Disconnected is emitted only for peers
  // that were Connected.
  [[nodiscard]] std::vector<Event> service(uint32_t timeoutMs);

  // Queues a sealed message; it leaves on the next service() or flush().
  // Fails for an unknown or not (yet, or any longer) connected peer.
  [[nodiscard]] Status sendTo(PeerId peer, Channel channel, std::span<const uint8_t> bytes);
  // To every connected peer.
  void broadcast(Channel channel, std::span<const uint8_t> bytes);
  // Sends the reason (sealed) and disconnects once queued messages are
  // delivered; Disconnected with this reason follows from service().
  void disconnect(PeerId peer, DisconnectCode code, std::string detail = {});
  void flush();

  [[nodiscard]] std::vector<PeerId> connectedPeers() const;
  [[nodiscard]] std::optional<ConnectionStats> stats(PeerId peer) const;
  // Bytes ENet holds for the peer, all channels: queued and not yet sent,
  // plus reliable data sent and not yet acknowledged. Senders of bulk data
  // (asset transfer) keep this small so that it never delays other traffic.
  [[nodiscard]] std::optional<size_t> backlogBytes(PeerId peer) const;
  [[nodiscard]] WireStats wireStats() const;
  [[nodiscard]] LossStats lossStats() const;

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace medverse::net
