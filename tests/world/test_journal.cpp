#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "journal_test_support.h"
#include "medverse/core/log.h"

using namespace journaltest;

namespace {

AuditEvent plainEvent(AuditEvent::Type type, uint32_t client, std::string detail) {
  return AuditEvent{type, client, "Dr. Ada Okafor", "expert", std::move(detail), ""};
}

void writeBytes(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

void sql(const std::filesystem::path& path, const char* statements) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, statements, nullptr, nullptr, &message);
  const std::string text = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  REQUIRE_MESSAGE(rc == SQLITE_OK, text);
}

std::string openError(const std::filesystem::path& path) {
  auto journal = Journal::open(path);
  REQUIRE_FALSE(journal.ok());
  return journal.error().message;
}

}  // namespace

TEST_CASE("a new journal is private, write-ahead logged and fsynced on every commit") {
  TempDir dir;
  const auto path = dir / "room.journal";
  Journal journal = openJournal(path);
  CHECK(journal.journalMode() == "wal");
  CHECK(journal.synchronousLevel() == 2);  // FULL
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777U) == 0600U);
  CHECK(journal.loadAnnotations()->empty());
  CHECK(journal.loadMeasurements()->empty());
  CHECK(journal.loadAudit()->empty());
  // The write-ahead log holds annotation text too: just as private.
  requireOk(journal.record(annotationEvent(sampleAnnotation(1), "expert")));
  const std::filesystem::path wal = path.string() + "-wal";
  REQUIRE(::stat(wal.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777U) == 0600U);
}

TEST_CASE("reopening a journal restores live annotations and measurements and the audit trail") {
  TempDir dir;
  const auto path = dir / "room.journal";
  JournalMeasurement ruler;
  ruler.id = 3;
  ruler.authorClientId = 9;
  ruler.author = "Dr. Lin";
  ruler.pointsMm = {{0.0, 0.0, 0.0}, {3.0, 4.0, 0.0}, {3.0, 4.0, -12.125}};
  ruler.text = "aneurysm neck";
  ruler.createdTick = 77;
  {
    Journal journal = openJournal(path);
    requireOk(journal.record(plainEvent(AuditEvent::Type::Join, 7, "joined")));
    requireOk(journal.record(annotationEvent(sampleAnnotation(1), "expert")));
    requireOk(journal.record(annotationEvent(sampleAnnotation(2), "expert")));
    requireOk(journal.record(measurementEvent(ruler, "doctor")));
    requireOk(journal.record(
        annotationRemovedEvent(1, AnnotationKind::Annotation, 90, 7, "Dr. Ada Okafor", "expert")));
    requireOk(journal.record(plainEvent(AuditEvent::Type::Refusal, 8, "move intent: spectator")));
  }
  Journal journal = openJournal(path);
  const auto annotations = journal.loadAnnotations();
  REQUIRE(annotations.ok());
  REQUIRE(annotations->size() == 1);  // 1 was removed
  const JournalAnnotation expected = sampleAnnotation(2);
  const JournalAnnotation& got = annotations->front();
  CHECK(got.id == 2);
  CHECK(got.authorClientId == expected.authorClientId);
  CHECK(got.author == expected.author);
  CHECK(got.positionMm == expected.positionMm);  // exact: doubles round-trip
  CHECK(got.text == expected.text);
  CHECK(got.createdTick == expected.createdTick);

  const auto measurements = journal.loadMeasurements();
  REQUIRE(measurements.ok());
  REQUIRE(measurements->size() == 1);
  CHECK(measurements->front().pointsMm == ruler.pointsMm);
  CHECK(measurements->front().text == ruler.text);
  CHECK(measurements->front().author == "Dr. Lin");
  CHECK(measurements->front().createdTick == 77);

  const auto audit = journal.loadAudit();
  REQUIRE(audit.ok());
  std::vector<AuditEvent::Type> types;
  for (const auto& entry : *audit) {
    types.push_back(entry.event.type);
  }
  CHECK(types == std::vector<AuditEvent::Type>{
                     AuditEvent::Type::Join, AuditEvent::Type::Annotation,
                     AuditEvent::Type::Annotation, AuditEvent::Type::Measurement,
                     AuditEvent::Type::AnnotationRemoved, AuditEvent::Type::Refusal});
  CHECK(audit->back().event.detail == "move intent: spectator");
  CHECK(audit->back().event.clientId == 8);
  CHECK(audit->front().sequence < audit->back().sequence);

  // A measurement removal goes to the measurement with that id.
  requireOk(journal.record(
      annotationRemovedEvent(3, AnnotationKind::Measurement, 95, 9, "Dr. Lin", "doctor")));
  CHECK(journal.loadMeasurements()->empty());
  CHECK(journal.loadAnnotations()->size() == 1);
}

