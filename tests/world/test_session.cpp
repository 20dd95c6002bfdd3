// A server and several clients over loopback, as participants would notice
// it: avatars, shared state, grabs, refusals, reconnects.
#include <doctest/doctest.h>

#include "world_test_support.h"

using namespace worldtest;

namespace {

const AvatarComponent* mirrored(WorldClient& c, NetId avatar) {
  const Actor* a = c.world().find(avatar);
  return a != nullptr ? a->get<AvatarComponent>() : nullptr;
}

bool near(const Pose& a, const Pose& b) {
  return glm::length(a.position - b.position) <= 0.001F &&
         glm::degrees(angleBetween(a.orientation, b.orientation)) <= 0.1F;
}

}  // namespace

TEST_CASE("avatars converge: every participant sees every other's head and hands") {
  Room room;
  const size_t a = room.join(11, "Dr. A", net::Role::Expert);
  const size_t b = room.join(12, "Dr. B", net::Role::Doctor);
  const size_t c = room.join(13, "Trainee C", net::Role::Trainee);
  const std::vector<AvatarPose> poses{poseAt({0.5F, 1.7F, -1.0F}, 0.3F),
                                      poseAt({-1.2F, 1.6F, 0.4F}, 2.0F),
                                      poseAt({2.0F, 1.5F, 1.5F}, -1.0F)};
  for (size_t i = 0; i < 3; ++i) {
    room.client(i).setLocalAvatar(poses[i]);
  }
  const std::vector<size_t> who{a, b, c};
  REQUIRE(room.until([&] {
    for (size_t viewer : who) {
      for (size_t other : who) {
        if (viewer == other) {
          continue;
        }
        const AvatarComponent* av = mirrored(room.client(viewer), room.client(other).avatarId());
        if (av == nullptr || !near(av->head, poses[other].head) ||
            !near(av->leftHand, poses[other].leftHand) ||
            !near(av->rightHand, poses[other].rightHand) || !av->pointerActive) {
          return false;
        }
      }
    }
    return true;
  }));
  // What is drawn (through the interpolation buffer) settles on the same pose.
  for (int i = 0; i < 60; ++i) {
    room.step();
  }
  const auto shown = room.client(a).presentAvatar(room.client(b).avatarId());
  REQUIRE(shown.has_value());
  CHECK(glm::length(shown->head.position - poses[b].head.position) <= 0.001F);
  // Nobody receives their own poses back (skip-owner).
  const AvatarComponent* own = mirrored(room.client(a), room.client(a).avatarId());
  REQUIRE(own != nullptr);
  CHECK(glm::length(own->head.position) == 0.0F);
}

TEST_CASE("a late joiner's world hashes equal to everyone else's") {
  Room room;
  const size_t a = room.join(21, "Dr. A", net::Role::Expert);
  const size_t b = room.join(22, "Dr. B", net::Role::Doctor);
  room.client(a).setLocalAvatar(poseAt({0.0F, 1.7F, 0.0F}, 0.0F));
  room.client(b).setLocalAvatar(poseAt({1.0F, 1.7F, 0.0F}, 1.0F));
  room.client(a).annotate({10.0F, 20.0F, 30.0F}, "mass here");
  room.client(b).measure({0.0F, 0.0F, 0.0F}, {30.0F, 40.0F, 0.0F}, "width");
  room.client(a).setClipPlane(1, Plane{true, {0.0F, 1.0F, 0.0F}, 12.5F});
  room.client(b).setSlicePlane(0, Plane{true, {1.0F, 0.0F, 0.0F}, -4.0F});
  room.client(a).setPreset(2);
  room.client(a).setWindow(300.0F, 1500.0F);
  REQUIRE(room.until([&] {
    return room.client(b).world().actorsWith<AnnotationComponent>().size() == 1 &&
           room.client(a).world().actorsWith<MeasurementComponent>().size() == 1 &&
           room.client(a).worldHash() == room.client(b).worldHash();
  }));
  const size_t late = room.join(23, "Dr. Late", net::Role::Doctor);
  room.client(late).setLocalAvatar(poseAt({-1.0F, 1.7F, 0.0F}, 2.0F));
  REQUIRE(room.until([&] {
    const Hash256 h = room.client(a).worldHash();
    return room.client(late).world().actors().size() == room.client(a).world().actors().size() &&
           room.client(late).worldHash() == h && room.client(b).worldHash() == h;
  }));
  // The state itself, not just the hash.
  Actor* holo = room.client(late).world().find(room.client(late).hologramId());
  REQUIRE(holo != nullptr);
  const auto& h = holo->ref<HologramComponent>();
  CHECK(h.preset == 2);
  CHECK(h.clip1.enabled);
  CHECK(h.clip1.offset == doctest::Approx(12.5F));
  CHECK(h.slice0.normal.x == doctest::Approx(1.0F));
  CHECK(h.windowWidth == doctest::Approx(1500.0F));
  CHECK(h.caseName == "ch2");
  const auto measures = room.client(late).world().actorsWith<MeasurementComponent>();
  REQUIRE(measures.size() == 1);
  CHECK(measures[0]->ref<MeasurementComponent>().distanceMm ==
        doctest::Approx(50.0F).epsilon(1e-4));
}

