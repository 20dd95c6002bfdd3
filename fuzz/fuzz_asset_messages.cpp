// Fuzz target: the case-distribution messages (asset_messages.h), the
// plaintext of sealed Data packets on the Assets channel that the asset
// server and client decode from their peer. What decodes must re-encode to
// bytes that decode to the same message.
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "fuzz_support.h"
#include "net/src/asset_messages.h"

using namespace medverse::net;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto message = assets::decode(std::span<const uint8_t>(data, size));
  if (!message) {
    return 0;
  }
  const std::vector<uint8_t> encoded =
      std::visit([](const auto& m) { return assets::encode(m); }, *message);
  auto again = assets::decode(encoded);
  MEDVERSE_FUZZ_CHECK(again.ok());
  MEDVERSE_FUZZ_CHECK(again->index() == message->index());
  MEDVERSE_FUZZ_CHECK(std::visit([](const auto& m) { return assets::encode(m); }, *again) ==
                      encoded);
  return 0;
}
