#pragma once
// The networked client of a consult room. A ConsultSession owns a
// world::WorldClient and, when it hosts the room, the same world::WorldServer
// that medverse-server runs, in-process on a local port (a listen server):
// the issuer key is generated in memory and the local user joins with a
// token issued by it, as an expert.
//
// Each frame the app calls pump() (network in and out, a server tick when
// one is due), feeds local input in as intents (grab, moveHologram, ...), and
// calls extract(): a plain description of what the replicated world shows
// now (remote avatars through their interpolation buffers with names and
// roles, the hologram's transform and display state, pins, measurements,
// participants), which consult_view.h turns into a RenderView. Nothing here
// touches the renderer.
#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medverse/app/avatar_visuals.h"
#include "medverse/core/result.h"
#include "medverse/core/transform.h"
#include "medverse/net/asset_transfer.h"
#include "medverse/net/role.h"
#include "medverse/world/audit.h"
#include "medverse/world/world_client.h"
#include "medverse/world/world_server.h"

namespace medverse::app {

struct HostOptions {
  // The case bundle directory the room shows; offered to joiners that lack
  // it. Its manifest's hash names the case.
  std::filesystem::path caseDirectory;
  std::string room = "consult";
  std::string bindHost = "127.0.0.1";  // 0.0.0.0 to let others join
  uint16_t port = 0;                   // 0: any free port, see port()
  uint32_t tickHz = 60;
  std::string displayName = "Host";
  net::Role role = net::Role::Expert;
  // Where the hologram starts (see HologramState::transform); the default
  // is the server's.
  std::optional<Transform> hologramStart;
  // Initial display window of the case (modality units), if known.
  std::optional<std::array<float, 2>> window;
  world::AuditSink* audit = nullptr;
  // Milliseconds on a monotonic clock, for the server's ticks and the
  // client's interpolation; tests drive their own. Default: steady_clock.
  std::function<uint64_t()> nowMs;
};

struct JoinOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string token;  // "mvt1_...", as medverse-server token prints it
  std::string bindHost;
  // Where the room's case is cached by hash; a missing case is fetched
  // from the server into it (onCaseProgress reports the transfer).
  std::filesystem::path caseCacheDir;
  std::function<void(const net::AssetProgress&)> onCaseProgress;
  std::function<uint64_t()> nowMs;
  // After losing the server (it crashed, restarted, the network dropped),
  // try again with backoff (net::ReconnectPolicy, up to 5 s apart) until a
  // refusal that retrying cannot fix; the token brings back the same
  // identity and role.
  bool reconnect = true;
};

struct ParticipantView {
  world::ClientId clientId = 0;
  std::string name;
  net::Role role = net::Role::Spectator;
  bool hasControl = false;
  bool connected = true;
  bool local = false;
  world::NetId avatar = 0;
};

// The hologram as replicated. `transform` places the case's upright,
// centred frame in the room (consult_view.h: patientToRoom): position is
// where the volume's centre stands (metres), rotation turns the upright
// patient, scale is metres per millimetre (0.001 life size).
struct HologramState {
  Transform transform;
  uint8_t preset = 0;  // index into consultPresetNames()
  bool surfaces = false;  // the case's surfaces (atlas structures) shown
  float windowCenter = 0.0F;
  float windowWidth = 0.0F;
  std::array<world::Plane, world::kClipPlanes> clip{};
  std::array<world::Plane, world::kSlicePlanes> slice{};
  world::ClientId holder = 0;  // who holds it; 0: nobody
  // What is shown has caught up with the latest replicated transform (the
  // interpolation delay has passed since it last moved).
  bool settled = true;
  std::string caseName;
  std::string caseHash;
};

struct MeasurementView {
  Measurement measurement;  // points in patient mm, author role
  float distanceMm = 0.0F;  // as the server computed it
  std::string label;        // as the author typed it (may be empty)
};

// What the room shows now, from this client's point of view.
struct ConsultFrame {
  std::optional<HologramState> hologram;
  std::vector<AvatarState> avatars;  // everyone else this client may see
  std::vector<AnnotationPin> pins;
  std::vector<MeasurementView> measurements;
  std::vector<ParticipantView> participants;  // in join order, you included
  net::Role localRole = net::Role::Spectator;
  world::ClientId localId = 0;
  bool canEdit = false;  // the hologram controls are live
  // A spectator following someone: their head now (room space).
  std::optional<medverse::Pose> followedView;
  world::ClientId following = 0;
};

