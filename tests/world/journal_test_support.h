#pragma once
// Temporary directories and sample events for the journal tests.
#include <doctest/doctest.h>

#include <filesystem>
#include <random>
#include <string>
#include <system_error>

#include "medverse/world/journal.h"

namespace journaltest {

using namespace medverse;
using namespace medverse::world;

// A fresh directory per test (ctest runs tests in parallel processes).
class TempDir {
 public:
  TempDir() {
    std::random_device entropy;
    path_ = std::filesystem::temp_directory_path() /
            ("medverse-world-" + std::to_string(entropy()) + "-" + std::to_string(entropy()));
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&&) = delete;
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
    return path_ / name;
  }

 private:
  std::filesystem::path path_;
};

inline Journal openJournal(const std::filesystem::path& path) {
  auto journal = Journal::open(path);
  REQUIRE_MESSAGE(journal.ok(), (journal.ok() ? "" : journal.error().message));
  return std::move(journal).value();
}

inline JournalAnnotation sampleAnnotation(uint64_t id) {
  JournalAnnotation a;
  a.id = id;
  a.authorClientId = 7;
  a.author = "Dr. Ada Okafor";
  a.positionMm = {12.5 + static_cast<double>(id), -40.25, 101.0 / 3.0};
  a.text = "lesion margin #" + std::to_string(id) + " \"check\" \xC3\xA9";
  a.createdTick = 1000 + id;
  return a;
}

inline void requireOk(const Status& status) {
  REQUIRE_MESSAGE(status.ok(), (status.ok() ? "" : status.error().message));
}

}  // namespace journaltest
