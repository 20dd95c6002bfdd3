#include "medverse/world/world_client.h"

#include <chrono>
#include <map>
#include <unordered_map>

#include "medverse/core/log.h"
#include "wire.h"

namespace medverse::world {
namespace {

uint64_t steadyMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

std::shared_ptr<spdlog::logger> logger() {
  return log::get("world");
}

bool isMotion(const PropertyDesc& p) {
  return p.type == PropType::Pose || p.type == PropType::Transform;
}

Transform getMotion(const PropertyDesc& p, const void* base) {
  const auto* at = static_cast<const char*>(base) + p.offset;
  if (p.type == PropType::Pose) {
    return Transform::fromPose(*reinterpret_cast<const Pose*>(at));  // NOLINT
  }
  return *reinterpret_cast<const Transform*>(at);  // NOLINT
}

struct Context {};

}  // namespace

struct WorldClient::Impl {
  WorldClientConfig config;
  net::Client client;
  World world;
  bool joined = false;
  wire::ServerHello hello;
  uint64_t lastSequence = 0;
  uint16_t inputSeq = 0;
  uint64_t lastInputMs = 0;
  bool inputSentOnce = false;
  std::optional<AvatarPose> localAvatar;
  std::optional<Transform> localHologram;
  // Released by us, not yet confirmed by the server: keep showing (but no
  // longer streaming) the final transform, so the hologram does not flash
  // back to an older interpolated pose in between.
  bool releasing = false;
  std::optional<net::AssetClient> assets;  // set when config.caseCacheDir is
  bool wasHolding = false;
  std::optional<SnapshotClock> clock;
  std::unordered_map<NetId, InterpolationTrack> tracks;
  WorldClientStats stats;
  RpcDispatcher<Context> dispatcher;
  std::vector<Event> pending;
  std::vector<Transform> scratch;

  explicit Impl(WorldClientConfig c) : config(std::move(c)), client(config.net) {
    registerConsultClasses();
    if (!config.caseCacheDir.empty()) {
      net::AssetClientConfig assetConfig;
      assetConfig.cacheDir = config.caseCacheDir;
      assetConfig.onProgress = config.onCaseProgress;
      auto created = net::AssetClient::create(std::move(assetConfig));
      if (created) {
        assets.emplace(std::move(created).value());
      } else {
        logger()->error("case cache unusable, the case will not be fetched: {}",
                        created.error().message);
      }
    }
    dispatcher.on<RefusedRpc>([this](Context&, NetId, const RefusedRpc& r) {
      logger()->info("server refused {}: {}", r.intent, r.reason);
      pending.emplace_back(Refused{r.intent, r.reason});
    });
    dispatcher.on<NoticeRpc>([this](Context&, NetId, const NoticeRpc& n) {
      pending.emplace_back(Notice{n.sequence, static_cast<NoticeKind>(n.kind), n.clientId, n.text});
    });
  }

  uint64_t now() const { return config.nowMs ? config.nowMs() : steadyMs(); }
  double tickMs() const { return 1000.0 / std::max<uint32_t>(1, hello.tickHz); }

  NetId hologramId() const {
    for (const auto& [id, a] : world.actors()) {
      if (a->classId() == classes::kHologram) {
        return id;
      }
    }
    return 0;
  }

  bool holding() const {
    const Actor* h = world.find(hologramId());
    return h != nullptr && joined && h->owner() == hello.clientId;
  }

  void onHello(std::span<const uint8_t> body) {
    BitReader in(body);
    wire::ServerHello h;
    if (!readAll(in, wire::ServerHello::type(), &h) || h.version != wire::kReplicationVersion) {
      logger()->error("unusable server hello (version {})", h.version);
      ++stats.malformed;
      return;
    }
    hello = h;
    joined = true;
    lastSequence = 0;
    inputSentOnce = false;
    world = World();
    tracks.clear();
    wasHolding = false;
    localHologram.reset();
    releasing = false;
    clock.emplace(tickMs(), config.interpolation);
    pending.emplace_back(
        Joined{h.clientId, static_cast<net::Role>(h.role), h.resumed, h.caseName, h.caseHash});
  }

