#pragma once
// Case distribution: the server serves a file set (file_set.h: the room's
// case directory) on the Assets channel; a client that lacks it pulls it in
// hashed chunks, keeps what it got across disconnects, verifies every chunk
// and every file by hash, and keeps the result in a content-addressed cache
// so that joining again with the same case moves nothing.
// docs/PROTOCOL.md ("Case distribution") has the messages and the flow
// control.
//
// Both ends are driven by the caller's loop, like the transport:
//
//   server: on Connected  -> assets.offer(server, peer)
//           on Received (Channel::Assets) -> assets.handle(server, peer, bytes)
//           on Disconnected -> assets.forget(peer)
//           after every service() -> assets.pump(server)
//   client: on Received (Channel::Assets) -> assets.handle(client, bytes)
//           on Disconnected or Reconnecting -> assets.connectionLost()
//           every frame -> assets.service(client)
//
// Flow control: the client keeps at most `windowChunks` chunks requested and
// not yet received; the server sends a peer a chunk only while ENet's backlog
// for that peer (queued plus unacknowledged bytes, Server::backlogBytes) is
// under `maxBacklogBytes`, and at most `bytesPerPump` per peer per pump.
// Reliable data cannot then pile up in front of RPCs, and poses (unreliable,
// outside ENet's reliable window) leave in the same service round.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "medverse/core/hash.h"
#include "medverse/core/result.h"
#include "medverse/net/client.h"
#include "medverse/net/file_set.h"
#include "medverse/net/server.h"

namespace medverse::net {

struct AssetServerConfig {
  // ENet backlog for a peer above which no more chunks are queued for it.
  // ENet keeps at most 64 KiB of reliable data in flight per peer, shared by
  // all channels, and sends the rest in queue order; so a reliable RPC waits
  // behind whatever chunks are queued before it. Two windows keep ENet busy
  // and bound that wait to about two round trips.
  uint32_t maxBacklogBytes = 2 * kAssetChunkBytes;
  // Chunk bytes queued for one peer per pump() (at 60 pumps/s, 7.5 MiB/s;
  // ENet's window usually limits sooner: 64 KiB per round trip).
  uint32_t bytesPerPump = 2 * kAssetChunkBytes;
  // Requested chunks a peer may have queued; more are refused.
  uint32_t maxQueuedChunks = 256;
  // Test hook: sees each chunk after it was read and checked, before it is
  // sealed and sent; may alter it (to play a damaged chunk) or return false
  // to drop it (to play a message lost on the way: a sealed message that
  // fails authentication is dropped although ENet delivered it).
  std::function<bool(uint32_t file, uint32_t chunk, std::vector<uint8_t>& data)> tamperForTest;
};

struct AssetServerStats {
  uint64_t chunksSent = 0;
  uint64_t chunkBytesSent = 0;
  uint64_t requestsRefused = 0;
  uint64_t malformedMessages = 0;
};

class AssetServer {
 public:
  // Scans and hashes `directory` (scanFileSet).
  [[nodiscard]] static Result<AssetServer> serve(const std::filesystem::path& directory,
                                                 AssetServerConfig config = {});

  AssetServer(AssetServer&&) noexcept;
  AssetServer& operator=(AssetServer&&) noexcept;
  AssetServer(const AssetServer&) = delete;
  AssetServer& operator=(const AssetServer&) = delete;
  ~AssetServer();

  [[nodiscard]] const FileSet& fileSet() const;
  [[nodiscard]] Hash256 setId() const;

  // Sends the peer the listing; the client then asks for what it lacks.
  [[nodiscard]] Status offer(Server& server, PeerId peer);
  // A message the peer sent on Channel::Assets.
  void handle(Server& server, PeerId peer, std::span<const uint8_t> message);
  // Queues chunks for every peer within the flow-control limits.
  void pump(Server& server);
  void forget(PeerId peer);

  // Peers that reported holding the whole set since the last call.
  [[nodiscard]] std::vector<PeerId> takeCompleted();
  [[nodiscard]] AssetServerStats stats() const;

 private:
  struct Impl;
  explicit AssetServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct AssetProgress {
  Hash256 setId;
  uint64_t bytesDone = 0;  // verified, from the cache, a partial file or the network
  uint64_t bytesTotal = 0;
};

struct AssetClientConfig {
  // The cache: objects/<hash> (complete files, read-only), partial/<hash>
  // (files being received), sets/<set id>/<path> (hard links to objects).
  std::filesystem::path cacheDir;
  // Chunks requested and not yet received.
  uint32_t windowChunks = 8;
  // A chunk that fails its hash this many times fails the transfer.
  uint32_t maxChunkAttempts = 3;
  // service() calls with chunks outstanding and none arriving before they
  // are asked for again (a chunk message dropped as forged never arrives).
  uint32_t stallServices = 600;
  std::function<void(const AssetProgress&)> onProgress;
};

struct AssetClientStats {
  uint64_t requestsSent = 0;
  uint64_t chunksReceived = 0;      // accepted and written
  uint64_t chunkBytesReceived = 0;  // payload bytes of accepted chunks
  uint64_t chunksRejected = 0;      // wrong size or hash: discarded, asked again
  uint64_t chunksAskedAgain = 0;    // rejected, lost or stalled
  uint64_t bytesFromDisk = 0;       // already in the cache or a partial file at offer time
};

class AssetClient {
 public:
  enum class State : uint8_t {
    Idle,          // no offer yet
    Transferring,  // offer received, chunks missing
    Complete,      // directory() holds the whole set
    Failed,        // error() says why; a new offer starts over
  };

  // Creates the cache directories. The error names the directory.
  [[nodiscard]] static Result<AssetClient> create(AssetClientConfig config);

  AssetClient(AssetClient&&) noexcept;
  AssetClient& operator=(AssetClient&&) noexcept;
  AssetClient(const AssetClient&) = delete;
  AssetClient& operator=(const AssetClient&) = delete;
  ~AssetClient();

  // A message the server sent on Channel::Assets. Requests go out through
  // `client`.
  void handle(Client& client, std::span<const uint8_t> message);
  // Once per frame: asks again for chunks that stopped arriving.
  void service(Client& client);
  // The connection is gone: chunks in flight are forgotten (what was written
  // stays on disk); the next offer resumes from there.
  void connectionLost();

  [[nodiscard]] State state() const;
  [[nodiscard]] const std::string& error() const;
  [[nodiscard]] AssetProgress progress() const;
  // The set's files under their offered paths; valid when Complete.
  [[nodiscard]] std::filesystem::path directory() const;
  [[nodiscard]] AssetClientStats stats() const;

 private:
  struct Impl;
  explicit AssetClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace medverse::net
