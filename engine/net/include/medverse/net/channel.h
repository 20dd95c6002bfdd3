#pragma once
// The four ENet channels of a MedVerse connection (DESIGN.md, "Replication").
// Each has its own ordering, so a lost snapshot never delays an RPC and a
// large asset transfer never delays poses.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace medverse::net {

enum class Channel : uint8_t {
  Control = 0,    // reliable, ordered: handshake, RPCs, events, disconnect reasons
  Snapshots = 1,  // unreliable, sequenced: world state (a newer one supersedes)
  Input = 2,      // unreliable, sequenced: client poses and intents
  Assets = 3,     // reliable, ordered: case and asset chunks
};

inline constexpr size_t kChannelCount = 4;

[[nodiscard]] constexpr bool isReliable(Channel channel) {
  return channel == Channel::Control || channel == Channel::Assets;
}

[[nodiscard]] std::string_view channelName(Channel channel);

}  // namespace medverse::net
