#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "medverse/net/handshake.h"
#include "medverse/net/packet_crypto.h"
#include "medverse/net/replay_window.h"
#include "net_test_support.h"

using namespace nettest;

namespace {

PacketKey keyOf(uint8_t fill) {
  PacketKey key{};
  key.fill(fill);
  return key;
}

constexpr uint64_t kConnection = 0x1234'5678'9ABC'DEF0ULL;
const uint8_t kDataOnControl = messageType(MessageKind::Data, 0);

}  // namespace

TEST_CASE("the replay window accepts each sequence once") {
  ReplayWindow window;
  CHECK(window.check(0) == ReplayWindow::Verdict::Fresh);
  window.record(0);
  CHECK(window.check(0) == ReplayWindow::Verdict::Duplicate);
  CHECK(window.check(1) == ReplayWindow::Verdict::Fresh);
  window.record(5);
  // Late but inside the window: fresh once.
  CHECK(window.check(3) == ReplayWindow::Verdict::Fresh);
  window.record(3);
  CHECK(window.check(3) == ReplayWindow::Verdict::Duplicate);
  CHECK(window.check(5) == ReplayWindow::Verdict::Duplicate);
  CHECK(window.check(4) == ReplayWindow::Verdict::Fresh);
}

TEST_CASE("the replay window refuses sequences older than its 256 entries") {
  ReplayWindow window;
  window.record(1000);
  CHECK(window.check(1000 - 255) == ReplayWindow::Verdict::Fresh);
  CHECK(window.check(1000 - 256) == ReplayWindow::Verdict::TooOld);
  CHECK(window.check(0) == ReplayWindow::Verdict::TooOld);
}

