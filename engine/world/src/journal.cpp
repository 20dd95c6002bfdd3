#include "medverse/world/journal.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <optional>
#include <system_error>
#include <utility>

#include "medverse/core/log.h"

namespace medverse::world {
namespace {

// Version 1. A later version adds a migration step in upgradeSchema() and
// bumps kJournalSchemaVersion; journals are never rewritten wholesale.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE audit(
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  unix_ms   INTEGER NOT NULL,
  type      TEXT    NOT NULL,
  client_id INTEGER NOT NULL,
  name      TEXT    NOT NULL,
  role      TEXT    NOT NULL,
  detail    TEXT    NOT NULL,
  payload   TEXT    NOT NULL);
CREATE TABLE annotations(
  id           INTEGER PRIMARY KEY,
  author_id    INTEGER NOT NULL,
  author       TEXT    NOT NULL,
  x_mm         REAL    NOT NULL,
  y_mm         REAL    NOT NULL,
  z_mm         REAL    NOT NULL,
  text         TEXT    NOT NULL,
  created_tick INTEGER NOT NULL,
  removed_tick INTEGER,
  created_seq  INTEGER NOT NULL REFERENCES audit(seq),
  removed_seq  INTEGER REFERENCES audit(seq));
CREATE TABLE measurements(
  id           INTEGER PRIMARY KEY,
  author_id    INTEGER NOT NULL,
  author       TEXT    NOT NULL,
  text         TEXT    NOT NULL,
  created_tick INTEGER NOT NULL,
  removed_tick INTEGER,
  created_seq  INTEGER NOT NULL REFERENCES audit(seq),
  removed_seq  INTEGER REFERENCES audit(seq));
CREATE TABLE measurement_points(
  measurement_id INTEGER NOT NULL REFERENCES measurements(id),
  idx            INTEGER NOT NULL,
  x_mm           REAL    NOT NULL,
  y_mm           REAL    NOT NULL,
  z_mm           REAL    NOT NULL,
  PRIMARY KEY(measurement_id, idx)) WITHOUT ROWID;
)sql";

constexpr size_t kMaxMeasurementPoints = 64;

// --- JSON writing for the event builders ----------------------------------

void appendJsonString(std::string& out, std::string_view text) {
  out += '"';
  out += jsonEscape(text);  // audit.h: the one escaper of the audit trail
  out += '"';
}

void appendNumber(std::string& out, double value) {
  std::array<char, 32> text{};
  // 17 significant digits round-trip any double.
  std::snprintf(text.data(), text.size(), "%.17g", value);
  out += text.data();
}

void appendPoint(std::string& out, const glm::dvec3& p) {
  out += '[';
  appendNumber(out, p.x);
  out += ',';
  appendNumber(out, p.y);
  out += ',';
  appendNumber(out, p.z);
  out += ']';
}

// --- SQLite plumbing --------------------------------------------------------

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};

// A prepared statement, reset before each use.
class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, const char* sql) {
    sqlite3_stmt* raw = nullptr;
    rc_ = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
    stmt_.reset(raw);
  }
  [[nodiscard]] bool ok() const { return rc_ == SQLITE_OK && stmt_ != nullptr; }
  [[nodiscard]] sqlite3_stmt* get() const { return stmt_.get(); }

  Statement& reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
    return *this;
  }
  Statement& bind(int index, int64_t value) {
    sqlite3_bind_int64(stmt_.get(), index, value);
    return *this;
  }
  Statement& bind(int index, double value) {
    sqlite3_bind_double(stmt_.get(), index, value);
    return *this;
  }
  Statement& bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);  // NOLINT(cppcoreguidelines-pro-type-cstyle-cast)
    return *this;
  }
  Statement& bindNull(int index) {
    sqlite3_bind_null(stmt_.get(), index);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(stmt_.get()); }

  [[nodiscard]] int64_t int64(int column) const {
    return sqlite3_column_int64(stmt_.get(), column);
  }
  [[nodiscard]] double real(int column) const { return sqlite3_column_double(stmt_.get(), column); }
  [[nodiscard]] bool isNull(int column) const {
    return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
  }
  [[nodiscard]] std::string text(int column) const {
    const auto* data = sqlite3_column_text(stmt_.get(), column);
    const int size = sqlite3_column_bytes(stmt_.get(), column);
    return data == nullptr ? std::string()
                           : std::string(reinterpret_cast<const char*>(data),  // NOLINT
                                         static_cast<size_t>(size));
  }

 private:
  std::unique_ptr<sqlite3_stmt, StmtFinalizer> stmt_;
  int rc_ = SQLITE_ERROR;
};

