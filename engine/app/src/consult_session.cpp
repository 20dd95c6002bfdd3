#include "medverse/app/consult_session.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <utility>

#include "medverse/core/hash.h"
#include "medverse/core/log.h"
#include "medverse/net/connect_token.h"
#include "medverse/world/components.h"
#include "medverse/world/session_rules.h"

namespace medverse::app {
namespace {

// Equal up to the replication's quantization (sub-millimetre, hundredths of
// a degree).
bool sameTransform(const Transform& a, const Transform& b) {
  return glm::length(a.position - b.position) < 1e-4F &&
         std::abs(glm::dot(a.rotation, b.rotation)) > 0.99999F &&
         glm::length(a.scale - b.scale) < 1e-4F * glm::length(b.scale);
}

uint64_t steadyNowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

app::Pose toAppPose(const medverse::Pose& p) {
  return {p.position, p.orientation};
}

}  // namespace

const std::vector<std::string>& consultPresetNames() {
  static const std::vector<std::string> names = {"Case default", "CT bone", "CT soft tissue",
                                                 "MR brain"};
  return names;
}

Result<std::string> caseBundleHash(const std::filesystem::path& directory) {
  Result<Hash256> hash = hashFile(directory / "manifest.json");
  if (!hash) {
    return makeError("case " + directory.string() + " is not a case bundle: " +
                     hash.error().message);
  }
  return hash->hex();
}

Result<std::unique_ptr<ConsultSession>> ConsultSession::host(HostOptions options) {
  Result<std::string> hash = caseBundleHash(options.caseDirectory);
  if (!hash) {
    return hash.error();
  }
  std::unique_ptr<ConsultSession> s(new ConsultSession());
  s->nowMs_ = options.nowMs ? options.nowMs : steadyNowMs;
  s->key_ = net::Key::generate();  // in memory only: tokens come from this process
  s->room_ = options.room;
  s->hostCase_ = options.caseDirectory;

  world::WorldServerConfig config;
  config.net.bindHost = options.bindHost;
  config.net.port = options.port;
  config.net.room = options.room;
  config.net.issuerKey = s->key_;
  config.tickHz = options.tickHz;
  const std::filesystem::path dir = options.caseDirectory;
  config.caseName =
      dir.filename().empty() ? dir.parent_path().filename().string() : dir.filename().string();
  config.caseHash = *hash;
  config.caseDirectory = options.caseDirectory;
  config.audit = options.audit;
  config.nowMs = s->nowMs_;
  Result<world::WorldServer> server = world::WorldServer::start(std::move(config));
  if (!server) {
    return makeError("cannot host the room: " + server.error().message);
  }
  s->server_ = std::make_unique<world::WorldServer>(std::move(*server));
  s->port_ = s->server_->port();
  s->tickMs_ = std::max<uint64_t>(1, 1000 / std::max<uint32_t>(1, options.tickHz));
  if (world::Actor* holo = s->server_->world().find(s->server_->hologram())) {
    auto& h = holo->mut<world::HologramComponent>();
    if (options.hologramStart) {
      h.transform = *options.hologramStart;
    }
    if (options.window) {
      h.windowCenter = (*options.window)[0];
      h.windowWidth = (*options.window)[1];
    }
  }

  Result<std::string> token = s->issueToken(options.displayName, options.role);
  if (!token) {
    return token.error();
  }
  world::WorldClientConfig clientConfig;
  clientConfig.net.bindHost = "127.0.0.1";
  clientConfig.nowMs = s->nowMs_;
  s->client_ = std::make_unique<world::WorldClient>(clientConfig);
  if (Status st = s->client_->connect("127.0.0.1", s->port_, *token); !st) {
    return makeError("cannot join the local room: " + st.error().message);
  }
  return s;
}

Result<std::unique_ptr<ConsultSession>> ConsultSession::join(JoinOptions options) {
  std::unique_ptr<ConsultSession> s(new ConsultSession());
  s->nowMs_ = options.nowMs ? options.nowMs : steadyNowMs;
  Result<net::ClientToken> decoded = net::decodeTokenString(options.token);
  if (!decoded) {
    return makeError("the token is not usable: " + decoded.error().message);
  }
  s->room_ = decoded->room;
  s->port_ = options.port;
  world::WorldClientConfig clientConfig;
  clientConfig.net.bindHost = options.bindHost;
  clientConfig.net.reconnect.enabled = options.reconnect;
  clientConfig.net.reconnect.maxDelayMs = 5000;
  // Spread the clients of a restarted server apart: the client id is sealed,
  // the token's nonce is random and readable.
  for (size_t i = 0; i < 8; ++i) {
    clientConfig.net.reconnect.seed = (clientConfig.net.reconnect.seed << 8) | decoded->nonce[i];
  }
  clientConfig.nowMs = s->nowMs_;
  clientConfig.caseCacheDir = options.caseCacheDir;
  clientConfig.onCaseProgress = options.onCaseProgress;
  s->client_ = std::make_unique<world::WorldClient>(clientConfig);
  if (Status st = s->client_->connect(options.host, options.port, options.token); !st) {
    return makeError("cannot join " + options.host + ":" + std::to_string(options.port) + ": " +
                     st.error().message);
  }
  return s;
}

ConsultSession::~ConsultSession() {
  if (client_) {
    client_->disconnect();
    if (server_) {
      server_->poll(0);  // let the server see the leave before it closes
    }
  }
}

uint64_t ConsultSession::now() const {
  return nowMs_();
}

uint16_t ConsultSession::port() const {
  return port_;
}

Result<std::string> ConsultSession::issueToken(const std::string& name, net::Role role,
                                               uint64_t ttlSeconds) const {
  if (!server_) {
    return makeError("only the host of a room can issue tokens for it");
  }
  return net::issueTokenString(key_, name, role, room_, ttlSeconds, net::randomClientId());
}

void ConsultSession::pump(uint32_t timeoutMs) {
  if (server_) {
    server_->poll(0);
    const uint64_t t = now();
    if (nextTickMs_ == 0) {
      nextTickMs_ = t;
    }
    if (t >= nextTickMs_) {
      server_->tick();
      nextTickMs_ += tickMs_;
      if (nextTickMs_ + 10 * tickMs_ < t) {
        nextTickMs_ = t + tickMs_;  // a long frame: catch up without a burst of ticks
      }
    }
  }
  for (world::WorldClient::Event& e : client_->service(timeoutMs)) {
    if (auto* refused = std::get_if<world::WorldClient::Refused>(&e)) {
      log::get("app")->info("refused: {}: {}", refused->intent, refused->reason);
      refusals_.push_back(std::move(*refused));
    } else if (auto* notice = std::get_if<world::WorldClient::Notice>(&e)) {
      notices_.push_back(std::move(*notice));
    } else if (auto* left = std::get_if<world::WorldClient::Left>(&e)) {
      if (!left->willRetry) {
        ended_ = true;
        endReason_ = std::string(net::describe(left->reason.code));
        if (!left->reason.detail.empty()) {
          endReason_ += ": " + left->reason.detail;
        }
      }
    }
  }
  client_->update();
  if (server_) {
    server_->poll(0);  // what the client just sent, before the next frame
  }
}

bool ConsultSession::joined() const {
  return client_->joined();
}

std::filesystem::path ConsultSession::caseDirectory() const {
  if (!hostCase_.empty()) {
    return hostCase_;
  }
  const net::AssetClient* transfer = client_->caseTransfer();
  if (transfer != nullptr && transfer->state() == net::AssetClient::State::Complete) {
    return transfer->directory();
  }
  return {};
}

ConsultFrame ConsultSession::extract() {
  ConsultFrame f;
  world::WorldClient& c = *client_;
  f.localId = c.clientId();
  f.localRole = c.role();
  const world::World& w = c.world();

  // Participants, and who each avatar belongs to.
  std::map<world::NetId, const ParticipantView*> byAvatar;
  std::map<world::ClientId, net::Role> roleOf;
  for (const auto& [id, actor] : w.actors()) {
    const auto* ps = actor->get<world::PlayerStateComponent>();
    if (ps == nullptr) {
      continue;
    }
    ParticipantView p;
    p.clientId = ps->clientId;
    p.name = ps->name;
    p.role = static_cast<net::Role>(ps->role);
    p.hasControl = ps->hasControl;
    p.connected = ps->connected;
    p.local = ps->clientId == f.localId;
    p.avatar = static_cast<world::NetId>(ps->avatar);
    if (p.local) {
      f.following = ps->following;
    }
    roleOf[p.clientId] = p.role;
    f.participants.push_back(std::move(p));
  }
  for (const ParticipantView& p : f.participants) {
    byAvatar[p.avatar] = &p;
  }
  const auto authorRole = [&](uint64_t author) {
    auto it = roleOf.find(author);
    return it != roleOf.end() ? it->second : net::Role::Doctor;
  };

  world::ParticipantRights rights;
  rights.role = f.localRole;
  for (const ParticipantView& p : f.participants) {
    if (p.local) {
      rights.hasControl = p.hasControl;
    }
  }
  f.canEdit = c.joined() && !world::refusalReason(rights, world::IntentKind::Move).has_value();

  // Avatars: everyone else, as interpolated now. Spectators are shown to
  // spectators only (the server does not even send them to participants).
  const world::NetId own = c.avatarId();
  std::vector<world::NetId> avatarIds;
  for (const auto& [id, actor] : w.actors()) {
    if (actor->get<world::AvatarComponent>() != nullptr && id != own) {
      avatarIds.push_back(id);
    }
  }
  for (world::NetId id : avatarIds) {
    auto it = byAvatar.find(id);
    if (it == byAvatar.end()) {
      continue;  // its player state has not arrived yet
    }
    const ParticipantView& who = *it->second;
    if (who.role == net::Role::Spectator && f.localRole != net::Role::Spectator) {
      continue;
    }
    std::optional<world::AvatarComponent> a = c.presentAvatar(id);
    if (!a || !a->present) {
      continue;
    }
    AvatarState s;
    s.name = who.name;
    s.role = who.role;
    s.head = toAppPose(a->head);
    s.leftHand.pose = toAppPose(a->leftHand);
    s.rightHand.pose = toAppPose(a->rightHand);
    if (a->pointerActive) {
      s.pointer.active = true;
      s.pointer.origin = a->pointer.position;
      s.pointer.direction = a->pointer.orientation * glm::vec3(0.0F, 0.0F, -1.0F);
    }
    f.avatars.push_back(std::move(s));
  }

  // The hologram.
  if (const world::Actor* holo = w.find(c.hologramId())) {
    const auto& h = holo->ref<world::HologramComponent>();
    HologramState hs;
    std::optional<Transform> present = c.presentHologram();
    hs.transform = present ? *present : h.transform;
    hs.settled = sameTransform(hs.transform, h.transform);
    hs.preset = h.preset;
    hs.surfaces = h.surfaces;
    hs.windowCenter = h.windowCenter;
    hs.windowWidth = h.windowWidth;
    hs.clip = {h.clip0, h.clip1, h.clip2};
    hs.slice = {h.slice0, h.slice1, h.slice2};
    hs.holder = holo->owner();
    hs.caseName = h.caseName;
    hs.caseHash = h.caseHash;
    f.hologram = hs;
  }

  // Pins and measurements, in the order they were made.
  std::vector<const world::AnnotationComponent*> notes;
  std::vector<const world::MeasurementComponent*> lines;
  for (const auto& [id, actor] : w.actors()) {
    if (const auto* a = actor->get<world::AnnotationComponent>()) {
      notes.push_back(a);
    }
    if (const auto* m = actor->get<world::MeasurementComponent>()) {
      lines.push_back(m);
    }
  }
  std::sort(notes.begin(), notes.end(),
            [](const auto* x, const auto* y) { return x->sequence < y->sequence; });
  std::sort(lines.begin(), lines.end(),
            [](const auto* x, const auto* y) { return x->sequence < y->sequence; });
  for (const auto* a : notes) {
    f.pins.push_back({a->position, a->text, authorRole(a->author)});
  }
  for (const auto* m : lines) {
    f.measurements.push_back({{m->a, m->b, authorRole(m->author)}, m->distanceMm, m->label});
  }

  if (f.localRole == net::Role::Spectator && f.following != 0) {
    f.followedView = c.followedView();
  }
  return f;
}

bool ConsultSession::holdingHologram() const {
  return client_->holdingHologram();
}
void ConsultSession::grab() {
  client_->grab();
}
void ConsultSession::moveHologram(const Transform& transform) {
  client_->moveHologram(transform);
}
void ConsultSession::release() {
  if (client_->holdingHologram()) {
    client_->sendInputNow();  // the final pose goes before the release
  }
  client_->release();
}
void ConsultSession::setPreset(uint8_t preset) {
  client_->setPreset(preset);
}
void ConsultSession::setSurfaces(bool shown) {
  client_->setSurfaces(shown);
}
void ConsultSession::setClipPlane(uint8_t index, const world::Plane& plane) {
  client_->setClipPlane(index, plane);
}
void ConsultSession::setSlicePlane(uint8_t index, const world::Plane& plane) {
  client_->setSlicePlane(index, plane);
}
void ConsultSession::annotate(const glm::vec3& positionMm, std::string text) {
  client_->annotate(positionMm, std::move(text));
}
void ConsultSession::measure(const glm::vec3& aMm, const glm::vec3& bMm, std::string label) {
  client_->measure(aMm, bMm, std::move(label));
}
void ConsultSession::follow(world::ClientId id) {
  following_ = id;
  client_->follow(id);
}
void ConsultSession::grantControl(world::ClientId id) {
  client_->grantControl(id);
}
void ConsultSession::revokeControl(world::ClientId id) {
  client_->revokeControl(id);
}
void ConsultSession::setLocalAvatar(const world::AvatarPose& pose) {
  client_->setLocalAvatar(pose);
}

}  // namespace medverse::app
