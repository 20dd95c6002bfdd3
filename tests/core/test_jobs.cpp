#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "medverse/core/jobs.h"

using namespace medverse;

TEST_CASE("a job system has at least one thread") {
  CHECK(JobSystem(0).threadCount() == 1);
  CHECK(JobSystem(3).threadCount() == 3);
  CHECK(JobSystem().threadCount() >= 1);
  CHECK(defaultJobSystem().threadCount() >= 1);
  CHECK(&defaultJobSystem() == &defaultJobSystem());
}

TEST_CASE("parallelFor covers every index exactly once") {
  JobSystem jobs(4);
  for (const size_t count : {size_t{0}, size_t{1}, size_t{7}, size_t{1000}, size_t{100003}}) {
    for (const size_t grain : {size_t{0}, size_t{1}, size_t{3}, size_t{64}, size_t{1000000}}) {
      CAPTURE(count);
      CAPTURE(grain);
      std::vector<std::atomic<int>> hits(count);
      std::atomic<bool> chunkTooBig{false};
      jobs.parallelFor(count, grain, [&](size_t begin, size_t end) {
        if (end - begin > std::max<size_t>(grain, 1) || begin >= end) {
          chunkTooBig = true;
        }
        for (size_t i = begin; i < end; ++i) {
          hits[i].fetch_add(1);
        }
      });
      CHECK_FALSE(chunkTooBig.load());
      size_t wrong = 0;
      for (const auto& h : hits) {
        wrong += h.load() == 1 ? 0 : 1;
      }
      CHECK(wrong == 0);
    }
  }
}

TEST_CASE("the calling thread takes part in parallelFor") {
  // Two chunks that can only finish together: with one worker, this completes
  // only if the caller runs the other chunk.
  JobSystem jobs(1);
  std::latch bothRunning(2);
  std::vector<std::thread::id> ran(2);
  jobs.parallelFor(2, 1, [&](size_t begin, size_t) {
    ran[begin] = std::this_thread::get_id();
    bothRunning.arrive_and_wait();
  });
  CHECK(ran[0] != ran[1]);
  CHECK((ran[0] == std::this_thread::get_id() || ran[1] == std::this_thread::get_id()));
}

TEST_CASE("an exception in a parallelFor chunk reaches the caller") {
  JobSystem jobs(3);
  CHECK_THROWS_WITH_AS(jobs.parallelFor(1000, 10,
                                        [](size_t begin, size_t) {
                                          if (begin == 500) {
                                            throw std::runtime_error("chunk 50 failed");
                                          }
                                        }),
                       "chunk 50 failed", std::runtime_error);
  // The pool is still usable afterwards.
  std::atomic<size_t> sum{0};
  jobs.parallelFor(100, 7, [&](size_t begin, size_t end) { sum += end - begin; });
  CHECK(sum.load() == 100);
}

TEST_CASE("an exception in a single-chunk parallelFor reaches the caller too") {
  JobSystem jobs(2);
  CHECK_THROWS_AS(jobs.parallelFor(5, 100, [](size_t, size_t) { throw std::logic_error("x"); }),
                  std::logic_error);
}

TEST_CASE("submitted jobs run and wait() returns after they have") {
  JobSystem jobs(2);
  std::vector<int> results(64, 0);
  std::vector<JobHandle> handles;
  for (size_t i = 0; i < results.size(); ++i) {
    handles.push_back(jobs.submit([&results, i] { results[i] = static_cast<int>(i * i); }));
  }
  for (const JobHandle& h : handles) {
    h.wait();
    CHECK(h.done());
  }
  for (size_t i = 0; i < results.size(); ++i) {
    CHECK(results[i] == static_cast<int>(i * i));
  }
  CHECK(JobHandle().done());
  JobHandle().wait();  // a default handle is already complete
}

TEST_CASE("an exception in a submitted job is rethrown by wait(), on every copy") {
  JobSystem jobs(2);
  const JobHandle handle = jobs.submit([] { throw std::runtime_error("segmentation failed"); });
  const JobHandle copy = handle;  // NOLINT(performance-unnecessary-copy-initialization)
  CHECK_THROWS_WITH_AS(handle.wait(), "segmentation failed", std::runtime_error);
  CHECK_THROWS_WITH_AS(copy.wait(), "segmentation failed", std::runtime_error);
  CHECK(handle.done());
}

TEST_CASE("a job may wait for another job even on a one-thread pool") {
  JobSystem jobs(1);
  std::atomic<int> innerRan{0};
  const JobHandle outer = jobs.submit([&] {
    const JobHandle inner = jobs.submit([&] { innerRan = 1; });
    inner.wait();  // the only worker is busy right here: wait() must run `inner` itself
  });
  outer.wait();
  CHECK(innerRan.load() == 1);
}

TEST_CASE("parallelFor may be nested inside parallelFor") {
  JobSystem jobs(2);
  std::vector<std::atomic<int>> hits(size_t{64} * 64);
  jobs.parallelFor(64, 1, [&](size_t rowBegin, size_t rowEnd) {
    for (size_t row = rowBegin; row < rowEnd; ++row) {
      jobs.parallelFor(64, 8, [&](size_t begin, size_t end) {
        for (size_t col = begin; col < end; ++col) {
          hits[row * 64 + col].fetch_add(1);
        }
      });
    }
  });
  CHECK(std::all_of(hits.begin(), hits.end(), [](const auto& h) { return h.load() == 1; }));
}

TEST_CASE("destroying a job system runs every queued job before joining") {
  std::atomic<int> ran{0};
  std::vector<JobHandle> handles;
  {
    JobSystem jobs(2);
    for (int i = 0; i < 500; ++i) {
      handles.push_back(jobs.submit([&ran] { ran.fetch_add(1); }));
    }
  }
  CHECK(ran.load() == 500);
  for (const JobHandle& h : handles) {
    CHECK(h.done());
    h.wait();  // safe after the system is gone: the job is complete
  }
}

TEST_CASE("many threads may submit and wait at once") {
  JobSystem jobs(3);
  std::atomic<int> total{0};
  std::vector<std::thread> submitters;
  submitters.reserve(4);
  for (int t = 0; t < 4; ++t) {
    submitters.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        jobs.submit([&total] { total.fetch_add(1); }).wait();
      }
    });
  }
  for (std::thread& t : submitters) {
    t.join();
  }
  CHECK(total.load() == 800);
}