TEST_CASE("the replay window agrees with a plain set-based model as it slides") {
  // The model: a set of everything accepted and the highest accepted.
  ReplayWindow window;
  std::set<uint64_t> seen;
  uint64_t highest = 0;
  std::mt19937_64 rng(7);
  uint64_t head = 0;
  for (int i = 0; i < 20'000; ++i) {
    head += rng() % 4;                  // mostly forward, at varying speed
    const uint64_t back = rng() % 300;  // sometimes late, sometimes too late
    const uint64_t candidate = head > back ? head - back : 0;
    ReplayWindow::Verdict expected = ReplayWindow::Verdict::Fresh;
    if (!seen.empty() && candidate <= highest) {
      if (highest - candidate >= ReplayWindow::kSize) {
        expected = ReplayWindow::Verdict::TooOld;
      } else if (seen.contains(candidate)) {
        expected = ReplayWindow::Verdict::Duplicate;
      }
    }
    REQUIRE(window.check(candidate) == expected);
    if (expected == ReplayWindow::Verdict::Fresh) {
      window.record(candidate);
      seen.insert(candidate);
      highest = std::max(highest, candidate);
    }
  }
  window.record(window.highest() + 10'000);  // a jump clears the whole window
  CHECK(window.check(window.highest() - 1) == ReplayWindow::Verdict::Fresh);
}

TEST_CASE("a sealed packet opens with the same key and connection, and hides the payload") {
  PacketSealer sealer(keyOf(1), kConnection);
  PacketOpener opener(keyOf(1), kConnection);
  const std::string secret = "CT slice 42: hepatic lesion";
  auto sealed = sealer.seal(kDataOnControl, bytesOf(secret));
  REQUIRE(sealed.ok());
  CHECK(sealed->size() == secret.size() + kSealOverheadBytes);
  const std::string wire(sealed->begin(), sealed->end());
  CHECK(wire.find("hepatic") == std::string::npos);

  auto opened = opener.open(*sealed);
  REQUIRE(opened.ok());
  CHECK(opened->type == kDataOnControl);
  CHECK(opened->sequence == 0);
  CHECK(textOf(opened->plaintext) == secret);
}

TEST_CASE("a packet with any bit flipped is refused as forged") {
  PacketSealer sealer(keyOf(1), kConnection);
  auto sealed = sealer.seal(kDataOnControl, bytesOf("grab hologram"));
  REQUIRE(sealed.ok());
  for (size_t bit = 0; bit < sealed->size() * 8; ++bit) {
    PacketOpener opener(keyOf(1), kConnection);
    std::vector<uint8_t> altered = *sealed;
    altered[bit / 8] ^= static_cast<uint8_t>(1U << (bit % 8));
    PacketDrop why{};
    REQUIRE_FALSE(opener.open(altered, &why).ok());
    CHECK_MESSAGE(why == PacketDrop::Forged, "bit " << bit);
  }
}

TEST_CASE("a packet is refused under another connection id, key or direction") {
  PacketSealer sealer(keyOf(1), kConnection);
  auto sealed = sealer.seal(kDataOnControl, bytesOf("pose"));
  REQUIRE(sealed.ok());
  PacketDrop why{};
  PacketOpener otherConnection(keyOf(1), kConnection + 1);
  CHECK_FALSE(otherConnection.open(*sealed, &why).ok());
  CHECK(why == PacketDrop::Forged);
  PacketOpener otherKey(keyOf(2), kConnection);
  CHECK_FALSE(otherKey.open(*sealed, &why).ok());
  CHECK(why == PacketDrop::Forged);
}

TEST_CASE("a replayed packet is refused, and so is one older than the window") {
  PacketSealer sealer(keyOf(3), kConnection);
  PacketOpener opener(keyOf(3), kConnection);
  std::vector<std::vector<uint8_t>> sent;
  sent.reserve(300);
  for (int i = 0; i < 300; ++i) {
    sent.push_back(sealer.seal(kDataOnControl, bytesOf("tick")).value());
  }
  REQUIRE(opener.open(sent[0]).ok());
  PacketDrop why{};
  CHECK_FALSE(opener.open(sent[0], &why).ok());
  CHECK(why == PacketDrop::Replayed);

  REQUIRE(opener.open(sent[299]).ok());
  CHECK_FALSE(opener.open(sent[10], &why).ok());  // 289 behind: outside the window
  CHECK(why == PacketDrop::Replayed);
  CHECK(opener.open(sent[100]).ok());  // 199 behind, unseen: still accepted
  CHECK_FALSE(opener.open(sent[100], &why).ok());
}

TEST_CASE("a forged packet does not move the replay window") {
  PacketSealer sealer(keyOf(4), kConnection);
  PacketOpener opener(keyOf(4), kConnection);
  auto first = sealer.seal(kDataOnControl, bytesOf("a")).value();
  // A forger claims a huge sequence number.
  std::vector<uint8_t> forged = first;
  forged[8] = 0x7F;
  CHECK_FALSE(opener.open(forged).ok());
  CHECK(opener.open(first).ok());
}

TEST_CASE("each stream has its own sequence and window") {
  PacketSealer sealer(keyOf(5), kConnection);
  PacketOpener opener(keyOf(5), kConnection);
  const uint8_t control = messageType(MessageKind::Data, 0);
  const uint8_t snapshots = messageType(MessageKind::Data, 1);
  auto c0 = sealer.seal(control, bytesOf("rpc")).value();
  std::vector<std::vector<uint8_t>> snaps;
  snaps.reserve(400);
  for (int i = 0; i < 400; ++i) {
    snaps.push_back(sealer.seal(snapshots, bytesOf("snap")).value());
  }
  CHECK(sealer.nextSequence(0) == 1);
  CHECK(sealer.nextSequence(1) == 400);
  // Control's packet 0 arrives after 400 snapshots (a resend): still fresh.
  for (const auto& snap : snaps) {
    REQUIRE(opener.open(snap).ok());
  }
  CHECK(opener.open(c0).ok());
}

TEST_CASE("a packet shorter than header and tag is malformed") {
  PacketOpener opener(keyOf(1), kConnection);
  PacketDrop why{};
  const std::vector<uint8_t> shortPacket(kSealOverheadBytes - 1, 0);
  CHECK_FALSE(opener.open(shortPacket, &why).ok());
  CHECK(why == PacketDrop::Malformed);
  CHECK_FALSE(opener.open({}, &why).ok());
}

TEST_CASE("an empty payload seals and opens") {
  PacketSealer sealer(keyOf(6), kConnection);
  PacketOpener opener(keyOf(6), kConnection);
  auto opened = opener.open(sealer.seal(messageType(MessageKind::Confirm, 0), {}).value());
  REQUIRE(opened.ok());
  CHECK(opened->plaintext.empty());
}

TEST_CASE("both sides of a key exchange derive the same session keys") {
  const ClientToken token = issue(Key::generate());
  const ExchangeKeyPair client = ExchangeKeyPair::generate();
  const ExchangeKeyPair server = ExchangeKeyPair::generate();
  auto mine = deriveSessionKeys(token.clientToServerKey, token.serverToClientKey, client,
                                server.publicKey(), HandshakeSide::Client);
  auto theirs = deriveSessionKeys(token.clientToServerKey, token.serverToClientKey, server,
                                  client.publicKey(), HandshakeSide::Server);
  REQUIRE(mine.ok());
  REQUIRE(theirs.ok());
  CHECK(mine->clientToServer == theirs->clientToServer);
  CHECK(mine->serverToClient == theirs->serverToClient);
  CHECK(mine->connectionId == theirs->connectionId);
  CHECK(mine->clientToServer != mine->serverToClient);
}

TEST_CASE("session keys are fresh for every handshake, even with the same token") {
  const ClientToken token = issue(Key::generate());
  const ExchangeKeyPair server = ExchangeKeyPair::generate();
  const auto derive = [&] {
    return deriveSessionKeys(token.clientToServerKey, token.serverToClientKey,
                             ExchangeKeyPair::generate(), server.publicKey(), HandshakeSide::Client)
        .value();
  };
  const SessionKeys a = derive();
  const SessionKeys b = derive();
  CHECK(a.clientToServer != b.clientToServer);
  CHECK(a.serverToClient != b.serverToClient);
  CHECK(a.connectionId != b.connectionId);
}

TEST_CASE("session keys depend on the token's keys, not only on the exchange") {
  const ClientToken one = issue(Key::generate());
  const ClientToken other = issue(Key::generate());
  const ExchangeKeyPair client = ExchangeKeyPair::generate();
  const ExchangeKeyPair server = ExchangeKeyPair::generate();
  auto a = deriveSessionKeys(one.clientToServerKey, one.serverToClientKey, client,
                             server.publicKey(), HandshakeSide::Client);
  auto b = deriveSessionKeys(other.clientToServerKey, other.serverToClientKey, client,
                             server.publicKey(), HandshakeSide::Client);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->clientToServer != b->clientToServer);
}

