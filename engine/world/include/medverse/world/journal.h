#pragma once
// The session journal: the audit trail of a consult room and its live
// annotations and measurements, in one SQLite file that survives a server
// crash (docs/RELIABILITY.md).
//
// Durability contract: record() returns success only after the event is
// committed to disk (WAL mode, synchronous=FULL: the write-ahead log is
// fsynced on every commit). The server acknowledges an action to the
// participant only after that, so whatever a participant saw acknowledged is
// in the journal, even if the process is killed or the machine loses power
// the next instant. open() on an existing journal restores what was there:
// loadAnnotations() and loadMeasurements() return everything not removed.
//
// Payloads (AuditEvent::payloadJson) of the event types that change state:
//
//   Annotation         {"id": 7, "position": [x, y, z], "text": "...", "tick": 1200}
//   Measurement        {"id": 3, "points": [[x, y, z], [x, y, z], ...], "text": "...",
//                       "tick": 1200}
//   AnnotationRemoved  {"id": 7, "tick": 1500, "kind": "annotation" | "measurement"}
//                      ("kind" defaults to "annotation")
//
// Positions are patient LPS millimetres; "text" is optional. Other event
// types may carry any JSON (or nothing). Ids are the session's: a second
// annotation with a live or removed id is refused, as is removing one that is
// not live; a refused event leaves the journal unchanged.
//
// The journal holds patient-related text (annotations), so its file is
// created readable by its owner only, and nothing from payloads or texts is
// ever logged: logs name event types, ids and counts.
//
// Not thread-safe: one owner (the server's tick thread) calls it.
#include <cstdint>
#include <filesystem>
#include <glm/glm.hpp>
#include <memory>
#include <string>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/world/audit.h"

namespace medverse::world {

// PRAGMA user_version of the schema this build writes. open() upgrades older
// journals and refuses newer ones.
inline constexpr int kJournalSchemaVersion = 1;
// PRAGMA application_id, "MVJ1": tells a journal from any other SQLite file.
inline constexpr int32_t kJournalApplicationId = 0x4D564A31;

struct JournalAnnotation {
  uint64_t id = 0;
  uint64_t authorClientId = 0;
  std::string author;
  glm::dvec3 positionMm{0.0};
  std::string text;
  uint64_t createdTick = 0;
};

struct JournalMeasurement {
  uint64_t id = 0;
  uint64_t authorClientId = 0;
  std::string author;
  std::vector<glm::dvec3> pointsMm;  // at least two
  std::string text;
  uint64_t createdTick = 0;
};

// One row of the audit trail, in the order recorded.
struct JournalEntry {
  int64_t sequence = 0;  // 1, 2, ... in commit order
  int64_t unixMs = 0;    // wall clock at commit
  AuditEvent event;
};

// Events with the payloads above, so callers never write JSON by hand.
[[nodiscard]] AuditEvent annotationEvent(const JournalAnnotation& annotation, std::string role);
[[nodiscard]] AuditEvent measurementEvent(const JournalMeasurement& measurement, std::string role);
enum class AnnotationKind : uint8_t { Annotation, Measurement };
[[nodiscard]] AuditEvent annotationRemovedEvent(uint64_t id, AnnotationKind kind, uint64_t tick,
                                                uint64_t clientId, std::string name,
                                                std::string role);

// One entry of the audit trail as a line for people (what `medverse-server
// audit` prints): sequence, UTC time, type, who (name, role, client id) and
// what, e.g.
//   #12 2024-05-01T10:22:03.120Z grab Dr. Okafor (expert, client 7): took the hologram
[[nodiscard]] std::string formatAuditEntry(const JournalEntry& entry);

class Journal final : public AuditSink {
 public:
  // Opens the journal at `path`, creating it (mode 0600) if it does not
  // exist. Fails with an error naming the file when it is not a SQLite
  // database, is a SQLite database but not a MedVerse journal, has a schema
  // newer than this build, fails SQLite's integrity check, or is held by
  // another open Journal (another server process, say).
  [[nodiscard]] static Result<Journal> open(const std::filesystem::path& path);

  Journal(Journal&&) noexcept;
  Journal& operator=(Journal&&) noexcept;
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  ~Journal() override;

  // Validates the event, applies it to the annotation and measurement tables
  // and appends it to the audit trail in one transaction, and returns once
  // that transaction is durable. On error nothing was written; the message
  // says what was wrong with the event (never its text) or what the disk
  // said.
  Status record(const AuditEvent& event) override;

  // Live (not removed) annotations and measurements, by id.
  [[nodiscard]] Result<std::vector<JournalAnnotation>> loadAnnotations() const;
  [[nodiscard]] Result<std::vector<JournalMeasurement>> loadMeasurements() const;
  // The whole audit trail, oldest first.
  [[nodiscard]] Result<std::vector<JournalEntry>> loadAudit() const;

  [[nodiscard]] const std::filesystem::path& path() const;
  // What SQLite reports for journal_mode and synchronous ("wal", 2 = FULL),
  // so tests can check the durability settings took effect.
  [[nodiscard]] std::string journalMode() const;
  [[nodiscard]] int synchronousLevel() const;

 private:
  struct Impl;
  explicit Journal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace medverse::world
