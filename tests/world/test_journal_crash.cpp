// The journal's durability promise, tested the hard way: a child process
// records annotations as fast as it can and reports each one to the test the
// moment record() returns (that is when a server would acknowledge it); the
// test kills the child with SIGKILL mid-stream, reopens the journal, and
// finds every reported annotation, intact.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <vector>

#include "journal_test_support.h"

using namespace journaltest;

namespace {

constexpr uint64_t kMaxRecords = 1'000'000;  // the child never gets this far

// Runs in the forked child: never returns.
[[noreturn]] void recordUntilKilled(const std::filesystem::path& path, int ackFd) {
  auto journal = Journal::open(path);
  if (!journal) {
    _exit(2);
  }
  for (uint64_t id = 1; id <= kMaxRecords; ++id) {
    if (!journal->record(annotationEvent(sampleAnnotation(id), "expert"))) {
      _exit(3);
    }
    // The acknowledgement: only now may anyone be told it is saved.
    if (write(ackFd, &id, sizeof id) != static_cast<ssize_t>(sizeof id)) {
      _exit(4);
    }
  }
  _exit(0);
}

// Reads one acknowledged id; false at end of stream.
bool readAck(int fd, uint64_t& id) {
  size_t got = 0;
  auto* bytes = reinterpret_cast<uint8_t*>(&id);  // NOLINT
  while (got < sizeof id) {
    const ssize_t n = read(fd, bytes + got, sizeof id - got);
    if (n == 0) {
      return false;
    }
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    got += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

TEST_CASE("a server killed mid-stream loses no acknowledged annotation") {
  TempDir dir;
  const auto path = dir / "room.journal";
  for (const uint64_t killAfter : {1U, 57U, 400U}) {
    CAPTURE(killAfter);
    std::filesystem::remove(path);
    int fds[2] = {-1, -1};
    REQUIRE(pipe(fds) == 0);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      close(fds[0]);
      recordUntilKilled(path, fds[1]);
    }
    close(fds[1]);

    std::vector<uint64_t> acknowledged;
    uint64_t id = 0;
    while (acknowledged.size() < killAfter && readAck(fds[0], id)) {
      acknowledged.push_back(id);
    }
    REQUIRE(kill(child, SIGKILL) == 0);
    // Acknowledgements already in the pipe were sent before the kill.
    while (readAck(fds[0], id)) {
      acknowledged.push_back(id);
    }
    close(fds[0]);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE_MESSAGE(WIFSIGNALED(status), "the child ended on its own (exit code "
                                             << WEXITSTATUS(status) << ") instead of being killed");
    CHECK(WTERMSIG(status) == SIGKILL);
    REQUIRE(acknowledged.size() >= killAfter);
    REQUIRE(acknowledged.back() < kMaxRecords);  // killed mid-stream

    Journal journal = openJournal(path);
    const auto restored = journal.loadAnnotations();
    REQUIRE(restored.ok());
    // Every acknowledged one is there, intact; at most the one whose commit
    // was under way when the kill came is there unacknowledged.
    REQUIRE(restored->size() >= acknowledged.size());
    CHECK(restored->size() <= acknowledged.size() + 1);
    for (size_t i = 0; i < acknowledged.size(); ++i) {
      const JournalAnnotation expected = sampleAnnotation(acknowledged[i]);
      const JournalAnnotation& got = (*restored)[i];
      REQUIRE(got.id == expected.id);
      CHECK(got.positionMm == expected.positionMm);
      CHECK(got.text == expected.text);
      CHECK(got.createdTick == expected.createdTick);
    }
    // The audit trail agrees with the annotation table.
    CHECK(journal.loadAudit()->size() == restored->size());
    // And the journal takes new events where the dead process left off.
    requireOk(journal.record(annotationEvent(sampleAnnotation(restored->size() + 1), "expert")));
  }
}
