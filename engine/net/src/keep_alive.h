#pragma once
// Keeps an ENet host's connections alive while its owner is busy.
//
// A client that spends a few seconds loading a case or building GPU resources
// does not service its host; without help the other side stops hearing
// acknowledgements and drops it as dead (ENet's liveness timeout), and a
// listen server inside that client drops its remote participants. While the
// owner has not serviced the host for `idleMs`, this thread services it
// without taking events (enet_host_service with no event): ENet then sends
// acknowledgements and pings, receives and queues what arrives, and notices
// timeouts, all for the owner's next own service, which delivers the events
// in order. The owner's mutex guards every use of the host.
#include <enet/enet.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace medverse::net {

class HostKeepAlive {
 public:
  HostKeepAlive() = default;
  ~HostKeepAlive() { stop(); }
  HostKeepAlive(const HostKeepAlive&) = delete;
  HostKeepAlive& operator=(const HostKeepAlive&) = delete;
  HostKeepAlive(HostKeepAlive&&) = delete;
  HostKeepAlive& operator=(HostKeepAlive&&) = delete;

  // Starts the thread (once; idleMs 0 never starts it). `mutex` must be the
  // one the owner holds whenever it touches `host`; call without holding it.
  void start(std::mutex& mutex, ENetHost* host, uint32_t idleMs);
  // Joins the thread. Call without holding the owner's mutex, before the
  // host is destroyed.
  void stop();
  // The owner serviced the host just now (call with its mutex held).
  void touch() { lastOwnService_ = std::chrono::steady_clock::now(); }
  // Rounds serviced on the owner's behalf (read with its mutex held).
  [[nodiscard]] uint64_t rounds() const { return rounds_; }

 private:
  void run(uint32_t idleMs);

  std::mutex* mutex_ = nullptr;
  ENetHost* host_ = nullptr;
  std::condition_variable_any wake_;
  std::thread thread_;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point lastOwnService_ = std::chrono::steady_clock::now();
  uint64_t rounds_ = 0;
};

}  // namespace medverse::net