// A JSON value at a path of a payload, as SQLite's JSON functions see it.
struct JsonField {
  std::string
      type;  // "integer", "real", "text", "array", "object", "true", "false", "null"; "" if absent
  int64_t integer = 0;
  double real = 0.0;
  std::string text;
  int64_t arrayLength = 0;
};

int64_t unixMsNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

AuditEvent annotationEvent(const JournalAnnotation& annotation, std::string role) {
  std::string json = "{\"id\":" + std::to_string(annotation.id) + ",\"position\":";
  appendPoint(json, annotation.positionMm);
  json += ",\"text\":";
  appendJsonString(json, annotation.text);
  json += ",\"tick\":" + std::to_string(annotation.createdTick) + "}";
  return AuditEvent{AuditEvent::Type::Annotation,
                    annotation.authorClientId,
                    annotation.author,
                    std::move(role),
                    "annotation " + std::to_string(annotation.id),
                    std::move(json)};
}

AuditEvent measurementEvent(const JournalMeasurement& measurement, std::string role) {
  std::string json = "{\"id\":" + std::to_string(measurement.id) + ",\"points\":[";
  for (size_t i = 0; i < measurement.pointsMm.size(); ++i) {
    if (i > 0) {
      json += ',';
    }
    appendPoint(json, measurement.pointsMm[i]);
  }
  json += "],\"text\":";
  appendJsonString(json, measurement.text);
  json += ",\"tick\":" + std::to_string(measurement.createdTick) + "}";
  return AuditEvent{AuditEvent::Type::Measurement,
                    measurement.authorClientId,
                    measurement.author,
                    std::move(role),
                    "measurement " + std::to_string(measurement.id),
                    std::move(json)};
}

AuditEvent annotationRemovedEvent(uint64_t id, AnnotationKind kind, uint64_t tick,
                                  uint64_t clientId, std::string name, std::string role) {
  const char* kindName = kind == AnnotationKind::Measurement ? "measurement" : "annotation";
  std::string json = "{\"id\":" + std::to_string(id) + ",\"tick\":" + std::to_string(tick) +
                     ",\"kind\":\"" + kindName + "\"}";
  return AuditEvent{AuditEvent::Type::AnnotationRemoved,
                    clientId,
                    std::move(name),
                    std::move(role),
                    std::string(kindName) + " " + std::to_string(id) + " removed",
                    std::move(json)};
}

