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
    case AuditType::Grab:
      return "grab";
    case AuditType::Release:
      return "release";
    case AuditType::Preset:
      return "preset";
    case AuditType::Window:
      return "window";
    case AuditType::ClipPlane:
      return "clip-plane";
    case AuditType::SlicePlane:
      return "slice-plane";
    case AuditType::Surfaces:
      return "surfaces";
  }
  return "unknown";
}

std::optional<AuditType> auditTypeFromName(std::string_view name) {
  for (auto t = static_cast<uint8_t>(AuditType::Join);
       t <= static_cast<uint8_t>(AuditType::Surfaces); ++t) {
    if (auditTypeName(static_cast<AuditType>(t)) == name) {
      return static_cast<AuditType>(t);
    }
  }
  return std::nullopt;
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
