#pragma once
// The consult session's rules (DESIGN.md, "Users and what they do"): who may
// do what. A pure function of the participant and the intent, so the rules
// are testable on their own; the server asks it before applying any intent.
//
//   expert     everything, including granting and revoking control
//   doctor     as expert, unless the session restricts doctors (then as a
//              trainee)
//   trainee    look and point; manipulate, cut, annotate and measure only
//              while granted control
//   spectator  watch and follow a participant's view; nothing else
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "medverse/net/role.h"

namespace medverse::world {

enum class IntentKind : uint8_t {
  Pointer,  // own avatar and pointer
  Grab,
  Move,
  Release,
  SetPreset,
  SetSurfaces,
  SetWindow,
  SetClipPlane,
  SetSlicePlane,
  Annotate,
  Measure,
  GrantControl,
  RevokeControl,
  Follow,
};

[[nodiscard]] std::string_view intentName(IntentKind kind);

struct SessionOptions {
  // The session owner's restriction: doctors need a grant like trainees.
  bool restrictDoctors = false;
};

struct ParticipantRights {
  net::Role role = net::Role::Spectator;
  bool hasControl = false;  // granted by an expert
};

// nullopt if allowed, else the reason for the refusal ("spectators cannot
// change the room").
[[nodiscard]] std::optional<std::string> refusalReason(const ParticipantRights& who,
                                                       IntentKind intent,
                                                       const SessionOptions& options = {});

// Whether `role` may hold a control grant at all (trainees, and restricted
// doctors; experts and unrestricted doctors need none).
[[nodiscard]] bool needsGrant(net::Role role, const SessionOptions& options = {});

// Ranks roles for tie-breaking simultaneous grabs: lower wins.
[[nodiscard]] int grabRank(net::Role role);

}  // namespace medverse::world