// The window presets every client offers, in this order: 0 is the case's
// own transfer function.
const std::vector<std::string>& consultPresetNames();

class ConsultSession {
 public:
  // Starts the room's server and joins it as options.displayName.
  static Result<std::unique_ptr<ConsultSession>> host(HostOptions options);
  // Joins a remote room with a token.
  static Result<std::unique_ptr<ConsultSession>> join(JoinOptions options);

  ConsultSession(const ConsultSession&) = delete;
  ConsultSession& operator=(const ConsultSession&) = delete;
  ConsultSession(ConsultSession&&) = delete;
  ConsultSession& operator=(ConsultSession&&) = delete;
  ~ConsultSession();

  [[nodiscard]] bool hosting() const { return server_ != nullptr; }
  // The port others join on (hosting), or the one joined.
  [[nodiscard]] uint16_t port() const;
  [[nodiscard]] const std::string& room() const { return room_; }
  // Hosting only: a token for someone else to join this room.
  [[nodiscard]] Result<std::string> issueToken(const std::string& name, net::Role role,
                                               uint64_t ttlSeconds = 3600) const;

  // One frame of networking: the server's network and a tick when one is
  // due (hosting), then the client's; waits at most timeoutMs for traffic.
  void pump(uint32_t timeoutMs = 0);

  [[nodiscard]] bool joined() const;
  // The connection ended for good (refused, kicked, server gone).
  [[nodiscard]] bool ended() const { return ended_; }
  [[nodiscard]] const std::string& endReason() const { return endReason_; }
  // Intents the server refused, oldest first ("grab: spectators cannot ...").
  [[nodiscard]] const std::vector<world::WorldClient::Refused>& refusals() const {
    return refusals_;
  }
  [[nodiscard]] const std::vector<world::WorldClient::Notice>& notices() const {
    return notices_;
  }

  [[nodiscard]] ConsultFrame extract();

  // Intents (the server decides; refusals() says what it refused).
  [[nodiscard]] bool holdingHologram() const;
  void grab();
  void moveHologram(const Transform& transform);
  // Sends the transform now and then lets go (the final pose is applied
  // before the release).
  void release();
  void setPreset(uint8_t preset);
  void setSurfaces(bool shown);
  void setClipPlane(uint8_t index, const world::Plane& plane);
  void setSlicePlane(uint8_t index, const world::Plane& plane);
  void annotate(const glm::vec3& positionMm, std::string text);
  void measure(const glm::vec3& aMm, const glm::vec3& bMm, std::string label = {});
  void follow(world::ClientId id);
  void grantControl(world::ClientId id);
  void revokeControl(world::ClientId id);
  // The local avatar (a desktop user: head at the camera).
  void setLocalAvatar(const world::AvatarPose& pose);

  [[nodiscard]] world::WorldClient& client() { return *client_; }
  [[nodiscard]] world::WorldServer* server() { return server_.get(); }
  // The case directory: the host's, or the received copy once complete
  // (empty while it is still arriving).
  [[nodiscard]] std::filesystem::path caseDirectory() const;

 private:
  ConsultSession() = default;
  [[nodiscard]] uint64_t now() const;

  std::function<uint64_t()> nowMs_;
  std::unique_ptr<world::WorldServer> server_;
  std::unique_ptr<world::WorldClient> client_;
  net::Key key_;
  std::string room_;
  uint16_t port_ = 0;
  uint64_t nextTickMs_ = 0;
  uint64_t tickMs_ = 16;
  std::filesystem::path hostCase_;
  bool ended_ = false;
  std::string endReason_;
  std::vector<world::WorldClient::Refused> refusals_;
  std::vector<world::WorldClient::Notice> notices_;
  world::ClientId following_ = 0;
};

// A bundle directory's manifest hash (hex), as the server announces it.
Result<std::string> caseBundleHash(const std::filesystem::path& directory);

}  // namespace medverse::app
