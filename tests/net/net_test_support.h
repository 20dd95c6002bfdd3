#pragma once
// Shared helpers for the net tests: tokens, configs, event logs, a pump loop
// with an iteration bound (no sleeps, no timing thresholds), and RawPeer, an
// ENet client that speaks whatever bytes a test tells it to, for playing an
// attacker or a broken client.
#include <doctest/doctest.h>
#include <enet/enet.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "medverse/net/transport.h"

namespace nettest {

using namespace medverse;
using namespace medverse::net;

inline constexpr std::string_view kRoom = "theatre-1";
// Each iteration services each side for up to 1 ms; a condition that holds
// in a working build is reached in far fewer.
inline constexpr int kPumpBound = 5000;

inline uint64_t nowUnix() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

inline std::span<const uint8_t> bytesOf(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};  // NOLINT
}

inline std::string textOf(const std::vector<uint8_t>& bytes) {
  return {bytes.begin(), bytes.end()};
}

struct TokenSpec {
  uint64_t clientId = 42;
  std::string name = "Dr. Ada Okafor";
  Role role = Role::Doctor;
  std::string room = std::string(kRoom);
  uint64_t ttlSeconds = 300;
  uint64_t issuedAt = nowUnix();
};

inline ClientToken issue(const Key& key, const TokenSpec& spec = {}) {
  auto token = issueToken(key, {spec.clientId, spec.name, spec.role, spec.room, spec.ttlSeconds},
                          spec.issuedAt);
  REQUIRE_MESSAGE(token.ok(), (token.ok() ? "" : token.error().message));
  return *token;
}

inline std::string issueString(const Key& key, const TokenSpec& spec = {}) {
  return encodeTokenString(issue(key, spec));
}

inline ServerConfig serverConfig(const Key& key) {
  ServerConfig config;
  config.bindHost = "127.0.0.1";
  config.port = 0;
  config.room = std::string(kRoom);
  config.issuerKey = key;
  return config;
}

inline ClientConfig clientConfig() {
  ClientConfig config;
  config.bindHost = "127.0.0.1";
  return config;
}

inline Server listen(const ServerConfig& config) {
  auto server = Server::listen(config);
  REQUIRE_MESSAGE(server.ok(), (server.ok() ? "" : server.error().message));
  return std::move(server).value();
}

// Everything a server reported, by kind.
struct ServerLog {
  std::vector<Server::Connected> connected;
  std::vector<Server::Received> received;
  std::vector<Server::Disconnected> disconnected;

  void take(std::vector<Server::Event> events) {
    for (auto& event : events) {
      if (auto* c = std::get_if<Server::Connected>(&event)) {
        connected.push_back(std::move(*c));
      } else if (auto* r = std::get_if<Server::Received>(&event)) {
        received.push_back(std::move(*r));
      } else if (auto* d = std::get_if<Server::Disconnected>(&event)) {
        disconnected.push_back(std::move(*d));
      }
    }
  }
};

// Everything a client reported, by kind.
struct ClientLog {
  std::vector<Client::Connected> connected;
  std::vector<Client::Received> received;
  std::vector<Client::Disconnected> disconnected;
  std::vector<Client::Rejected> rejected;
  std::vector<Client::Reconnecting> reconnecting;

  void take(std::vector<Client::Event> events) {
    for (auto& event : events) {
      if (auto* c = std::get_if<Client::Connected>(&event)) {
        connected.push_back(std::move(*c));
      } else if (auto* r = std::get_if<Client::Received>(&event)) {
        received.push_back(std::move(*r));
      } else if (auto* d = std::get_if<Client::Disconnected>(&event)) {
        disconnected.push_back(std::move(*d));
      } else if (auto* j = std::get_if<Client::Rejected>(&event)) {
        rejected.push_back(std::move(*j));
      } else if (auto* n = std::get_if<Client::Reconnecting>(&event)) {
        reconnecting.push_back(*n);
      }
    }
  }
};

// Calls pump() until done() holds or the bound is reached; returns done().
template <typename Pump, typename Done>
bool pumpUntil(Pump&& pump, Done&& done, int bound = kPumpBound) {
  for (int i = 0; i < bound && !done(); ++i) {
    pump();
  }
  return done();
}

// A server on loopback with any number of clients, each with an event log.
class Harness {
 public:
  explicit Harness(const std::function<void(ServerConfig&)>& tweak = {}) {
    config_ = serverConfig(key);
    if (tweak) {
      tweak(config_);
    }
    server.emplace(listen(config_));
  }