  bool readEntry(BitReader& in, uint64_t tick) {
    const auto id = static_cast<NetId>(in.readVarUint());
    const bool full = in.readBool();
    Actor* actor = world.find(id);
    if (full) {
      const auto classId = static_cast<ClassId>(in.readVarUint());
      const ActorClass* cls = findActorClass(classId);
      if (cls == nullptr || !in.ok()) {
        logger()->warn("snapshot names unknown actor class {}", classId);
        return false;
      }
      if (actor != nullptr && actor->classId() != classId) {
        world.destroy(id);
        tracks.erase(id);
        actor = nullptr;
      }
      if (actor == nullptr) {
        actor = &world.spawn(*cls, 0, id);
      }
    } else if (actor == nullptr) {
      logger()->warn("snapshot updates actor {} this client does not have", id);
      return false;
    }
    if (in.readBool()) {
      actor->setOwner(in.readVarUint());
    }
    const auto& props = actor->actorClass().properties;
    std::vector<bool> present(props.size());
    for (size_t i = 0; i < props.size(); ++i) {
      present[i] = in.readBool();
    }
    bool motion = false;
    for (size_t i = 0; i < props.size(); ++i) {
      if (present[i]) {
        if (!readProperty(in, *props[i].desc, &actor->component(props[i].component))) {
          return false;
        }
        motion = motion || isMotion(*props[i].desc);
      }
    }
    if (motion && actor->actorClass().interpolated && config.interpolate) {
      scratch.clear();
      for (const auto& p : props) {
        if (isMotion(*p.desc)) {
          scratch.push_back(getMotion(*p.desc, &actor->component(p.component)));
        }
      }
      tracks.try_emplace(id, config.interpolation)
          .first->second.push(static_cast<double>(tick) * tickMs(), scratch);
    }
    return in.ok();
  }

  void onSnapshot(std::span<const uint8_t> body) {
    if (!joined) {
      return;
    }
    BitReader in(body);
    wire::SnapshotHeader header;
    if (!readAll(in, wire::SnapshotHeader::type(), &header)) {
      ++stats.malformed;
      return;
    }
    if (header.sequence <= lastSequence) {
      return;  // older than what we have
    }
    const uint64_t goneCount = in.readVarUint();
    for (uint64_t i = 0; i < goneCount && in.ok(); ++i) {
      const auto id = static_cast<NetId>(in.readVarUint());
      world.destroy(id);
      tracks.erase(id);
    }
    const uint64_t count = in.readVarUint();
    for (uint64_t i = 0; i < count && in.ok(); ++i) {
      if (!readEntry(in, header.tick)) {
        ++stats.malformed;
        logger()->warn("snapshot {} could not be applied completely", header.sequence);
        return;  // not acknowledged: the server keeps its baseline
      }
    }
    if (!in.ok()) {
      ++stats.malformed;
      return;
    }
    lastSequence = header.sequence;
    // Taking or losing the hologram: start streaming from where it is (a
    // still hand keeps the grab alive); forget a stale local transform.
    const bool nowHolding = holding();
    if (nowHolding && !wasHolding && !localHologram) {
      localHologram = world.find(hologramId())->ref<HologramComponent>().transform;
    } else if (!nowHolding && wasHolding) {
      // The server's transform is now the final one we sent; the samples of
      // our own moves echoed back are older, so drop them rather than replay
      // them behind the render delay.
      localHologram.reset();
      releasing = false;
      tracks.erase(hologramId());
    }
    wasHolding = nowHolding;
    ++stats.snapshotsReceived;
    stats.snapshotBytes += body.size() + 1;
    stats.lastServerTick = header.tick;
    stats.serverTickMs = static_cast<double>(header.tickMicros) / 1000.0;
    clock->onSnapshot(static_cast<double>(header.tick) * tickMs(), static_cast<double>(now()));
  }

  void onRpc(std::span<const uint8_t> body) {
    BitReader in(body);
    Context ctx;
    std::string name;
    const auto outcome = dispatcher.dispatch(ctx, in, {RpcKind::Client, RpcKind::Multicast}, &name);
    if (outcome != RpcDispatcher<Context>::Outcome::Handled) {
      ++stats.malformed;
      logger()->warn("unusable RPC from the server ({})", name.empty() ? "unknown" : name);
    }
  }

