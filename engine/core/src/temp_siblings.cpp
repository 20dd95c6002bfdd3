#include "medverse/core/temp_siblings.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

namespace medverse {

std::filesystem::path tempSibling(const std::filesystem::path& target, std::string_view tag) {
  std::filesystem::path result = target;
  result += "." + std::string(tag) + "-" + std::to_string(::getpid());
  return result;
}

std::optional<TempSiblingName> parseTempSibling(std::string_view filename, std::string_view tag) {
  const std::string marker = "." + std::string(tag) + "-";
  const std::size_t at = filename.rfind(marker);
  if (at == std::string_view::npos || at == 0) {
    return std::nullopt;
  }
  const std::string_view digits = filename.substr(at + marker.size());
  long pid = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || pid <= 0 ||
      digits.front() == '0') {
    return std::nullopt;
  }
  return TempSiblingName{std::string(filename.substr(0, at)), pid};
}

bool processAlive(long pid) {
  if (pid <= 0 || static_cast<long>(static_cast<pid_t>(pid)) != pid) {
    return false;
  }
  // EPERM: it exists, it just belongs to someone else.
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH;
}

std::vector<StaleTemp> staleTempSiblings(const std::filesystem::path& folder,
                                         std::string_view tag) {
  std::vector<StaleTemp> stale;
  std::error_code ec;
  std::filesystem::directory_iterator it(folder.empty() ? "." : folder, ec);
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const auto parsed = parseTempSibling(name, tag);
    if (parsed && parsed->pid != static_cast<long>(::getpid()) && !processAlive(parsed->pid)) {
      stale.push_back({it->path(), parsed->base, parsed->pid});
    }
  }
  return stale;
}

}  // namespace medverse
