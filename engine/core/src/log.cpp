#include "medverse/core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>
#include <mutex>
#include <string>

namespace medverse::log {
namespace {
std::mutex g_mutex;
spdlog::level::level_enum g_level = spdlog::level::info;
}  // namespace

std::shared_ptr<spdlog::logger> get(std::string_view subsystem) {
  std::lock_guard lock(g_mutex);
  std::string name(subsystem);
  if (auto existing = spdlog::get(name)) {
    return existing;
  }
  // Logs go to stderr so that tools can print machine-readable output on stdout.
  auto logger = spdlog::stderr_color_mt(name);
  logger->set_level(g_level);
  logger->set_pattern("[%H:%M:%S.%e] [%n] [%^%l%$] %v");
  return logger;
}

void setLevel(spdlog::level::level_enum level) {
  std::lock_guard lock(g_mutex);
  g_level = level;
  spdlog::apply_all([level](const std::shared_ptr<spdlog::logger>& l) { l->set_level(level); });
}

void setLevelFromEnv() {
  const char* env = std::getenv("MEDVERSE_LOG");  // NOLINT(concurrency-mt-unsafe)
  if (env != nullptr && *env != '\0') {
    setLevel(spdlog::level::from_str(env));
  }
}

}  // namespace medverse::log
