#pragma once
// The client side of a consult room: connects with a token, mirrors the
// server's world from snapshots, sends its own avatar (and, while holding the
// hologram, its transform stream) on the Input channel at up to inputHz, and
// sends intents as RPCs. Remote avatars and a hologram held by someone else
// are shown through interpolation (interpolation.h).
//
// Poll-based: call service() and update() every frame with the same clock.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "medverse/core/hash.h"
#include "medverse/core/result.h"
#include "medverse/net/asset_transfer.h"
#include "medverse/net/client.h"
#include "medverse/net/role.h"
#include "medverse/world/components.h"
#include "medverse/world/intents.h"
#include "medverse/world/interpolation.h"
#include "medverse/world/world.h"

namespace medverse::world {

struct WorldClientConfig {
  net::ClientConfig net;
  uint32_t inputHz = 60;
  InterpolationConfig interpolation;
  // The server sends a snapshot every tick: nothing for this long and the
  // connection is taken as lost (and retried, with net.reconnect). Sets
  // net.timeouts.silenceMs unless that is set; 0: ENet's timeout alone.
  uint32_t serverSilenceMs = 2000;
  // Headless clients (bots) that never draw can skip the interpolation
  // buffers; presentAvatar then returns the newest replicated state.
  bool interpolate = true;
  // Milliseconds on a monotonic clock; defaults to std::chrono::steady_clock.
  std::function<uint64_t()> nowMs;
  // Where received cases are kept, by content hash (net/asset_transfer.h);
  // empty: the client does not fetch the room's case.
  std::filesystem::path caseCacheDir;
  std::function<void(const net::AssetProgress&)> onCaseProgress;
};

// The client's own avatar as its tracking reports it.
struct AvatarPose {
  Pose head;
  Pose leftHand;
  Pose rightHand;
  Pose pointer;
  bool pointerActive = false;
};

struct WorldClientStats {
  uint64_t snapshotsReceived = 0;
  uint64_t snapshotBytes = 0;
  uint64_t inputsSent = 0;
  uint16_t lastInputSeq = 0;  // sequence number of the newest input sent
  uint64_t lastServerTick = 0;
  double serverTickMs = 0.0;  // the server's CPU time per tick, as reported
  double jitterMs = 0.0;
  double interpolationDelayMs = 0.0;
  uint64_t malformed = 0;
};

class WorldClient {
 public:
  struct Joined {
    ClientId clientId = 0;
    net::Role role = net::Role::Spectator;
    bool resumed = false;
    std::string caseName;
    std::string caseHash;
  };
  struct Refused {
    std::string intent;
    std::string reason;
  };
  struct Notice {
    uint32_t sequence = 0;
    NoticeKind kind = NoticeKind::Joined;
    ClientId clientId = 0;
    std::string text;
  };
  struct Left {
    net::DisconnectReason reason;
    bool willRetry = false;
  };
  using Event = std::variant<Joined, Refused, Notice, Left>;

  explicit WorldClient(WorldClientConfig config = {});
  WorldClient(WorldClient&&) noexcept;
  WorldClient& operator=(WorldClient&&) noexcept;
  WorldClient(const WorldClient&) = delete;
  WorldClient& operator=(const WorldClient&) = delete;
  ~WorldClient();

  [[nodiscard]] Status connect(std::string_view host, uint16_t port, std::string_view token);
  void disconnect();

  // Network in: snapshots applied, RPCs turned into events.
  [[nodiscard]] std::vector<Event> service(uint32_t timeoutMs);
  // Network out: sends an input message if one is due (inputHz).
  void update();
  // Sends one now regardless of the rate.
  void sendInputNow();

  [[nodiscard]] bool joined() const;
  // The room's case as received from the server (null when caseCacheDir is
  // empty): state, progress, and directory() once Complete.
  [[nodiscard]] const net::AssetClient* caseTransfer() const;
  [[nodiscard]] ClientId clientId() const;
  [[nodiscard]] net::Role role() const;
  [[nodiscard]] NetId avatarId() const;
  [[nodiscard]] NetId playerStateId() const;
  [[nodiscard]] NetId hologramId() const;  // 0 until replicated
  [[nodiscard]] bool holdingHologram() const;

  void setLocalAvatar(const AvatarPose& pose);

  // Intents. The hologram's are aimed at hologramId().
  void grab();
  void release();
  // While holding: shown locally at once, streamed to the server.
  void moveHologram(const Transform& transform);
  void setPreset(uint8_t preset);
  void setSurfaces(bool shown);
  void setWindow(float center, float width);
  void setClipPlane(uint8_t index, const Plane& plane);
  void setSlicePlane(uint8_t index, const Plane& plane);
  void annotate(const glm::vec3& positionMm, std::string text);
  void measure(const glm::vec3& aMm, const glm::vec3& bMm, std::string label);
  void grantControl(ClientId id);
  void revokeControl(ClientId id);
  void follow(ClientId id);

  // Any reliable server RPC (the typed helpers above use it).
  template <typename P>
  void call(NetId target, const P& params) {
    BitWriter body;
    writeRpc(body, target, params);
    sendReliableRpc(body);
  }

  [[nodiscard]] World& world();
  [[nodiscard]] const World& world() const;
  [[nodiscard]] Hash256 worldHash() const;

  // What to draw now: a remote avatar through the interpolation buffer; the
  // own avatar as last set locally.
  [[nodiscard]] std::optional<AvatarComponent> presentAvatar(NetId avatar);
  // For a spectator following a participant (follow()): that participant's
  // head as drawn now, to put the camera there. nullopt when following no
  // one or the participant is not in the room.
  [[nodiscard]] std::optional<Pose> followedView();
  // The hologram: the local transform while holding it, interpolated otherwise.
  [[nodiscard]] std::optional<Transform> presentHologram();

  [[nodiscard]] WorldClientStats stats() const;
  [[nodiscard]] net::Client& transport();

 private:
  void sendReliableRpc(const BitWriter& body);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace medverse::world