TEST_CASE("an event the journal refuses leaves it unchanged") {
  TempDir dir;
  Journal journal = openJournal(dir / "room.journal");
  requireOk(journal.record(annotationEvent(sampleAnnotation(5), "expert")));
  const size_t auditBefore = journal.loadAudit()->size();

  auto refused = [&](const AuditEvent& event, const std::string& expected) {
    const Status status = journal.record(event);
    REQUIRE_FALSE(status.ok());
    CHECK_MESSAGE(status.error().message.find(expected) != std::string::npos,
                  status.error().message);
    CHECK(journal.loadAudit()->size() == auditBefore);
  };
  refused(annotationEvent(sampleAnnotation(5), "expert"), "annotation 5 already exists");
  refused(annotationRemovedEvent(6, AnnotationKind::Annotation, 1, 7, "x", "expert"),
          "no live annotation 6");
  refused(annotationRemovedEvent(5, AnnotationKind::Measurement, 1, 7, "x", "expert"),
          "no live measurement 5");

  AuditEvent broken = annotationEvent(sampleAnnotation(8), "expert");
  broken.payloadJson = "{\"id\": 8, \"position\": [1, 2], \"tick\": 3}";
  refused(broken, "three coordinates");
  broken.payloadJson = "{\"position\": [1, 2, 3], \"tick\": 3}";
  refused(broken, "'id'");
  broken.payloadJson = "{\"id\": 8, \"position\": [1, 2, 3], \"tick\": 3";
  refused(broken, "not a JSON object");
  broken.payloadJson = "{\"id\": 8, \"position\": [1, \"a\", 3], \"tick\": 3}";
  refused(broken, "not a finite number");

  JournalMeasurement lonely;
  lonely.id = 9;
  lonely.pointsMm = {{1.0, 2.0, 3.0}};
  refused(measurementEvent(lonely, "expert"), "2 to 64 points");

  // Removed ids are not reused: a replayed create after removal is refused.
  requireOk(
      journal.record(annotationRemovedEvent(5, AnnotationKind::Annotation, 10, 7, "x", "expert")));
  const Status again = journal.record(annotationEvent(sampleAnnotation(5), "expert"));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().message.find("ids are not reused") != std::string::npos);
  CHECK(journal.loadAnnotations()->empty());
}

TEST_CASE("annotation text never reaches the logs, even when an event is refused") {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto logger = log::get("world");
  const auto oldLevel = logger->level();
  logger->sinks().push_back(sink);
  logger->set_level(spdlog::level::trace);

  TempDir dir;
  {
    Journal journal = openJournal(dir / "room.journal");
    JournalAnnotation secret = sampleAnnotation(1);
    secret.text = "patient-name-Jane-Doe";
    requireOk(journal.record(annotationEvent(secret, "expert")));
    const Status duplicate = journal.record(annotationEvent(secret, "expert"));
    CHECK_FALSE(duplicate.ok());
    CHECK(duplicate.error().message.find("Jane") == std::string::npos);
  }
  { Journal reopened = openJournal(dir / "room.journal"); }
  logger->sinks().pop_back();
  logger->set_level(oldLevel);
  CHECK(captured.str().find("recorded annotation") != std::string::npos);  // the sink saw logs
  CHECK(captured.str().find("Jane") == std::string::npos);
}

TEST_CASE("a file that is not a journal is refused with an error naming it") {
  TempDir dir;
  SUBCASE("not a SQLite database") {
    const auto path = dir / "notes.txt";
    writeBytes(path, std::string(8192, 'x'));
    const std::string error = openError(path);
    CHECK(error.find(path.string()) != std::string::npos);
    CHECK(error.find("not a SQLite database") != std::string::npos);
  }
  SUBCASE("a SQLite database of another application") {
    const auto path = dir / "other.db";
    sql(path, "CREATE TABLE t(x); INSERT INTO t VALUES(1);");
    const std::string error = openError(path);
    CHECK(error.find(path.string()) != std::string::npos);
    CHECK(error.find("not a MedVerse journal") != std::string::npos);
  }
  SUBCASE("a directory") {
    const auto path = dir / "adir";
    std::filesystem::create_directories(path);
    CHECK(openError(path).find("is a directory") != std::string::npos);
  }
  SUBCASE("a missing parent directory") {
    const auto path = dir / "missing" / "room.journal";
    CHECK(openError(path).find("cannot create") != std::string::npos);
  }
}

TEST_CASE("a journal from a newer build is refused, not modified") {
  TempDir dir;
  const auto path = dir / "room.journal";
  { Journal journal = openJournal(path); }
  sql(path, "PRAGMA user_version = 99;");
  const std::string error = openError(path);
  CHECK(error.find("schema version 99 is newer") != std::string::npos);
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  CHECK(sqlite3_column_int(stmt, 0) == 99);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_CASE("a damaged journal is refused with an error naming it") {
  TempDir dir;
  const auto path = dir / "room.journal";
  {
    Journal journal = openJournal(path);
    for (uint64_t id = 1; id <= 200; ++id) {
      JournalAnnotation a = sampleAnnotation(id);
      a.text = std::string(200, 'a');  // spread over many pages
      requireOk(journal.record(annotationEvent(a, "expert")));
    }
  }  // closing checkpoints the WAL into the main file
  REQUIRE(std::filesystem::file_size(path) > 8 * 4096);
  {
    std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
    file.seekp(std::streamoff{4} * 4096);
    const std::string garbage(4096, '\xA5');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    REQUIRE(file.good());
  }
  const std::string error = openError(path);
  CHECK(error.find(path.string()) != std::string::npos);
  CHECK_MESSAGE(error.find("damaged") != std::string::npos, error);
}

TEST_CASE("a journal held open by one server is refused to a second") {
  TempDir dir;
  const auto path = dir / "room.journal";
  Journal first = openJournal(path);
  requireOk(first.record(annotationEvent(sampleAnnotation(1), "expert")));
  CHECK(openError(path).find("in use") != std::string::npos);
  requireOk(first.record(annotationEvent(sampleAnnotation(2), "expert")));
}
