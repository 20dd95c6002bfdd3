// The server as an attacker or a broken client sees it: RawPeer speaks bytes
// of our choosing over real ENet, so these tests check what reaches the
// caller, not just what the crypto functions return.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "medverse/net/handshake.h"
#include "medverse/net/packet_crypto.h"
#include "net_test_support.h"

using namespace nettest;

namespace {

// The client half of a handshake done by hand, as a hostile client would.
struct RawSession {
  std::optional<PacketSealer> sealer;
  std::optional<PacketOpener> opener;
  PeerId peer = 0;
};

RawSession handshake(Harness& h, RawPeer& raw, const ClientToken& token) {
  REQUIRE(h.until([&] { return raw.connected; }));
  const ExchangeKeyPair exchange = ExchangeKeyPair::generate();
  raw.send(0, encodeHello(exchange.publicKey(), token.handshakeBlob()));
  REQUIRE(h.until([&] { return !raw.received.empty(); }));
  auto welcome = decodeWelcome(raw.received.front().second);
  REQUIRE(welcome.ok());
  const SessionKeys keys =
      deriveSessionKeys(token.clientToServerKey, token.serverToClientKey, exchange,
                        welcome->serverPublicKey, HandshakeSide::Client)
          .value();
  RawSession session;
  session.sealer.emplace(keys.clientToServer, keys.connectionId);
  session.opener.emplace(keys.serverToClient, keys.connectionId);
  REQUIRE(session.opener->open(welcome->sealedIdentity).ok());
  raw.send(0, session.sealer->seal(messageType(MessageKind::Confirm, 0), {}).value());
  REQUIRE(h.until([&] { return !h.serverLog.connected.empty(); }));
  session.peer = h.serverLog.connected.front().peer;
  return session;
}

std::vector<uint8_t> sealData(RawSession& session, Channel channel, std::string_view text) {
  return session.sealer
      ->seal(messageType(MessageKind::Data, static_cast<uint8_t>(channel)), bytesOf(text))
      .value();
}

DisconnectCode codeOf(const RawPeer& raw) {
  return static_cast<DisconnectCode>(raw.disconnectData);
}

}  // namespace

TEST_CASE("a peer without a token never reaches the caller and is disconnected") {
  Harness h;
  RawPeer raw(h.port());
  h.extra = [&] { raw.service(); };
  REQUIRE(h.until([&] { return raw.connected; }));

  // Plain data, and something shaped like a sealed message, on two channels.
  raw.send(1, bytesOf("snapshot from nowhere"), false);
  PacketSealer forger(PacketKey{}, 0);
  raw.send(0, forger.seal(messageType(MessageKind::Data, 0), bytesOf("open the case")).value());
  raw.send(0, bytesOf("let me in"));
  REQUIRE(h.until([&] { return raw.disconnected; }));

  CHECK(codeOf(raw) == DisconnectCode::ProtocolViolation);
  CHECK(h.serverLog.received.empty());
  CHECK(h.serverLog.connected.empty());
  CHECK(h.serverLog.disconnected.empty());  // it never joined, so it never leaves
  CHECK(h.server->connectedPeers().empty());
  // The server said why before disconnecting.
  REQUIRE_FALSE(raw.received.empty());
  auto reject = decodeReject(raw.received.front().second);
  REQUIRE(reject.ok());
  CHECK(reject->code == DisconnectCode::ProtocolViolation);
}

TEST_CASE("a peer speaking another protocol or with too few channels is refused") {
  Harness h;
  RawPeer wrongId(h.port(), 0xDEADBEEF);
  RawPeer fewChannels(h.port(), kProtocolId, 2);
  h.extra = [&] {
    wrongId.service();
    fewChannels.service();
  };
  REQUIRE(h.until([&] { return wrongId.disconnected && fewChannels.disconnected; }));
  CHECK(codeOf(wrongId) == DisconnectCode::ProtocolMismatch);
  CHECK(codeOf(fewChannels) == DisconnectCode::ProtocolMismatch);
  CHECK(h.serverLog.connected.empty());
}

TEST_CASE("a garbage Hello is refused as a malformed token") {
  Harness h;
  RawPeer raw(h.port());
  h.extra = [&] { raw.service(); };
  REQUIRE(h.until([&] { return raw.connected; }));
  std::vector<uint8_t> hello =
      encodeHello(ExchangeKeyPair::generate().publicKey(), std::vector<uint8_t>(120, 0xAB));
  raw.send(0, hello);
  REQUIRE(h.until([&] { return raw.disconnected; }));
  CHECK(codeOf(raw) == DisconnectCode::TokenMalformed);
  CHECK(h.serverLog.connected.empty());
}

TEST_CASE("a Hello with a weak key-exchange public key is refused") {
  Harness h;
  RawPeer raw(h.port());
  h.extra = [&] { raw.service(); };
  REQUIRE(h.until([&] { return raw.connected; }));
  raw.send(0, encodeHello(ExchangePublicKey{}, issue(h.key).handshakeBlob()));
  REQUIRE(h.until([&] { return raw.disconnected; }));
  CHECK(codeOf(raw) == DisconnectCode::ProtocolViolation);
  CHECK(h.serverLog.connected.empty());
}

