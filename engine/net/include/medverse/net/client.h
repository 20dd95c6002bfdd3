#pragma once
// The client end of the secure transport.
//
// Poll-based like the server: call service() every frame. connect() starts
// the ENet connection; the handshake runs inside service(), which reports
// Connected once the server has proved it holds the issuer key (it opened
// the token and sealed a Welcome with the token's keys). If the server
// refuses, Rejected says why. With a ReconnectPolicy enabled, a lost
// connection or an unreachable server is retried with backoff (Reconnecting
// events say when); a refusal that retrying cannot fix (bad token), a kick
// or the client's own disconnect() is not retried.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/net/channel.h"
#include "medverse/net/connection_stats.h"
#include "medverse/net/disconnect_reason.h"
#include "medverse/net/handshake.h"
#include "medverse/net/loss_injection.h"
#include "medverse/net/reconnect_policy.h"
#include "medverse/net/timeouts.h"

namespace medverse::net {

struct ClientConfig {
  // Local address to bind; empty binds to all interfaces. Tests use
  // "127.0.0.1" to stay on loopback.
  std::string bindHost;
  Timeouts timeouts;
  ReconnectPolicy reconnect;
  // Deliberate loss of incoming datagrams, for fault tests (off by default).
  LossInjection loss;
};

class Client {
 public:
  struct Connected {
    PeerIdentity identity;  // as the server will enforce it
  };
  struct Received {
    Channel channel = Channel::Control;
    std::vector<uint8_t> bytes;
  };
  struct Disconnected {
    DisconnectReason reason;
  };
  struct Rejected {
    DisconnectReason reason;
  };
  struct Reconnecting {
    uint32_t attempt = 0;  // 1 = first retry
    uint32_t delayMs = 0;
  };
  using Event = std::variant<Connected, Received, Disconnected, Rejected, Reconnecting>;

  enum class State : uint8_t {
    Idle,            // never connected, or finished
    Connecting,      // ENet connect and handshake in progress
    Connected,       // handshake done; send() works
    Disconnecting,   // disconnect() called, waiting for the server's ack
    WaitingToRetry,  // backing off before the next attempt
  };

  explicit Client(ClientConfig config = {});
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  // Tells the server the client left (best effort) and closes.
  ~Client();

  // Starts connecting to host:port with a token string (encodeTokenString).
  // Fails at once on a damaged token, an unresolvable host or a socket error;
  // everything later arrives as events.
  [[nodiscard]] Status connect(std::string_view host, uint16_t port, std::string_view token);

  [[nodiscard]] std::vector<Event> service(uint32_t timeoutMs);

  // Queues a sealed message for the next service() or flush(). Fails unless
  // Connected.
  [[nodiscard]] Status send(Channel channel, std::span<const uint8_t> bytes);
  // Tells the server why (sealed) and disconnects after queued messages are
  // delivered; Disconnected with this reason follows. Stops any retrying.
  void disconnect(DisconnectCode code = DisconnectCode::ClientLeft, std::string detail = {});
  void flush();

  [[nodiscard]] State state() const;
  [[nodiscard]] ConnectionStats stats() const;
  [[nodiscard]] WireStats wireStats() const;
  [[nodiscard]] LossStats lossStats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace medverse::net
