// The networked client: a host running the room in-process (listen server)
// and others joining it over loopback. The host's scripted mouse and keys
// grab the hologram, turn it 90 degrees and measure on it; what a second
// participant's client extracts from its replicated world (the hologram's
// placement, the measurement and its label) must show the same. A
// spectator's attempt to move the hologram is refused and changes nothing.
// No GPU: the controls pick against the case's box. One shared fake clock
// drives the server's ticks and every client's interpolation, and every
// wait is a bounded number of pumps.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <glm/gtc/quaternion.hpp>

#include "consult_room.h"
#include "medverse/app/case_scene.h"
#include "medverse/app/consult_session.h"
#include "medverse/app/consult_view.h"
#include "medverse/app/desktop_controls.h"
#include "medverse/assets/room.h"
#include "medverse/imaging/case_bundle.h"

using namespace medverse;
using namespace medverse::app;

namespace {

using test::kPumpBound;
using test::kViewport;
using test::Room;

// The angle the hologram turned about the room's vertical axis, in degrees.
float yawDegrees(const Transform& t) {
  const glm::vec3 x = t.rotation * glm::vec3(1.0F, 0.0F, 0.0F);
  return glm::degrees(std::atan2(-x.z, x.x));
}

}  // namespace

TEST_CASE("a second participant sees the host's grab, 90 degree turn and measurement") {
  Room room;
  ConsultSession& doctor = room.join("Dr. Jonas Weber", net::Role::Doctor);
  REQUIRE(room.pumpUntil([&] {
    return room.host->joined() && doctor.joined() && doctor.extract().hologram.has_value() &&
           doctor.extract().participants.size() == 2;
  }));
  const Transform start = doctor.extract().hologram->transform;
  CHECK(std::abs(yawDegrees(start)) < 0.1F);  // 12-bit smallest-three: 0.07 deg at most

  // The host's hand: G, drag 90 degrees' worth of pixels to the right, let
  // go; M and two clicks across the hologram. The camera looks at the
  // hologram from the room's suggested viewpoint.
  const float turnPixels = glm::radians(90.0F) / DesktopControls::kTurnPerPixel;
  const std::string script = R"({"events": [
    {"frame": 1, "key": "G"},
    {"frame": 2, "mouse": "left", "action": "down", "x": 640, "y": 360},
    {"frame": 3, "move": [)" + std::to_string(640.0 + turnPixels) + R"(, 360]},
    {"frame": 4, "mouse": "left", "action": "up"},
    {"frame": 40, "key": "M"},
    {"frame": 41, "mouse": "left", "action": "down", "x": 600, "y": 360},
    {"frame": 41, "mouse": "left", "action": "up"},
    {"frame": 42, "mouse": "left", "action": "down", "x": 690, "y": 360},
    {"frame": 42, "mouse": "left", "action": "up"}]})";
  auto parsed = InputScript::parse(script);
  REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error().message));
  InputScript input = std::move(*parsed);
  DesktopControls controls;
  const assets::Room layout = assets::buildConsultRoom();
  controls.setCamera(OrbitCamera::lookingAt(layout.suggestedCameraPosition, layout.hologramAnchor));

  for (uint32_t frame = 0; frame < input.length() || controls.busy(); ++frame) {
    REQUIRE(frame < static_cast<uint32_t>(kPumpBound));
    room.step();
    const ConsultFrame f = room.host->extract();
    controls.update(input.frameInput(frame), kViewport, *room.host, f, room.geometry(f), false);
  }
  CHECK(room.host->refusals().empty());

  // What the doctor's client extracts: the hologram turned a quarter about
  // the vertical, released, and the measurement with its length.
  REQUIRE(room.pumpUntil([&] {
    const ConsultFrame f = doctor.extract();
    return f.hologram && f.hologram->holder == 0 && !f.measurements.empty() &&
           std::abs(yawDegrees(f.hologram->transform) - 90.0F) < 0.5F;
  }));
  const ConsultFrame seen = doctor.extract();
  CHECK(yawDegrees(seen.hologram->transform) == doctest::Approx(90.0F).epsilon(0.003));
  CHECK(glm::distance(seen.hologram->transform.position, start.position) < 1e-3F);
  REQUIRE(seen.measurements.size() == 1);
  const MeasurementView& m = seen.measurements.front();
  // Both points lie on the case's box, on the side facing the camera.
  for (const glm::vec3& p : {m.measurement.aMm, m.measurement.bMm}) {
    CHECK(glm::all(glm::greaterThanEqual(p, room.info.boundsMin - 0.01F)));
    CHECK(glm::all(glm::lessThanEqual(p, room.info.boundsMax + 0.01F)));
  }
  const float length = glm::distance(m.measurement.aMm, m.measurement.bMm);
  CHECK(length > 10.0F);
  CHECK(m.distanceMm == doctest::Approx(length).epsilon(0.001));
  CHECK(measurementText(m.measurement.aMm, m.measurement.bMm) == ui::formatMillimetres(length));
  CHECK(m.measurement.author == net::Role::Expert);
  // The doctor sees the host's avatar with name and role; not their own.
  REQUIRE(seen.avatars.size() == 1);
  CHECK(seen.avatars.front().name == "Dr. Amara Okafor");
  CHECK(seen.avatars.front().role == net::Role::Expert);
}

