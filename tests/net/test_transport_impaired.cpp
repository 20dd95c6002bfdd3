// A real client and server talking through ImpairedRelay: 10% loss, 50±20 ms
// latency each way, duplication and reordering.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "medverse/net/impaired_relay.h"
#include "net_test_support.h"

using namespace nettest;

namespace {

const ImpairmentProfile kBadNetwork{.loss = 0.10,
                                    .latencyMs = 50,
                                    .jitterMs = 20,
                                    .duplicate = 0.10,
                                    .reorder = 0.10,
                                    .reorderDelayMs = 30};

constexpr int kMessages = 30;
// Room for retransmissions at ~100 ms round trips.
constexpr int kImpairedPumpBound = 10'000;

std::string numbered(const char* prefix, int i) {
  return prefix + std::to_string(i);
}

}  // namespace

TEST_CASE("reliable control messages arrive once and in order through a bad network") {
  Harness h;
  auto relay = ImpairedRelay::create("127.0.0.1", h.port(), kBadNetwork, kBadNetwork, 2024);
  REQUIRE(relay.ok());
  h.extra = [&] { relay->service(); };
  const size_t c = h.addClient();
  h.connect(c, issueString(h.key), relay->port());
  REQUIRE(h.until([&] { return !h.serverLog.connected.empty() && !h.log(c).connected.empty(); },
                  kImpairedPumpBound));
  const PeerId peer = h.serverLog.connected.front().peer;

  // Spread the sends over time so that they travel in many datagrams, each
  // with its own fate; snapshots go along on the unreliable channel.
  int sent = 0;
  int tick = 0;
  REQUIRE(pumpUntil(
      [&] {
        h.pump();
        if (sent < kMessages && ++tick % 4 == 0) {
          REQUIRE(h.client(c).send(Channel::Control, bytesOf(numbered("up ", sent))).ok());
          REQUIRE(h.server->sendTo(peer, Channel::Control, bytesOf(numbered("down ", sent))).ok());
          REQUIRE(h.server->sendTo(peer, Channel::Snapshots, bytesOf(numbered("", sent))).ok());
          ++sent;
        }
      },
      [&] {
        // Control messages all in; snapshots may be lost, so count only
        // control ones for the client.
        size_t control = 0;
        for (const auto& r : h.log(c).received) {
          control += r.channel == Channel::Control ? 1 : 0;
        }
        return sent == kMessages && h.serverLog.received.size() >= kMessages &&
               control >= kMessages;
      },
      kImpairedPumpBound));

  std::vector<std::string> up;
  for (const auto& r : h.serverLog.received) {
    CHECK(r.channel == Channel::Control);
    up.push_back(textOf(r.bytes));
  }
  std::vector<std::string> down;
  std::vector<int> snapshots;
  for (const auto& r : h.log(c).received) {
    if (r.channel == Channel::Control) {
      down.push_back(textOf(r.bytes));
    } else {
      REQUIRE(r.channel == Channel::Snapshots);
      snapshots.push_back(std::stoi(textOf(r.bytes)));
    }
  }
  std::vector<std::string> expectedUp;
  std::vector<std::string> expectedDown;
  for (int i = 0; i < kMessages; ++i) {
    expectedUp.push_back(numbered("up ", i));
    expectedDown.push_back(numbered("down ", i));
  }
  CHECK(up == expectedUp);      // each once, in order
  CHECK(down == expectedDown);  // each once, in order
  // Unreliable sequenced: some may be lost, but never repeated or out of order.
  for (size_t i = 1; i < snapshots.size(); ++i) {
    CHECK(snapshots[i] > snapshots[i - 1]);
  }

  const RelayStats stats = relay->stats();
  MESSAGE("relay: " << stats.toServer.datagrams << "+" << stats.toClient.datagrams
                    << " datagrams, lost " << stats.toServer.lost + stats.toClient.lost
                    << ", duplicated " << stats.toServer.duplicated + stats.toClient.duplicated
                    << ", held back " << stats.toServer.reordered + stats.toClient.reordered);
  CHECK(stats.toServer.lost + stats.toClient.lost > 0);
  CHECK(stats.toServer.duplicated + stats.toClient.duplicated > 0);
  const auto serverStats = h.server->stats(peer);
  REQUIRE(serverStats.has_value());
  // Duplicated datagrams are ENet's to discard; none may look like an attack.
  CHECK(serverStats->droppedReplayed == 0);
  CHECK(serverStats->droppedForged == 0);
  CHECK(h.client(c).stats().droppedReplayed == 0);
}
