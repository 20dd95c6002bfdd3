// The receiving half of case distribution (asset_transfer.h).
//
// Cache layout under AssetClientConfig::cacheDir:
//   objects/<hash>      complete, verified files, read-only, named by content
//   partial/<hash>      files being received; chunks written at their offsets
//   sets/<set id>/...   a complete set under its offered paths (hard links)
// A partial file needs no bookkeeping of its own: on every offer each chunk
// of it is hashed against the offer, and whatever matches is kept. So a
// transfer resumes after a reconnect, a client restart or a crash, and a
// chunk that was never written (a hole reads as zeros) or written damaged
// simply does not match.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <fstream>
#include <system_error>

#include "asset_messages.h"
#include "medverse/core/log.h"
#include "medverse/net/asset_transfer.h"

namespace medverse::net {
namespace {

struct ChunkRef {
  uint32_t file = 0;
  uint32_t chunk = 0;
  friend bool operator==(const ChunkRef&, const ChunkRef&) = default;
};

struct FileState {
  std::vector<bool> have;  // per chunk, verified and on disk
  std::vector<uint32_t> attempts;
  uint32_t missing = 0;
  bool complete = false;  // in objects/
};

// Reads exactly size bytes at offset; false on a short read.
bool readAt(int fd, uint64_t offset, std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n =
        pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

bool writeAt(int fd, uint64_t offset, std::span<const uint8_t> data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n =
        pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&&) = delete;
  Fd& operator=(Fd&&) = delete;
  ~Fd() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

struct AssetClient::Impl {
  AssetClientConfig config;
  std::filesystem::path objects, partial, sets;
  State state = State::Idle;
  std::string error;
  std::optional<FileSet> set;
  Hash256 setId;
  std::vector<FileState> files;
  std::deque<ChunkRef> toRequest;    // missing, not yet asked for (front first)
  std::deque<ChunkRef> outstanding;  // asked for, in the order asked
  uint64_t bytesDone = 0;
  uint64_t bytesTotal = 0;
  uint32_t quietServices = 0;
  AssetClientStats stats;
  std::shared_ptr<spdlog::logger> log = log::get("net");

  std::filesystem::path objectPath(const FileSetEntry& f) const { return objects / f.hash.hex(); }
  std::filesystem::path partialPath(const FileSetEntry& f) const { return partial / f.hash.hex(); }
  std::filesystem::path setPath() const { return sets / setId.hex(); }

  void fail(std::string why) {
    state = State::Failed;
    error = std::move(why);
    toRequest.clear();
    outstanding.clear();
    log->error("case transfer of set {} failed: {}", setId.hex(), error);
  }

  void reportProgress() const {
    if (config.onProgress) {
      config.onProgress(AssetProgress{setId, bytesDone, bytesTotal});
    }
  }

  // Which chunks of a file are already on disk: all of them if the object is
  // in the cache (its size checked: objects are only ever renamed into place
  // after a full hash check), else those of the partial file that match.
  void inspect(uint32_t index) {
    const FileSetEntry& entry = set->files[index];
    FileState& file = files[index];
    file.have.assign(entry.chunkCount(), false);
    file.attempts.assign(entry.chunkCount(), 0);
    file.missing = entry.chunkCount();
    std::error_code ec;
    if (std::filesystem::file_size(objectPath(entry), ec) == entry.size && !ec) {
      file.have.assign(entry.chunkCount(), true);
      file.missing = 0;
      file.complete = true;
      bytesDone += entry.size;
      stats.bytesFromDisk += entry.size;
      return;
    }
    const Fd fd(::open(partialPath(entry).c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
      return;
    }
    std::vector<uint8_t> buffer(kAssetChunkBytes);
    for (uint32_t c = 0; c < entry.chunkCount(); ++c) {
      const std::span<uint8_t> data(buffer.data(), entry.chunkSize(c));
      if (readAt(fd.get(), static_cast<uint64_t>(c) * kAssetChunkBytes, data) &&
          hashBytes(data) == entry.chunkHashes[c]) {
        file.have[c] = true;
        --file.missing;
        bytesDone += data.size();
        stats.bytesFromDisk += data.size();
      }
    }
  }

  // Another process receiving the same set into this cache (two clients on
  // one machine) may have finished this file first and moved the partial
  // file away: take its object instead of failing. True when the file is done.
  bool adoptFinishedObject(uint32_t index) {
    const FileSetEntry& entry = set->files[index];
    FileState& file = files[index];
    std::error_code ec;
    if (file.complete) {
      return true;
    }
    if (std::filesystem::file_size(objectPath(entry), ec) != entry.size || ec) {
      return false;
    }
    for (uint32_t c = 0; c < file.have.size(); ++c) {
      if (!file.have[c]) {
        file.have[c] = true;
        bytesDone += entry.chunkSize(c);
        stats.bytesFromDisk += entry.chunkSize(c);
      }
    }
    file.missing = 0;
    file.complete = true;
    std::erase_if(toRequest, [index](const ChunkRef& r) { return r.file == index; });
    std::filesystem::remove(partialPath(entry), ec);
    log->info("'{}' was completed by another transfer into this cache", entry.path);
    return true;
  }

  void startOffer(Client& client, FileSet offered) {
    set = std::move(offered);
    setId = set->id();
    state = State::Transferring;
    error.clear();
    toRequest.clear();
    outstanding.clear();
    quietServices = 0;
    bytesDone = 0;
    bytesTotal = set->totalBytes();
    files.assign(set->files.size(), FileState{});
    for (uint32_t f = 0; f < files.size(); ++f) {
      inspect(f);
      for (uint32_t c = 0; c < files[f].have.size(); ++c) {
        if (!files[f].have[c]) {
          toRequest.push_back({f, c});
        }
      }
    }
    log->info("offered file set {}: {} files, {} bytes, {} already here", setId.hex(),
              set->files.size(), bytesTotal, bytesDone);
    reportProgress();
    for (uint32_t f = 0; f < files.size() && state == State::Transferring; ++f) {
      if (!files[f].complete && files[f].missing == 0) {
        finishFile(f);  // a partial file that was complete but not yet moved
      }
    }
    advance(client);
  }

  // Asks for more chunks while the window has room, one Request per run.
  void requestMore(Client& client) {
    while (!toRequest.empty() && outstanding.size() < config.windowChunks) {
      const ChunkRef first = toRequest.front();
      uint32_t count = 0;
      while (!toRequest.empty() && outstanding.size() < config.windowChunks &&
             count < assets::kMaxRequestChunks && toRequest.front().file == first.file &&
             toRequest.front().chunk == first.chunk + count) {
        outstanding.push_back(toRequest.front());
        toRequest.pop_front();
        ++count;
      }
      if (Status s = client.send(Channel::Assets, assets::encode(assets::Request{
                                                      setId, first.file, first.chunk, count}));
          !s) {
        // Not connected: ask again after the next offer.
        for (uint32_t i = 0; i < count; ++i) {
          toRequest.push_front(outstanding.back());
          outstanding.pop_back();
        }
        return;
      }
      ++stats.requestsSent;
    }
  }

  void advance(Client& client) {
    if (state != State::Transferring) {
      return;
    }
    const bool allComplete =
        std::all_of(files.begin(), files.end(), [](const FileState& f) { return f.complete; });
    if (allComplete) {
      if (Status s = materialize(); !s) {
        fail(s.error().message);
        return;
      }
      state = State::Complete;
      log->info("file set {} complete ({} bytes received, {} from disk)", setId.hex(),
                stats.chunkBytesReceived, stats.bytesFromDisk);
      (void)client.send(Channel::Assets, assets::encode(assets::Complete{setId}));
      reportProgress();
      return;
    }
    requestMore(client);
  }

  void askAgain(ChunkRef ref) {
    ++stats.chunksAskedAgain;
    toRequest.push_front(ref);
  }

  void onChunk(assets::Chunk chunk) {
    const ChunkRef ref{chunk.file, chunk.chunk};
    const auto it = std::find(outstanding.begin(), outstanding.end(), ref);
    if (it == outstanding.end()) {
      return;  // not asked for (a late duplicate after a stall): ignore
    }
    // The server answers in order on an ordered channel: whatever was asked
    // before this one and is still outstanding will not come.
    std::vector<ChunkRef> lost(outstanding.begin(), it);
    outstanding.erase(outstanding.begin(), it + 1);
    for (auto l = lost.rbegin(); l != lost.rend(); ++l) {
      askAgain(*l);
    }
    quietServices = 0;

    const FileSetEntry& entry = set->files[ref.file];
    FileState& file = files[ref.file];
    if (file.have[ref.chunk]) {
      return;
    }
    if (chunk.data.size() != entry.chunkSize(ref.chunk) ||
        hashBytes(chunk.data) != entry.chunkHashes[ref.chunk]) {
      ++stats.chunksRejected;
      if (++file.attempts[ref.chunk] >= config.maxChunkAttempts) {
        fail("chunk " + std::to_string(ref.chunk) + " of '" + entry.path + "' arrived damaged " +
             std::to_string(file.attempts[ref.chunk]) + " times");
        return;
      }
      log->warn("chunk {} of '{}' arrived damaged (attempt {}); asking again", ref.chunk,
                entry.path, file.attempts[ref.chunk]);
      askAgain(ref);
      return;
    }
    if (adoptFinishedObject(ref.file)) {
      reportProgress();
      return;
    }
    const Fd fd(::open(partialPath(entry).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
    if (fd.get() < 0 ||
        !writeAt(fd.get(), static_cast<uint64_t>(ref.chunk) * kAssetChunkBytes, chunk.data)) {
      const std::error_code why(errno, std::generic_category());
      fail("cannot write " + partialPath(entry).string() + ": " + why.message());
      return;
    }
    file.have[ref.chunk] = true;
    --file.missing;
    bytesDone += chunk.data.size();
    ++stats.chunksReceived;
    stats.chunkBytesReceived += chunk.data.size();
    reportProgress();
    if (file.missing == 0) {
      finishFile(ref.file);
    }
  }

  // Every chunk matched; the whole file must match too before it becomes a
  // cache object (a listing with inconsistent hashes is caught here).
  void finishFile(uint32_t index) {
    const FileSetEntry& entry = set->files[index];
    if (adoptFinishedObject(index)) {
      return;
    }
    const std::filesystem::path from = partialPath(entry);
    std::error_code ec;
    if (entry.size == 0) {
      std::ofstream(from, std::ios::binary | std::ios::trunc).close();
    }
    auto hash = hashFile(from);
    if (!hash || *hash != entry.hash || std::filesystem::file_size(from, ec) != entry.size) {
      if (adoptFinishedObject(index)) {
        return;  // moved away (and rewritten in part) by the other transfer
      }
      std::filesystem::remove(from, ec);
      fail("file '" + entry.path + "' does not match its hash after all chunks did");
      return;
    }
    {
      const Fd fd(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
      if (fd.get() >= 0) {
        ::fsync(fd.get());  // an object must never be a torn file
      }
    }
    std::filesystem::permissions(from, std::filesystem::perms::owner_read, ec);
    std::filesystem::rename(from, objectPath(entry), ec);
    if (ec && adoptFinishedObject(index)) {
      return;
    }
    if (ec) {
      fail("cannot move '" + entry.path + "' into the cache: " + ec.message());
      return;
    }
    files[index].complete = true;
  }

  // sets/<id>/<path> → objects/<hash>, built beside and renamed into place.
  Status materialize() {
    const std::filesystem::path target = setPath();
    std::error_code ec;
    if (std::filesystem::is_directory(target, ec)) {
      bool intact = true;
      for (const FileSetEntry& f : set->files) {
        intact = intact && std::filesystem::file_size(target / f.path, ec) == f.size && !ec;
      }
      if (intact) {
        return Status::success();
      }
      std::filesystem::remove_all(target, ec);
    }
    const std::filesystem::path building =
        sets / (setId.hex() + ".building-" + std::to_string(::getpid()));
    std::filesystem::remove_all(building, ec);
    for (const FileSetEntry& f : set->files) {
      const std::filesystem::path to = building / f.path;
      std::filesystem::create_directories(to.parent_path(), ec);
      std::filesystem::create_hard_link(objectPath(f), to, ec);
      if (ec) {  // a file system without hard links: copy
        std::filesystem::copy_file(objectPath(f), to, ec);
      }
      if (ec) {
        return makeError("cannot place '" + f.path + "' in " + building.string() + ": " +
                         ec.message());
      }
    }
    std::filesystem::rename(building, target, ec);
    if (ec && std::filesystem::is_directory(target)) {
      // Another transfer into this cache placed the set first.
      std::error_code ignored;
      std::filesystem::remove_all(building, ignored);
      ec.clear();
    }
    if (ec) {
      return makeError("cannot move the set into " + target.string() + ": " + ec.message());
    }
    return Status::success();
  }
};

AssetClient::AssetClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AssetClient::AssetClient(AssetClient&&) noexcept = default;
AssetClient& AssetClient::operator=(AssetClient&&) noexcept = default;
AssetClient::~AssetClient() = default;

Result<AssetClient> AssetClient::create(AssetClientConfig config) {
  auto impl = std::make_unique<Impl>();
  if (config.cacheDir.empty()) {
    return makeError("asset cache: no directory given");
  }
  if (config.windowChunks == 0 || config.maxChunkAttempts == 0) {
    return makeError("asset cache: windowChunks and maxChunkAttempts must be at least 1");
  }
  impl->objects = config.cacheDir / "objects";
  impl->partial = config.cacheDir / "partial";
  impl->sets = config.cacheDir / "sets";
  for (const auto& dir : {impl->objects, impl->partial, impl->sets}) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir, ec)) {
      return makeError("asset cache: cannot create " + dir.string() + ": " + ec.message());
    }
  }
  impl->config = std::move(config);
  return AssetClient(std::move(impl));
}

void AssetClient::handle(Client& client, std::span<const uint8_t> message) {
  Impl& c = *impl_;
  auto decoded = assets::decode(message);
  if (!decoded) {
    c.fail(decoded.error().message);
    return;
  }
  if (auto* offer = std::get_if<assets::Offer>(&*decoded)) {
    c.startOffer(client, std::move(offer->set));
    return;
  }
  if (c.state != State::Transferring) {
    return;  // e.g. chunks still arriving after a failure
  }
  if (auto* chunk = std::get_if<assets::Chunk>(&*decoded)) {
    if (chunk->file >= c.set->files.size() ||
        chunk->chunk >= c.set->files[chunk->file].chunkCount()) {
      c.fail("the server sent a chunk outside the offered set");
      return;
    }
    c.onChunk(std::move(*chunk));
    c.advance(client);
  } else if (auto* unavailable = std::get_if<assets::Unavailable>(&*decoded)) {
    c.fail("the server cannot send file " + std::to_string(unavailable->file) + " chunk " +
           std::to_string(unavailable->chunk) + ": " + unavailable->reason);
  } else {
    c.fail("the server sent a client-to-server asset message");
  }
}

void AssetClient::service(Client& client) {
  Impl& c = *impl_;
  if (c.state != State::Transferring) {
    return;
  }
  if (c.outstanding.empty()) {
    c.requestMore(client);  // e.g. sends that failed while reconnecting
    return;
  }
  if (++c.quietServices < c.config.stallServices) {
    return;
  }
  c.quietServices = 0;
  c.log->warn("case transfer stalled with {} chunks outstanding; asking again",
              c.outstanding.size());
  while (!c.outstanding.empty()) {
    c.askAgain(c.outstanding.back());
    c.outstanding.pop_back();
  }
  c.requestMore(client);
}

void AssetClient::connectionLost() {
  Impl& c = *impl_;
  while (!c.outstanding.empty()) {
    c.toRequest.push_front(c.outstanding.back());
    c.outstanding.pop_back();
  }
}

AssetClient::State AssetClient::state() const {
  return impl_->state;
}

const std::string& AssetClient::error() const {
  return impl_->error;
}

AssetProgress AssetClient::progress() const {
  return AssetProgress{impl_->setId, impl_->bytesDone, impl_->bytesTotal};
}

std::filesystem::path AssetClient::directory() const {
  return impl_->setPath();
}

AssetClientStats AssetClient::stats() const {
  return impl_->stats;
}

}  // namespace medverse::net
