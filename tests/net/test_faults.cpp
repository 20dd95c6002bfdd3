// The transport's fault handling: loss injection, a silent peer.
#include <doctest/doctest.h>

#include <csignal>
#include <string>
#include <vector>

#include "medverse/net/loss_injection.h"
#include "net_test_support.h"

using namespace nettest;

TEST_CASE("MEDVERSE_NET_DROP syntax is probability, duration and start, and errors name the text") {
  auto plain = parseLossInjection("0.3");
  REQUIRE(plain.ok());
  CHECK(plain->drop == doctest::Approx(0.3));
  CHECK(plain->durationMs == 0);
  auto windowed = parseLossInjection("0.25:10000:500");
  REQUIRE(windowed.ok());
  CHECK(windowed->drop == doctest::Approx(0.25));
  CHECK(windowed->durationMs == 10000);
  CHECK(windowed->startAfterMs == 500);
  auto onSignal = parseLossInjection("0.3:10000:usr1");
  REQUIRE(onSignal.ok());
  CHECK(onSignal->startOnSignal);
  CHECK(onSignal->durationMs == 10000);
  CHECK_FALSE(windowed->startOnSignal);
  for (const char* bad :
       {"", "30%", "1.5", "-0.1", "0.3:", "0.3:10s", "0.3:1:2:3", "0.3:1:usr2", "0.3:1:usr1:4"}) {
    auto parsed = parseLossInjection(bad);
    CHECK_MESSAGE(!parsed.ok(), bad);
    if (!parsed.ok()) {
      CHECK(parsed.error().message.find("'" + std::string(bad) + "'") != std::string::npos);
    }
  }
  CHECK_FALSE(LossInjection{}.enabled());
}

TEST_CASE(
    "a server dropping every datagram it receives never sees the client, and one dropping none "
    "does") {
  Harness lossy([](ServerConfig& c) { c.loss = LossInjection{.drop = 1.0}; });
  const size_t c = lossy.addClient();
  lossy.connect(c, issueString(lossy.key));
  CHECK_FALSE(lossy.until([&] { return !lossy.serverLog.connected.empty(); }, 300));
  CHECK(lossy.server->lossStats().dropped > 0);
  CHECK(lossy.server->lossStats().dropped == lossy.server->lossStats().offered);

  Harness clean([](ServerConfig& s) { s.loss = LossInjection{.drop = 0.0}; });
  const size_t d = clean.addClient();
  clean.join(d);
  CHECK(clean.server->lossStats().offered == 0);  // nothing installed
}

TEST_CASE("a loss window that opens on SIGUSR1 drops nothing before the signal and all after it") {
  Harness h([](ServerConfig& c) { c.loss = LossInjection{.drop = 1.0, .startOnSignal = true}; });
  const size_t c = h.addClient();
  h.join(c);  // the connection is made through a server that drops nothing yet
  CHECK_FALSE(h.server->lossStats().windowOpened);
  CHECK(h.server->lossStats().dropped == 0);
  REQUIRE(std::raise(SIGUSR1) == 0);
  CHECK(h.server->lossStats().windowOpened);
  const std::vector<uint8_t> message{0x7F};
  REQUIRE(h.client(c).send(Channel::Control, message).ok());
  REQUIRE(h.until([&] { return h.server->lossStats().dropped > 0; }));
  CHECK(h.server->lossStats().dropped == h.server->lossStats().offered);
}

TEST_CASE("a connected client that goes silent is dropped as lost after silenceMs") {
  Harness h([](ServerConfig& c) { c.timeouts.silenceMs = 300; });
  const size_t c = h.addClient();
  h.join(c);
  // Only the server is serviced from here: the client says nothing more.
  REQUIRE(pumpUntil([&] { h.serverLog.take(h.server->service(5)); },
                    [&] { return !h.serverLog.disconnected.empty(); }, 2000));
  const auto& reason = h.serverLog.disconnected.front().reason;
  CHECK(reason.code == DisconnectCode::ConnectionLost);
  CHECK(reason.detail.find("nothing received for 300 ms") != std::string::npos);
  CHECK(h.server->connectedPeers().empty());
}
