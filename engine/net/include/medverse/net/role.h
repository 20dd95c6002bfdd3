#pragma once
// What a participant may do in a consult room (DESIGN.md, "Users"). The role
// is bound into the connect token by the issuer; the server enforces it on
// every intent, never trusting what a client says about itself.
#include <cstdint>
#include <string_view>

#include "medverse/core/result.h"

namespace medverse::net {

enum class Role : uint8_t {
  Expert = 0,     // everything, including granting and revoking control
  Doctor = 1,     // as expert unless the session owner restricts it
  Trainee = 2,    // look, point, talk; manipulate only while granted control
  Spectator = 3,  // watch only
};

inline constexpr uint8_t kRoleCount = 4;

// "expert", "doctor", "trainee", "spectator".
[[nodiscard]] std::string_view roleName(Role role);

// The inverse of roleName, case-insensitive. The error lists the valid names.
[[nodiscard]] Result<Role> parseRole(std::string_view name);

}  // namespace medverse::net
