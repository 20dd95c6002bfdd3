#pragma once
// The hook through which a session reports what happened, for an audit
// trail. The server calls record() at the moment it decides (a join, a
// grant, a refusal, a new annotation), before it tells any client; a sink
// that persists (the SQLite journal) therefore holds every event before its
// effect is acknowledged.
#include <cstdint>
#include <string>
#include <string_view>

namespace medverse::world {

enum class AuditType : uint8_t {
  Join,
  Leave,
  Role,
  Grant,
  Revoke,
  Refusal,
  Annotation,
  Measurement,
};

// "join", "leave", "role", "grant", "revoke", "refusal", "annotation",
// "measurement".
[[nodiscard]] std::string_view auditTypeName(AuditType type);

struct AuditEvent {
  AuditType type = AuditType::Join;
  uint64_t clientId = 0;    // who did it (or to whom it happened)
  std::string name;         // their display name
  std::string role;         // roleName() of their role
  std::string detail;       // one human-readable line
  std::string payloadJson;  // machine-readable details, a JSON object
};

class AuditSink {
 public:
  AuditSink() = default;
  AuditSink(const AuditSink&) = delete;
  AuditSink& operator=(const AuditSink&) = delete;
  AuditSink(AuditSink&&) = delete;
  AuditSink& operator=(AuditSink&&) = delete;
  virtual ~AuditSink() = default;
  virtual void record(const AuditEvent& event) = 0;
};

// Escapes text for a JSON string literal (quotes not included).
[[nodiscard]] std::string jsonEscape(std::string_view text);

}  // namespace medverse::world
