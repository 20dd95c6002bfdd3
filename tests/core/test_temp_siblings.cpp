// Temporary siblings (NAME.TAG-PID) and how a later writer tells a killed
// writer's leftovers from a running writer's work.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "medverse/core/temp_siblings.h"

namespace fs = std::filesystem;
using namespace medverse;

namespace {

// The pid of a process that has exited and been reaped.
long deadPid() {
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::_Exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  return child;
}

}  // namespace

TEST_CASE("temp siblings: names are NAME.TAG-PID and parse back, other names do not") {
  const fs::path sibling = tempSibling("/data/cases/brain.mvcase", "partial");
  CHECK(sibling == fs::path("/data/cases/brain.mvcase.partial-" + std::to_string(::getpid())));
  const auto parsed = parseTempSibling(sibling.filename().string(), "partial");
  REQUIRE(parsed);
  CHECK(parsed->base == "brain.mvcase");
  CHECK(parsed->pid == ::getpid());
  CHECK(parseTempSibling("a.b.partial-12", "partial")->base == "a.b");
  for (const char* name : {"brain.mvcase", "brain.partial-", "brain.partial-12x", "brain.partial-0",
                           "brain.partial-012", ".partial-12", "brain.replaced-12",
                           "brain.partial--12", "brain.partial-99999999999999999999999"}) {
    CAPTURE(name);
    CHECK_FALSE(parseTempSibling(name, "partial"));
  }
}

TEST_CASE("temp siblings: a live process is alive, an exited one is not") {
  CHECK(processAlive(::getpid()));
  CHECK(processAlive(::getppid()));
  CHECK(processAlive(1));  // init: someone else's process (EPERM) still counts
  CHECK_FALSE(processAlive(deadPid()));
  CHECK_FALSE(processAlive(0));
  CHECK_FALSE(processAlive(-5));
}

TEST_CASE("temp siblings: only the leftovers of exited processes are stale, never our own") {
  std::random_device entropy;
  const fs::path dir =
      fs::temp_directory_path() / ("medverse-siblings-" + std::to_string(entropy()));
  fs::create_directories(dir);
  const long dead = deadPid();
  const fs::path stale = dir / ("a.mvcase.partial-" + std::to_string(dead));
  fs::create_directories(stale);
  std::ofstream(dir / ("mesh.obj.partial-" + std::to_string(dead))) << "x";
  std::ofstream(dir / ("b.mvcase.partial-" + std::to_string(::getppid()))) << "x";
  fs::create_directories(tempSibling(dir / "c.mvcase", "partial"));  // this process
  std::ofstream(dir / ("d.mvcase.replaced-" + std::to_string(dead))) << "x";  // another tag
  std::ofstream(dir / "e.mvcase") << "x";

  auto found = staleTempSiblings(dir, "partial");
  std::sort(found.begin(), found.end(),
            [](const StaleTemp& x, const StaleTemp& y) { return x.base < y.base; });
  REQUIRE(found.size() == 2);
  CHECK(found[0].path == stale);
  CHECK(found[0].base == "a.mvcase");
  CHECK(found[0].pid == dead);
  CHECK(found[1].base == "mesh.obj");
  CHECK(staleTempSiblings(dir / "missing", "partial").empty());
  fs::remove_all(dir);
}
