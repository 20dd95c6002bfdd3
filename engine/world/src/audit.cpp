#include "medverse/world/audit.h"

#include <array>
#include <cstdio>

namespace medverse::world {

std::string_view auditTypeName(AuditType type) {
  switch (type) {
    case AuditType::Join:
      return "join";
    case AuditType::Leave:
      return "leave";
    case AuditType::Role:
      return "role";
    case AuditType::Grant:
      return "grant";
    case AuditType::Revoke:
      return "revoke";
    case AuditType::Refusal:
      return "refusal";
    case AuditType::Annotation:
      return "annotation";
    case AuditType::Measurement:
      return "measurement";
    case AuditType::AnnotationRemoved:
      return "annotation-removed";
  }
  return "unknown";
}

std::string jsonEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          std::array<char, 8> buf{};
          std::snprintf(buf.data(), buf.size(), "\\u%04x", c);
          out += buf.data();
        } else {
          out += ch;
        }
    }
  }
  return out;
}

}  // namespace medverse::world
