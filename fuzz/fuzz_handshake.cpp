// Fuzz target: everything a server or client parses before a connection is
// established: Hello (with the token blob inside, opened by openToken),
// Welcome, Reject, connect-token strings (files and command lines), the
// sealed private part of a token (reached by sealing fuzzer bytes with the
// issuer key, as a broken or hostile issuer could), and the X25519 peer key.
//
// Input: selector (1) | bytes. See the switch below.
#include <sodium.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "medverse/net/connect_token.h"
#include "medverse/net/handshake.h"
#include "medverse/net/key.h"

using namespace medverse;
using namespace medverse::net;

namespace {

const Key& issuerKey() {
  static const Key key(Key::Bytes{9, 8, 7, 6,  5,  4,  3,  2,  1,  0,  1,  2,  3,  4,  5,  6,
                                  7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22});
  return key;
}
constexpr std::string_view kRoom = "fuzz-room";
constexpr uint64_t kNow = 1'700'000'000;

void checkOpened(const ConnectToken& token) {
  MEDVERSE_FUZZ_CHECK(checkTokenText(token.displayName, "display name").ok());
  MEDVERSE_FUZZ_CHECK(token.room == kRoom);
  MEDVERSE_FUZZ_CHECK(kNow < token.expiresAtUnix);
  MEDVERSE_FUZZ_CHECK(static_cast<uint8_t>(token.role) < kRoleCount);
}

void openBlob(std::span<const uint8_t> blob) {
  TokenRefusal refusal{};
  auto token = openToken(blob, issuerKey(), kRoom, kNow, &refusal);
  if (token) {
    checkOpened(*token);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (sodium_init() < 0 || size == 0) {
    return 0;
  }
  const std::span<const uint8_t> bytes(data + 1, size - 1);
  switch (data[0] % 6) {
    case 0: {  // Hello as received by the server
      auto hello = decodeHello(bytes);
      if (hello) {
        MEDVERSE_FUZZ_CHECK(encodeHello(hello->clientPublicKey, hello->tokenBlob) ==
                            std::vector<uint8_t>(bytes.begin(), bytes.end()));
        openBlob(hello->tokenBlob);
      }
      break;
    }
    case 1: {  // Welcome as received by the client
      auto welcome = decodeWelcome(bytes);
      if (welcome) {
        MEDVERSE_FUZZ_CHECK(encodeWelcome(welcome->serverPublicKey, welcome->sealedIdentity) ==
                            std::vector<uint8_t>(bytes.begin(), bytes.end()));
      }
      break;
    }
    case 2: {  // Reject as received by the client
      auto reason = decodeReject(bytes);
      if (reason) {
        MEDVERSE_FUZZ_CHECK(reason->detail.size() <= kMaxReasonDetailBytes);
      }
      break;
    }
    case 3: {  // a token string from a file or the command line
      const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      auto token = decodeTokenString(text);
      if (token) {
        auto again = decodeTokenString(encodeTokenString(*token));
        MEDVERSE_FUZZ_CHECK(again.ok());
        MEDVERSE_FUZZ_CHECK(again->handshakeBlob() == token->handshakeBlob());
        MEDVERSE_FUZZ_CHECK(again->clientToServerKey == token->clientToServerKey);
        openBlob(token->handshakeBlob());
      }
      break;
    }
    case 4: {  // header length (1) | public header | private part, sealed here
      if (bytes.empty()) {
        break;
      }
      const size_t headerBytes = std::min<size_t>(bytes[0], bytes.size() - 1);
      const auto header = bytes.subspan(1, headerBytes);
      std::vector<uint8_t> plain(bytes.begin() + 1 + static_cast<ptrdiff_t>(headerBytes),
                                 bytes.end());
      plain.resize(kTokenPrivateBytes);  // the sealed part has a fixed size
      std::array<uint8_t, 24> nonce{};
      constexpr size_t kNonceAt = kTokenVersionBytes + 8 + 8;
      if (header.size() >= kNonceAt + nonce.size()) {
        std::copy_n(header.begin() + kNonceAt, nonce.size(), nonce.begin());
      }
      std::vector<uint8_t> blob(header.begin(), header.end());
      blob.resize(header.size() + plain.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
      unsigned long long sealedBytes = 0;
      crypto_aead_xchacha20poly1305_ietf_encrypt(
          blob.data() + header.size(), &sealedBytes, plain.data(), plain.size(), header.data(),
          header.size(), nullptr, nonce.data(), issuerKey().bytes().data());
      openBlob(blob);
      break;
    }
    case 5: {  // the peer's ephemeral public key
      if (bytes.size() < 32) {
        break;
      }
      ExchangePublicKey peer{};
      std::copy_n(bytes.begin(), peer.size(), peer.begin());
      const ExchangeKeyPair own = ExchangeKeyPair::generate();
      ConnectionKey c2s{};
      ConnectionKey s2c{};
      (void)deriveSessionKeys(c2s, s2c, own, peer, HandshakeSide::Server);
      break;
    }
    default:
      break;
  }
  return 0;
}
