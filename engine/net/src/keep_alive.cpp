#include "keep_alive.h"

#include <algorithm>

namespace medverse::net {

void HostKeepAlive::start(std::mutex& mutex, ENetHost* host, uint32_t idleMs) {
  if (thread_.joinable() || idleMs == 0 || host == nullptr) {
    return;
  }
  mutex_ = &mutex;
  host_ = host;
  {
    const std::lock_guard lock(mutex);
    stopping_ = false;
    lastOwnService_ = std::chrono::steady_clock::now();
  }
  thread_ = std::thread([this, idleMs] { run(idleMs); });
}

void HostKeepAlive::stop() {
  if (!thread_.joinable()) {
    return;
  }
  {
    const std::lock_guard lock(*mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void HostKeepAlive::run(uint32_t idleMs) {
  using namespace std::chrono;
  const milliseconds idle(idleMs);
  // Check a few times per idle period so a busy owner's peers hear from us
  // within about 1.25 x idleMs of its last own service.
  const milliseconds period = std::max(milliseconds(5), idle / 4);
  std::unique_lock lock(*mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, period, [this] { return stopping_; });
    if (stopping_) {
      break;
    }
    if (steady_clock::now() - lastOwnService_ >= idle) {
      (void)enet_host_service(host_, nullptr, 0);
      ++rounds_;
    }
  }
}

}  // namespace medverse::net
