// The consult room and its journal together: annotations and measurements are
// journalled before anyone hears of them, a room restarted on the same
// journal shows every acknowledged one to a new participant, and an
// annotation the journal cannot record is refused rather than shown.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "journal_test_support.h"
#include "world_test_support.h"

using namespace worldtest;

namespace {

std::vector<const AnnotationComponent*> annotationsSeenBy(WorldClient& client) {
  std::vector<const AnnotationComponent*> out;
  for (Actor* a : client.world().actorsWith<AnnotationComponent>()) {
    out.push_back(a->get<AnnotationComponent>());
  }
  std::sort(out.begin(), out.end(),
            [](const auto* x, const auto* y) { return x->sequence < y->sequence; });
  return out;
}

size_t measurementsSeenBy(WorldClient& client) {
  return client.world().actorsWith<MeasurementComponent>().size();
}

// A sink that refuses everything, like a journal whose disk is full.
struct FailingAudit : AuditSink {
  Status record(const AuditEvent& /*event*/) override { return makeError("disk full (test)"); }
};

}  // namespace

TEST_CASE("a room restarted on its journal shows every acknowledged annotation to a newcomer") {
  journaltest::TempDir dir;
  const auto path = dir / "room.journal";
  std::vector<std::string> acknowledged;
  {
    auto journal = Journal::open(path);
    REQUIRE_MESSAGE(journal.ok(), (journal.ok() ? "" : journal.error().message));
    Room room([&](WorldServerConfig& c) { c.audit = &*journal; });
    const size_t expert = room.join(1, "Dr Expert", net::Role::Expert);
    for (int n = 0; n < 4; ++n) {
      room.client(expert).annotate(glm::vec3(10.0F * n, -5.0F, 2.5F),
                                   "lesion " + std::to_string(n));
    }
    room.client(expert).measure(glm::vec3(0.0F), glm::vec3(30.0F, 40.0F, 0.0F), "width");
    // Acknowledged = the notice each participant gets after the journal has it.
    REQUIRE(room.until([&] { return room.log(expert).notices.size() >= 1 + 5; }));
    for (const auto& notice : room.log(expert).notices) {
      if (notice.kind == NoticeKind::Annotated) {
        acknowledged.push_back(notice.text);
      }
    }
    REQUIRE(acknowledged.size() == 4);
    // The server goes away without any goodbye (as after kill -9: nothing of
    // the room's memory is used below, only the journal file).
  }

  auto journal = Journal::open(path);
  REQUIRE_MESSAGE(journal.ok(), (journal.ok() ? "" : journal.error().message));
  auto annotations = journal->loadAnnotations();
  auto measurements = journal->loadMeasurements();
  REQUIRE(annotations.ok());
  REQUIRE(measurements.ok());
  CHECK(annotations->size() == 4);
  CHECK(measurements->size() == 1);
  Room room([&](WorldServerConfig& c) {
    c.audit = &*journal;
    c.restoredAnnotations = *annotations;
    c.restoredMeasurements = *measurements;
  });
  const size_t newcomer = room.join(2, "Dr Newcomer", net::Role::Doctor);
  REQUIRE(room.until([&] {
    return annotationsSeenBy(room.client(newcomer)).size() == 4 &&
           measurementsSeenBy(room.client(newcomer)) == 1;
  }));
  const auto seen = annotationsSeenBy(room.client(newcomer));
  for (size_t n = 0; n < seen.size(); ++n) {
    CAPTURE(n);
    CHECK(seen[n]->text == acknowledged.at(n));
    // Positions cross the wire quantized (sub-0.01 mm).
    CHECK(std::abs(seen[n]->position.x - 10.0F * static_cast<float>(n)) < 0.01F);
    CHECK(seen[n]->author == 1);
  }
  // New annotations continue the sequence instead of reusing an id (the
  // journal would refuse a reused one).
  room.client(newcomer).annotate(glm::vec3(1.0F), "after restart");
  REQUIRE(room.until([&] { return annotationsSeenBy(room.client(newcomer)).size() == 5; }));
  CHECK(annotationsSeenBy(room.client(newcomer)).back()->sequence == 5);
  CHECK(room.log(newcomer).refused.empty());
  auto after = journal->loadAnnotations();
  REQUIRE(after.ok());
  CHECK(after->size() == 5);
}

