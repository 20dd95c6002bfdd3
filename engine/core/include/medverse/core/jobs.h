#pragma once
// A small thread pool for data-parallel work (isosurface slabs, snapshot
// encoding per client, hashing chunks) and for background tasks.
//
// Threads sleep on a condition variable when there is no work; nothing spins.
// A thread that waits (in parallelFor or JobHandle::wait) runs queued jobs
// while it waits, so waiting from inside a job, even on a one-thread pool,
// cannot deadlock. An exception thrown by a job is rethrown to the waiter.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace medverse {

class JobSystem;

// The completion of one submitted job. Copyable; every copy observes the same
// job. A default-constructed handle is already complete.
class JobHandle {
 public:
  JobHandle() = default;

  // Blocks until the job has run; rethrows its exception, if any (every
  // wait() on every copy rethrows it). Runs other queued jobs meanwhile.
  void wait() const;
  // True once the job has run (successfully or not). Never blocks.
  [[nodiscard]] bool done() const;

 private:
  friend class JobSystem;
  struct State;
  JobHandle(std::shared_ptr<State> state, JobSystem* system)
      : state_(std::move(state)), system_(system) {}

  std::shared_ptr<State> state_;
  JobSystem* system_ = nullptr;
};

class JobSystem {
 public:
  // One worker per hardware thread (at least one).
  JobSystem();
  // `threadCount` workers; 0 is treated as 1.
  explicit JobSystem(size_t threadCount);
  // Runs every job still queued, then joins the workers. Handles may outlive
  // the system; they are all complete by then.
  ~JobSystem();

  JobSystem(const JobSystem&) = delete;
  JobSystem& operator=(const JobSystem&) = delete;
  JobSystem(JobSystem&&) = delete;
  JobSystem& operator=(JobSystem&&) = delete;

  [[nodiscard]] size_t threadCount() const { return workers_.size(); }

  // Runs `body(begin, end)` over [0, count) in chunks of `grain` indices (the
  // last one may be shorter; a grain of 0 counts as 1), on the workers and on
  // the calling thread, and returns when every chunk has run. Chunks are
  // disjoint and cover every index exactly once. If a chunk throws, chunks not
  // yet started are skipped and the first exception is rethrown here.
  void parallelFor(size_t count, size_t grain,
                   const std::function<void(size_t begin, size_t end)>& body);

  // Queues `job` to run on a worker.
  [[nodiscard]] JobHandle submit(std::function<void()> job);

 private:
  friend class JobHandle;
  void workerLoop();
  void enqueue(std::function<void()> job);
  // Pops and runs one queued job if there is one; false when the queue is empty.
  bool runOneQueuedJob();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

// The process-wide pool, created on first use with one worker per hardware
// thread, joined at exit.
JobSystem& defaultJobSystem();

}  // namespace medverse