TEST_CASE("a spectator cannot move the hologram, is invisible to participants, and follows one") {
  Room room;
  ConsultSession& doctor = room.join("Dr. Jonas Weber", net::Role::Doctor);
  ConsultSession& spectator = room.join("Sam Ortiz", net::Role::Spectator);
  REQUIRE(room.pumpUntil([&] {
    return doctor.joined() && spectator.joined() && spectator.extract().hologram.has_value() &&
           doctor.extract().participants.size() >= 2 &&
           spectator.extract().avatars.size() == 2;
  }));
  const Transform before = room.host->extract().hologram->transform;
  CHECK_FALSE(spectator.extract().canEdit);

  // The spectator's scripted grab and drag.
  auto parsed = InputScript::parse(R"({"events": [
    {"frame": 0, "mouse": "left", "action": "down", "x": 640, "y": 360},
    {"frame": 0, "key": "LeftControl", "action": "down"},
    {"frame": 1, "move": [900, 360]},
    {"frame": 2, "mouse": "left", "action": "up"}]})");
  REQUIRE(parsed.ok());
  DesktopControls controls;
  const assets::Room layout = assets::buildConsultRoom();
  controls.setCamera(OrbitCamera::lookingAt(layout.suggestedCameraPosition, layout.hologramAnchor));
  for (uint32_t frame = 0; frame < parsed->length() || controls.busy(); ++frame) {
    REQUIRE(frame < static_cast<uint32_t>(kPumpBound));
    room.step();
    const ConsultFrame f = spectator.extract();
    controls.update(parsed->frameInput(frame), kViewport, spectator, f, room.geometry(f), false);
  }
  REQUIRE(room.pumpUntil([&] { return !spectator.refusals().empty(); }));
  CHECK(spectator.refusals().front().intent == "grab");
  for (int i = 0; i < 20; ++i) {
    room.step();
  }
  const Transform after = room.host->extract().hologram->transform;
  CHECK(glm::distance(after.position, before.position) < 1e-4F);
  CHECK(angleBetween(after.rotation, before.rotation) < 1e-4F);

  // Participants do not see the spectator; the spectator sees both of them.
  for (ConsultSession* s : {room.host.get(), &doctor}) {
    for (const AvatarState& a : s->extract().avatars) {
      CHECK(a.name != "Sam Ortiz");
    }
  }
  // F: follow the first participant; the view is that participant's head.
  auto follow = InputScript::parse(R"({"events": [{"frame": 0, "key": "F"}]})");
  REQUIRE(follow.ok());
  {
    const ConsultFrame f = spectator.extract();
    controls.update(follow->frameInput(0), kViewport, spectator, f, room.geometry(f), false);
  }
  REQUIRE(room.pumpUntil([&] { return spectator.extract().followedView.has_value(); }));
  const ConsultFrame watching = spectator.extract();
  bool matchesSomeone = false;
  for (const AvatarState& a : watching.avatars) {
    matchesSomeone = matchesSomeone ||
                     glm::distance(a.head.position, watching.followedView->position) < 0.01F;
  }
  CHECK(matchesSomeone);
}
