#pragma once
// A WorldServer and several WorldClients in one process over loopback,
// driven by explicit poll/service/tick calls: no threads, no sleeps. Pumping
// is bounded by iteration counts; a condition that holds in a working build
// is reached in far fewer.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "medverse/net/connect_token.h"
#include "medverse/net/key.h"
#include "medverse/world/audit.h"
#include "medverse/world/world_client.h"
#include "medverse/world/world_server.h"

namespace worldtest {

using namespace medverse;
using namespace medverse::world;

inline constexpr const char* kRoom = "consult-7";
inline constexpr int kPumpBound = 4000;

inline uint64_t nowUnix() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

struct RecordingAudit : AuditSink {
  std::vector<AuditEvent> events;
  Status record(const AuditEvent& e) override {
    events.push_back(e);
    return {};
  }
  [[nodiscard]] size_t count(AuditType type) const {
    size_t n = 0;
    for (const auto& e : events) {
      n += e.type == type ? 1 : 0;
    }
    return n;
  }
};

struct ClientLog {
  std::vector<WorldClient::Joined> joined;
  std::vector<WorldClient::Refused> refused;
  std::vector<WorldClient::Notice> notices;
  std::vector<WorldClient::Left> left;
  void take(std::vector<WorldClient::Event> events) {
    for (auto& e : events) {
      if (auto* j = std::get_if<WorldClient::Joined>(&e)) {
        joined.push_back(*j);
      } else if (auto* r = std::get_if<WorldClient::Refused>(&e)) {
        refused.push_back(*r);
      } else if (auto* n = std::get_if<WorldClient::Notice>(&e)) {
        notices.push_back(*n);
      } else if (auto* l = std::get_if<WorldClient::Left>(&e)) {
        left.push_back(*l);
      }
    }
  }
};

class Room {
 public:
  explicit Room(const std::function<void(WorldServerConfig&)>& tweak = {}) {
    WorldServerConfig config;
    config.net.bindHost = "127.0.0.1";
    config.net.room = kRoom;
    config.net.issuerKey = key;
    config.caseName = "ch2";
    config.caseHash = std::string(64, 'a');
    config.audit = &audit;
    if (tweak) {
      tweak(config);
    }
    auto s = WorldServer::start(std::move(config));
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message));
    server = std::make_unique<WorldServer>(std::move(s).value());
  }

  std::string token(uint64_t clientId, const std::string& name, net::Role role) {
    auto t = net::issueTokenString(key, name, role, kRoom, 600, clientId);
    REQUIRE(t.ok());
    return *t;
  }

  size_t addClient() {
    WorldClientConfig config;
    config.net.bindHost = "127.0.0.1";
    clients.push_back(std::make_unique<WorldClient>(config));
    logs.emplace_back();
    return clients.size() - 1;
  }

  WorldClient& client(size_t i) { return *clients.at(i); }
  ClientLog& log(size_t i) { return logs.at(i); }

  // Network only: no tick.
  void pumpNetwork() {
    server->poll(1);
    if (extra) {
      extra();
    }
    for (size_t i = 0; i < clients.size(); ++i) {
      if (clients[i]) {
        logs[i].take(clients[i]->service(0));
        clients[i]->update();
      }
    }
    if (extra) {
      extra();
    }
  }
  // Network, then one tick; with realTime, a tick only when one is due at
  // the server's rate by the steady clock (for tests through ImpairedRelay,
  // which delays datagrams in real time).
  void step() {
    pumpNetwork();
    if (!realTime) {
      server->tick();
      return;
    }
    const double now = steadyMs();
    if (nextTickMs == 0.0) {
      nextTickMs = now;
    }
    if (now >= nextTickMs) {
      server->tick();
      nextTickMs += 1000.0 / server->tickHz();
    }
  }

  static double steadyMs() {
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  template <typename Done>
  bool until(Done&& done, int bound = kPumpBound) {
    for (int i = 0; i < bound && !done(); ++i) {
      step();
    }
    return done();
  }

  size_t join(uint64_t clientId, const std::string& name, net::Role role, uint16_t port = 0) {
    const size_t i = addClient();
    connect(i, clientId, name, role, port);
    return i;
  }

  void connect(size_t i, uint64_t clientId, const std::string& name, net::Role role,
               uint16_t port = 0) {
    const size_t before = log(i).joined.size();
    const Status s = client(i).connect("127.0.0.1", port == 0 ? server->port() : port,
                                       token(clientId, name, role));
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message));
    REQUIRE(until([&] { return log(i).joined.size() > before; }));
  }

  net::Key key = net::Key::generate();
  RecordingAudit audit;
  std::unique_ptr<WorldServer> server;
  std::vector<std::unique_ptr<WorldClient>> clients;
  std::vector<ClientLog> logs;
  std::function<void()> extra;
  bool realTime = false;
  double nextTickMs = 0.0;
};

inline AvatarPose poseAt(const glm::vec3& head, float yaw) {
  AvatarPose p;
  const glm::quat q = glm::angleAxis(yaw, glm::vec3(0.0F, 1.0F, 0.0F));
  p.head = {head, q};
  p.leftHand = {head + glm::vec3(-0.25F, -0.45F, -0.2F), q};
  p.rightHand = {head + glm::vec3(0.25F, -0.45F, -0.2F), q};
  p.pointer = p.rightHand;
  p.pointerActive = true;
  return p;
}

}  // namespace worldtest