  // Shuts the server down (its destructor tells every client) and starts a
  // new one with the same configuration on the same port.
  void restartServer() {
    config_.port = server->port();
    server.reset();
    server.emplace(listen(config_));
  }

  size_t addClient(ClientConfig config = clientConfig()) {
    clients.push_back(std::make_unique<Client>(std::move(config)));
    clientLogs.emplace_back();
    return clients.size() - 1;
  }

  Client& client(size_t i) { return *clients.at(i); }
  ClientLog& log(size_t i) { return clientLogs.at(i); }
  [[nodiscard]] uint16_t port() const { return server->port(); }

  void connect(size_t i, const std::string& token, uint16_t port = 0) {
    const Status status = client(i).connect("127.0.0.1", port == 0 ? server->port() : port, token);
    REQUIRE_MESSAGE(status.ok(), (status.ok() ? "" : status.error().message));
  }

  // Services everything once; `extra` runs in between (a relay, a raw peer).
  void pump() {
    serverLog.take(server->service(1));
    if (extra) {
      extra();
    }
    for (size_t i = 0; i < clients.size(); ++i) {
      clientLogs[i].take(clients[i]->service(1));
    }
    if (extra) {
      extra();
    }
  }

  template <typename Done>
  bool until(Done&& done, int bound = kPumpBound) {
    return pumpUntil([this] { pump(); }, std::forward<Done>(done), bound);
  }

  // Connects client i with a fresh token and waits until both sides agree.
  PeerId join(size_t i, const TokenSpec& spec = {}) {
    const size_t before = serverLog.connected.size();
    connect(i, issueString(key, spec));
    REQUIRE(
        until([&] { return serverLog.connected.size() > before && !log(i).connected.empty(); }));
    return serverLog.connected.back().peer;
  }

  Key key = Key::generate();
  std::optional<Server> server;
  ServerLog serverLog;
  std::vector<std::unique_ptr<Client>> clients;
  std::deque<ClientLog> clientLogs;
  std::function<void()> extra;

 private:
  ServerConfig config_;
};

// A bare ENet client on loopback: connects with any connect data and channel
// count, sends any bytes, records what comes back.
class RawPeer {
 public:
  explicit RawPeer(uint16_t port, uint32_t connectData = kProtocolId,
                   size_t channels = kChannelCount) {
    REQUIRE(enet_initialize() == 0);
    ENetAddress local{};
    enet_address_set_host_ip(&local, "127.0.0.1");
    local.port = 0;
    host_ = enet_host_create(&local, 1, channels, 0, 0);
    REQUIRE(host_ != nullptr);
    ENetAddress server{};
    enet_address_set_host_ip(&server, "127.0.0.1");
    server.port = port;
    peer_ = enet_host_connect(host_, &server, channels, connectData);
    REQUIRE(peer_ != nullptr);
  }
  ~RawPeer() {
    if (connected && !disconnected) {
      enet_peer_disconnect_now(peer_, 0);
    }
    enet_host_destroy(host_);
  }
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;
  RawPeer(RawPeer&&) = delete;
  RawPeer& operator=(RawPeer&&) = delete;

  void send(uint8_t channel, std::span<const uint8_t> bytes, bool reliable = true) {
    ENetPacket* packet =
        enet_packet_create(bytes.data(), bytes.size(), reliable ? ENET_PACKET_FLAG_RELIABLE : 0);
    REQUIRE(enet_peer_send(peer_, channel, packet) == 0);
    enet_host_flush(host_);
  }

  void service() {
    ENetEvent e{};
    int rc = enet_host_service(host_, &e, 1);
    while (rc > 0) {
      if (e.type == ENET_EVENT_TYPE_CONNECT) {
        connected = true;
      } else if (e.type == ENET_EVENT_TYPE_DISCONNECT) {
        disconnected = true;
        disconnectData = e.data;
      } else if (e.type == ENET_EVENT_TYPE_RECEIVE) {
        received.emplace_back(
            e.channelID,
            std::vector<uint8_t>(e.packet->data, e.packet->data + e.packet->dataLength));
        enet_packet_destroy(e.packet);
      }
      rc = enet_host_service(host_, &e, 0);
    }
  }

  bool connected = false;
  bool disconnected = false;
  uint32_t disconnectData = 0;
  std::vector<std::pair<uint8_t, std::vector<uint8_t>>> received;

 private:
  ENetHost* host_ = nullptr;
  ENetPeer* peer_ = nullptr;
};

}  // namespace nettest
