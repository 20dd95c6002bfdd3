#pragma once
// What the consult session reports for its audit trail: who joined or left,
// with which role, control grants and revocations, refused intents, and the
// annotations and measurements participants made. The session hands each
// event to an AuditSink and acknowledges the action to the participant only
// once record() has returned success (the Journal commits it to disk first).
#include <cstdint>
#include <string>

#include "medverse/core/result.h"

namespace medverse::world {

struct AuditEvent {
  enum class Type {
    Join,
    Leave,
    Role,
    Grant,
    Revoke,
    Refusal,
    Annotation,
    Measurement,
    AnnotationRemoved
  };
  Type type;
  uint32_t clientId;        // who acted (the author, the one refused, the one granted)
  std::string name;         // their display name
  std::string role;         // their role name ("expert", ...)
  std::string detail;       // short human-readable context ("move intent: spectator")
  std::string payloadJson;  // structured data; see journal.h for the annotation types
};

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  virtual Status record(const AuditEvent&) = 0;
};

}  // namespace medverse::world