TEST_CASE("two participants grabbing in the same tick: exactly one owner, the same every time") {
  Room room;
  // Sent in the order A then B; B has the lower client id and wins.
  const size_t a = room.join(35, "Dr. A", net::Role::Doctor);
  const size_t b = room.join(34, "Dr. B", net::Role::Doctor);
  REQUIRE(room.until(
      [&] { return room.client(a).hologramId() != 0 && room.client(b).hologramId() != 0; }));
  room.client(a).grab();
  room.client(b).grab();
  for (int i = 0; i < kPumpBound && room.server->queuedIntents() < 2; ++i) {
    room.pumpNetwork();
  }
  REQUIRE(room.server->queuedIntents() == 2);
  room.server->tick();
  const Actor* holo = room.server->world().find(room.server->hologram());
  REQUIRE(holo != nullptr);
  CHECK(holo->owner() == 34);
  REQUIRE(
      room.until([&] { return room.client(b).holdingHologram() && !room.log(a).refused.empty(); }));
  CHECK_FALSE(room.client(a).holdingHologram());
  CHECK(room.log(a).refused.front().intent == "grab");
  CHECK(room.log(a).refused.front().reason.find("Dr. B") != std::string::npos);
  CHECK(room.log(b).refused.empty());

  // The owner's stream moves it for everyone; the other's move is refused.
  Transform moved;
  moved.position = {0.4F, 1.1F, -0.3F};
  moved.rotation = glm::angleAxis(0.7F, glm::vec3(0.0F, 1.0F, 0.0F));
  moved.scale = glm::vec3(0.002F);
  room.client(b).moveHologram(moved);
  REQUIRE(room.until([&] {
    const Actor* h = room.client(a).world().find(room.client(a).hologramId());
    return h != nullptr &&
           glm::length(h->ref<HologramComponent>().transform.position - moved.position) < 0.001F;
  }));
  CHECK(room.client(b).presentHologram()->position == moved.position);
  // Release: the hologram is free and the next grab succeeds.
  room.client(b).release();
  REQUIRE(room.until([&] {
    return !room.client(b).holdingHologram() && !room.client(a).holdingHologram() &&
           room.server->world().find(room.server->hologram())->owner() == 0;
  }));
  room.client(a).grab();
  REQUIRE(room.until([&] { return room.client(a).holdingHologram(); }));
}

TEST_CASE("the holder's disconnect or silence releases the hologram") {
  uint64_t fakeNow = 1'000'000;
  Room room([&](WorldServerConfig& c) {
    c.grabTimeoutMs = 3000;
    c.nowMs = [&] { return fakeNow; };
  });
  const size_t a = room.join(41, "Dr. A", net::Role::Expert);
  REQUIRE(room.until([&] { return room.client(a).hologramId() != 0; }));
  room.client(a).grab();
  REQUIRE(room.until([&] { return room.client(a).holdingHologram(); }));
  // No move for longer than the timeout: the clock jumps and the server
  // ticks without reading the network.
  fakeNow += 3001;
  room.server->tick();
  CHECK(room.server->world().find(room.server->hologram())->owner() == 0);
  room.client(a).grab();
  REQUIRE(room.until([&] { return room.client(a).holdingHologram(); }));
  room.client(a).disconnect();
  REQUIRE(room.until([&] { return !room.server->participant(41)->connected; }));
  CHECK(room.server->world().find(room.server->hologram())->owner() == 0);
}

