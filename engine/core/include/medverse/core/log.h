#pragma once
// Logging goes through spdlog. One named logger per subsystem ("render",
// "net", ...) so a reader can filter. Patient data is never logged: log
// identifiers (series UID hashes, case hashes), never names or dates.
#include <spdlog/spdlog.h>

#include <memory>
#include <string_view>

namespace medverse::log {

// Returns the logger for a subsystem, creating it on first use. Thread-safe.
std::shared_ptr<spdlog::logger> get(std::string_view subsystem);

// Sets the level of every logger, present and future. Reads MEDVERSE_LOG
// (trace|debug|info|warn|error|off) when called with no argument.
void setLevelFromEnv();
void setLevel(spdlog::level::level_enum level);

}  // namespace medverse::log
