#pragma once
// The case-distribution messages: payloads of sealed Data messages on the
// Assets channel, each starting with a message id (docs/PROTOCOL.md, "Case
// distribution"). Decoders check every length against the message before
// allocating, so a hostile peer cannot make the other side over-allocate.
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "medverse/core/hash.h"
#include "medverse/core/result.h"
#include "medverse/net/file_set.h"

namespace medverse::net::assets {

enum class MessageId : uint8_t {
  Offer = 0x01,        // server → client: the file set
  Request = 0x02,      // client → server: a run of chunks of one file
  Chunk = 0x03,        // server → client: one chunk
  Unavailable = 0x04,  // server → client: a request that cannot be served, and why
  Complete = 0x05,     // client → server: the client holds the whole set
};

struct Offer {
  FileSet set;
};
struct Request {
  Hash256 setId;
  uint32_t file = 0;
  uint32_t firstChunk = 0;
  uint32_t count = 0;
};
struct Chunk {
  uint32_t file = 0;
  uint32_t chunk = 0;
  std::vector<uint8_t> data;
};
struct Unavailable {
  uint32_t file = 0;
  uint32_t chunk = 0;
  std::string reason;  // at most 200 bytes
};
struct Complete {
  Hash256 setId;
};
using Message = std::variant<Offer, Request, Chunk, Unavailable, Complete>;

// Largest run one Request may ask for.
inline constexpr uint32_t kMaxRequestChunks = 64;

[[nodiscard]] std::vector<uint8_t> encode(const Offer& m);
[[nodiscard]] std::vector<uint8_t> encode(const Request& m);
[[nodiscard]] std::vector<uint8_t> encode(const Chunk& m);
[[nodiscard]] std::vector<uint8_t> encode(const Unavailable& m);
[[nodiscard]] std::vector<uint8_t> encode(const Complete& m);

[[nodiscard]] Result<Message> decode(std::span<const uint8_t> bytes);

}  // namespace medverse::net::assets
