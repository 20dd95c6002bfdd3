#include "medverse/core/jobs.h"

#include <algorithm>
#include <atomic>
#include <utility>

namespace medverse {

struct JobHandle::State {
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  std::exception_ptr error;
};

void JobHandle::wait() const {
  if (!state_) {
    return;
  }
  for (;;) {
    {
      std::lock_guard lock(state_->mutex);
      if (state_->done) {
        break;
      }
    }
    // Help instead of blocking: the awaited job may be behind others in the
    // queue, and this thread may be the pool's only worker.
    if (system_ != nullptr && system_->runOneQueuedJob()) {
      continue;
    }
    // The queue is empty, so the job has been taken by a thread that is
    // running it; sleeping until it signals cannot deadlock.
    std::unique_lock lock(state_->mutex);
    state_->finished.wait(lock, [this] { return state_->done; });
    break;
  }
  std::exception_ptr error;
  {
    std::lock_guard lock(state_->mutex);
    error = state_->error;
  }
  if (error) {
    std::rethrow_exception(error);
  }
}

bool JobHandle::done() const {
  if (!state_) {
    return true;
  }
  std::lock_guard lock(state_->mutex);
  return state_->done;
}

JobSystem::JobSystem() : JobSystem(std::thread::hardware_concurrency()) {}

JobSystem::JobSystem(size_t threadCount) {
  threadCount = std::max<size_t>(threadCount, 1);
  workers_.reserve(threadCount);
  for (size_t i = 0; i < threadCount; ++i) {
    workers_.emplace_back([this] { workerLoop(); });
  }
}

JobSystem::~JobSystem() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& worker : workers_) {
    worker.join();
  }
}

void JobSystem::workerLoop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        return;  // stopping, and every queued job has run
      }
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();  // queued jobs catch their own exceptions (see submit, parallelFor)
  }
}

void JobSystem::enqueue(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

bool JobSystem::runOneQueuedJob() {
  std::function<void()> job;
  {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) {
      return false;
    }
    job = std::move(queue_.front());
    queue_.pop_front();
  }
  job();
  return true;
}

JobHandle JobSystem::submit(std::function<void()> job) {
  auto state = std::make_shared<JobHandle::State>();
  enqueue([state, job = std::move(job)] {
    std::exception_ptr error;
    try {
      job();
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard lock(state->mutex);
      state->error = error;
      state->done = true;
    }
    state->finished.notify_all();
  });
  return {std::move(state), this};
}

namespace {

// Shared by the calling thread and the helper jobs of one parallelFor. Chunks
// are claimed with an atomic counter, so the fastest threads take the most.
struct ParallelForState {
  size_t count = 0;
  size_t grain = 1;
  size_t chunks = 0;
  const std::function<void(size_t, size_t)>* body = nullptr;  // outlives every claimed chunk

  std::atomic<size_t> nextChunk{0};
  std::atomic<size_t> finishedChunks{0};
  std::atomic<bool> failed{false};

  std::mutex mutex;
  std::condition_variable allFinished;
  std::exception_ptr error;  // the first one; guarded by mutex

  void runChunks() {
    for (;;) {
      const size_t chunk = nextChunk.fetch_add(1);
      if (chunk >= chunks) {
        return;
      }
      if (!failed.load()) {
        const size_t begin = chunk * grain;
        const size_t end = begin + std::min(grain, count - begin);
        try {
          (*body)(begin, end);
        } catch (...) {
          std::lock_guard lock(mutex);
          if (!error) {
            error = std::current_exception();
          }
          failed.store(true);
        }
      }
      if (finishedChunks.fetch_add(1) + 1 == chunks) {
        // Taking the lock orders this notify after the waiter's predicate check.
        std::lock_guard lock(mutex);
        allFinished.notify_all();
      }
    }
  }
};

}  // namespace

void JobSystem::parallelFor(size_t count, size_t grain,
                            const std::function<void(size_t, size_t)>& body) {
  if (count == 0) {
    return;
  }
  grain = std::max<size_t>(grain, 1);
  const size_t chunks = count / grain + (count % grain != 0 ? 1 : 0);
  if (chunks == 1) {
    body(0, count);
    return;
  }

  auto state = std::make_shared<ParallelForState>();
  state->count = count;
  state->grain = grain;
  state->chunks = chunks;
  state->body = &body;

  // The calling thread takes chunks too, so at most chunks - 1 helpers are useful.
  const size_t helpers = std::min(chunks - 1, threadCount());
  {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < helpers; ++i) {
      queue_.emplace_back([state] { state->runChunks(); });
    }
  }
  wake_.notify_all();

  state->runChunks();
  {
    std::unique_lock lock(state->mutex);
    // Every chunk is claimed by now; the ones still running finish without us.
    state->allFinished.wait(lock, [&] { return state->finishedChunks.load() == chunks; });
  }
  // Every chunk has finished, so nothing else touches `error` now. Moving it
  // out means a helper job that drops the last reference to `state` later
  // does not also release the exception the caller is handling.
  if (std::exception_ptr error = std::exchange(state->error, nullptr)) {
    std::rethrow_exception(error);
  }
}

JobSystem& defaultJobSystem() {
  static JobSystem system;
  return system;
}

}  // namespace medverse
