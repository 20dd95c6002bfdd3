// The serving half of case distribution (asset_transfer.h).
#include <algorithm>
#include <deque>
#include <fstream>
#include <map>
#include <optional>

#include "asset_messages.h"
#include "medverse/core/log.h"
#include "medverse/net/asset_transfer.h"

namespace medverse::net {
namespace {

struct ChunkRef {
  uint32_t file = 0;
  uint32_t chunk = 0;
};

struct PeerQueue {
  std::deque<ChunkRef> requested;  // served in order: the client relies on it
  bool complete = false;
};

bool isPowerOfTwo(uint64_t n) {
  return n != 0 && (n & (n - 1)) == 0;
}

}  // namespace

struct AssetServer::Impl {
  std::filesystem::path directory;
  AssetServerConfig config;
  FileSet set;
  Hash256 setId;
  std::vector<uint8_t> offer;  // encoded once
  std::map<PeerId, PeerQueue> peers;
  std::vector<std::optional<std::ifstream>> files;  // opened on first use
  std::vector<PeerId> completed;
  AssetServerStats stats;
  std::shared_ptr<spdlog::logger> log = log::get("net");

  void refuse(Server& server, PeerId peer, uint32_t file, uint32_t chunk, std::string reason) {
    ++stats.requestsRefused;
    if (isPowerOfTwo(stats.requestsRefused)) {
      log->warn("peer {}: asset request for file {} chunk {} refused: {}", peer, file, chunk,
                reason);
    }
    (void)server.sendTo(peer, Channel::Assets,
                        assets::encode(assets::Unavailable{file, chunk, std::move(reason)}));
  }

  // Reads a chunk and checks it against the offer: a file changed or damaged
  // on the server's disk is never sent as if it were the offered one.
  Result<std::vector<uint8_t>> read(ChunkRef ref) {
    const FileSetEntry& entry = set.files[ref.file];
    auto& stream = files[ref.file];
    if (!stream) {
      stream.emplace(directory / entry.path, std::ios::binary);
    }
    std::vector<uint8_t> data(entry.chunkSize(ref.chunk));
    stream->clear();
    stream->seekg(static_cast<std::streamoff>(ref.chunk) * kAssetChunkBytes);
    stream->read(reinterpret_cast<char*>(data.data()),  // NOLINT
                 static_cast<std::streamsize>(data.size()));
    if (!*stream || hashBytes(data) != entry.chunkHashes[ref.chunk]) {
      stream.reset();
      return makeError("file '" + entry.path + "' changed on the server since it was offered");
    }
    return data;
  }
};

AssetServer::AssetServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AssetServer::AssetServer(AssetServer&&) noexcept = default;
AssetServer& AssetServer::operator=(AssetServer&&) noexcept = default;
AssetServer::~AssetServer() = default;

Result<AssetServer> AssetServer::serve(const std::filesystem::path& directory,
                                       AssetServerConfig config) {
  auto set = scanFileSet(directory);
  if (!set) {
    return set.error();
  }
  auto impl = std::make_unique<Impl>();
  impl->directory = directory;
  impl->config = std::move(config);
  impl->set = std::move(set).value();
  impl->setId = impl->set.id();
  impl->offer = assets::encode(assets::Offer{impl->set});
  impl->files.resize(impl->set.files.size());
  // The set id and sizes identify the case without naming the patient.
  impl->log->info("serving file set {} ({} files, {} bytes) from {}", impl->setId.hex(),
                  impl->set.files.size(), impl->set.totalBytes(), directory.string());
  return AssetServer(std::move(impl));
}

const FileSet& AssetServer::fileSet() const {
  return impl_->set;
}

Hash256 AssetServer::setId() const {
  return impl_->setId;
}

Status AssetServer::offer(Server& server, PeerId peer) {
  impl_->peers[peer] = PeerQueue{};
  return server.sendTo(peer, Channel::Assets, impl_->offer);
}

void AssetServer::handle(Server& server, PeerId peer, std::span<const uint8_t> message) {
  Impl& s = *impl_;
  auto decoded = assets::decode(message);
  if (!decoded) {
    ++s.stats.malformedMessages;
    if (isPowerOfTwo(s.stats.malformedMessages)) {
      s.log->warn("peer {}: {}", peer, decoded.error().message);
    }
    return;
  }
  PeerQueue& queue = s.peers[peer];
  if (const auto* request = std::get_if<assets::Request>(&*decoded)) {
    if (request->setId != s.setId) {
      s.refuse(server, peer, request->file, request->firstChunk,
               "the room's case is no longer set " + request->setId.hex().substr(0, 16));
      return;
    }
    if (request->file >= s.set.files.size()) {
      s.refuse(server, peer, request->file, request->firstChunk, "no such file in the set");
      return;
    }
    const FileSetEntry& file = s.set.files[request->file];
    if (request->count == 0 || request->count > assets::kMaxRequestChunks ||
        request->firstChunk >= file.chunkCount() ||
        request->count > file.chunkCount() - request->firstChunk) {
      s.refuse(server, peer, request->file, request->firstChunk, "chunk range out of bounds");
      return;
    }
    if (queue.requested.size() + request->count > s.config.maxQueuedChunks) {
      s.refuse(server, peer, request->file, request->firstChunk,
               "more than " + std::to_string(s.config.maxQueuedChunks) + " chunks requested");
      return;
    }
    for (uint32_t i = 0; i < request->count; ++i) {
      queue.requested.push_back({request->file, request->firstChunk + i});
    }
  } else if (const auto* complete = std::get_if<assets::Complete>(&*decoded)) {
    if (complete->setId == s.setId && !queue.complete) {
      queue.complete = true;
      s.completed.push_back(peer);
      s.log->info("peer {} holds file set {}", peer, s.setId.hex());
    }
  } else {
    ++s.stats.malformedMessages;
    s.log->warn("peer {}: sent a server-to-client asset message", peer);
  }
}

void AssetServer::pump(Server& server) {
  Impl& s = *impl_;
  for (auto& [peer, queue] : s.peers) {
    uint64_t queued = 0;
    while (!queue.requested.empty() && queued < s.config.bytesPerPump) {
      const std::optional<size_t> backlog = server.backlogBytes(peer);
      if (!backlog || *backlog >= s.config.maxBacklogBytes) {
        break;
      }
      const ChunkRef ref = queue.requested.front();
      queue.requested.pop_front();
      auto data = s.read(ref);
      if (!data) {
        s.log->error("{}", data.error().message);
        s.refuse(server, peer, ref.file, ref.chunk, data.error().message);
        continue;
      }
      if (s.config.tamperForTest && !s.config.tamperForTest(ref.file, ref.chunk, *data)) {
        continue;
      }
      const size_t bytes = data->size();
      if (Status st = server.sendTo(
              peer, Channel::Assets,
              assets::encode(assets::Chunk{ref.file, ref.chunk, std::move(data).value()}));
          !st) {
        queue.requested.push_front(ref);
        break;
      }
      queued += bytes;
      s.stats.chunksSent++;
      s.stats.chunkBytesSent += bytes;
    }
  }
}

void AssetServer::forget(PeerId peer) {
  impl_->peers.erase(peer);
}

std::vector<PeerId> AssetServer::takeCompleted() {
  std::vector<PeerId> out;
  out.swap(impl_->completed);
  return out;
}

AssetServerStats AssetServer::stats() const {
  return impl_->stats;
}

}  // namespace medverse::net