  void sendInput() {
    if (!joined || client.state() != net::Client::State::Connected) {
      return;
    }
    wire::InputHeader header;
    header.ackSequence = lastSequence;
    header.inputSeq = ++inputSeq;
    header.hasPose = localAvatar.has_value();
    BitWriter out(96);
    writeAll(out, wire::InputHeader::type(), &header);
    if (localAvatar) {
      wire::AvatarInput pose;
      pose.head = localAvatar->head;
      pose.leftHand = localAvatar->leftHand;
      pose.rightHand = localAvatar->rightHand;
      pose.pointer = localAvatar->pointer;
      pose.pointerActive = localAvatar->pointerActive;
      writeAll(out, wire::AvatarInput::type(), &pose);
    }
    const bool move = localHologram.has_value() && holding() && !releasing;
    out.writeVarUint(move ? 1 : 0);
    if (move) {
      MoveIntent m;
      m.transform = *localHologram;
      writeRpc(out, hologramId(), m);
    }
    if (client.send(net::Channel::Input, wire::finish(wire::MessageType::Input, out))) {
      ++stats.inputsSent;
      stats.lastInputSeq = inputSeq;
    }
    lastInputMs = now();
    inputSentOnce = true;
  }
};

namespace {
WorldClientConfig withSilence(WorldClientConfig config) {
  if (config.net.timeouts.silenceMs == 0) {
    config.net.timeouts.silenceMs = config.serverSilenceMs;
  }
  return config;
}
}  // namespace

WorldClient::WorldClient(WorldClientConfig config)
    : impl_(std::make_unique<Impl>(withSilence(std::move(config)))) {}
WorldClient::WorldClient(WorldClient&&) noexcept = default;
WorldClient& WorldClient::operator=(WorldClient&&) noexcept = default;
WorldClient::~WorldClient() = default;

Status WorldClient::connect(std::string_view host, uint16_t port, std::string_view token) {
  return impl_->client.connect(host, port, token);
}

void WorldClient::disconnect() {
  impl_->client.disconnect();
}

std::vector<WorldClient::Event> WorldClient::service(uint32_t timeoutMs) {
  Impl& m = *impl_;
  for (auto& event : m.client.service(timeoutMs)) {
    if (auto* r = std::get_if<net::Client::Received>(&event)) {
      if (r->bytes.empty()) {
        continue;
      }
      if (r->channel == net::Channel::Assets) {
        if (m.assets) {
          m.assets->handle(m.client, r->bytes);
        }
        continue;
      }
      const auto type = static_cast<wire::MessageType>(r->bytes[0]);
      const std::span<const uint8_t> body(r->bytes.data() + 1, r->bytes.size() - 1);
      if (r->channel == net::Channel::Snapshots && type == wire::MessageType::Snapshot) {
        m.onSnapshot(body);
      } else if (r->channel == net::Channel::Control && type == wire::MessageType::ServerHello) {
        m.onHello(body);
      } else if (r->channel == net::Channel::Control && type == wire::MessageType::Rpc) {
        m.onRpc(body);
      } else {
        ++m.stats.malformed;
      }
    } else if (auto* d = std::get_if<net::Client::Disconnected>(&event)) {
      m.joined = false;
      if (m.assets) {
        m.assets->connectionLost();
      }
      m.pending.emplace_back(
          Left{d->reason, m.client.state() == net::Client::State::WaitingToRetry});
    } else if (std::holds_alternative<net::Client::Reconnecting>(event)) {
      if (m.assets) {
        m.assets->connectionLost();
      }
    } else if (auto* j = std::get_if<net::Client::Rejected>(&event)) {
      m.joined = false;
      m.pending.emplace_back(
          Left{j->reason, m.client.state() == net::Client::State::WaitingToRetry});
    }
  }
  if (m.assets && m.client.state() == net::Client::State::Connected) {
    m.assets->service(m.client);
  }
  std::vector<Event> out;
  out.swap(m.pending);
  return out;
}

const net::AssetClient* WorldClient::caseTransfer() const {
  return impl_->assets ? &*impl_->assets : nullptr;
}

void WorldClient::update() {
  Impl& m = *impl_;
  const uint64_t period = 1000 / std::max<uint32_t>(1, m.config.inputHz);
  if (!m.inputSentOnce || m.now() - m.lastInputMs >= period) {
    m.sendInput();
  }
}

void WorldClient::sendInputNow() {
  impl_->sendInput();
}

bool WorldClient::joined() const {
  return impl_->joined;
}
ClientId WorldClient::clientId() const {
  return impl_->hello.clientId;
}
net::Role WorldClient::role() const {
  return static_cast<net::Role>(impl_->hello.role);
}
NetId WorldClient::avatarId() const {
  return static_cast<NetId>(impl_->hello.avatar);
}
NetId WorldClient::playerStateId() const {
  return static_cast<NetId>(impl_->hello.playerState);
}
NetId WorldClient::hologramId() const {
  return impl_->hologramId();
}
bool WorldClient::holdingHologram() const {
  return impl_->holding();
}

void WorldClient::setLocalAvatar(const AvatarPose& pose) {
  impl_->localAvatar = pose;
}

void WorldClient::sendReliableRpc(const BitWriter& body) {
  std::vector<uint8_t> message;
  message.push_back(static_cast<uint8_t>(wire::MessageType::Rpc));
  message.insert(message.end(), body.bytes().begin(), body.bytes().end());
  if (!impl_->client.send(net::Channel::Control, message)) {
    logger()->warn("intent not sent: not connected");
  }
}

void WorldClient::grab() {
  impl_->releasing = false;
  call(hologramId(), GrabIntent{});
}
void WorldClient::release() {
  ReleaseIntent intent;
  if (impl_->localHologram) {
    intent.hasFinal = true;
    intent.finalTransform = *impl_->localHologram;
  }
  call(hologramId(), intent);
  if (impl_->holding()) {
    impl_->releasing = true;  // cleared when the server confirms
  } else {
    impl_->localHologram.reset();
  }
}
void WorldClient::moveHologram(const Transform& transform) {
  if (impl_->releasing) {
    return;  // the final transform went with the release
  }
  impl_->localHologram = transform;
}
void WorldClient::setPreset(uint8_t preset) {
  call(hologramId(), SetPresetIntent{preset});
}
void WorldClient::setSurfaces(bool shown) {
  call(hologramId(), SetSurfacesIntent{shown});
}
void WorldClient::setWindow(float center, float width) {
  call(hologramId(), SetWindowIntent{center, width});
}
void WorldClient::setClipPlane(uint8_t index, const Plane& plane) {
  call(hologramId(), SetClipPlaneIntent{index, plane});
}
void WorldClient::setSlicePlane(uint8_t index, const Plane& plane) {
  call(hologramId(), SetSlicePlaneIntent{index, plane});
}
void WorldClient::annotate(const glm::vec3& positionMm, std::string text) {
  call(hologramId(), AddAnnotationIntent{positionMm, std::move(text)});
}
void WorldClient::measure(const glm::vec3& aMm, const glm::vec3& bMm, std::string label) {
  call(hologramId(), AddMeasurementIntent{aMm, bMm, std::move(label)});
}
void WorldClient::grantControl(ClientId id) {
  call(0, GrantControlIntent{id});
}
void WorldClient::revokeControl(ClientId id) {
  call(0, RevokeControlIntent{id});
}
void WorldClient::follow(ClientId id) {
  call(0, FollowIntent{id});
}

World& WorldClient::world() {
  return impl_->world;
}
const World& WorldClient::world() const {
  return impl_->world;
}
Hash256 WorldClient::worldHash() const {
  return impl_->world.stateHash();
}

std::optional<AvatarComponent> WorldClient::presentAvatar(NetId avatar) {
  Impl& m = *impl_;
  const Actor* a = m.world.find(avatar);
  if (a == nullptr) {
    return std::nullopt;
  }
  AvatarComponent shown = a->ref<AvatarComponent>();
  if (avatar == avatarId()) {
    if (m.localAvatar) {
      shown.head = m.localAvatar->head;
      shown.leftHand = m.localAvatar->leftHand;
      shown.rightHand = m.localAvatar->rightHand;
      shown.pointer = m.localAvatar->pointer;
      shown.pointerActive = m.localAvatar->pointerActive;
    }
    return shown;
  }
  auto track = m.tracks.find(avatar);
  if (track == m.tracks.end() || !m.clock || !m.clock->ready()) {
    return shown;
  }
  const auto nowMs = static_cast<double>(m.now());
  if (!track->second.sample(m.clock->renderTime(nowMs), nowMs, m.scratch)) {
    return shown;
  }
  // The class's motion properties, in table order: head, hands, pointer.
  if (m.scratch.size() == 4) {
    shown.head = m.scratch[0].pose();
    shown.leftHand = m.scratch[1].pose();
    shown.rightHand = m.scratch[2].pose();
    shown.pointer = m.scratch[3].pose();
  }
  return shown;
}

std::optional<Pose> WorldClient::followedView() {
  const Actor* me = impl_->world.find(playerStateId());
  if (me == nullptr) {
    return std::nullopt;
  }
  const ClientId target = me->ref<PlayerStateComponent>().following;
  if (target == 0) {
    return std::nullopt;
  }
  for (Actor* a : impl_->world.actorsWith<PlayerStateComponent>()) {
    const auto& ps = a->ref<PlayerStateComponent>();
    if (ps.clientId == target) {
      if (auto avatar = presentAvatar(static_cast<NetId>(ps.avatar))) {
        return avatar->head;
      }
    }
  }
  return std::nullopt;
}

std::optional<Transform> WorldClient::presentHologram() {
  Impl& m = *impl_;
  const NetId id = m.hologramId();
  const Actor* a = m.world.find(id);
  if (a == nullptr) {
    return std::nullopt;
  }
  if (m.holding() && m.localHologram) {
    return *m.localHologram;
  }
  auto track = m.tracks.find(id);
  if (track != m.tracks.end() && m.clock && m.clock->ready()) {
    const auto nowMs = static_cast<double>(m.now());
    if (track->second.sample(m.clock->renderTime(nowMs), nowMs, m.scratch) && !m.scratch.empty()) {
      return m.scratch.front();
    }
  }
  return a->ref<HologramComponent>().transform;
}

WorldClientStats WorldClient::stats() const {
  WorldClientStats s = impl_->stats;
  if (impl_->clock) {
    s.jitterMs = impl_->clock->jitterMs();
    s.interpolationDelayMs = impl_->clock->delayMs();
  }
  return s;
}

net::Client& WorldClient::transport() {
  return impl_->client;
}

}  // namespace medverse::world
