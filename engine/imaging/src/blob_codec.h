#pragma once
// Chunked deflate for case bundle blobs: independent zlib streams of
// kBlobChunkBytes raw bytes each, compressed and inflated in parallel.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "medverse/core/result.h"

namespace medverse::imaging {

struct EncodedBlob {
  std::vector<std::uint8_t> stored;         // the chunks, back to back
  std::vector<std::uint32_t> chunkSizes;    // stored size of each chunk
};

EncodedBlob encodeBlob(std::span<const std::byte> raw, std::size_t chunkBytes);

// Inflates `stored` into exactly `rawBytes` bytes; any mismatch in chunk
// sizes or inflated lengths is an error (the caller adds the file name).
Result<std::vector<std::byte>> decodeBlob(std::span<const std::uint8_t> stored,
                                          std::span<const std::uint32_t> chunkSizes,
                                          std::uint64_t rawBytes, std::size_t chunkBytes);

}  // namespace medverse::imaging
