#include "asset_messages.h"

#include <algorithm>

#include "medverse/core/bitstream.h"
#include "wire.h"

namespace medverse::net::assets {
namespace {

constexpr size_t kMaxReasonBytes = 200;

void writeHash(BitWriter& w, const Hash256& h) {
  w.writeBytes(h.bytes);
}
Hash256 readHash(BitReader& r) {
  Hash256 h;
  r.readBytes(h.bytes);
  return h;
}
void writeU16(BitWriter& w, uint16_t value) {
  w.writeBits(value, 16);
}

Error malformed(std::string_view what, const BitReader& r) {
  return makeError("malformed asset " + std::string(what) + " message: " +
                   (r.ok() ? std::string("trailing bytes") : r.status().error().message));
}

Result<Message> decodeOffer(BitReader& r) {
  const uint32_t count = wire::readU32(r);
  if (!r.ok() || count > kMaxFileSetFiles) {
    return makeError("malformed asset offer: " + std::to_string(count) + " files (at most " +
                     std::to_string(kMaxFileSetFiles) + ")");
  }
  Offer offer;
  for (uint32_t i = 0; i < count; ++i) {
    FileSetEntry file;
    const auto pathLength = static_cast<uint16_t>(r.readBits(16));
    if (!r.ok() || static_cast<size_t>(pathLength) * 8U > r.bitsRemaining()) {
      return malformed("offer", r);
    }
    file.path.resize(pathLength);
    r.readBytes({reinterpret_cast<uint8_t*>(file.path.data()), pathLength});  // NOLINT
    file.size = wire::readU64(r);
    file.hash = readHash(r);
    if (!r.ok()) {
      return malformed("offer", r);
    }
    if (Status s = checkFileSetPath(file.path); !s) {
      return makeError("asset offer refused: " + s.error().message);
    }
    if (file.size > kMaxFileSetFileBytes) {
      return makeError("asset offer refused: file '" + file.path + "' is larger than " +
                       std::to_string(kMaxFileSetFileBytes) + " bytes");
    }
    const uint32_t chunks = chunkCountFor(file.size);
    if (static_cast<uint64_t>(chunks) * 256U > r.bitsRemaining()) {
      return malformed("offer", r);
    }
    file.chunkHashes.resize(chunks);
    for (Hash256& h : file.chunkHashes) {
      h = readHash(r);
    }
    if (!offer.set.files.empty() && !(offer.set.files.back().path < file.path)) {
      return makeError("asset offer refused: paths not sorted or repeated at '" + file.path + "'");
    }
    offer.set.files.push_back(std::move(file));
  }
  if (!r.ok() || r.bitsRemaining() != 0) {
    return malformed("offer", r);
  }
  return Message{std::move(offer)};
}

}  // namespace

std::vector<uint8_t> encode(const Offer& m) {
  BitWriter w;
  wire::writeU8(w, static_cast<uint8_t>(MessageId::Offer));
  wire::writeU32(w, static_cast<uint32_t>(m.set.files.size()));
  for (const FileSetEntry& file : m.set.files) {
    writeU16(w, static_cast<uint16_t>(file.path.size()));
    w.writeBytes({reinterpret_cast<const uint8_t*>(file.path.data()), file.path.size()});  // NOLINT
    wire::writeU64(w, file.size);
    writeHash(w, file.hash);
    for (const Hash256& h : file.chunkHashes) {
      writeHash(w, h);
    }
  }
  return w.release();
}

std::vector<uint8_t> encode(const Request& m) {
  BitWriter w(1 + 32 + 12);
  wire::writeU8(w, static_cast<uint8_t>(MessageId::Request));
  writeHash(w, m.setId);
  wire::writeU32(w, m.file);
  wire::writeU32(w, m.firstChunk);
  wire::writeU32(w, m.count);
  return w.release();
}

std::vector<uint8_t> encode(const Chunk& m) {
  BitWriter w(9 + m.data.size());
  wire::writeU8(w, static_cast<uint8_t>(MessageId::Chunk));
  wire::writeU32(w, m.file);
  wire::writeU32(w, m.chunk);
  w.writeBytes(m.data);
  return w.release();
}

std::vector<uint8_t> encode(const Unavailable& m) {
  BitWriter w;
  wire::writeU8(w, static_cast<uint8_t>(MessageId::Unavailable));
  wire::writeU32(w, m.file);
  wire::writeU32(w, m.chunk);
  const size_t length = std::min(m.reason.size(), kMaxReasonBytes);
  wire::writeU8(w, static_cast<uint8_t>(length));
  w.writeBytes({reinterpret_cast<const uint8_t*>(m.reason.data()), length});  // NOLINT
  return w.release();
}

std::vector<uint8_t> encode(const Complete& m) {
  BitWriter w(33);
  wire::writeU8(w, static_cast<uint8_t>(MessageId::Complete));
  writeHash(w, m.setId);
  return w.release();
}

Result<Message> decode(std::span<const uint8_t> bytes) {
  BitReader r(bytes);
  const uint8_t id = wire::readU8(r);
  if (!r.ok()) {
    return makeError("empty asset message");
  }
  switch (static_cast<MessageId>(id)) {
    case MessageId::Offer:
      return decodeOffer(r);
    case MessageId::Request: {
      Request m;
      m.setId = readHash(r);
      m.file = wire::readU32(r);
      m.firstChunk = wire::readU32(r);
      m.count = wire::readU32(r);
      if (!r.ok() || r.bitsRemaining() != 0) {
        return malformed("request", r);
      }
      return Message{m};
    }
    case MessageId::Chunk: {
      Chunk m;
      m.file = wire::readU32(r);
      m.chunk = wire::readU32(r);
      const size_t size = r.bitsRemaining() / 8;
      if (!r.ok() || size > kAssetChunkBytes) {
        return malformed("chunk", r);
      }
      m.data.resize(size);
      r.readBytes(m.data);
      return Message{std::move(m)};
    }
    case MessageId::Unavailable: {
      Unavailable m;
      m.file = wire::readU32(r);
      m.chunk = wire::readU32(r);
      const uint8_t length = wire::readU8(r);
      if (!r.ok() || static_cast<size_t>(length) * 8U != r.bitsRemaining()) {
        return malformed("unavailable", r);
      }
      m.reason.resize(length);
      r.readBytes({reinterpret_cast<uint8_t*>(m.reason.data()), length});  // NOLINT
      return Message{std::move(m)};
    }
    case MessageId::Complete: {
      Complete m;
      m.setId = readHash(r);
      if (!r.ok() || r.bitsRemaining() != 0) {
        return malformed("complete", r);
      }
      return Message{m};
    }
  }
  return makeError("unknown asset message id " + std::to_string(id));
}

}  // namespace medverse::net::assets
