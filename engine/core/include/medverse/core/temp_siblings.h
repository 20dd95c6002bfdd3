#pragma once
// Files and folders written next to their target under a temporary name,
// "<name>.<tag>-<pid>", and renamed into place only when complete (case
// import, mesh export). A writer killed mid-write (SIGKILL, OOM killer, power
// cut) leaves its temporary behind; the next writer into the same folder
// finds the temporaries whose process is gone (staleTempSiblings) and removes
// the ones it recognises as its own kind.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medverse {

// `target` with ".<tag>-<this process's id>" appended to its file name.
[[nodiscard]] std::filesystem::path tempSibling(const std::filesystem::path& target,
                                                std::string_view tag);

struct TempSiblingName {
  std::string base;  // the target's file name
  long pid = 0;
};
// Parses "<base>.<tag>-<pid>"; nothing when `filename` is not such a name.
[[nodiscard]] std::optional<TempSiblingName> parseTempSibling(std::string_view filename,
                                                              std::string_view tag);

// False only when no process with this id exists. A pid since reused by
// another process counts as alive, so its temporary is kept: cleanup can
// miss a stale temporary, never remove a live writer's.
[[nodiscard]] bool processAlive(long pid);

struct StaleTemp {
  std::filesystem::path path;
  std::string base;
  long pid = 0;
};
// The entries of `folder` named "<base>.<tag>-<pid>" whose process no longer
// exists (never this process's own). Empty when the folder cannot be read.
// Only names on this machine's pids: a folder shared over the network with
// another machine's writers is not a case this handles.
[[nodiscard]] std::vector<StaleTemp> staleTempSiblings(const std::filesystem::path& folder,
                                                       std::string_view tag);

}  // namespace medverse