std::string formatAuditEntry(const JournalEntry& entry) {
  const int64_t seconds = entry.unixMs / 1000;
  const auto millis = static_cast<int>(entry.unixMs % 1000);
  const auto t = static_cast<time_t>(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  std::array<char, 96> when{};  // room for any int the compiler cannot rule out
  std::snprintf(when.data(), when.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  const AuditEvent& e = entry.event;
  return "#" + std::to_string(entry.sequence) + " " + when.data() + " " +
         std::string(auditTypeName(e.type)) + " " + e.name + " (" + e.role + ", client " +
         std::to_string(e.clientId) + "): " + e.detail;
}

struct Journal::Impl {
  std::filesystem::path path;
  Db db;
  Statement begin, commit, rollback;
  Statement insertAudit;
  Statement jsonValid, jsonField;
  Statement findAnnotation, insertAnnotation, removeAnnotation;
  Statement findMeasurement, insertMeasurement, insertPoint, removeMeasurement;
  std::shared_ptr<spdlog::logger> log = log::get("world");

  [[nodiscard]] Error error(const std::string& what) const {
    return makeError("journal " + path.string() + ": " + what);
  }
  [[nodiscard]] Error sqlError(const std::string& what) const {
    return error(what + ": " + sqlite3_errmsg(db.get()));
  }

  Status exec(const char* sql, const char* what) {
    char* message = nullptr;
    if (sqlite3_exec(db.get(), sql, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message != nullptr ? message : sqlite3_errmsg(db.get());
      sqlite3_free(message);
      return error(std::string(what) + ": " + text);
    }
    return Status::success();
  }

  // The single value a pragma or query returns, as text.
  Result<std::string> scalar(const char* sql) {
    Statement s(db.get(), sql);
    if (!s.ok()) {
      return sqlError(std::string("cannot run '") + sql + "'");
    }
    const int rc = s.step();
    if (rc != SQLITE_ROW) {
      return sqlError(std::string("'") + sql + "' returned no row");
    }
    return s.text(0);
  }

  Status prepare() {
    sqlite3* d = db.get();
    begin = Statement(d, "BEGIN IMMEDIATE");
    commit = Statement(d, "COMMIT");
    rollback = Statement(d, "ROLLBACK");
    insertAudit = Statement(d,
                            "INSERT INTO audit(unix_ms, type, client_id, name, role, detail, "
                            "payload) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    jsonValid = Statement(d, "SELECT json_valid(?1) AND json_type(?1) = 'object'");
    jsonField = Statement(d,
                          "SELECT json_type(?1, ?2), json_extract(?1, ?2), "
                          "CASE json_type(?1, ?2) WHEN 'array' THEN json_array_length(?1, ?2) "
                          "ELSE 0 END");
    findAnnotation = Statement(d, "SELECT removed_tick FROM annotations WHERE id = ?1");
    insertAnnotation = Statement(d,
                                 "INSERT INTO annotations(id, author_id, author, x_mm, y_mm, "
                                 "z_mm, text, created_tick, created_seq) "
                                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    removeAnnotation = Statement(d,
                                 "UPDATE annotations SET removed_tick = ?2, removed_seq = ?3 "
                                 "WHERE id = ?1 AND removed_tick IS NULL");
    findMeasurement = Statement(d, "SELECT removed_tick FROM measurements WHERE id = ?1");
    insertMeasurement = Statement(d,
                                  "INSERT INTO measurements(id, author_id, author, text, "
                                  "created_tick, created_seq) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    insertPoint = Statement(d,
                            "INSERT INTO measurement_points(measurement_id, idx, x_mm, y_mm, "
                            "z_mm) VALUES(?1, ?2, ?3, ?4, ?5)");
    removeMeasurement = Statement(d,
                                  "UPDATE measurements SET removed_tick = ?2, removed_seq = ?3 "
                                  "WHERE id = ?1 AND removed_tick IS NULL");
    for (const Statement* s :
         {&begin, &commit, &rollback, &insertAudit, &jsonValid, &jsonField, &findAnnotation,
          &insertAnnotation, &removeAnnotation, &findMeasurement, &insertMeasurement, &insertPoint,
          &removeMeasurement}) {
      if (!s->ok()) {
        return sqlError("cannot prepare statements");
      }
    }
    return Status::success();
  }

  Result<JsonField> field(std::string_view json, const std::string& jsonPath) {
    jsonField.reset().bind(1, json).bind(2, std::string_view(jsonPath));
    if (jsonField.step() != SQLITE_ROW) {
      return sqlError("cannot read payload field " + jsonPath);
    }
    JsonField f;
    if (!jsonField.isNull(0)) {
      f.type = jsonField.text(0);
      f.integer = jsonField.int64(1);
      f.real = jsonField.real(1);
      f.text = jsonField.text(1);
      f.arrayLength = jsonField.int64(2);
    }
    jsonField.reset();
    return f;
  }

  // Reads a required id or tick: a non-negative integer.
  Result<int64_t> count(std::string_view json, const std::string& name, std::string_view what) {
    auto f = field(json, "$." + name);
    if (!f) {
      return f.error();
    }
    if (f->type != "integer" || f->integer < 0) {
      return error(std::string(what) + " event: payload needs a non-negative integer '" + name +
                   "'");
    }
    return f->integer;
  }

  Result<double> coordinate(std::string_view json, const std::string& jsonPath,
                            std::string_view what) {
    auto f = field(json, jsonPath);
    if (!f) {
      return f.error();
    }
    if ((f->type != "integer" && f->type != "real") || !std::isfinite(f->real)) {
      return error(std::string(what) + " event: " + jsonPath + " is not a finite number");
    }
    return f->real;
  }

  Result<glm::dvec3> point(std::string_view json, const std::string& jsonPath,
                           std::string_view what) {
    auto f = field(json, jsonPath);
    if (!f) {
      return f.error();
    }
    if (f->type != "array" || f->arrayLength != 3) {
      return error(std::string(what) + " event: " + jsonPath +
                   " must be an array of three coordinates in mm");
    }
    glm::dvec3 p{};
    for (int axis = 0; axis < 3; ++axis) {
      auto c = coordinate(json, jsonPath + "[" + std::to_string(axis) + "]", what);
      if (!c) {
        return c.error();
      }
      p[axis] = *c;
    }
    return p;
  }

  Result<std::string> optionalText(std::string_view json, std::string_view what) {
    auto f = field(json, "$.text");
    if (!f) {
      return f.error();
    }
    if (f->type.empty() || f->type == "null") {
      return std::string();
    }
    if (f->type != "text") {
      return error(std::string(what) + " event: payload 'text' must be a string");
    }
    return f->text;
  }

  // Is there a row with this id, and has it been removed?
  Result<std::optional<bool>> lookup(Statement& find, int64_t id) {
    find.reset().bind(1, id);
    const int rc = find.step();
    std::optional<bool> removed;
    if (rc == SQLITE_ROW) {
      removed = !find.isNull(0);
    } else if (rc != SQLITE_DONE) {
      return sqlError("cannot look up id " + std::to_string(id));
    }
    find.reset();
    return removed;
  }

  Status stepDone(Statement& s, const std::string& what) {
    const int rc = s.step();
    s.reset();
    if (rc != SQLITE_DONE) {
      return sqlError(what);
    }
    return Status::success();
  }

  Status applyAnnotation(const AuditEvent& e, int64_t seq) {
    const std::string_view json = e.payloadJson;
    auto id = count(json, "id", "annotation");
    if (!id) {
      return id.error();
    }
    auto tick = count(json, "tick", "annotation");
    if (!tick) {
      return tick.error();
    }
    auto position = point(json, "$.position", "annotation");
    if (!position) {
      return position.error();
    }
    auto text = optionalText(json, "annotation");
    if (!text) {
      return text.error();
    }
    auto existing = lookup(findAnnotation, *id);
    if (!existing) {
      return existing.error();
    }
    if (existing->has_value()) {
      return error("annotation " + std::to_string(*id) +
                   (**existing ? " was removed earlier; ids are not reused" : " already exists"));
    }
    insertAnnotation.reset()
        .bind(1, *id)
        .bind(2, static_cast<int64_t>(e.clientId))
        .bind(3, std::string_view(e.name))
        .bind(4, position->x)
        .bind(5, position->y)
        .bind(6, position->z)
        .bind(7, std::string_view(*text))
        .bind(8, *tick)
        .bind(9, seq);
    return stepDone(insertAnnotation, "cannot store annotation " + std::to_string(*id));
  }

  Status applyMeasurement(const AuditEvent& e, int64_t seq) {
    const std::string_view json = e.payloadJson;
    auto id = count(json, "id", "measurement");
    if (!id) {
      return id.error();
    }
    auto tick = count(json, "tick", "measurement");
    if (!tick) {
      return tick.error();
    }
    auto points = field(json, "$.points");
    if (!points) {
      return points.error();
    }
    if (points->type != "array" || points->arrayLength < 2 ||
        points->arrayLength > static_cast<int64_t>(kMaxMeasurementPoints)) {
      return error("measurement event: payload 'points' must be an array of 2 to " +
                   std::to_string(kMaxMeasurementPoints) + " points");
    }
    std::vector<glm::dvec3> pointsMm;
    for (int64_t i = 0; i < points->arrayLength; ++i) {
      auto p = point(json, "$.points[" + std::to_string(i) + "]", "measurement");
      if (!p) {
        return p.error();
      }
      pointsMm.push_back(*p);
    }
    auto text = optionalText(json, "measurement");
    if (!text) {
      return text.error();
    }
    auto existing = lookup(findMeasurement, *id);
    if (!existing) {
      return existing.error();
    }
    if (existing->has_value()) {
      return error("measurement " + std::to_string(*id) +
                   (**existing ? " was removed earlier; ids are not reused" : " already exists"));
    }
    insertMeasurement.reset()
        .bind(1, *id)
        .bind(2, static_cast<int64_t>(e.clientId))
        .bind(3, std::string_view(e.name))
        .bind(4, std::string_view(*text))
        .bind(5, *tick)
        .bind(6, seq);
    if (Status s = stepDone(insertMeasurement, "cannot store measurement " + std::to_string(*id));
        !s) {
      return s;
    }
    for (size_t i = 0; i < pointsMm.size(); ++i) {
      insertPoint.reset()
          .bind(1, *id)
          .bind(2, static_cast<int64_t>(i))
          .bind(3, pointsMm[i].x)
          .bind(4, pointsMm[i].y)
          .bind(5, pointsMm[i].z);
      if (Status s = stepDone(insertPoint, "cannot store measurement " + std::to_string(*id)); !s) {
        return s;
      }
    }
    return Status::success();
  }

  Status applyRemoval(const AuditEvent& e, int64_t seq) {
    const std::string_view json = e.payloadJson;
    auto id = count(json, "id", "removal");
    if (!id) {
      return id.error();
    }
    auto tick = count(json, "tick", "removal");
    if (!tick) {
      return tick.error();
    }
    auto kind = field(json, "$.kind");
    if (!kind) {
      return kind.error();
    }
    bool measurement = false;
    if (kind->type == "text" && kind->text == "measurement") {
      measurement = true;
    } else if (!kind->type.empty() && !(kind->type == "text" && kind->text == "annotation")) {
      return error("removal event: payload 'kind' must be \"annotation\" or \"measurement\"");
    }
    Statement& remove = measurement ? removeMeasurement : removeAnnotation;
    remove.reset().bind(1, *id).bind(2, *tick).bind(3, seq);
    const std::string what =
        std::string(measurement ? "measurement " : "annotation ") + std::to_string(*id);
    if (Status s = stepDone(remove, "cannot remove " + what); !s) {
      return s;
    }
    if (sqlite3_changes(db.get()) == 0) {
      return error("no live " + what + " to remove");
    }
    return Status::success();
  }

  Status apply(const AuditEvent& event) {
    const std::string& payload = event.payloadJson;
    const bool needsPayload = event.type == AuditEvent::Type::Annotation ||
                              event.type == AuditEvent::Type::Measurement ||
                              event.type == AuditEvent::Type::AnnotationRemoved;
    if (!payload.empty() || needsPayload) {
      jsonValid.reset().bind(1, std::string_view(payload));
      const bool valid = jsonValid.step() == SQLITE_ROW && jsonValid.int64(0) != 0;
      jsonValid.reset();
      if (!valid) {
        return error(std::string(auditTypeName(event.type)) +
                     " event: payload is not a JSON object");
      }
    }
    insertAudit.reset()
        .bind(1, unixMsNow())
        .bind(2, auditTypeName(event.type))
        .bind(3, static_cast<int64_t>(event.clientId))
        .bind(4, std::string_view(event.name))
        .bind(5, std::string_view(event.role))
        .bind(6, std::string_view(event.detail))
        .bind(7, std::string_view(payload));
    if (Status s = stepDone(insertAudit, "cannot append to the audit trail"); !s) {
      return s;
    }
    const int64_t seq = sqlite3_last_insert_rowid(db.get());
    switch (event.type) {
      case AuditEvent::Type::Annotation:
        return applyAnnotation(event, seq);
      case AuditEvent::Type::Measurement:
        return applyMeasurement(event, seq);
      case AuditEvent::Type::AnnotationRemoved:
        return applyRemoval(event, seq);
      default:
        return Status::success();
    }
  }

  Status createSchema() {
    if (Status s = exec("BEGIN EXCLUSIVE", "cannot start creating the schema"); !s) {
      return s;
    }
    const std::string stamp = "PRAGMA application_id = " + std::to_string(kJournalApplicationId) +
                              "; PRAGMA user_version = " + std::to_string(kJournalSchemaVersion) +
                              ";";
    Status s = exec(kSchemaV1, "cannot create the schema");
    if (s) {
      s = exec(stamp.c_str(), "cannot stamp the schema version");
    }
    if (s) {
      s = exec("COMMIT", "cannot commit the schema");
    }
    if (!s) {
      (void)exec("ROLLBACK", "rollback");
    }
    return s;
  }

  // Older journals are upgraded in place here, one version at a time, each
  // step in its own transaction. Version 1 is the first; nothing to do yet.
  Status upgradeSchema(int version) {
    if (version != kJournalSchemaVersion) {
      return error("schema version " + std::to_string(version) +
                   " is not one this build knows how to upgrade");
    }
    return Status::success();
  }
};

Journal::Journal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Journal::Journal(Journal&&) noexcept = default;
Journal& Journal::operator=(Journal&&) noexcept = default;
Journal::~Journal() = default;

Result<Journal> Journal::open(const std::filesystem::path& path) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return impl->error("is a directory, not a journal file");
  }
  if (!std::filesystem::exists(path, ec)) {
    // Created here rather than by SQLite so that it is private from the
    // start; SQLite gives the -wal file the same mode.
    const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
      const std::error_code why(errno, std::generic_category());
      return impl->error("cannot create: " + why.message());
    }
    ::fsync(fd);
    ::close(fd);
    // The new directory entry must survive a power cut as well as the data.
    const std::filesystem::path parent =
        path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    const int dir = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
      ::fsync(dir);
      ::close(dir);
    }
  }

  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  impl->db.reset(raw);
  if (rc != SQLITE_OK) {
    return impl->error(std::string("cannot open: ") +
                       (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  // Held for the life of the Journal: a second server on the same file is
  // refused instead of interleaving its writes. With WAL this also keeps the
  // WAL index in memory, so there is no -shm file.
  if (Status s = impl->exec("PRAGMA locking_mode = EXCLUSIVE", "cannot set the locking mode"); !s) {
    return s.error();
  }

  // What went wrong, in words for whoever runs the server.
  auto failed = [&](const Error& e) -> Error {
    switch (sqlite3_errcode(raw) & 0xFF) {
      case SQLITE_NOTADB:
        return impl->error("not a MedVerse journal: the file is not a SQLite database");
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return impl->error("in use by another process (another medverse-server?)");
      case SQLITE_CORRUPT:
        return impl->error(std::string("damaged: ") + sqlite3_errmsg(raw));
      default:
        return e;
    }
  };
  auto appId = impl->scalar("PRAGMA application_id");
  if (!appId) {
    return failed(appId.error());
  }
  auto version = impl->scalar("PRAGMA user_version");
  if (!version) {
    return failed(version.error());
  }
  auto tables = impl->scalar("SELECT count(*) FROM sqlite_master");
  if (!tables) {
    return failed(tables.error());
  }
  const int64_t id = std::stoll(*appId);
  const int schema = std::stoi(*version);
  const bool fresh = id == 0 && schema == 0 && *tables == "0";
  if (!fresh) {
    if (id != kJournalApplicationId) {
      return impl->error(
          "not a MedVerse journal: a SQLite database of another application (application_id " +
          *appId + ")");
    }
    if (schema > kJournalSchemaVersion) {
      return impl->error("schema version " + std::to_string(schema) +
                         " is newer than this build supports (" +
                         std::to_string(kJournalSchemaVersion) + "); use a newer medverse-server");
    }
    auto check = impl->scalar("PRAGMA quick_check(1)");
    if (!check) {
      return failed(check.error());
    }
    if (*check != "ok") {
      return impl->error("damaged, SQLite's integrity check says: " + *check);
    }
  }

  // WAL: a commit appends to the log instead of rewriting pages, so it costs
  // one sequential write and one fsync. synchronous=FULL makes that fsync
  // happen on every commit (NORMAL would defer it to checkpoints, and a
  // power cut could then lose acknowledged events). See docs/RELIABILITY.md.
  auto mode = impl->scalar("PRAGMA journal_mode = WAL");
  if (!mode) {
    return failed(mode.error());
  }
  if (*mode != "wal") {
    return impl->error("cannot switch to write-ahead logging (SQLite kept mode '" + *mode + "')");
  }
  if (Status s = impl->exec("PRAGMA synchronous = FULL", "cannot set synchronous=FULL"); !s) {
    return s.error();
  }
  if (fresh) {
    if (Status s = impl->createSchema(); !s) {
      return failed(s.error());
    }
  } else if (Status s = impl->upgradeSchema(schema); !s) {
    return s.error();
  }
  // Take the exclusive lock now rather than at the first event.
  if (Status s = impl->exec("BEGIN IMMEDIATE; COMMIT", "cannot lock"); !s) {
    return failed(s.error());
  }
  if (Status s = impl->prepare(); !s) {
    return s.error();
  }
  Journal journal(std::move(impl));
  auto annotations = journal.loadAnnotations();
  auto measurements = journal.loadMeasurements();
  if (!annotations || !measurements) {
    return annotations ? measurements.error() : annotations.error();
  }
  journal.impl_->log->info("journal {} {}: {} live annotations, {} live measurements",
                           path.string(), fresh ? "created" : "reopened", annotations->size(),
                           measurements->size());
  return journal;
}

Status Journal::record(const AuditEvent& event) {
  Impl& j = *impl_;
  if (Status s = j.stepDone(j.begin, "cannot begin a transaction"); !s) {
    return s;
  }
  Status applied = j.apply(event);
  if (applied) {
    // With synchronous=FULL this returns after the WAL is fsynced.
    applied = j.stepDone(j.commit, "cannot commit");
  }
  if (!applied) {
    if (sqlite3_get_autocommit(j.db.get()) == 0) {
      (void)j.stepDone(j.rollback, "cannot roll back");
    }
    // The error names fields and ids, never payload text.
    j.log->warn("{} event from client {} not recorded: {}", auditTypeName(event.type),
                event.clientId, applied.error().message);
    return applied;
  }
  j.log->debug("journal: recorded {} event from client {}", auditTypeName(event.type),
               event.clientId);
  return Status::success();
}

Result<std::vector<JournalAnnotation>> Journal::loadAnnotations() const {
  Statement s(impl_->db.get(),
              "SELECT id, author_id, author, x_mm, y_mm, z_mm, text, created_tick "
              "FROM annotations WHERE removed_tick IS NULL ORDER BY id");
  if (!s.ok()) {
    return impl_->sqlError("cannot read annotations");
  }
  std::vector<JournalAnnotation> out;
  int rc = 0;
  while ((rc = s.step()) == SQLITE_ROW) {
    JournalAnnotation a;
    a.id = static_cast<uint64_t>(s.int64(0));
    a.authorClientId = static_cast<uint64_t>(s.int64(1));
    a.author = s.text(2);
    a.positionMm = {s.real(3), s.real(4), s.real(5)};
    a.text = s.text(6);
    a.createdTick = static_cast<uint64_t>(s.int64(7));
    out.push_back(std::move(a));
  }
  if (rc != SQLITE_DONE) {
    return impl_->sqlError("cannot read annotations");
  }
  return out;
}

Result<std::vector<JournalMeasurement>> Journal::loadMeasurements() const {
  Statement s(impl_->db.get(),
              "SELECT m.id, m.author_id, m.author, m.text, m.created_tick, p.x_mm, p.y_mm, p.z_mm "
              "FROM measurements m JOIN measurement_points p ON p.measurement_id = m.id "
              "WHERE m.removed_tick IS NULL ORDER BY m.id, p.idx");
  if (!s.ok()) {
    return impl_->sqlError("cannot read measurements");
  }
  std::vector<JournalMeasurement> out;
  int rc = 0;
  while ((rc = s.step()) == SQLITE_ROW) {
    const auto id = static_cast<uint64_t>(s.int64(0));
    if (out.empty() || out.back().id != id) {
      JournalMeasurement m;
      m.id = id;
      m.authorClientId = static_cast<uint64_t>(s.int64(1));
      m.author = s.text(2);
      m.text = s.text(3);
      m.createdTick = static_cast<uint64_t>(s.int64(4));
      out.push_back(std::move(m));
    }
    out.back().pointsMm.emplace_back(s.real(5), s.real(6), s.real(7));
  }
  if (rc != SQLITE_DONE) {
    return impl_->sqlError("cannot read measurements");
  }
  return out;
}

Result<std::vector<JournalEntry>> Journal::loadAudit() const {
  Statement s(impl_->db.get(),
              "SELECT seq, unix_ms, type, client_id, name, role, detail, payload "
              "FROM audit ORDER BY seq");
  if (!s.ok()) {
    return impl_->sqlError("cannot read the audit trail");
  }
  std::vector<JournalEntry> out;
  int rc = 0;
  while ((rc = s.step()) == SQLITE_ROW) {
    const auto type = auditTypeFromName(s.text(2));
    if (!type) {
      return impl_->error("audit entry " + std::to_string(s.int64(0)) + " has unknown type '" +
                          s.text(2) + "'");
    }
    out.push_back(JournalEntry{s.int64(0), s.int64(1),
                               AuditEvent{*type, static_cast<uint64_t>(s.int64(3)), s.text(4),
                                          s.text(5), s.text(6), s.text(7)}});
  }
  if (rc != SQLITE_DONE) {
    return impl_->sqlError("cannot read the audit trail");
  }
  return out;
}

const std::filesystem::path& Journal::path() const {
  return impl_->path;
}

std::string Journal::journalMode() const {
  auto mode = impl_->scalar("PRAGMA journal_mode");
  return mode ? *mode : std::string();
}

int Journal::synchronousLevel() const {
  auto level = impl_->scalar("PRAGMA synchronous");
  return level ? std::stoi(*level) : -1;
}

}  // namespace medverse::world