TEST_CASE(
    "a spectator's intents are refused, logged and never applied, and spectators are invisible") {
  Room room;
  const size_t expert = room.join(51, "Dr. Expert", net::Role::Expert);
  const size_t spec = room.join(52, "Visitor", net::Role::Spectator);
  room.client(expert).setLocalAvatar(poseAt({0.0F, 1.7F, 0.0F}, 0.0F));
  room.client(spec).setLocalAvatar(poseAt({3.0F, 1.7F, 3.0F}, 0.0F));
  REQUIRE(room.until([&] { return room.client(spec).hologramId() != 0; }));
  const Hash256 before = room.client(expert).worldHash();
  const NetId holo = room.client(spec).hologramId();

  room.client(spec).grab();
  Transform moved;
  moved.position = {2.0F, 2.0F, 2.0F};
  room.client(spec).call(holo, MoveIntent{moved});
  room.client(spec).setPreset(5);
  room.client(spec).annotate({1.0F, 2.0F, 3.0F}, "spectator note");
  room.client(spec).grantControl(52);
  REQUIRE(room.until([&] { return room.log(spec).refused.size() == 5; }));
  std::vector<std::string> intents;
  for (const auto& r : room.log(spec).refused) {
    intents.push_back(r.intent);
    CHECK(r.reason == "spectators cannot change the room");
  }
  CHECK(intents ==
        std::vector<std::string>{"grab", "move", "set preset", "annotate", "grant control"});
  CHECK(room.audit.count(AuditType::Refusal) == 5);
  // Nothing changed, on the server or for anyone.
  const Actor* h = room.server->world().find(room.server->hologram());
  CHECK(h->owner() == 0);
  CHECK(h->ref<HologramComponent>().preset == 0);
  CHECK(glm::length(h->ref<HologramComponent>().transform.position - moved.position) > 1.0F);
  CHECK(room.server->world().actorsWith<AnnotationComponent>().empty());
  for (int i = 0; i < 10; ++i) {
    room.step();
  }
  CHECK(room.client(expert).worldHash() == before);

  // The expert's world has no trace of the spectator; the spectator sees the expert.
  const auto info = room.server->participant(52);
  REQUIRE(info.has_value());
  CHECK(room.client(expert).world().find(info->avatar) == nullptr);
  CHECK(room.client(expert).world().find(info->playerState) == nullptr);
  for (const auto& n : room.log(expert).notices) {
    CHECK(n.clientId != 52);
  }
  CHECK(room.client(spec).world().find(room.client(expert).avatarId()) != nullptr);
  // Following changes nothing in the room but is allowed.
  room.client(spec).follow(51);
  REQUIRE(room.until([&] {
    return room.server->world().find(info->playerState)->ref<PlayerStateComponent>().following ==
           51;
  }));
  CHECK(room.log(spec).refused.size() == 5);
  // The spectator's camera can sit where the expert's head is.
  REQUIRE(room.until([&] {
    const auto view = room.client(spec).followedView();
    return view && glm::length(view->position - glm::vec3(0.0F, 1.7F, 0.0F)) < 0.001F;
  }));
}

TEST_CASE("the expert grants and revokes a trainee's control") {
  Room room;
  const size_t expert = room.join(61, "Dr. Expert", net::Role::Expert);
  const size_t trainee = room.join(62, "Trainee", net::Role::Trainee);
  REQUIRE(room.until([&] { return room.client(trainee).hologramId() != 0; }));
  room.client(trainee).setPreset(3);
  REQUIRE(room.until([&] { return room.log(trainee).refused.size() == 1; }));
  room.client(trainee).grantControl(62);  // trainees cannot grant themselves
  REQUIRE(room.until([&] { return room.log(trainee).refused.size() == 2; }));
  room.client(expert).grantControl(62);
  REQUIRE(room.until([&] { return room.server->participant(62)->hasControl; }));
  room.client(trainee).setPreset(3);
  room.client(trainee).grab();
  REQUIRE(room.until([&] { return room.client(trainee).holdingHologram(); }));
  CHECK(room.server->world().find(room.server->hologram())->ref<HologramComponent>().preset == 3);
  room.client(expert).revokeControl(62);
  REQUIRE(room.until([&] {
    return !room.client(trainee).holdingHologram() && !room.server->participant(62)->hasControl;
  }));
  CHECK(room.audit.count(AuditType::Grant) == 1);
  CHECK(room.audit.count(AuditType::Revoke) == 1);
  CHECK(room.log(trainee).refused.size() == 2);
}

TEST_CASE("a reconnect within the grace period restores identity, role and control") {
  Room room;
  const size_t expert = room.join(71, "Dr. Expert", net::Role::Expert);
  const size_t trainee = room.join(72, "Trainee", net::Role::Trainee);
  room.client(expert).grantControl(72);
  REQUIRE(room.until([&] { return room.server->participant(72)->hasControl; }));
  const NetId state = room.client(trainee).playerStateId();
  const NetId avatar = room.client(trainee).avatarId();

  room.client(trainee).disconnect();
  REQUIRE(room.until([&] { return !room.server->participant(72)->connected; }));
  // Others see the participant as away, not gone.
  REQUIRE(room.until([&] {
    const Actor* ps = room.client(expert).world().find(state);
    return ps != nullptr && !ps->ref<PlayerStateComponent>().connected;
  }));

  room.clients[trainee].reset();
  const size_t again = room.addClient();
  room.connect(again, 72, "Trainee", net::Role::Trainee);
  const auto& joined = room.log(again).joined.back();
  CHECK(joined.resumed);
  CHECK(joined.role == net::Role::Trainee);
  CHECK(room.client(again).playerStateId() == state);
  CHECK(room.client(again).avatarId() == avatar);
  CHECK(room.server->participant(72)->hasControl);
  REQUIRE(room.until([&] {
    const Actor* ps = room.client(expert).world().find(state);
    return ps != nullptr && ps->ref<PlayerStateComponent>().connected &&
           room.client(again).worldHash() == room.client(expert).worldHash();
  }));
  // Still allowed to manipulate, as before the drop.
  room.client(again).setPreset(4);
  REQUIRE(room.until([&] {
    return room.server->world().find(room.server->hologram())->ref<HologramComponent>().preset == 4;
  }));
  CHECK(room.log(again).refused.empty());
}

