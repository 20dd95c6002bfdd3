#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "net_test_support.h"

using namespace nettest;

namespace {

std::vector<std::string> texts(const std::vector<Server::Received>& received, Channel channel) {
  std::vector<std::string> out;
  for (const auto& r : received) {
    if (r.channel == channel) {
      out.push_back(textOf(r.bytes));
    }
  }
  return out;
}

std::vector<std::string> texts(const std::vector<Client::Received>& received, Channel channel) {
  std::vector<std::string> out;
  for (const auto& r : received) {
    if (r.channel == channel) {
      out.push_back(textOf(r.bytes));
    }
  }
  return out;
}

// Waits for the client's refusal and returns it.
DisconnectReason refusalOf(Harness& h, size_t client) {
  REQUIRE(h.until([&] { return !h.log(client).rejected.empty(); }));
  CHECK(h.log(client).connected.empty());
  CHECK(h.client(client).state() == Client::State::Idle);
  return h.log(client).rejected.front().reason;
}

}  // namespace

TEST_CASE("a client with a valid token connects and the server sees its identity") {
  Harness h;
  const size_t c = h.addClient();
  const PeerId peer = h.join(c, {.clientId = 7, .name = "Dr. Ada Okafor", .role = Role::Expert});

  const Server::Connected& joined = h.serverLog.connected.front();
  CHECK(joined.peer == peer);
  CHECK(joined.identity.clientId == 7);
  CHECK(joined.identity.displayName == "Dr. Ada Okafor");
  CHECK(joined.identity.role == Role::Expert);
  CHECK(joined.identity.room == kRoom);
  CHECK(h.server->connectedPeers() == std::vector<PeerId>{peer});

  // The client learns its identity as the server will enforce it.
  const PeerIdentity& me = h.log(c).connected.front().identity;
  CHECK(me.clientId == 7);
  CHECK(me.displayName == "Dr. Ada Okafor");
  CHECK(me.role == Role::Expert);
  CHECK(me.room == kRoom);
  CHECK(h.client(c).state() == Client::State::Connected);
}

