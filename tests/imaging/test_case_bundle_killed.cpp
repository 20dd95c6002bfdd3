// An import killed mid-write (SIGKILL: nothing runs on the way out) leaves
// its NAME.partial-PID folder behind; the next write into that folder removes
// it, and leaves alone what is not an unfinished case or whose writer still
// runs. Likewise a case moved aside for --overwrite (NAME.replaced-PID).
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "medverse/assets/primitives.h"
#include "medverse/imaging/case_bundle.h"
#include "temp_files.h"

namespace fs = std::filesystem;
using namespace medverse;
using namespace medverse::imaging;
using medverse::imaging::testing::TempDir;

namespace {

CaseBundle tinyCase(double value) {
  CaseBundle c;
  c.provenance.sourceFormat = "nifti";
  c.volume = Volume::allocate({8, 8, 8}, VoxelType::Int16, Modality::CT);
  c.volume.setValue(1, 2, 3, value);
  for (int i = 0; i < 3; ++i) {
    CaseSurface s;
    s.name = "ball " + std::to_string(i);
    s.mesh = assets::makeUvSphere(3.0F + static_cast<float>(i), 8, 4);
    c.surfaces.push_back(s);
  }
  return c;
}

// Writes `bundle` to `target` in a child process that SIGKILLs itself once
// the volume and the first surface are on disk; returns the child's pid.
pid_t killedWhileWriting(const CaseBundle& bundle, const fs::path& target) {
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    BundleIo io;
    io.progress = [](void*, const char* stage, double fraction) {
      if (std::string(stage) == "writing surfaces" && fraction > 0.0) {
        ::kill(::getpid(), SIGKILL);
      }
    };
    (void)writeCaseBundle(bundle, target, false, io);
    std::_Exit(0);  // not reached unless the write skipped the surfaces
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  return child;
}

fs::path tempName(const fs::path& dir, const std::string& name, const char* tag, long pid) {
  return dir / (name + "." + tag + "-" + std::to_string(pid));
}

}  // namespace

TEST_CASE("case: an import killed mid-write leaves NAME.partial-PID; the next write there removes it") {
  TempDir dir;
  const pid_t dead = killedWhileWriting(tinyCase(1.0), dir / "brain.mvcase");
  const fs::path partial = tempName(dir / "", "brain.mvcase", "partial", dead);
  REQUIRE(fs::is_directory(partial));  // what the user would find without the cleanup
  CHECK(fs::exists(partial / "volume.bin"));
  CHECK_FALSE(fs::exists(dir / "brain.mvcase"));

  // Beside it: a folder that only looks like a temporary (not our layout),
  // and an unfinished case whose writer is alive (our parent, ctest).
  const fs::path notOurs = tempName(dir / "", "letters", "partial", dead);
  fs::create_directories(notOurs);
  std::ofstream(notOurs / "letter.txt") << "keep me";
  const fs::path live = tempName(dir / "", "other.mvcase", "partial", ::getppid());
  fs::create_directories(live / "surfaces");
  std::ofstream(live / "volume.bin") << "in progress";

  REQUIRE(writeCaseBundle(tinyCase(2.0), dir / "next.mvcase").ok());
  CHECK_FALSE(fs::exists(partial));
  CHECK(fs::exists(notOurs / "letter.txt"));
  CHECK(fs::exists(live / "volume.bin"));
  REQUIRE(readCaseBundle(dir / "next.mvcase").ok());

  // The killed import itself can now be run again.
  REQUIRE(writeCaseBundle(tinyCase(3.0), dir / "brain.mvcase").ok());
  auto again = readCaseBundle(dir / "brain.mvcase");
  REQUIRE(again.ok());
  CHECK(again->volume.value(1, 2, 3) == 3.0);
}

TEST_CASE("case: an --overwrite killed between its renames gets the old case back, never loses it") {
  TempDir dir;
  const pid_t dead = killedWhileWriting(tinyCase(1.0), dir / "scratch.mvcase");
  // As the overwrite leaves it when killed after moving the old case aside
  // and before renaming the new one in: only OLD.replaced-PID.
  REQUIRE(writeCaseBundle(tinyCase(4.0), dir / "tmp.mvcase").ok());
  fs::rename(dir / "tmp.mvcase", tempName(dir / "", "old.mvcase", "replaced", dead));
  // And killed after the new one was in place: both.
  REQUIRE(writeCaseBundle(tinyCase(5.0), dir / "done.mvcase").ok());
  REQUIRE(writeCaseBundle(tinyCase(6.0), dir / "tmp.mvcase").ok());
  fs::rename(dir / "tmp.mvcase", tempName(dir / "", "done.mvcase", "replaced", dead));

  REQUIRE(writeCaseBundle(tinyCase(7.0), dir / "another.mvcase").ok());
  auto restored = readCaseBundle(dir / "old.mvcase");
  REQUIRE(restored.ok());
  CHECK(restored->volume.value(1, 2, 3) == 4.0);
  CHECK_FALSE(fs::exists(tempName(dir / "", "old.mvcase", "replaced", dead)));
  CHECK_FALSE(fs::exists(tempName(dir / "", "done.mvcase", "replaced", dead)));
  auto done = readCaseBundle(dir / "done.mvcase");
  REQUIRE(done.ok());
  CHECK(done->volume.value(1, 2, 3) == 5.0);  // the newer one stays
  CHECK_FALSE(fs::exists(tempName(dir / "", "scratch.mvcase", "partial", dead)));
}
