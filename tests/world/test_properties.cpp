// Property tables and the walkers: what goes on the wire comes back within
// the quantization's bounds, and the session rules' permission table.
#include <doctest/doctest.h>

#include <random>

#include "medverse/core/quantize.h"
#include "medverse/world/components.h"
#include "medverse/world/intents.h"
#include "medverse/world/interpolation.h"
#include "medverse/world/session_rules.h"

using namespace medverse;
using namespace medverse::world;

TEST_CASE("an avatar pose survives the wire within 1 mm and 0.1 degrees") {
  registerConsultClasses();
  CHECK(positionErrorBound(kRoomPose) <= 0.001F);
  CHECK(quatErrorBoundDegrees(kRoomPose.rotBits) <= 0.1);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> pos(-7.5F, 7.5F);
  std::normal_distribution<float> n(0.0F, 1.0F);
  const ActorClass& cls = actorClass(classes::kAvatar);
  float worstPos = 0.0F;
  float worstDeg = 0.0F;
  for (int i = 0; i < 2000; ++i) {
    Actor sent(1, cls);
    auto& a = sent.mut<AvatarComponent>();
    a.head.position = {pos(rng), pos(rng), pos(rng)};
    a.head.orientation = glm::normalize(glm::quat(n(rng), n(rng), n(rng), n(rng)));
    BitWriter out;
    for (const auto& p : cls.properties) {
      writeProperty(out, *p.desc, &sent.component(p.component));
    }
    Actor got(1, cls);
    BitReader in(out.bytes());
    for (const auto& p : cls.properties) {
      REQUIRE(readProperty(in, *p.desc, &got.component(p.component)));
    }
    const auto& b = got.ref<AvatarComponent>();
    worstPos = std::max(worstPos, glm::length(b.head.position - a.head.position));
    worstDeg = std::max(worstDeg, glm::degrees(angleBetween(b.head.orientation, a.head.orientation)));
  }
  CHECK(worstPos <= 0.001F);
  CHECK(worstDeg <= 0.1F);
  // 4 poses of 80 bits, 2 flags, 16-bit input sequence.
  BitWriter one;
  Actor sample(1, cls);
  for (const auto& p : cls.properties) {
    writeProperty(one, *p.desc, &sample.component(p.component));
  }
  CHECK(one.bitsWritten() == 4 * 80 + 1 + 16 + 1);
}

TEST_CASE("RPC parameters round-trip through their table, and oversize strings are refused") {
  AddAnnotationIntent a{{12.5F, -3.0F, 40.0F}, "lesion, 4 mm"};
  BitWriter out;
  writeRpc(out, 9, a);
  BitReader in(out.bytes());
  CHECK(in.readVarUint() == AddAnnotationIntent::rpc().id);
  CHECK(in.readVarUint() == 9);
  AddAnnotationIntent b;
  REQUIRE(readAll(in, *AddAnnotationIntent::rpc().params, &b));
  CHECK(b.text == a.text);
  CHECK(glm::length(b.position - a.position) < 0.01F);

  // A forged length longer than the table allows.
  BitWriter bad;
  bad.writeBits(0, 20);
  bad.writeBits(0, 20);
  bad.writeBits(0, 20);
  bad.writeVarUint(100000);
  BitReader badIn(bad.bytes());
  AddAnnotationIntent c;
  CHECK_FALSE(readAll(badIn, *AddAnnotationIntent::rpc().params, &c));
}

TEST_CASE("session rules follow DESIGN.md's table of roles") {
  using net::Role;
  const ParticipantRights expert{Role::Expert, false};
  const ParticipantRights doctor{Role::Doctor, false};
  const ParticipantRights trainee{Role::Trainee, false};
  const ParticipantRights grantedTrainee{Role::Trainee, true};
  const ParticipantRights spectator{Role::Spectator, false};
  for (IntentKind k : {IntentKind::Grab, IntentKind::SetClipPlane, IntentKind::Annotate,
                       IntentKind::Measure, IntentKind::SetPreset, IntentKind::SetSurfaces}) {
    CHECK_FALSE(refusalReason(expert, k));
    CHECK_FALSE(refusalReason(doctor, k));
    CHECK(refusalReason(doctor, k, {.restrictDoctors = true}));
    CHECK(refusalReason(trainee, k));
    CHECK_FALSE(refusalReason(grantedTrainee, k));
    CHECK(refusalReason(spectator, k));
  }
  CHECK_FALSE(refusalReason(expert, IntentKind::GrantControl));
  CHECK(refusalReason(grantedTrainee, IntentKind::GrantControl));
  CHECK(refusalReason(spectator, IntentKind::Pointer));
  CHECK_FALSE(refusalReason(trainee, IntentKind::Pointer));
  CHECK_FALSE(refusalReason(spectator, IntentKind::Follow));
  CHECK(*refusalReason(spectator, IntentKind::Move) == "spectators cannot change the room");
}

TEST_CASE("interpolation follows motion behind the newest sample and extrapolates only briefly") {
  InterpolationConfig config;
  InterpolationTrack track(config);
  const double tick = 1000.0 / 60.0;
  // Moving at 1 m/s along x.
  for (int i = 0; i < 10; ++i) {
    Transform t;
    t.position = {static_cast<float>(i * tick / 1000.0), 0.0F, 0.0F};
    track.push(i * tick, std::vector<Transform>{t});
  }
  std::vector<Transform> out;
  REQUIRE(track.sample(4.5 * tick, 0.0, out));
  CHECK(out[0].position.x == doctest::Approx(4.5 * tick / 1000.0).epsilon(1e-4));
  CHECK_FALSE(track.extrapolating());
  // 50 ms past the newest sample: extrapolated along the motion.
  REQUIRE(track.sample(9 * tick + 50.0, 1.0, out));
  CHECK(track.extrapolating());
  CHECK(out[0].position.x == doctest::Approx((9 * tick + 50.0) / 1000.0).epsilon(1e-3));
  // 1 s past: held at the extrapolation limit, not flying off.
  REQUIRE(track.sample(9 * tick + 1000.0, 2.0, out));
  CHECK(out[0].position.x ==
        doctest::Approx((9 * tick + config.maxExtrapolationMs) / 1000.0).epsilon(1e-3));
}

TEST_CASE("the interpolation delay grows with jitter and stays within its bounds") {
  InterpolationConfig config;
  const double tick = 1000.0 / 60.0;
  SnapshotClock steady(tick, config);
  SnapshotClock jittery(tick, config);
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> jitter(-20.0, 20.0);
  for (int i = 0; i < 600; ++i) {
    const double server = i * tick;
    steady.onSnapshot(server, server + 30.0);
    jittery.onSnapshot(server, server + 50.0 + jitter(rng));
    (void)steady.renderTime(server + 30.0);
    (void)jittery.renderTime(server + 50.0);
  }
  CHECK(steady.delayMs() == doctest::Approx(config.minDelayTicks * tick).epsilon(0.05));
  CHECK(jittery.delayMs() > steady.delayMs() + 10.0);
  CHECK(jittery.delayMs() <= config.maxDelayMs);
}
