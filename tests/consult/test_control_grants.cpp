// Grant and revoke control from the expert's desktop (P selects a
// participant, K grants or revokes): a trainee's grab is refused before the
// grant, holds the hologram after it, and is dropped and refused again after
// the revoke. The audit trail names who did each of these.
#include <doctest/doctest.h>

#include <filesystem>

#include "consult_room.h"
#include "medverse/world/journal.h"

using namespace medverse;
using namespace medverse::app;

namespace {

// The host's controls see one frame of keys.
void press(test::Room& room, DesktopControls& controls, const std::string& keys) {
  std::string json = R"({"events": [)";
  for (size_t i = 0; i < keys.size(); ++i) {
    json += (i > 0 ? ", " : "") + std::string(R"({"frame": )") + std::to_string(i) +
            R"(, "key": ")" + keys[i] + "\"}";
  }
  json += "]}";
  auto script = InputScript::parse(json);
  REQUIRE(script.ok());
  for (uint32_t f = 0; f < script->length(); ++f) {
    room.step();
    const ConsultFrame frame = room.host->extract();
    controls.update(script->frameInput(f), test::kViewport, *room.host, frame, room.geometry(frame),
                    false);
  }
}

bool hasControl(ConsultSession& s) {
  const ConsultFrame f = s.extract();
  for (const ParticipantView& p : f.participants) {
    if (p.local) {
      return p.hasControl;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("the expert's P and K grant and revoke a trainee's control over the hologram") {
  const std::filesystem::path journalPath =
      std::filesystem::temp_directory_path() / "medverse_test_control_grants.journal";
  std::filesystem::remove(journalPath);
  std::filesystem::remove(journalPath.string() + "-wal");
  auto journal = world::Journal::open(journalPath);
  REQUIRE_MESSAGE(journal.ok(), (journal.ok() ? "" : journal.error().message));
  test::Room room(&*journal);
  ConsultSession& trainee = room.join("Lea Novak", net::Role::Trainee);
  REQUIRE(room.pumpUntil([&] {
    return trainee.joined() && trainee.extract().hologram.has_value() &&
           room.host->extract().participants.size() == 2;
  }));
  const world::ClientId traineeId = trainee.extract().localId;
  DesktopControls controls;
  CHECK(controls.selectedParticipant() == 0);

  // Without control the trainee's grab is refused.
  trainee.grab();
  REQUIRE(room.pumpUntil([&] { return trainee.refusals().size() == 1; }));
  CHECK(trainee.refusals().back().intent == "grab");
  CHECK(room.host->extract().hologram->holder == 0);

  // K before P: nothing selected, nothing sent.
  press(room, controls, "K");
  CHECK(controls.status().find("select a participant with P") != std::string::npos);
  // P selects the trainee (the only other participant); K grants.
  press(room, controls, "P");
  CHECK(controls.selectedParticipant() == traineeId);
  CHECK(controls.status().find("Lea Novak") != std::string::npos);
  press(room, controls, "K");
  REQUIRE(room.pumpUntil([&] { return hasControl(trainee) && trainee.extract().canEdit; }));

  // Now the trainee's grab holds.
  trainee.grab();
  REQUIRE(room.pumpUntil([&] { return room.host->extract().hologram->holder == traineeId; }));
  CHECK(trainee.refusals().size() == 1);

  // K again revokes: the hologram drops out of the trainee's hands and the
  // next grab is refused.
  press(room, controls, "K");
  REQUIRE(room.pumpUntil(
      [&] { return !hasControl(trainee) && room.host->extract().hologram->holder == 0; }));
  CHECK_FALSE(trainee.extract().canEdit);
  trainee.grab();
  REQUIRE(room.pumpUntil([&] { return trainee.refusals().size() == 2; }));
  for (int i = 0; i < 10; ++i) {
    room.step();
  }
  CHECK(room.host->extract().hologram->holder == 0);

  // Who did what: the listing medverse-server audit prints.
  auto entries = journal->loadAudit();
  REQUIRE(entries.ok());
  std::vector<std::string> lines;
  for (const world::JournalEntry& e : *entries) {
    lines.push_back(world::formatAuditEntry(e));
    MESSAGE(lines.back());
  }
  const auto has = [&](const std::string& type, const std::string& who, const std::string& what) {
    for (const std::string& l : lines) {
      if (l.find(" " + type + " " + who + " (") != std::string::npos &&
          l.find(what) != std::string::npos) {
        return true;
      }
    }
    return false;
  };
  CHECK(has("refusal", "Lea Novak", "grab: "));
  CHECK(has("grant", "Dr. Amara Okafor", "granted control to Lea Novak"));
  CHECK(has("grab", "Lea Novak", "took the hologram"));
  CHECK(has("release", "Lea Novak", "control revoked"));
  CHECK(has("revoke", "Dr. Amara Okafor", "revoked control from Lea Novak"));
}
