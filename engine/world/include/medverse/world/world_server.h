#pragma once
// The authoritative side of a consult room: the secure transport, the world,
// the session rules, and replication to every client.
//
// Single-threaded and poll-based like net::Server. poll() handles the network
// (joins, leaves, acknowledgements, avatar poses and the grab owner's
// transform stream, which apply at once; reliable intents, which are queued);
// tick() is one fixed step: it applies queued intents in arrival order
// (simultaneous grabs of a free hologram resolved first, deterministically),
// enforces timeouts, and sends each client a snapshot. run() alternates them
// at the tick rate with no sleeping: it waits inside the network service.
//
// Replication: each client is sent, per tick, the relevant actors whose
// properties changed since the newest state of that actor the client has
// acknowledged (a delta against its last acknowledged snapshot), within a
// per-client byte budget shared out by priority. An actor the client has not
// acknowledged yet goes in full. docs/PROTOCOL.md has the layout.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/net/role.h"
#include "medverse/net/server.h"
#include "medverse/world/audit.h"
#include "medverse/world/journal.h"
#include "medverse/world/session_rules.h"
#include "medverse/world/world.h"

namespace medverse::world {

// Something a participant would notice, as the server decided it, with the
// server's monotonic time (nowMs; steady_clock, which is CLOCK_MONOTONIC on
// Linux, so another process can compare it with its own clock). For status
// output and fault tests; the audit trail is the AuditSink.
struct ServerEvent {
  // "join", "resume", "leave", "grab", "release", "annotation", "measurement",
  // "kick", "loss-over" (the transport's injected loss window ended).
  std::string kind;
  ClientId clientId = 0;
  std::string detail;  // e.g. the release reason; never annotation text
  uint64_t monoMs = 0;
  Transform hologram;  // grab and release: the hologram's transform then
};

struct WorldServerConfig {
  net::ServerConfig net;
  uint32_t tickHz = 60;
  // A participant who reconnects within this time resumes their identity:
  // the same player state and avatar, role and control grant.
  uint32_t reconnectGraceMs = 30000;
  // A hologram held without a move for this long is released.
  uint32_t grabTimeoutMs = 3000;
  // A holder the server has not heard from at all for this long (a client
  // sends input at its frame rate, a holder with every input) and whose
  // transport has acknowledged nothing for as long is taken to be gone: the
  // hologram is released where it last was, long before the transport gives
  // up on the connection. A holder whose frame takes longer (a slow machine,
  // a case loading) still acknowledges through its keep-alive thread and
  // keeps the hologram, up to grabTimeoutMs without a move. 0: only
  // grabTimeoutMs applies. Time the server itself was stalled (no poll) does
  // not count.
  uint32_t holderSilenceMs = 1000;
  // A client the server has heard nothing from for this long (it sends input
  // at its frame rate) is gone: it leaves, and may come back within
  // reconnectGraceMs. Sets net.timeouts.silenceMs unless that is set; 0: rely
  // on ENet's timeout alone (net::Timeouts).
  uint32_t peerSilenceMs = 3000;
  // A client whose authenticated messages fail to decode this many times is
  // disconnected (ProtocolViolation): a working client never sends one.
  uint32_t maxMalformedMessages = 64;
  // Snapshot bytes per second per client (before transport overhead); when
  // the relevant changes exceed it, actors take turns by priority.
  uint32_t snapshotBytesPerSecond = 512 * 1024;
  SessionOptions rules;
  std::string caseName;
  std::string caseHash;  // hex, announced to clients
  // The case bundle directory, offered to every client on the Assets channel
  // (net/asset_transfer.h: hashed chunks, resumable, flow-controlled);
  // empty: clients must already have the case.
  std::filesystem::path caseDirectory;
  // Where join/leave/grant/refusal/annotation/measurement events go before
  // they take effect, and grabs, releases, presets, window, clip and slice
  // plane changes as they happen (audit.h); a drag's many intents are
  // coalesced into its first change and where it came to rest (after 1 s
  // without a change, another author, a leave, or the server stopping).
  // Not owned; may be null; must outlive the server.
  AuditSink* audit = nullptr;
  // Annotations and measurements to put back in the room at start, from the
  // journal of an earlier run (Journal::loadAnnotations/loadMeasurements);
  // new ones continue their id sequences.
  std::vector<JournalAnnotation> restoredAnnotations;
  std::vector<JournalMeasurement> restoredMeasurements;
  // Milliseconds on a monotonic clock; defaults to std::chrono::steady_clock.
  std::function<uint64_t()> nowMs;
  // Milliseconds since a participant's transport last acknowledged anything
  // (for holderSilenceMs); defaults to the net layer's figure. For tests.
  std::function<uint32_t(ClientId)> msSinceAcknowledged;
  // Called as events happen (ServerEvent); may be empty.
  std::function<void(const ServerEvent&)> onEvent;
};

// What the server knows about one participant.
struct ParticipantInfo {
  ClientId clientId = 0;
  std::string name;
  net::Role role = net::Role::Spectator;
  bool hasControl = false;
  bool connected = false;
  NetId playerState = 0;
  NetId avatar = 0;
};

struct WorldServerStats {
  uint64_t ticks = 0;
  double lastTickMs = 0.0;  // CPU time of the server thread in tick()
  double meanTickMs = 0.0;  // over all ticks
  double maxTickMs = 0.0;
  // Percentiles over all ticks, from a histogram of 10 µs buckets (exact to
  // 10 µs up to 100 ms; above, 100 ms is reported).
  double p50TickMs = 0.0;
  double p99TickMs = 0.0;
  uint64_t kicked = 0;  // clients disconnected for malformed messages
  uint64_t snapshotsSent = 0;
  uint64_t snapshotBytes = 0;  // payload before sealing
  uint64_t refusals = 0;
};

class WorldServer {
 public:
  [[nodiscard]] static Result<WorldServer> start(WorldServerConfig config);

  WorldServer(WorldServer&&) noexcept;
  WorldServer& operator=(WorldServer&&) noexcept;
  WorldServer(const WorldServer&) = delete;
  WorldServer& operator=(const WorldServer&) = delete;
  ~WorldServer();

  [[nodiscard]] uint16_t port() const;
  [[nodiscard]] uint32_t tickHz() const;

  void poll(uint32_t timeoutMs);
  void tick();
  // Polls and ticks at the tick rate until `stop` becomes true.
  void run(const std::atomic<bool>& stop);

  [[nodiscard]] World& world();
  [[nodiscard]] NetId hologram() const;
  [[nodiscard]] std::optional<ParticipantInfo> participant(ClientId id) const;
  [[nodiscard]] std::vector<ParticipantInfo> participants() const;
  [[nodiscard]] WorldServerStats stats() const;
  // Reliable intents received and waiting for the next tick.
  [[nodiscard]] size_t queuedIntents() const;
  [[nodiscard]] net::Server& transport();

 private:
  struct Impl;
  explicit WorldServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace medverse::world