TEST_CASE("an annotation the journal cannot record is refused, not shown") {
  FailingAudit failing;
  Room room([&](WorldServerConfig& c) { c.audit = &failing; });
  const size_t expert = room.join(1, "Dr Expert", net::Role::Expert);
  const size_t doctor = room.join(2, "Dr Local", net::Role::Doctor);
  room.client(expert).annotate(glm::vec3(1.0F, 2.0F, 3.0F), "not on disk");
  REQUIRE(room.until([&] { return !room.log(expert).refused.empty(); }));
  CHECK(room.log(expert).refused.front().reason.find("could not be recorded") != std::string::npos);
  for (int i = 0; i < 30; ++i) {
    room.step();
  }
  CHECK(annotationsSeenBy(room.client(expert)).empty());
  CHECK(annotationsSeenBy(room.client(doctor)).empty());
  CHECK(std::none_of(room.log(doctor).notices.begin(), room.log(doctor).notices.end(),
                     [](const auto& n) { return n.kind == NoticeKind::Annotated; }));
}

TEST_CASE("a participant without the room's case receives it from the server, byte for byte") {
  journaltest::TempDir dir;
  // A small stand-in bundle: what matters is that every file arrives intact.
  const auto caseDir = dir / "case";
  std::filesystem::create_directories(caseDir / "blobs");
  {
    std::ofstream(caseDir / "manifest.json") << "{\"format\":1,\"name\":\"test\"}";
    std::ofstream blob(caseDir / "blobs" / "volume.bin", std::ios::binary);
    for (uint64_t i = 0; i < 300000; ++i) {
      blob.put(static_cast<char>((i * 7919U) % 251U));
    }
  }
  Room room([&](WorldServerConfig& c) { c.caseDirectory = caseDir; });
  std::vector<uint64_t> progress;
  const size_t i = room.addClient();
  {
    WorldClientConfig config;
    config.net.bindHost = "127.0.0.1";
    config.caseCacheDir = dir / "cache";
    config.onCaseProgress = [&](const net::AssetProgress& p) { progress.push_back(p.bytesDone); };
    room.clients.at(i) = std::make_unique<WorldClient>(config);
  }
  room.connect(i, 5, "Dr Remote", net::Role::Doctor);
  const net::AssetClient* transfer = room.client(i).caseTransfer();
  REQUIRE(transfer != nullptr);
  REQUIRE(room.until([&] { return transfer->state() == net::AssetClient::State::Complete; }));
  const auto got = transfer->directory();
  auto bytes = [](const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  CHECK(bytes(got / "manifest.json") == bytes(caseDir / "manifest.json"));
  CHECK(bytes(got / "blobs" / "volume.bin") == bytes(caseDir / "blobs" / "volume.bin"));
  REQUIRE(!progress.empty());
  CHECK(progress.back() == transfer->progress().bytesTotal);
  CHECK(std::is_sorted(progress.begin(), progress.end()));
}

TEST_CASE(
    "a released hologram rests exactly where its holder let go, even if the last moves are lost") {
  Room room;
  const size_t expert = room.join(1, "Dr Expert", net::Role::Expert);
  room.client(expert).grab();
  REQUIRE(room.until([&] { return room.client(expert).holdingHologram(); }));
  // The final turn happens in the same frame as the release: no input
  // packet carries it before the reliable release does.
  Transform final;
  final.position = glm::vec3(0.1F, 1.3F, -0.2F);
  final.rotation = glm::angleAxis(glm::radians(90.0F), glm::vec3(0.0F, 1.0F, 0.0F));
  final.scale = glm::vec3(0.002F);
  room.client(expert).moveHologram(final);
  room.client(expert).release();
  // Until the server confirms, the holder keeps seeing where it let go (not
  // an older pose from the interpolation track).
  auto shownByHolder = [&] { return room.client(expert).presentHologram(); };
  REQUIRE(shownByHolder());
  CHECK(std::abs(glm::dot(shownByHolder()->rotation, final.rotation)) > 0.99999F);
  const Actor* holo = room.server->world().find(room.server->hologram());
  REQUIRE(room.until([&] { return holo->owner() == 0; }));
  const auto& t = holo->get<HologramComponent>()->transform;
  CHECK(glm::length(t.position - final.position) < 0.002F);
  CHECK(std::abs(glm::dot(t.rotation, final.rotation)) > 0.99999F);
  CHECK(std::abs(t.scale.x - 0.002F) < 1e-4F);
  // Every frame on the way to the confirmed release shows the final pose.
  REQUIRE(room.until([&] {
    const std::optional<Transform> shown = shownByHolder();
    REQUIRE(shown);
    CHECK(std::abs(glm::dot(shown->rotation, final.rotation)) > 0.9999F);
    return !room.client(expert).holdingHologram();
  }));
  CHECK(glm::length(shownByHolder()->position - final.position) < 0.002F);
}