TEST_CASE("messages flow both ways on every channel") {
  Harness h;
  const size_t c = h.addClient();
  const PeerId peer = h.join(c);
  for (const Channel channel :
       {Channel::Control, Channel::Snapshots, Channel::Input, Channel::Assets}) {
    const std::string name(channelName(channel));
    REQUIRE(h.client(c).send(channel, bytesOf("up " + name)).ok());
    REQUIRE(h.server->sendTo(peer, channel, bytesOf("down " + name)).ok());
  }
  std::vector<uint8_t> big(200'000);  // fragmented by ENet, one message to us
  for (size_t i = 0; i < big.size(); ++i) {
    big[i] = static_cast<uint8_t>(i * 7);
  }
  REQUIRE(h.server->sendTo(peer, Channel::Assets, big).ok());
  REQUIRE(
      h.until([&] { return h.serverLog.received.size() == 4 && h.log(c).received.size() == 5; }));
  for (const Channel channel :
       {Channel::Control, Channel::Snapshots, Channel::Input, Channel::Assets}) {
    const std::string name(channelName(channel));
    CHECK(texts(h.serverLog.received, channel).front() == "up " + name);
    CHECK(texts(h.log(c).received, channel).front() == "down " + name);
  }
  CHECK(h.log(c).received.back().bytes == big);
  CHECK(h.serverLog.received.front().peer == peer);
}

TEST_CASE("broadcast reaches every connected client") {
  Harness h;
  const size_t a = h.addClient();
  const size_t b = h.addClient();
  h.join(a, {.clientId = 1});
  h.join(b, {.clientId = 2});
  h.server->broadcast(Channel::Control, bytesOf("case loaded"));
  REQUIRE(h.until([&] { return !h.log(a).received.empty() && !h.log(b).received.empty(); }));
  CHECK(textOf(h.log(a).received.front().bytes) == "case loaded");
  CHECK(textOf(h.log(b).received.front().bytes) == "case loaded");
}

TEST_CASE("an expired token is refused and the client is told why") {
  Harness h;
  const size_t c = h.addClient();
  h.connect(c, issueString(h.key, {.ttlSeconds = 60, .issuedAt = nowUnix() - 3600}));
  const DisconnectReason reason = refusalOf(h, c);
  CHECK(reason.code == DisconnectCode::TokenExpired);
  CHECK(reason.detail.find("expired") != std::string::npos);
  CHECK(h.serverLog.connected.empty());
  CHECK(h.serverLog.received.empty());
}

TEST_CASE("a tampered token is refused and the client is told why") {
  Harness h;
  const size_t c = h.addClient();
  ClientToken token = issue(h.key, {.role = Role::Spectator});
  token.sealedPrivate[9] ^= 0x02U;  // somewhere in the sealed role/name
  h.connect(c, encodeTokenString(token));
  const DisconnectReason reason = refusalOf(h, c);
  CHECK(reason.code == DisconnectCode::TokenTampered);
  CHECK(h.serverLog.connected.empty());
}

TEST_CASE("a token from another issuer is refused as tampered") {
  Harness h;
  const size_t c = h.addClient();
  h.connect(c, issueString(Key::generate()));
  CHECK(refusalOf(h, c).code == DisconnectCode::TokenTampered);
}

TEST_CASE("a token for another room is refused and the client is told why") {
  Harness h;
  const size_t c = h.addClient();
  h.connect(c, issueString(h.key, {.room = "oncology-board"}));
  const DisconnectReason reason = refusalOf(h, c);
  CHECK(reason.code == DisconnectCode::TokenWrongRoom);
  CHECK(reason.detail.find("oncology-board") != std::string::npos);
  CHECK(h.serverLog.connected.empty());
}

TEST_CASE("a token already used by a live connection is refused") {
  Harness h;
  const size_t first = h.addClient();
  const size_t second = h.addClient();
  const std::string token = issueString(h.key);
  h.connect(first, token);
  REQUIRE(h.until([&] { return !h.log(first).connected.empty(); }));

  h.connect(second, token);
  CHECK(refusalOf(h, second).code == DisconnectCode::TokenInUse);
  CHECK(h.serverLog.connected.size() == 1);

  // The holder is unaffected.
  REQUIRE(h.client(first).send(Channel::Control, bytesOf("still here")).ok());
  REQUIRE(h.until([&] { return !h.serverLog.received.empty(); }));
  CHECK(h.client(first).state() == Client::State::Connected);
}

TEST_CASE("once its holder has left, the same token connects again with fresh keys") {
  Harness h;
  const size_t c = h.addClient();
  const std::string token = issueString(h.key);
  h.connect(c, token);
  REQUIRE(h.until([&] { return !h.log(c).connected.empty(); }));
  h.client(c).disconnect();
  REQUIRE(h.until([&] { return !h.serverLog.disconnected.empty(); }));

  const size_t again = h.addClient();
  h.connect(again, token);
  REQUIRE(h.until(
      [&] { return !h.log(again).connected.empty() && h.serverLog.connected.size() == 2; }));
}

TEST_CASE("a server disconnect delivers queued messages, then the reason on both sides") {
  Harness h;
  const size_t c = h.addClient();
  const PeerId peer = h.join(c);
  REQUIRE(h.server->sendTo(peer, Channel::Control, bytesOf("last words")).ok());
  h.server->disconnect(peer, DisconnectCode::Kicked, "session ended by the host");
  REQUIRE(
      h.until([&] { return !h.log(c).disconnected.empty() && !h.serverLog.disconnected.empty(); }));
  REQUIRE(h.log(c).received.size() == 1);
  CHECK(textOf(h.log(c).received.front().bytes) == "last words");
  const DisconnectReason& told = h.log(c).disconnected.front().reason;
  CHECK(told.code == DisconnectCode::Kicked);
  CHECK(told.detail == "session ended by the host");
  const Server::Disconnected& gone = h.serverLog.disconnected.front();
  CHECK(gone.peer == peer);
  CHECK(gone.reason.code == DisconnectCode::Kicked);
  CHECK(gone.reason.detail == "session ended by the host");
  CHECK(h.server->connectedPeers().empty());
  CHECK(h.client(c).state() == Client::State::Idle);
  CHECK(h.log(c).reconnecting.empty());  // a kick is not retried
}

TEST_CASE("a client leaving delivers its reason on both sides") {
  Harness h;
  const size_t c = h.addClient();
  const PeerId peer = h.join(c);
  h.client(c).disconnect(DisconnectCode::ClientLeft, "consult finished");
  CHECK(h.client(c).state() == Client::State::Disconnecting);
  REQUIRE(
      h.until([&] { return !h.log(c).disconnected.empty() && !h.serverLog.disconnected.empty(); }));
  CHECK(h.serverLog.disconnected.front().peer == peer);
  CHECK(h.serverLog.disconnected.front().reason.code == DisconnectCode::ClientLeft);
  CHECK(h.serverLog.disconnected.front().reason.detail == "consult finished");
  CHECK(h.log(c).disconnected.front().reason.detail == "consult finished");
}

TEST_CASE("sending is refused until connected") {
  Harness h;
  const size_t c = h.addClient();
  CHECK_FALSE(h.client(c).send(Channel::Control, bytesOf("early")).ok());
  CHECK_FALSE(h.server->sendTo(12345, Channel::Control, bytesOf("nobody")).ok());
  h.connect(c, issueString(h.key));
  CHECK_FALSE(h.client(c).send(Channel::Control, bytesOf("still early")).ok());
  CHECK_FALSE(h.client(c).connect("127.0.0.1", h.port(), issueString(h.key)).ok());
}

TEST_CASE("a damaged token string is refused before anything is sent") {
  Client client(clientConfig());
  const Status status = client.connect("127.0.0.1", 9, "mvt1_AAAA");
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().message.find("damaged") != std::string::npos);
  CHECK(client.state() == Client::State::Idle);
}

