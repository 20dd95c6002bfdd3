#include "medverse/net/packet_crypto.h"

#include <sodium.h>

#include <limits>
#include <string>

#include "sodium_init.h"
#include "wire.h"

namespace medverse::net {
namespace {

static_assert(crypto_aead_chacha20poly1305_ietf_KEYBYTES == std::tuple_size_v<PacketKey>);
static_assert(crypto_aead_chacha20poly1305_ietf_ABYTES == kSealTagBytes);
static_assert(crypto_aead_chacha20poly1305_ietf_NPUBBYTES == 12);

using Nonce = std::array<uint8_t, crypto_aead_chacha20poly1305_ietf_NPUBBYTES>;
using AssociatedData = std::array<uint8_t, 8 + kSealedHeaderBytes>;

Nonce makeNonce(uint8_t stream, uint64_t sequence) {
  Nonce nonce{};
  nonce[0] = stream;
  wire::storeU64(std::span<uint8_t, 8>(nonce.data() + 4, 8), sequence);
  return nonce;
}

// connection id (8, LE) | type (1) | sequence (8, LE)
AssociatedData makeAssociatedData(uint64_t connectionId, uint8_t type, uint64_t sequence) {
  AssociatedData ad{};
  wire::storeU64(std::span<uint8_t, 8>(ad.data(), 8), connectionId);
  ad[8] = type;
  wire::storeU64(std::span<uint8_t, 8>(ad.data() + 9, 8), sequence);
  return ad;
}

Error dropped(PacketDrop kind, PacketDrop* out, std::string message) {
  if (out != nullptr) {
    *out = kind;
  }
  return makeError(std::move(message));
}

}  // namespace

PacketSealer::PacketSealer(const PacketKey& key, uint64_t connectionId)
    : key_(key), connectionId_(connectionId) {
  ensureSodium();
}

PacketSealer::~PacketSealer() {
  sodium_memzero(key_.data(), key_.size());
}

uint64_t PacketSealer::nextSequence(uint8_t stream) const {
  return next_[packetStream(stream)];
}

Result<std::vector<uint8_t>> PacketSealer::seal(uint8_t type, std::span<const uint8_t> plaintext) {
  const uint8_t stream = packetStream(type);
  const uint64_t sequence = next_[stream];
  if (sequence == std::numeric_limits<uint64_t>::max()) {
    return makeError("packet sequence exhausted on stream " + std::to_string(stream) +
                     "; reconnect to get fresh keys");
  }
  next_[stream] = sequence + 1;

  std::vector<uint8_t> packet(kSealOverheadBytes + plaintext.size());
  packet[0] = type;
  wire::storeU64(std::span<uint8_t, 8>(packet.data() + 1, 8), sequence);
  const Nonce nonce = makeNonce(stream, sequence);
  const AssociatedData ad = makeAssociatedData(connectionId_, type, sequence);
  unsigned long long sealedBytes = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(packet.data() + kSealedHeaderBytes, &sealedBytes,
                                            plaintext.data(), plaintext.size(), ad.data(),
                                            ad.size(), nullptr, nonce.data(), key_.data());
  packet.resize(kSealedHeaderBytes + static_cast<size_t>(sealedBytes));
  return packet;
}

PacketOpener::PacketOpener(const PacketKey& key, uint64_t connectionId)
    : key_(key), connectionId_(connectionId) {
  ensureSodium();
}

PacketOpener::~PacketOpener() {
  sodium_memzero(key_.data(), key_.size());
}

Result<OpenedPacket> PacketOpener::open(std::span<const uint8_t> packet, PacketDrop* drop) {
  if (packet.size() < kSealOverheadBytes) {
    return dropped(PacketDrop::Malformed, drop,
                   "sealed packet too short: " + std::to_string(packet.size()) + " bytes");
  }
  const uint8_t type = packet[0];
  const uint8_t stream = packetStream(type);
  const uint64_t sequence = wire::loadU64(packet.subspan<1, 8>());
  ReplayWindow& window = windows_[stream];
  switch (window.check(sequence)) {
    case ReplayWindow::Verdict::Fresh:
      break;
    case ReplayWindow::Verdict::Duplicate:
      return dropped(PacketDrop::Replayed, drop,
                     "replayed packet: sequence " + std::to_string(sequence) + " on stream " +
                         std::to_string(stream) + " was already received");
    case ReplayWindow::Verdict::TooOld:
      return dropped(PacketDrop::Replayed, drop,
                     "stale packet: sequence " + std::to_string(sequence) + " on stream " +
                         std::to_string(stream) + " is older than the replay window");
  }

  OpenedPacket opened;
  opened.type = type;
  opened.sequence = sequence;
  opened.plaintext.resize(packet.size() - kSealOverheadBytes);
  const Nonce nonce = makeNonce(stream, sequence);
  const AssociatedData ad = makeAssociatedData(connectionId_, type, sequence);
  unsigned long long plainBytes = 0;
  const std::span<const uint8_t> sealed = packet.subspan(kSealedHeaderBytes);
  if (crypto_aead_chacha20poly1305_ietf_decrypt(opened.plaintext.data(), &plainBytes, nullptr,
                                                sealed.data(), sealed.size(), ad.data(), ad.size(),
                                                nonce.data(), key_.data()) != 0) {
    return dropped(PacketDrop::Forged, drop,
                   "packet failed authentication (sequence " + std::to_string(sequence) +
                       " on stream " + std::to_string(stream) + ")");
  }
  opened.plaintext.resize(static_cast<size_t>(plainBytes));
  window.record(sequence);
  return opened;
}

}  // namespace medverse::net