TEST_CASE("a weak key-exchange public key is refused") {
  const ClientToken token = issue(Key::generate());
  const ExchangePublicKey zero{};  // a low-order point: the shared secret would be zero
  auto keys = deriveSessionKeys(token.clientToServerKey, token.serverToClientKey,
                                ExchangeKeyPair::generate(), zero, HandshakeSide::Server);
  REQUIRE_FALSE(keys.ok());
  CHECK(keys.error().message.find("weak") != std::string::npos);
}

TEST_CASE("disconnect reasons round-trip, and long details are cut on a character boundary") {
  auto reason = decodeReason(encodeReason({DisconnectCode::Kicked, "session ended by host"}));
  REQUIRE(reason.ok());
  CHECK(reason->code == DisconnectCode::Kicked);
  CHECK(reason->detail == "session ended by host");

  std::string longText;
  for (int i = 0; i < 150; ++i) {
    longText += "é";  // 300 bytes
  }
  auto cut = decodeReason(encodeReason({DisconnectCode::Kicked, longText}));
  REQUIRE(cut.ok());
  CHECK(cut->detail.size() == kMaxReasonDetailBytes);
  CHECK(cut->detail == longText.substr(0, kMaxReasonDetailBytes));

  auto reject = decodeReject(encodeReject(reasonFor(DisconnectCode::TokenExpired)));
  REQUIRE(reject.ok());
  CHECK(reject->code == DisconnectCode::TokenExpired);
  CHECK(toString(*reject) == "connect token expired");
}

TEST_CASE("handshake messages refuse truncated input") {
  const ClientToken token = issue(Key::generate());
  const auto hello = encodeHello(ExchangeKeyPair::generate().publicKey(), token.handshakeBlob());
  REQUIRE(decodeHello(hello).ok());
  const auto welcome =
      encodeWelcome(ExchangeKeyPair::generate().publicKey(), std::vector<uint8_t>(40, 1));
  REQUIRE(decodeWelcome(welcome).ok());
  const auto reason = encodeReject({DisconnectCode::ServerFull, "full"});
  for (size_t n = 0; n + 1 < 34; ++n) {
    CHECK_FALSE(decodeHello(std::span(hello).first(n)).ok());
    CHECK_FALSE(decodeWelcome(std::span(welcome).first(n)).ok());
  }
  for (size_t n = 0; n < reason.size(); ++n) {
    CHECK_FALSE(decodeReject(std::span(reason).first(n)).ok());
  }
  CHECK_FALSE(decodeIdentity(std::vector<uint8_t>(5, 0)).ok());
}
