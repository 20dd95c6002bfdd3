#include "medverse/world/session_rules.h"

namespace medverse::world {

std::string_view intentName(IntentKind kind) {
  switch (kind) {
    case IntentKind::Pointer:
      return "pointer";
    case IntentKind::Grab:
      return "grab";
    case IntentKind::Move:
      return "move";
    case IntentKind::Release:
      return "release";
    case IntentKind::SetPreset:
      return "set preset";
    case IntentKind::SetSurfaces:
      return "show or hide surfaces";
    case IntentKind::SetWindow:
      return "set window";
    case IntentKind::SetClipPlane:
      return "set clip plane";
    case IntentKind::SetSlicePlane:
      return "set slice plane";
    case IntentKind::Annotate:
      return "annotate";
    case IntentKind::Measure:
      return "measure";
    case IntentKind::GrantControl:
      return "grant control";
    case IntentKind::RevokeControl:
      return "revoke control";
    case IntentKind::Follow:
      return "follow";
  }
  return "unknown";
}

bool needsGrant(net::Role role, const SessionOptions& options) {
  return role == net::Role::Trainee || (role == net::Role::Doctor && options.restrictDoctors);
}

int grabRank(net::Role role) { return static_cast<int>(role); }

std::optional<std::string> refusalReason(const ParticipantRights& who, IntentKind intent,
                                         const SessionOptions& options) {
  if (intent == IntentKind::Follow) {
    return std::nullopt;  // changes nothing in the room
  }
  if (who.role == net::Role::Spectator) {
    return std::string("spectators cannot change the room");
  }
  if (intent == IntentKind::Pointer || intent == IntentKind::Release) {
    return std::nullopt;
  }
  if (intent == IntentKind::GrantControl || intent == IntentKind::RevokeControl) {
    if (who.role == net::Role::Expert ||
        (who.role == net::Role::Doctor && !options.restrictDoctors)) {
      return std::nullopt;
    }
    return std::string("only an expert grants or revokes control");
  }
  if (needsGrant(who.role, options) && !who.hasControl) {
    return std::string(net::roleName(who.role)) + "s need control granted by an expert to " +
           std::string(intentName(intent));
  }
  return std::nullopt;
}

}  // namespace medverse::world
