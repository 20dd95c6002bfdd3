// Replication under a tight byte budget, and a server that shrugs off a
// client sending garbage.
#include <doctest/doctest.h>

#include <random>

#include "medverse/net/client.h"
#include "world_test_support.h"

using namespace worldtest;

TEST_CASE("under a tight byte budget every avatar still gets through, by priority") {
  // 150 bytes a tick: about three avatar entries of the five.
  Room room([](WorldServerConfig& c) { c.snapshotBytesPerSecond = 150 * 60; });
  std::vector<size_t> who;
  for (uint64_t i = 0; i < 6; ++i) {
    who.push_back(room.join(200 + i, "Dr. " + std::to_string(i), net::Role::Doctor));
  }
  int tick = 0;
  const auto start = room.server->stats();
  const auto poseOf = [&](size_t i) {
    return poseAt({static_cast<float>(i), 1.7F, 0.1F * static_cast<float>(tick)}, 0.0F);
  };
  // Keep everyone moving for a while (the budget binds), then stop and let
  // it settle.
  for (; tick < 60; ++tick) {
    for (size_t i : who) {
      room.client(i).setLocalAvatar(poseOf(i));
      room.client(i).sendInputNow();
    }
    room.step();
  }
  --tick;  // poseOf(i) is now the last pose each client sent
  const auto moving = room.server->stats();
  const double perSnapshot = static_cast<double>(moving.snapshotBytes - start.snapshotBytes) /
                             static_cast<double>(moving.snapshotsSent - start.snapshotsSent);
  MESSAGE("mean snapshot while moving " << perSnapshot << " bytes under a 150-byte budget");
  CHECK(perSnapshot <= 2 * 150.0);  // the bucket holds at most two ticks
  REQUIRE(room.until([&] {
    for (size_t viewer : who) {
      for (size_t other : who) {
        if (viewer == other) {
          continue;
        }
        const Actor* a = room.client(viewer).world().find(room.client(other).avatarId());
        if (a == nullptr ||
            glm::length(a->ref<AvatarComponent>().head.position - poseOf(other).head.position) >
                0.001F) {
          return false;
        }
      }
    }
    return true;
  }));
}

TEST_CASE("garbage from an authenticated client is dropped and the room carries on") {
  Room room;
  const size_t good = room.join(301, "Dr. Good", net::Role::Expert);
  net::ClientConfig config;
  config.bindHost = "127.0.0.1";
  net::Client raw(config);
  REQUIRE(raw.connect("127.0.0.1", room.server->port(), room.token(302, "Mallory", net::Role::Doctor)).ok());
  bool connected = false;
  REQUIRE(room.until([&] {
    for (auto& e : raw.service(0)) {
      connected = connected || std::holds_alternative<net::Client::Connected>(e);
    }
    return connected;
  }));
  std::mt19937 rng(99);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 64);
  for (int i = 0; i < 400; ++i) {
    std::vector<uint8_t> junk(static_cast<size_t>(length(rng)));
    for (auto& b : junk) {
      b = static_cast<uint8_t>(byte(rng));
    }
    // Valid type bytes half of the time, so the decoders get exercised.
    if (!junk.empty() && i % 2 == 0) {
      junk[0] = i % 4 == 0 ? 0x02 : 0x20;
    }
    const net::Channel channel = i % 4 == 0 ? net::Channel::Control : net::Channel::Input;
    (void)raw.send(channel, junk);
    (void)raw.service(0);
    room.step();
  }
  // Still serving: the good client's intent is applied.
  room.client(good).annotate({1.0F, 2.0F, 3.0F}, "still here");
  REQUIRE(room.until([&] {
    return room.client(good).world().actorsWith<AnnotationComponent>().size() >= 1;
  }));
  bool found = false;
  for (Actor* a : room.client(good).world().actorsWith<AnnotationComponent>()) {
    found = found || a->ref<AnnotationComponent>().text == "still here";
  }
  CHECK(found);
}

TEST_CASE("an intent smuggled into the unreliable input stream is not applied") {
  Room room;
  net::ClientConfig config;
  config.bindHost = "127.0.0.1";
  net::Client raw(config);
  REQUIRE(raw.connect("127.0.0.1", room.server->port(), room.token(401, "Dr. Raw", net::Role::Expert)).ok());
  bool connected = false;
  REQUIRE(room.until([&] {
    for (auto& e : raw.service(0)) {
      connected = connected || std::holds_alternative<net::Client::Connected>(e);
    }
    return connected;
  }));
  // Input: ack 0, input sequence 1, no pose, one RPC: an annotation.
  BitWriter body;
  body.writeVarUint(0);
  body.writeBits(1, 16);
  body.writeBool(false);
  body.writeVarUint(1);
  writeRpc(body, room.server->hologram(), AddAnnotationIntent{{1.0F, 1.0F, 1.0F}, "smuggled"});
  std::vector<uint8_t> message{0x20};
  message.insert(message.end(), body.bytes().begin(), body.bytes().end());
  REQUIRE(raw.send(net::Channel::Input, message).ok());
  for (int i = 0; i < 50; ++i) {
    (void)raw.service(0);
    room.step();
  }
  CHECK(room.server->world().actorsWith<AnnotationComponent>().empty());
  // The same RPC on Control, where it belongs, is applied.
  BitWriter rpc;
  writeRpc(rpc, room.server->hologram(), AddAnnotationIntent{{1.0F, 1.0F, 1.0F}, "proper"});
  std::vector<uint8_t> proper{0x02};
  proper.insert(proper.end(), rpc.bytes().begin(), rpc.bytes().end());
  REQUIRE(raw.send(net::Channel::Control, proper).ok());
  REQUIRE(room.until([&] {
    (void)raw.service(0);
    return room.server->world().actorsWith<AnnotationComponent>().size() == 1;
  }));
}