TEST_CASE("connection stats count messages, wire bytes and round trips") {
  Harness h;
  const size_t c = h.addClient();
  const PeerId peer = h.join(c);
  for (int i = 0; i < 10; ++i) {
    REQUIRE(h.client(c).send(Channel::Control, bytesOf("0123456789")).ok());
  }
  REQUIRE(h.until([&] { return h.serverLog.received.size() == 10; }));
  const auto server = h.server->stats(peer);
  REQUIRE(server.has_value());
  // Sealed messages from the client: Confirm and 10 data.
  CHECK(server->messagesReceived == 11);
  CHECK(server->payloadBytesReceived == 11 * kSealOverheadBytes + size_t{10} * 10);
  CHECK(server->droppedForged == 0);
  const ConnectionStats client = h.client(c).stats();
  CHECK(client.messagesSent == 12);  // and the Hello
  const WireStats wire = h.client(c).wireStats();
  CHECK(wire.bytesSent > client.payloadBytesSent);  // ENet's headers on top
  CHECK(wire.datagramsSent > 0);
  CHECK(h.server->wireStats().bytesReceived > 0);
  CHECK(server->roundTripMs < 60'000);  // measured (ENet starts from 500)
}

TEST_CASE("an unreachable server is reported once the handshake times out") {
  REQUIRE(enet_initialize() == 0);
  // A bound UDP socket that never answers.
  ENetSocket silent = enet_socket_create(ENET_SOCKET_TYPE_DATAGRAM);
  ENetAddress local{};
  enet_address_set_host_ip(&local, "127.0.0.1");
  REQUIRE(enet_socket_bind(silent, &local) == 0);
  REQUIRE(enet_socket_get_address(silent, &local) == 0);

  ClientConfig config = clientConfig();
  config.timeouts.handshakeMs = 100;
  Client client(config);
  ClientLog log;
  REQUIRE(client.connect("127.0.0.1", local.port, issueString(Key::generate())).ok());
  REQUIRE(
      pumpUntil([&] { log.take(client.service(1)); }, [&] { return !log.disconnected.empty(); }));
  CHECK(log.disconnected.front().reason.code == DisconnectCode::ConnectFailed);
  CHECK(log.rejected.empty());
  CHECK(client.state() == Client::State::Idle);
  enet_socket_destroy(silent);
}

TEST_CASE("a client retries with backoff when the server restarts, and gets back in") {
  Harness h;
  ClientConfig config = clientConfig();
  config.reconnect.enabled = true;
  config.reconnect.initialDelayMs = 10;
  config.reconnect.maxDelayMs = 100;
  config.reconnect.jitter = 0.0;
  config.timeouts.handshakeMs = 300;
  const size_t c = h.addClient(config);
  h.join(c);

  h.restartServer();
  REQUIRE(
      h.until([&] { return h.log(c).connected.size() == 2 && h.serverLog.connected.size() == 2; }));
  REQUIRE_FALSE(h.log(c).disconnected.empty());
  CHECK(h.log(c).disconnected.front().reason.code == DisconnectCode::ServerShutdown);
  REQUIRE_FALSE(h.log(c).reconnecting.empty());
  CHECK(h.log(c).reconnecting.front().attempt == 1);
  CHECK(h.log(c).reconnecting.front().delayMs == 10);
  CHECK(h.client(c).state() == Client::State::Connected);
}

TEST_CASE("a client busy for longer than the liveness timeout keeps its connection") {
  // A participant's app stalls for seconds while it loads a case or builds
  // GPU resources, and does not service its connection. The keep-alive
  // thread answers for it; a client without one (the control) is dropped.
  Harness h([](ServerConfig& c) {
    c.timeouts.minimumMs = 500;
    c.timeouts.maximumMs = 1000;
    c.timeouts.silenceMs = 800;  // the world's fast dead-peer detection, tighter
  });
  const size_t busy = h.addClient();
  ClientConfig noKeepAlive = clientConfig();
  noKeepAlive.timeouts.keepAliveAfterMs = 0;
  const size_t control = h.addClient(noKeepAlive);
  const PeerId busyPeer = h.join(busy, {.clientId = 1, .name = "Busy"});
  const PeerId controlPeer = h.join(control, {.clientId = 2, .name = "Control"});
  REQUIRE(h.server->sendTo(busyPeer, Channel::Control, bytesOf("while you were busy")).ok());

  // Only the server runs, until it gives up on the control client.
  auto dropped = [&] {
    return std::any_of(h.serverLog.disconnected.begin(), h.serverLog.disconnected.end(),
                       [&](const Server::Disconnected& d) { return d.peer == controlPeer; });
  };
  REQUIRE(pumpUntil([&] { h.serverLog.take(h.server->service(5)); }, dropped, 4000));
  CHECK(h.server->connectedPeers() == std::vector<PeerId>{busyPeer});

  // Back from its stall, the busy client finds its connection and the
  // message that came meanwhile.
  REQUIRE(h.until([&] { return !h.log(busy).received.empty(); }));
  CHECK(textOf(h.log(busy).received.front().bytes) == "while you were busy");
  CHECK(h.log(busy).disconnected.empty());
  CHECK(h.client(busy).state() == Client::State::Connected);
}