TEST_CASE("after the grace period a participant is gone for everyone") {
  uint64_t fakeNow = 5'000'000;
  Room room([&](WorldServerConfig& c) {
    c.reconnectGraceMs = 10'000;
    c.nowMs = [&] { return fakeNow; };
  });
  const size_t a = room.join(81, "Dr. A", net::Role::Expert);
  const size_t b = room.join(82, "Dr. B", net::Role::Doctor);
  REQUIRE(room.until(
      [&] { return room.client(a).world().find(room.client(b).avatarId()) != nullptr; }));
  const NetId avatar = room.client(b).avatarId();
  room.client(b).disconnect();
  REQUIRE(room.until([&] { return !room.server->participant(82)->connected; }));
  fakeNow += 10'001;
  REQUIRE(room.until([&] { return room.client(a).world().find(avatar) == nullptr; }));
  CHECK_FALSE(room.server->participant(82).has_value());
  CHECK(room.audit.count(AuditType::Leave) == 1);
}

TEST_CASE(
    "a holder whose frames stall keeps the hologram while its transport acknowledges, and "
    "loses it once that goes quiet too") {
  uint64_t fakeNow = 3'000'000;
  uint32_t quietMs = 0;  // how long the holder's transport has acknowledged nothing
  Room room([&](WorldServerConfig& c) {
    c.holderSilenceMs = 1000;
    c.grabTimeoutMs = 3000;
    c.nowMs = [&] { return fakeNow; };
    c.msSinceAcknowledged = [&](ClientId) { return quietMs; };
  });
  const size_t a = room.join(111, "Dr. Slow", net::Role::Expert);
  REQUIRE(room.until([&] { return room.client(a).hologramId() != 0; }));
  room.client(a).grab();
  REQUIRE(room.until([&] { return room.client(a).holdingHologram(); }));
  const NetId hologram = room.server->hologram();
  // Only the server runs from here, in 100 ms steps (a server that stops
  // polling for longer would rightly not count its own stall).
  auto serverFor = [&](int ms) {
    for (int t = 0; t < ms; t += 100) {
      fakeNow += 100;
      room.server->poll(0);
      room.server->tick();
    }
  };
  // A 1.5 s frame: no world message from the holder, but its keep-alive
  // thread still acknowledges (quiet for 200 ms).
  quietMs = 200;
  serverFor(1500);
  CHECK(room.server->world().find(hologram)->owner() == 111);
  // Still silent, and now its transport has been quiet as long: it is gone.
  quietMs = 1600;
  serverFor(100);
  CHECK(room.server->world().find(hologram)->owner() == 0);
}

TEST_CASE(
    "a holder who keeps still keeps the hologram; the server's transform is where it starts") {
  uint64_t fakeNow = 2'000'000;
  Room room([&](WorldServerConfig& c) {
    c.grabTimeoutMs = 3000;
    c.nowMs = [&] { return fakeNow; };
  });
  const size_t a = room.join(101, "Dr. A", net::Role::Expert);
  REQUIRE(room.until([&] { return room.client(a).hologramId() != 0; }));
  room.client(a).grab();
  REQUIRE(room.until([&] { return room.client(a).holdingHologram(); }));
  const Transform start =
      room.server->world().find(room.server->hologram())->ref<HologramComponent>().transform;
  // Longer than the timeout in total, but the client streams every input.
  for (int i = 0; i < 10; ++i) {
    fakeNow += 1000;
    room.client(a).sendInputNow();  // the rate limit runs on real time
    for (int j = 0; j < 5; ++j) {
      room.step();
    }
  }
  CHECK(room.client(a).holdingHologram());
  const Transform now =
      room.server->world().find(room.server->hologram())->ref<HologramComponent>().transform;
  CHECK(glm::length(now.position - start.position) < 0.001F);
  CHECK(now.scale.x == doctest::Approx(start.scale.x).epsilon(1e-3));
}
