#pragma once
// A UDP relay on loopback that impairs real datagrams between real clients
// and a real server, for tests and for trying the engine on a bad network:
//
//   client ──▶ relay.port() ─[toServer impairment]─▶ target (the server)
//   client ◀── relay.port() ◀─[toClient impairment]─ target
//
// Each client address gets its own upstream socket, so the server sees one
// address per client, as without the relay. No threads: the caller pumps
// service() between its own server and client service() calls. Datagrams
// are delayed against the clock passed in, so decisions are reproducible for
// a seed; the traffic itself still follows ENet's real-time retransmissions.
#include <cstdint>
#include <memory>
#include <string_view>

#include "medverse/core/result.h"
#include "medverse/net/impairment.h"

namespace medverse::net {

struct RelayStats {
  ImpairmentStats toServer;
  ImpairmentStats toClient;
  uint64_t forwarded = 0;  // datagrams sent on, duplicates included
};

class ImpairedRelay {
 public:
  // Listens on bindHost:any port and forwards to targetHost:targetPort.
  [[nodiscard]] static Result<ImpairedRelay> create(
      std::string_view targetHost, uint16_t targetPort, const ImpairmentProfile& toServer,
      const ImpairmentProfile& toClient, uint64_t seed, std::string_view bindHost = "127.0.0.1");

  ImpairedRelay(ImpairedRelay&&) noexcept;
  ImpairedRelay& operator=(ImpairedRelay&&) noexcept;
  ImpairedRelay(const ImpairedRelay&) = delete;
  ImpairedRelay& operator=(const ImpairedRelay&) = delete;
  ~ImpairedRelay();

  // Where clients should connect.
  [[nodiscard]] uint16_t port() const;

  // Reads every waiting datagram, schedules its copies, and sends those due
  // at nowMs. Never blocks.
  void service(uint64_t nowMs);
  // The same with the steady clock in milliseconds.
  void service();

  [[nodiscard]] RelayStats stats() const;

 private:
  struct Impl;
  explicit ImpairedRelay(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace medverse::net
