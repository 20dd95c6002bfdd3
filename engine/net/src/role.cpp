#include "medverse/net/role.h"

#include <array>
#include <string>

namespace medverse::net {
namespace {

constexpr std::array<std::string_view, kRoleCount> kRoleNames = {"expert", "doctor", "trainee",
                                                                 "spectator"};

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string_view roleName(Role role) {
  const auto index = static_cast<size_t>(role);
  return index < kRoleNames.size() ? kRoleNames[index] : std::string_view("unknown");
}

Result<Role> parseRole(std::string_view name) {
  std::string folded(name);
  for (char& c : folded) {
    c = lower(c);
  }
  for (size_t i = 0; i < kRoleNames.size(); ++i) {
    if (folded == kRoleNames[i]) {
      return static_cast<Role>(i);
    }
  }
  return makeError("unknown role '" + std::string(name) +
                   "'; expected expert, doctor, trainee or spectator");
}

}  // namespace medverse::net
