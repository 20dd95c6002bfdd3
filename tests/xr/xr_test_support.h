#pragma once
// Shared by the XR suites: a fresh folder per test, the OpenXR core
// validation layer's output file (any VALID_ERROR fails the test), xrsim's
// end-of-instance report, and starting a child process with a held-open stdin.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "medverse/xr/xr_loop.h"

namespace medverse::test {

// Every test case starts from xrsim's defaults: the MEDVERSE_XRSIM_*
// variables an earlier case in this process set are cleared (run together,
// hello_xr's capture list overrode a later script's).
inline void clearXrsimEnv() {
  std::vector<std::string> names;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    if (entry.rfind("MEDVERSE_XRSIM_", 0) == 0) {
      names.push_back(entry.substr(0, entry.find('=')));
    }
  }
  for (const std::string& n : names) {
    ::unsetenv(n.c_str());  // NOLINT(concurrency-mt-unsafe): before any XR call
  }
}

inline std::filesystem::path freshXrDir(const std::string& name) {
  clearXrsimEnv();
  const char* bin = std::getenv("MEDVERSE_BINARY_DIR");  // NOLINT(concurrency-mt-unsafe)
  std::filesystem::path dir = std::filesystem::path(bin != nullptr ? bin : ".") / "xr-tests" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline void setEnv(const char* name, const std::string& value) {
  ::setenv(name, value.c_str(), 1);  // NOLINT(concurrency-mt-unsafe): before any XR call
}

// Routes the core validation layer's text output to dir/xr_validation.txt.
// The layer writes nothing when it has nothing to report.
inline std::filesystem::path useXrValidationFile(const std::filesystem::path& dir) {
  std::filesystem::path file = dir / "xr_validation.txt";
  setEnv("XR_CORE_VALIDATION_EXPORT_TYPE", "text");
  setEnv("XR_CORE_VALIDATION_FILE_NAME", file.string());
  return file;
}

inline std::string readText(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Lines the OpenXR core validation layer reported as errors.
inline std::vector<std::string> xrValidationErrors(const std::filesystem::path& file) {
  std::vector<std::string> errors;
  std::istringstream in(readText(file));
  for (std::string line; std::getline(in, line);) {
    if (line.find("VALID_ERROR") != std::string::npos) {
      errors.push_back(line);
    }
  }
  return errors;
}

inline void requireNoXrValidationErrors(const std::filesystem::path& file) {
  std::vector<std::string> errors = xrValidationErrors(file);
  for (const auto& e : errors) {
    MESSAGE(e);
  }
  CHECK(errors.empty());
}

inline std::filesystem::path writeScript(const std::filesystem::path& dir, const std::string& json) {
  std::filesystem::path file = dir / "script.json";
  std::ofstream(file) << json;
  setEnv("MEDVERSE_XRSIM_SCRIPT", file.string());
  return file;
}

// Runs engine/xr's loop with validation on and checks neither layer reported an error.
inline xr::XrLoopReport run(const std::filesystem::path& dir, xr::XrLoopCallbacks& callbacks,
                 uint64_t maxFrames = 0, xr::ViewMode mode = xr::ViewMode::Vr) {
  const std::filesystem::path validation = useXrValidationFile(dir);
  setEnv("MEDVERSE_XRSIM_REPORT", (dir / "report.json").string());
  xr::XrLoopOptions options;
  options.validation = true;
  options.maxFrames = maxFrames;
  options.runtime.mode = mode;
  Result<xr::XrLoopReport> report = xr::runXrLoop(options, callbacks);
  REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error().message));
  for (const auto& e : report->xrValidation.firstErrors) {
    MESSAGE(e);
  }
  CHECK(report->xrValidation.errors == 0);
  CHECK(report->vulkanValidationErrors == 0);
  requireNoXrValidationErrors(validation);
  return std::move(report.value());
}

inline nlohmann::json readXrsimReport(const std::filesystem::path& file) {
  std::ifstream in(file);
  REQUIRE_MESSAGE(in.good(), "xrsim wrote no report at " << file.string());
  return nlohmann::json::parse(in);
}

// Runs `argv` with stdout and stderr to `log` and a pipe as stdin that stays
// open until the child exits (hello_xr quits when its stdin reaches EOF).
// Returns the exit status, or -1 when the child died from a signal.
inline int runHoldingStdin(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[0]);
  REQUIRE_MESSAGE(spawned == 0, "cannot start " << argv[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(fds[1]);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace medverse::test
