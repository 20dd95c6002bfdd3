#include <doctest/doctest.h>

#include <vector>

#include "medverse/net/impaired_relay.h"
#include "medverse/net/impairment.h"
#include "net_test_support.h"

using namespace nettest;

namespace {

std::vector<std::vector<uint64_t>> run(const ImpairmentProfile& profile, uint64_t seed, int n) {
  Impairment impairment(profile, seed);
  std::vector<std::vector<uint64_t>> out;
  out.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    out.push_back(impairment.schedule(static_cast<uint64_t>(i) * 10));
  }
  return out;
}

const ImpairmentProfile kBadWifi{.loss = 0.1,
                                 .latencyMs = 50,
                                 .jitterMs = 20,
                                 .duplicate = 0.05,
                                 .reorder = 0.05,
                                 .reorderDelayMs = 40};

}  // namespace

TEST_CASE("impairment decisions are reproducible from the seed") {
  CHECK(run(kBadWifi, 1, 500) == run(kBadWifi, 1, 500));
  CHECK(run(kBadWifi, 1, 500) != run(kBadWifi, 2, 500));
}

TEST_CASE("impairment loses, duplicates and delays at the configured rates") {
  Impairment impairment(kBadWifi, 99);
  constexpr int kDatagrams = 20'000;
  int copies = 0;
  for (int i = 0; i < kDatagrams; ++i) {
    const uint64_t now = static_cast<uint64_t>(i);
    for (const uint64_t due : impairment.schedule(now)) {
      ++copies;
      CHECK(due >= now + 30);
      CHECK(due <= now + 70 + 40);
    }
  }
  const ImpairmentStats& stats = impairment.stats();
  CHECK(stats.datagrams == kDatagrams);
  // Deterministic for the seed; the bounds only document the expected rates.
  CHECK(stats.lost > kDatagrams * 8 / 100);
  CHECK(stats.lost < kDatagrams * 12 / 100);
  CHECK(stats.duplicated > kDatagrams * 3 / 100);
  CHECK(stats.duplicated < kDatagrams * 7 / 100);
  CHECK(static_cast<uint64_t>(copies) == kDatagrams - stats.lost + stats.duplicated);
}

TEST_CASE("an unimpaired profile delivers every datagram once, at once") {
  Impairment impairment(ImpairmentProfile{}, 5);
  for (uint64_t now = 0; now < 100; ++now) {
    CHECK(impairment.schedule(now) == std::vector<uint64_t>{now});
  }
}

TEST_CASE("the impaired relay forwards real UDP datagrams both ways") {
  REQUIRE(enet_initialize() == 0);
  const auto openLoopback = [] {
    ENetSocket socket = enet_socket_create(ENET_SOCKET_TYPE_DATAGRAM);
    ENetAddress local{};
    enet_address_set_host_ip(&local, "127.0.0.1");
    REQUIRE(enet_socket_bind(socket, &local) == 0);
    REQUIRE(enet_socket_set_option(socket, ENET_SOCKOPT_NONBLOCK, 1) == 0);
    return socket;
  };
  const auto portOf = [](ENetSocket socket) {
    ENetAddress address{};
    REQUIRE(enet_socket_get_address(socket, &address) == 0);
    return address;
  };
  ENetSocket server = openLoopback();
  ENetSocket client = openLoopback();
  auto relay = ImpairedRelay::create("127.0.0.1", portOf(server).port, {}, {}, 1);
  REQUIRE(relay.ok());

  ENetAddress relayAddress{};
  enet_address_set_host_ip(&relayAddress, "127.0.0.1");
  relayAddress.port = relay->port();
  std::vector<uint8_t> ping = {'p', 'i', 'n', 'g'};
  ENetBuffer out{ping.data(), ping.size()};
  REQUIRE(enet_socket_send(client, &relayAddress, &out, 1) == 4);

  std::vector<uint8_t> buffer(64);
  ENetAddress from{};
  int got = 0;
  REQUIRE(pumpUntil(
      [&] {
        relay->service();
        ENetBuffer in{buffer.data(), buffer.size()};
        got = enet_socket_receive(server, &from, &in, 1);
        if (got == 0) {
          uint32_t wait = ENET_SOCKET_WAIT_RECEIVE;
          (void)enet_socket_wait(server, &wait, 1);
        }
      },
      [&] { return got > 0; }));
  CHECK(got == 4);
  CHECK(from.port != portOf(client).port);  // the server sees the relay, not the client

  std::vector<uint8_t> pong = {'p', 'o', 'n', 'g', '!'};
  ENetBuffer reply{pong.data(), pong.size()};
  REQUIRE(enet_socket_send(server, &from, &reply, 1) == 5);
  got = 0;
  REQUIRE(pumpUntil(
      [&] {
        relay->service();
        ENetBuffer in{buffer.data(), buffer.size()};
        got = enet_socket_receive(client, &from, &in, 1);
        if (got == 0) {
          uint32_t wait = ENET_SOCKET_WAIT_RECEIVE;
          (void)enet_socket_wait(client, &wait, 1);
        }
      },
      [&] { return got > 0; }));
  CHECK(got == 5);
  CHECK(from.port == relay->port());
  CHECK(relay->stats().forwarded == 2);
  enet_socket_destroy(server);
  enet_socket_destroy(client);
}