TEST_CASE("a peer that never completes the handshake is dropped") {
  Harness h([](ServerConfig& config) { config.timeouts.handshakeMs = 100; });
  RawPeer raw(h.port());
  h.extra = [&] { raw.service(); };
  REQUIRE(h.until([&] { return raw.disconnected; }));
  CHECK(codeOf(raw) == DisconnectCode::HandshakeTimeout);
  CHECK(h.serverLog.connected.empty());
}

TEST_CASE("a replayed Hello without the token's keys never gets in") {
  // An eavesdropper captured a Hello (the token blob travels in clear) but
  // not the keys, which never leave the client.
  Harness h([](ServerConfig& config) { config.timeouts.handshakeMs = 200; });
  const ClientToken token = issue(h.key);
  RawPeer raw(h.port());
  h.extra = [&] { raw.service(); };
  REQUIRE(h.until([&] { return raw.connected; }));
  raw.send(0, encodeHello(ExchangeKeyPair::generate().publicKey(), token.handshakeBlob()));
  REQUIRE(h.until([&] { return !raw.received.empty(); }));  // a Welcome it cannot open
  auto welcome = decodeWelcome(raw.received.front().second);
  REQUIRE(welcome.ok());
  PacketSealer guess(PacketKey{}, 0);
  raw.send(0, guess.seal(messageType(MessageKind::Confirm, 0), {}).value());
  raw.send(0, guess.seal(messageType(MessageKind::Data, 0), bytesOf("hi")).value());
  REQUIRE(h.until([&] { return raw.disconnected; }));
  CHECK(codeOf(raw) == DisconnectCode::HandshakeTimeout);
  CHECK(h.serverLog.connected.empty());
  CHECK(h.serverLog.received.empty());
}

TEST_CASE("a packet with a flipped ciphertext bit is dropped and counted, not delivered") {
  Harness h;
  RawPeer raw(h.port());
  h.extra = [&] { raw.service(); };
  RawSession session = handshake(h, raw, issue(h.key));

  std::vector<uint8_t> altered = sealData(session, Channel::Control, "move hologram 10 cm");
  altered[kSealedHeaderBytes + 3] ^= 0x04U;
  raw.send(0, altered);
  raw.send(0, sealData(session, Channel::Control, "intact"));
  // Control is ordered, so once "intact" is in, the altered one was judged.
  REQUIRE(h.until([&] { return !h.serverLog.received.empty(); }));
  REQUIRE(h.serverLog.received.size() == 1);
  CHECK(textOf(h.serverLog.received.front().bytes) == "intact");
  const auto stats = h.server->stats(session.peer);
  REQUIRE(stats.has_value());
  CHECK(stats->droppedForged == 1);
  CHECK(h.server->connectedPeers().size() == 1);  // one bad packet is not a reason to drop
}

TEST_CASE("a replayed packet is dropped and counted, on reliable and unreliable channels") {
  Harness h;
  RawPeer raw(h.port());
  h.extra = [&] { raw.service(); };
  RawSession session = handshake(h, raw, issue(h.key));

  const std::vector<uint8_t> once = sealData(session, Channel::Control, "grant control");
  raw.send(0, once);
  raw.send(0, once);  // a new ENet packet with the same sealed bytes
  raw.send(0, sealData(session, Channel::Control, "after"));
  const std::vector<uint8_t> pose = sealData(session, Channel::Input, "pose 1");
  raw.send(2, pose, false);
  raw.send(2, pose, false);

  const auto replayed = [&] {
    const auto stats = h.server->stats(session.peer);
    return stats ? stats->droppedReplayed : 0;
  };
  REQUIRE(h.until([&] { return h.serverLog.received.size() >= 3 && replayed() == 2; }));
  std::vector<std::string> got;
  for (const auto& r : h.serverLog.received) {
    got.push_back(textOf(r.bytes));
  }
  CHECK(std::count(got.begin(), got.end(), "grant control") == 1);
  CHECK(std::count(got.begin(), got.end(), "pose 1") == 1);
  CHECK(std::count(got.begin(), got.end(), "after") == 1);
  CHECK(got.size() == 3);
}

TEST_CASE("a sealed message moved to another channel is dropped") {
  Harness h;
  RawPeer raw(h.port());
  h.extra = [&] { raw.service(); };
  RawSession session = handshake(h, raw, issue(h.key));
  raw.send(3, sealData(session, Channel::Control, "misrouted"));
  raw.send(0, sealData(session, Channel::Control, "routed"));
  REQUIRE(h.until([&] {
    const auto stats = h.server->stats(session.peer);
    return !h.serverLog.received.empty() && stats && stats->droppedMalformed == 1;
  }));
  CHECK(h.serverLog.received.size() == 1);
  CHECK(textOf(h.serverLog.received.front().bytes) == "routed");
}
