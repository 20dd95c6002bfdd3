// Fuzz target: the receive path of an established connection. Sealed packets
// go through PacketOpener (header, replay window, ChaCha20-Poly1305 tag), and
// the plaintexts a peer can make the receiver see go to the decoders the
// server and client run on them (Goodbye reasons, the Welcome identity, the
// case-distribution messages on the Assets channel).
//
// Input: a sequence of records, each
//   mode (1) | length (1) | bytes (length)
// mode & 1 == 0: `bytes` is a raw packet handed to the opener as received
//                (what an attacker without the key can send);
// mode & 1 == 1: `bytes` is a type byte + plaintext sealed with the right key
//                first (what a peer holding the key can send), then opened,
//                which must succeed and give the plaintext back; mode & 2
//                flips one byte of the sealed packet first, which must make
//                the opener refuse it.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz_support.h"
#include "medverse/net/asset_transfer.h"
#include "medverse/net/channel.h"
#include "medverse/net/handshake.h"
#include "medverse/net/packet_crypto.h"

// The assets decoder lives in engine/net/src; its header is private.
#include "net/src/asset_messages.h"

using namespace medverse;
using namespace medverse::net;

namespace {

constexpr PacketKey kKey{1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                         17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
constexpr uint64_t kConnection = 0x0123456789ABCDEFULL;

void decodePlaintext(const OpenedPacket& packet) {
  switch (messageKind(packet.type)) {
    case MessageKind::Goodbye: {
      auto reason = decodeReason(packet.plaintext);
      if (reason) {
        for (char c : reason->detail) {
          MEDVERSE_FUZZ_CHECK(static_cast<uint8_t>(c) >= 0x20 && c != 0x7F);
        }
        MEDVERSE_FUZZ_CHECK(reason->detail.size() <= kMaxReasonDetailBytes);
      }
      break;
    }
    case MessageKind::Welcome: {
      auto identity = decodeIdentity(packet.plaintext);
      if (identity) {
        // Whatever decodes re-encodes to the same bytes.
        MEDVERSE_FUZZ_CHECK(encodeIdentity(*identity) == packet.plaintext);
      }
      break;
    }
    case MessageKind::Data:
      if (packetStream(packet.type) == static_cast<uint8_t>(Channel::Assets)) {
        (void)assets::decode(packet.plaintext);
      }
      break;
    default:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  PacketSealer sealer(kKey, kConnection);
  PacketOpener opener(kKey, kConnection);
  std::span<const uint8_t> input(data, size);
  while (input.size() >= 2) {
    const uint8_t mode = input[0];
    const size_t length = std::min<size_t>(input[1], input.size() - 2);
    const std::span<const uint8_t> bytes = input.subspan(2, length);
    input = input.subspan(2 + length);
    if ((mode & 1U) == 0) {
      PacketDrop drop{};
      auto opened = opener.open(bytes, &drop);
      if (opened) {
        decodePlaintext(*opened);  // only reachable by forging a tag
      }
      continue;
    }
    if (bytes.empty()) {
      continue;
    }
    auto sealed = sealer.seal(bytes[0], bytes.subspan(1));
    MEDVERSE_FUZZ_CHECK(sealed.ok());
    std::vector<uint8_t> packet = std::move(*sealed);
    MEDVERSE_FUZZ_CHECK(packet.size() == bytes.size() - 1 + kSealOverheadBytes);
    if ((mode & 2U) != 0) {
      packet[(mode >> 2U) % packet.size()] ^= static_cast<uint8_t>(1U << (mode & 7U));
      PacketDrop drop{};
      MEDVERSE_FUZZ_CHECK(!opener.open(packet, &drop).ok());
      continue;
    }
    auto opened = opener.open(packet);
    MEDVERSE_FUZZ_CHECK(opened.ok());
    MEDVERSE_FUZZ_CHECK(opened->type == bytes[0]);
    MEDVERSE_FUZZ_CHECK(std::equal(opened->plaintext.begin(), opened->plaintext.end(),
                                   bytes.begin() + 1, bytes.end()));
    // The same packet again is a replay.
    PacketDrop drop{};
    MEDVERSE_FUZZ_CHECK(!opener.open(packet, &drop).ok() && drop == PacketDrop::Replayed);
    decodePlaintext(*opened);
  }
  return 0;
}
