#pragma once
// What the consult session reports for its audit trail: who joined or left,
// with which role, control grants and revocations, refused intents, the
// annotations and measurements participants made, and every change to the
// hologram: grabs and releases (with the transform), presets, the display
// window, clip and slice planes.
//
// The server calls record() at the moment it decides (a join, a grant, a
// refusal, a new annotation), before it tells any client. A persistent sink
// (the SQLite Journal, journal.h) returns only once the event is on disk, so
// an acknowledged annotation survives a server crash; when record() fails
// for an annotation or measurement, the server refuses it instead of
// applying it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "medverse/core/result.h"

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
  AnnotationRemoved,
  Grab,        // took the hologram; payload {"transform": ...} as it was taken
  Release,     // let it go; payload {"transform": ..., "reason": "released" | ...}
  Preset,      // payload {"from": n, "to": n}
  Window,      // payload as for planes, values {"center": c, "width": w}
  ClipPlane,   // payload {"index": i, "phase": "start" | "end", ...} (world_server.h)
  SlicePlane,  // the same for the three MPR slices
  Surfaces,    // payload {"shown": true | false}
};

// "join", "leave", "role", "grant", "revoke", "refusal", "annotation",
// "measurement", "annotation-removed", "grab", "release", "preset", "window",
// "clip-plane", "slice-plane", "surfaces".
[[nodiscard]] std::string_view auditTypeName(AuditType type);
// The inverse; nullopt for a name no type has.
[[nodiscard]] std::optional<AuditType> auditTypeFromName(std::string_view name);

struct AuditEvent {
  using Type = AuditType;
  Type type = Type::Join;
  uint64_t clientId = 0;    // who acted (the author, the one refused, the one granting)
  std::string name;         // their display name
  std::string role;         // roleName() of their role
  std::string detail;       // one human-readable line
  std::string payloadJson;  // machine-readable details, a JSON object (see journal.h
                            // for the annotation and measurement payloads)
};

class AuditSink {
 public:
  AuditSink() = default;
  AuditSink(const AuditSink&) = delete;
  AuditSink& operator=(const AuditSink&) = delete;
  AuditSink(AuditSink&&) = default;
  AuditSink& operator=(AuditSink&&) = default;
  virtual ~AuditSink() = default;
  // Returns once the event is recorded (durably, for a persistent sink).
  virtual Status record(const AuditEvent& event) = 0;
};

// Escapes text for a JSON string literal (quotes not included).
[[nodiscard]] std::string jsonEscape(std::string_view text);

}  // namespace medverse::world
