#include "blob_codec.h"

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>

#include "medverse/core/jobs.h"

namespace medverse::imaging {

EncodedBlob encodeBlob(std::span<const std::byte> raw, std::size_t chunkBytes) {
  const std::size_t chunkCount = raw.empty() ? 0 : (raw.size() + chunkBytes - 1) / chunkBytes;
  std::vector<std::vector<std::uint8_t>> chunks(chunkCount);
  defaultJobSystem().parallelFor(chunkCount, 1, [&](std::size_t begin, std::size_t end) {
    for (std::size_t c = begin; c < end; ++c) {
      const std::size_t offset = c * chunkBytes;
      const std::size_t size = std::min(chunkBytes, raw.size() - offset);
      uLongf bound = compressBound(static_cast<uLong>(size));
      chunks[c].resize(bound);
      // Level 6: zlib's default balance; volumes are mostly smooth or empty.
      compress2(chunks[c].data(), &bound, reinterpret_cast<const Bytef*>(raw.data() + offset),
                static_cast<uLong>(size), 6);
      chunks[c].resize(bound);
    }
  });
  EncodedBlob blob;
  std::size_t total = 0;
  for (const auto& c : chunks) {
    total += c.size();
  }
  blob.stored.reserve(total);
  for (const auto& c : chunks) {
    blob.chunkSizes.push_back(static_cast<std::uint32_t>(c.size()));
    blob.stored.insert(blob.stored.end(), c.begin(), c.end());
  }
  return blob;
}

Result<std::vector<std::byte>> decodeBlob(std::span<const std::uint8_t> stored,
                                          std::span<const std::uint32_t> chunkSizes,
                                          std::uint64_t rawBytes, std::size_t chunkBytes) {
  const std::uint64_t expectedChunks = rawBytes == 0 ? 0 : (rawBytes + chunkBytes - 1) / chunkBytes;
  if (chunkSizes.size() != expectedChunks) {
    return makeError("expected " + std::to_string(expectedChunks) + " chunks for " +
                     std::to_string(rawBytes) + " bytes, the manifest lists " +
                     std::to_string(chunkSizes.size()));
  }
  std::vector<std::size_t> offsets(chunkSizes.size());
  std::uint64_t total = 0;
  for (std::size_t c = 0; c < chunkSizes.size(); ++c) {
    offsets[c] = total;
    total += chunkSizes[c];
  }
  if (total != stored.size()) {
    return makeError("holds " + std::to_string(stored.size()) + " bytes, the manifest says " +
                     std::to_string(total));
  }
  std::vector<std::byte> raw(rawBytes);
  std::atomic<bool> failed{false};
  defaultJobSystem().parallelFor(chunkSizes.size(), 1, [&](std::size_t begin, std::size_t end) {
    for (std::size_t c = begin; c < end; ++c) {
      const std::size_t outOffset = c * chunkBytes;
      const std::size_t outSize = std::min<std::uint64_t>(chunkBytes, rawBytes - outOffset);
      uLongf produced = static_cast<uLongf>(outSize);
      int rc = uncompress(reinterpret_cast<Bytef*>(raw.data() + outOffset), &produced,
                          stored.data() + offsets[c], chunkSizes[c]);
      if (rc != Z_OK || produced != outSize) {
        failed = true;
      }
    }
  });
  if (failed) {
    return makeError("a compressed chunk is corrupt or has the wrong length");
  }
  return raw;
}

}  // namespace medverse::imaging
