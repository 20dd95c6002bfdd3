#include "medverse/world/world_server.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "medverse/core/log.h"
#include "medverse/net/asset_transfer.h"
#include "medverse/world/components.h"
#include "medverse/world/intents.h"
#include "wire.h"

namespace medverse::world {
namespace {

constexpr size_t kSentRing = 128;  // snapshots remembered per client (~2 s at 60 Hz)

uint64_t steadyMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

std::shared_ptr<spdlog::logger> logger() {
  return log::get("world");
}

struct PropCache {
  wire::EncodedBits bits;
  uint32_t changedTick = 0;
};

// Server-side replication state of one actor, shared by all clients.
struct ActorRep {
  std::vector<PropCache> props;
  uint32_t ownerChangedTick = 0;
  bool initialised = false;
  // Entries encoded this tick, by what they contain (property mask, full,
  // owner): clients with the same baseline get the same bytes.
  uint32_t entriesTick = 0;
  std::vector<std::pair<uint64_t, wire::EncodedBits>> entries;
};

// What one client has of one actor.
struct View {
  uint32_t ackedTick = 0;  // 0: nothing acknowledged, send in full
  uint32_t epoch = 0;
  float priority = 0.0F;
};

struct SentSnapshot {
  uint64_t sequence = 0;
  uint32_t tick = 0;
  std::vector<std::pair<NetId, uint32_t>> actors;  // id, view epoch
  std::vector<NetId> gone;
};

struct Participant {
  ClientId clientId = 0;
  std::string name;
  net::Role role = net::Role::Spectator;
  bool hasControl = false;
  std::optional<net::PeerId> peer;
  uint64_t disconnectedAtMs = 0;
  NetId playerState = 0;
  NetId avatar = 0;
  ClientId following = 0;
  // Replication.
  std::unordered_map<NetId, View> views;
  std::set<NetId> pendingGone;
  uint64_t nextSequence = 1;
  uint32_t epochCounter = 0;
  std::array<SentSnapshot, kSentRing> sent;
  double budgetBytes = 0.0;
  bool haveInput = false;
  uint16_t lastInputSeq = 0;
  // Refusals of the unreliable move stream are reported once per run.
  bool moveRefusalReported = false;
  uint64_t lastMoveMs = 0;
  uint64_t lastHeardMs = 0;  // any message
  uint32_t malformed = 0;
  uint64_t destroyedSeen = ~0ULL;

  [[nodiscard]] bool spectator() const { return role == net::Role::Spectator; }
};

// ---- audit payloads ------------------------------------------------------------

std::string jsonNumber(double v) {
  if (!std::isfinite(v)) {
    return "null";
  }
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.9g", v);
  return text.data();
}

std::string jsonVec(const glm::vec3& v) {
  return "[" + jsonNumber(v.x) + "," + jsonNumber(v.y) + "," + jsonNumber(v.z) + "]";
}

std::string jsonTransform(const Transform& t) {
  const glm::quat& q = t.rotation;
  return "{\"position\":" + jsonVec(t.position) + ",\"rotation\":[" + jsonNumber(q.w) + "," +
         jsonNumber(q.x) + "," + jsonNumber(q.y) + "," + jsonNumber(q.z) +
         "],\"scale\":" + jsonVec(t.scale) + "}";
}

std::string jsonPlane(const Plane& p) {
  return "{\"enabled\":" + std::string(p.enabled ? "true" : "false") +
         ",\"normal\":" + jsonVec(p.normal) + ",\"offset\":" + jsonNumber(p.offset) + "}";
}

std::string fixed(double v, int decimals) {
  std::array<char, 48> text{};
  std::snprintf(text.data(), text.size(), "%.*f", decimals, v);
  return text.data();
}

std::string describePlane(const Plane& p) {
  if (!p.enabled) {
    return "off";
  }
  return "normal (" + fixed(p.normal.x, 2) + ", " + fixed(p.normal.y, 2) + ", " +
         fixed(p.normal.z, 2) + "), offset " + fixed(p.offset, 1) + " mm";
}

std::string describeTransform(const Transform& t) {
  const float degrees =
      glm::degrees(2.0F * std::acos(std::clamp(std::abs(t.rotation.w), 0.0F, 1.0F)));
  return "at (" + fixed(t.position.x, 3) + ", " + fixed(t.position.y, 3) + ", " +
         fixed(t.position.z, 3) + ") m, turned " + fixed(degrees, 1) + " deg, " +
         fixed(t.scale.x * 1000.0F, 2) + "x life size";
}

// A drag of a plane or of the window sends an intent every frame. The audit
// trail gets the run's first change (who, from what, to what) and, when it
// went on, where it came to rest, not every frame: a run ends after
// kEditQuietMs without a change from its author, when someone else edits the
// same thing, when its author leaves, or when the server stops.
constexpr uint64_t kEditQuietMs = 1000;

struct EditRun {
  AuditType type = AuditType::ClipPlane;
  uint8_t index = 0;
  ClientId author = 0;
  std::string name;
  std::string role;
  std::string what;      // "clip plane 2"
  std::string lastJson;  // the newest value
  std::string lastText;  // the same, for people
  uint32_t edits = 0;
  uint64_t lastMs = 0;
};

struct Queued {
  ClientId from = 0;
  std::vector<uint8_t> body;  // RPC body (after the type byte)
};

}  // namespace

struct WorldServer::Impl {
  WorldServerConfig config;
  std::optional<net::Server> server;
  World world;
  NetId hologram = 0;
  uint32_t tick = 0;
  std::map<ClientId, Participant> participants;
  std::unordered_map<net::PeerId, ClientId> byPeer;
  std::unordered_map<NetId, ActorRep> reps;
  std::vector<Queued> queue;
  uint32_t noticeSequence = 0;
  uint64_t destroyed = 0;  // counts destructions, so clients rescan their views
  uint32_t annotationSequence = 0;
  uint32_t measurementSequence = 0;
  WorldServerStats stats;
  uint64_t lastTickMicros = 0;
  static constexpr size_t kTickBuckets = 10000;  // 10 µs each
  std::vector<uint32_t> tickHistogram = std::vector<uint32_t>(kTickBuckets + 1, 0);
  uint64_t lastPollMs = 0;
  bool lossOverReported = false;
  RpcDispatcher<Participant> dispatcher;
  // Set during tick(): the winner of each contested free hologram.
  std::unordered_map<NetId, ClientId> grabWinners;
  BitWriter scratch;
  std::optional<net::AssetServer> assets;  // the case, when config.caseDirectory is set

  uint64_t now() const { return config.nowMs ? config.nowMs() : steadyMs(); }

  void emit(std::string kind, ClientId id, std::string detail = {}) {
    if (!config.onEvent) {
      return;
    }
    ServerEvent e;
    e.kind = std::move(kind);
    e.clientId = id;
    e.detail = std::move(detail);
    e.monoMs = now();
    if (const Actor* h = world.find(hologram)) {
      e.hologram = h->ref<HologramComponent>().transform;
    }
    config.onEvent(e);
  }

  // An authenticated client sent something that does not decode: count it,
  // and disconnect the client once it is clearly not a working MedVerse client.
  void malformedFrom(Participant& p, const char* what) {
    ++p.malformed;
    if (p.malformed == 1 || (p.malformed & (p.malformed - 1)) == 0) {
      logger()->warn("client {}: {} ({} malformed so far)", p.clientId, what, p.malformed);
    }
    if (config.maxMalformedMessages != 0 && p.malformed == config.maxMalformedMessages && p.peer) {
      ++stats.kicked;
      const std::string why =
          "sent " + std::to_string(p.malformed) + " messages that do not decode";
      logger()->warn("disconnecting client {}: {}", p.clientId, why);
      emit("kick", p.clientId, why);
      server->disconnect(*p.peer, net::DisconnectCode::ProtocolViolation, why);
    }
  }

  // ---- audit and notices -----------------------------------------------------

  Status audit(AuditType type, const Participant& p, std::string detail, std::string payload) {
    AuditEvent e;
    e.type = type;
    e.clientId = p.clientId;
    e.name = p.name;
    e.role = std::string(net::roleName(p.role));
    e.detail = std::move(detail);
    e.payloadJson = std::move(payload);
    return record(e);
  }

  // Hands the event to the sink; a failure is logged (never the event's
  // text, which may hold patient details) and returned.
  Status record(const AuditEvent& e) {
    if (config.audit == nullptr) {
      return {};
    }
    Status s = config.audit->record(e);
    if (!s) {
      logger()->error("audit: {} event from client {} not recorded: {}", auditTypeName(e.type),
                      e.clientId, s.error().message);
    }
    return s;
  }

  // ---- coalesced edits (see EditRun) ------------------------------------------

  std::vector<EditRun> editRuns;  // at most one per (type, index)

  void closeRun(const EditRun& r) {
    if (r.edits < 2) {
      return;  // a single change: its start entry says it all
    }
    AuditEvent e;
    e.type = r.type;
    e.clientId = r.author;
    e.name = r.name;
    e.role = r.role;
    e.detail =
        r.what + " came to rest: " + r.lastText + " (" + std::to_string(r.edits) + " changes)";
    e.payloadJson = "{\"index\":" + std::to_string(r.index) +
                    ",\"phase\":\"end\",\"value\":" + r.lastJson +
                    ",\"edits\":" + std::to_string(r.edits) + "}";
    (void)record(e);
  }

  template <typename Done>
  void closeRuns(Done done) {
    for (auto it = editRuns.begin(); it != editRuns.end();) {
      if (done(*it)) {
        closeRun(*it);
        it = editRuns.erase(it);
      } else {
        ++it;
      }
    }
  }

  // Audits one change of a coalesced value (a plane, the window).
  void auditEdit(const Participant& p, AuditType type, uint8_t index, const std::string& what,
                 const std::string& fromJson, const std::string& fromText,
                 const std::string& toJson, const std::string& toText) {
    if (fromJson == toJson) {
      return;  // nothing changed
    }
    const uint64_t t = now();
    for (EditRun& r : editRuns) {
      if (r.type == type && r.index == index && r.author == p.clientId) {
        r.lastJson = toJson;
        r.lastText = toText;
        ++r.edits;
        r.lastMs = t;
        return;
      }
    }
    closeRuns([&](const EditRun& r) { return r.type == type && r.index == index; });
    (void)audit(type, p, what + ": " + fromText + " -> " + toText,
                "{\"index\":" + std::to_string(index) +
                    ",\"phase\":\"start\",\"from\":" + fromJson + ",\"to\":" + toJson + "}");
    editRuns.push_back({type, index, p.clientId, p.name, std::string(net::roleName(p.role)), what,
                        toJson, toText, 1, t});
  }

  ~Impl() {
    closeRuns([](const EditRun&) { return true; });
  }

  void sendRpcTo(const Participant& p, const std::vector<uint8_t>& message) {
    if (p.peer) {
      (void)server->sendTo(*p.peer, net::Channel::Control, message);
    }
  }

  template <typename P>
  static std::vector<uint8_t> rpcMessage(NetId target, const P& params) {
    BitWriter body;
    writeRpc(body, target, params);
    return wire::finish(wire::MessageType::Rpc, body);
  }

  // Multicast to every connected client that may see `subject` (a notice
  // about a spectator goes to spectators only).
  void notice(NoticeKind kind, const Participant& subject, std::string text) {
    NoticeRpc n;
    n.sequence = ++noticeSequence;
    n.kind = static_cast<uint8_t>(kind);
    n.clientId = subject.clientId;
    n.text = std::move(text);
    const auto message = rpcMessage(0, n);
    for (auto& [id, p] : participants) {
      if (!subject.spectator() || p.spectator()) {
        sendRpcTo(p, message);
      }
    }
  }

  void refuse(Participant& p, IntentKind intent, const std::string& reason) {
    ++stats.refusals;
    logger()->warn("refused {} from client {} ({}): {}", intentName(intent), p.clientId,
                   net::roleName(p.role), reason);
    (void)audit(AuditType::Refusal, p, std::string(intentName(intent)) + ": " + reason,
                "{\"intent\":\"" + jsonEscape(intentName(intent)) + "\",\"reason\":\"" +
                    jsonEscape(reason) + "\"}");
    RefusedRpc r;
    r.intent = std::string(intentName(intent));
    r.reason = reason;
    sendRpcTo(p, rpcMessage(0, r));
  }

  void spawnAnnotation(const JournalAnnotation& record) {
    Actor& a = world.spawn(actorClass(classes::kAnnotation));
    auto* c = &a.mut<AnnotationComponent>();
    c->position = glm::vec3(record.positionMm);
    c->author = record.authorClientId;
    c->text = record.text;
    c->sequence = static_cast<uint32_t>(record.id);
    annotationSequence = std::max<uint32_t>(annotationSequence, c->sequence);
  }

  void spawnMeasurement(const JournalMeasurement& record) {
    Actor& a = world.spawn(actorClass(classes::kMeasurement));
    auto* c = &a.mut<MeasurementComponent>();
    c->a = glm::vec3(record.pointsMm.at(0));
    c->b = glm::vec3(record.pointsMm.at(1));
    c->distanceMm = glm::length(c->b - c->a);
    c->author = record.authorClientId;
    c->label = record.text;
    c->sequence = static_cast<uint32_t>(record.id);
    measurementSequence = std::max<uint32_t>(measurementSequence, c->sequence);
  }

  // True if allowed; otherwise refused (logged, audited, told).
  bool permit(Participant& p, IntentKind intent) {
    const auto reason = refusalReason({p.role, p.hasControl}, intent, config.rules);
    if (reason) {
      refuse(p, intent, *reason);
      return false;
    }
    return true;
  }

  // ---- players ------------------------------------------------------------------

  void syncPlayerState(Participant& p) {
    if (Actor* a = world.find(p.playerState)) {
      auto& ps = a->mut<PlayerStateComponent>();
      ps.role = static_cast<uint8_t>(p.role);
      ps.hasControl = p.hasControl;
      ps.connected = p.peer.has_value();
      ps.following = p.following;
    }
    if (Actor* a = world.find(p.avatar)) {
      a->mut<AvatarComponent>().present = p.peer.has_value();
    }
  }

  void resetReplication(Participant& p) {
    p.views.clear();
    p.pendingGone.clear();
    p.sent = {};
    p.budgetBytes = 0.0;
    p.haveInput = false;
    p.lastInputSeq = 0;
  }

  void onConnected(const net::Server::Connected& c) {
    const auto& id = c.identity;
    auto it = participants.find(id.clientId);
    bool resumed = false;
    if (it != participants.end()) {
      Participant& p = it->second;
      if (p.peer) {
        // The same person on a new connection: the old one is stale.
        logger()->info("client {} connected again; dropping its previous connection", id.clientId);
        byPeer.erase(*p.peer);
        server->disconnect(*p.peer, net::DisconnectCode::Kicked, "replaced by a new connection");
      }
      resumed = true;
      p.peer = c.peer;
      p.disconnectedAtMs = 0;
      resetReplication(p);
      p.destroyedSeen = ~0ULL;
      syncPlayerState(p);
      byPeer[c.peer] = p.clientId;
      logger()->info("client {} resumed as {} ({})", p.clientId, net::roleName(p.role),
                     p.hasControl ? "with control" : "without control");
      p.lastHeardMs = now();
      emit("resume", p.clientId, std::string(net::roleName(p.role)));
      (void)audit(AuditType::Join, p, "rejoined within the grace period",
                  "{\"resumed\":true,\"playerState\":" + std::to_string(p.playerState) + "}");
      notice(NoticeKind::Joined, p, p.name + " rejoined");
    } else {
      Participant p;
      p.clientId = id.clientId;
      p.name = id.displayName;
      p.role = id.role;
      p.peer = c.peer;
      Actor& avatar = world.spawn(actorClass(classes::kAvatar), p.clientId);
      Actor& state = world.spawn(actorClass(classes::kPlayerState), p.clientId);
      avatar.participantsMaySee = !p.spectator();
      state.participantsMaySee = !p.spectator();
      p.avatar = avatar.netId();
      p.playerState = state.netId();
      auto& ps = state.mut<PlayerStateComponent>();
      ps.clientId = p.clientId;
      ps.name = p.name;
      ps.avatar = p.avatar;
      auto [slot, inserted] = participants.emplace(p.clientId, std::move(p));
      Participant& added = slot->second;
      syncPlayerState(added);
      byPeer[c.peer] = added.clientId;
      logger()->info("client {} joined as {}", added.clientId, net::roleName(added.role));
      added.lastHeardMs = now();
      emit("join", added.clientId, std::string(net::roleName(added.role)));
      (void)audit(AuditType::Join, added, "joined", "{\"resumed\":false}");
      (void)audit(AuditType::Role, added, "role " + std::string(net::roleName(added.role)),
                  "{\"role\":\"" + std::string(net::roleName(added.role)) + "\"}");
      notice(NoticeKind::Joined, added, added.name + " joined");
    }
    Participant& p = participants.at(id.clientId);
    wire::ServerHello hello;
    hello.tickHz = config.tickHz;
    hello.clientId = p.clientId;
    hello.playerState = p.playerState;
    hello.avatar = p.avatar;
    hello.role = static_cast<uint8_t>(p.role);
    hello.resumed = resumed;
    hello.caseName = config.caseName;
    hello.caseHash = config.caseHash;
    BitWriter body;
    writeAll(body, wire::ServerHello::type(), &hello);
    sendRpcTo(p, wire::finish(wire::MessageType::ServerHello, body));
  }

  void releaseHolds(Participant& p, const char* why) {
    for (Actor* a : world.actorsWith<HologramComponent>()) {
      if (a->owner() == p.clientId) {
        a->setOwner(0);
        const Transform& t = a->ref<HologramComponent>().transform;
        (void)audit(
            AuditType::Release, p,
            std::string("released the hologram (") + why + ") " + describeTransform(t),
            "{\"transform\":" + jsonTransform(t) + ",\"reason\":\"" + jsonEscape(why) + "\"}");
        logger()->info("hologram released by client {}: {}", p.clientId, why);
        emit("release", p.clientId, why);
        notice(NoticeKind::Released, p, p.name + " released the hologram (" + why + ")");
      }
    }
  }

  void onDisconnected(const net::Server::Disconnected& d) {
    auto it = byPeer.find(d.peer);
    if (it == byPeer.end()) {
      return;
    }
    const ClientId id = it->second;
    byPeer.erase(it);
    auto pit = participants.find(id);
    if (pit == participants.end() || pit->second.peer != d.peer) {
      return;
    }
    Participant& p = pit->second;
    p.peer.reset();
    p.disconnectedAtMs = now();
    releaseHolds(p, "disconnected");
    closeRuns([&](const EditRun& r) { return r.author == p.clientId; });
    syncPlayerState(p);
    const std::string reason = net::toString(d.reason);
    logger()->info("client {} left: {}", p.clientId, reason);
    emit("leave", p.clientId, reason);
    (void)audit(AuditType::Leave, p, reason, "{\"reason\":\"" + jsonEscape(reason) + "\"}");
    notice(NoticeKind::Left, p, p.name + " left");
  }

  void expireGrace() {
    const uint64_t t = now();
    for (auto it = participants.begin(); it != participants.end();) {
      Participant& p = it->second;
      if (!p.peer && t - p.disconnectedAtMs >= config.reconnectGraceMs) {
        logger()->info("client {} did not return within {} ms; removed", p.clientId,
                       config.reconnectGraceMs);
        world.destroy(p.avatar);
        world.destroy(p.playerState);
        ++destroyed;
        reps.erase(p.avatar);
        reps.erase(p.playerState);
        it = participants.erase(it);
      } else {
        ++it;
      }
    }
  }

  // ---- input ---------------------------------------------------------------------

  void onAck(Participant& p, uint64_t sequence) {
    if (sequence == 0) {
      return;
    }
    SentSnapshot& s = p.sent.at(sequence % kSentRing);
    if (s.sequence != sequence) {
      return;  // too old, or never sent
    }
    for (const auto& [id, epoch] : s.actors) {
      auto v = p.views.find(id);
      if (v != p.views.end() && v->second.epoch == epoch) {
        v->second.ackedTick = std::max(v->second.ackedTick, s.tick);
      }
    }
    for (NetId id : s.gone) {
      if (p.views.find(id) == p.views.end()) {
        p.pendingGone.erase(id);
      }
    }
    s.sequence = 0;  // each snapshot is acknowledged once
  }

  void applyMove(Participant& p, NetId target, const MoveIntent& move) {
    Actor* a = world.find(target);
    if (a == nullptr || a->get<HologramComponent>() == nullptr) {
      return;
    }
    if (a->owner() != p.clientId) {
      if (!p.moveRefusalReported) {
        p.moveRefusalReported = true;
        const auto rule = refusalReason({p.role, p.hasControl}, IntentKind::Move, config.rules);
        refuse(p, IntentKind::Move, rule ? *rule : std::string("the hologram is not held by you"));
      }
      return;
    }
    p.lastMoveMs = now();
    a->mut<HologramComponent>().transform = move.transform;
  }

  void onInput(Participant& p, std::span<const uint8_t> body) {
    BitReader in(body);
    wire::InputHeader header;
    if (!readAll(in, wire::InputHeader::type(), &header)) {
      malformedFrom(p, "malformed input");
      return;
    }
    onAck(p, header.ackSequence);
    const bool fresh = !p.haveInput || wire::seqNewer(header.inputSeq, p.lastInputSeq);
    if (header.hasPose) {
      wire::AvatarInput pose;
      if (!readAll(in, wire::AvatarInput::type(), &pose)) {
        malformedFrom(p, "malformed avatar input");
        return;
      }
      if (fresh) {
        if (Actor* a = world.find(p.avatar)) {
          auto* av = &a->mut<AvatarComponent>();
          av->head = pose.head;
          av->leftHand = pose.leftHand;
          av->rightHand = pose.rightHand;
          av->pointer = pose.pointer;
          av->pointerActive = pose.pointerActive;
          av->inputSeq = header.inputSeq;
        }
      }
    }
    if (fresh) {
      p.haveInput = true;
      p.lastInputSeq = header.inputSeq;
    }
    const uint64_t count = in.readVarUint();
    for (uint64_t i = 0; i < count && in.ok(); ++i) {
      // Only unreliable RPCs ride here; a reliable one must take the queue
      // (and the tick's ordering), so it is not accepted from input.
      BitReader peek = in;
      if (static_cast<RpcId>(peek.readVarUint()) != MoveIntent::rpc().id) {
        malformedFrom(p, "a reliable RPC in its input; dropped");
        return;
      }
      std::string name;
      const auto outcome = dispatcher.dispatch(p, in, {RpcKind::Server}, &name);
      if (outcome != RpcDispatcher<Participant>::Outcome::Handled) {
        malformedFrom(p, "a bad unreliable RPC");
        return;
      }
    }
  }

  void onReceived(const net::Server::Received& r) {
    auto it = byPeer.find(r.peer);
    if (it == byPeer.end() || r.bytes.empty()) {
      return;
    }
    if (r.channel == net::Channel::Assets) {
      if (assets) {
        assets->handle(*server, r.peer, r.bytes);
      }
      return;
    }
    Participant& p = participants.at(it->second);
    p.lastHeardMs = now();
    const auto type = static_cast<wire::MessageType>(r.bytes[0]);
    const std::span<const uint8_t> body(r.bytes.data() + 1, r.bytes.size() - 1);
    if (r.channel == net::Channel::Input && type == wire::MessageType::Input) {
      onInput(p, body);

    } else if (r.channel == net::Channel::Control && type == wire::MessageType::Rpc) {
      queue.push_back({p.clientId, std::vector<uint8_t>(body.begin(), body.end())});
    } else {
      malformedFrom(p, "an unexpected message type");
    }
  }

  // ---- intents ---------------------------------------------------------------------

  Actor* holo(NetId target) {
    Actor* a = world.find(target);
    return a != nullptr && a->get<HologramComponent>() != nullptr ? a : nullptr;
  }

  const Participant* find(ClientId id) const {
    auto it = participants.find(id);
    return it == participants.end() ? nullptr : &it->second;
  }

  void registerHandlers() {
    dispatcher.on<MoveIntent>(
        [this](Participant& p, NetId target, const MoveIntent& m) { applyMove(p, target, m); });
    dispatcher.on<GrabIntent>([this](Participant& p, NetId target, const GrabIntent&) {
      if (!permit(p, IntentKind::Grab)) {
        return;
      }
      Actor* a = holo(target);
      if (a == nullptr) {
        refuse(p, IntentKind::Grab, "no such hologram");
        return;
      }
      if (a->owner() == p.clientId) {
        return;  // already held
      }
      if (a->owner() != 0) {
        const Participant* holder = find(a->owner());
        refuse(
            p, IntentKind::Grab,
            "held by " + (holder != nullptr ? holder->name : std::string("another participant")));
        return;
      }
      auto w = grabWinners.find(target);
      if (w != grabWinners.end() && w->second != p.clientId) {
        const Participant* winner = find(w->second);
        refuse(p, IntentKind::Grab,
               "grabbed in the same tick by " +
                   (winner != nullptr ? winner->name : std::string("another participant")));
        return;
      }
      a->setOwner(p.clientId);
      p.lastMoveMs = now();
      p.moveRefusalReported = false;
      const Transform& t = a->ref<HologramComponent>().transform;
      (void)audit(AuditType::Grab, p, "took the hologram " + describeTransform(t),
                  "{\"transform\":" + jsonTransform(t) + "}");
      notice(NoticeKind::Grabbed, p, p.name + " took the hologram");
      emit("grab", p.clientId);
    });
    dispatcher.on<ReleaseIntent>([this](Participant& p, NetId target, const ReleaseIntent& r) {
      Actor* a = holo(target);
      if (a != nullptr && a->owner() == p.clientId) {
        if (r.hasFinal) {
          a->mut<HologramComponent>().transform = r.finalTransform;  // where it was let go
        }
        a->setOwner(0);
        const Transform& t = a->ref<HologramComponent>().transform;
        (void)audit(AuditType::Release, p, "released the hologram " + describeTransform(t),
                    "{\"transform\":" + jsonTransform(t) + ",\"reason\":\"released\"}");
        notice(NoticeKind::Released, p, p.name + " released the hologram");
        emit("release", p.clientId, "let go");
      }
    });
    dispatcher.on<SetPresetIntent>([this](Participant& p, NetId target, const SetPresetIntent& i) {
      if (Actor* a = holo(target); a != nullptr && permit(p, IntentKind::SetPreset)) {
        const uint8_t from = a->ref<HologramComponent>().preset;
        a->mut<HologramComponent>().preset = i.preset;
        (void)audit(
            AuditType::Preset, p,
            "preset " + std::to_string(from) + " -> " + std::to_string(i.preset),
            "{\"from\":" + std::to_string(from) + ",\"to\":" + std::to_string(i.preset) + "}");
      }
    });
    dispatcher.on<SetSurfacesIntent>(
        [this](Participant& p, NetId target, const SetSurfacesIntent& i) {
          if (Actor* a = holo(target); a != nullptr && permit(p, IntentKind::SetSurfaces)) {
            if (a->ref<HologramComponent>().surfaces == i.shown) {
              return;  // no change, nothing to record
            }
            a->mut<HologramComponent>().surfaces = i.shown;
            (void)audit(AuditType::Surfaces, p, i.shown ? "surfaces shown" : "surfaces hidden",
                        std::string("{\"shown\":") + (i.shown ? "true" : "false") + "}");
          }
        });
    dispatcher.on<SetWindowIntent>([this](Participant& p, NetId target, const SetWindowIntent& i) {
      if (Actor* a = holo(target); a != nullptr && permit(p, IntentKind::SetWindow)) {
        if (!(i.width > 0.0F) || !std::isfinite(i.center) || !std::isfinite(i.width)) {
          refuse(p, IntentKind::SetWindow, "window width must be positive and finite");
          return;
        }
        auto* h = &a->mut<HologramComponent>();
        const auto json = [](float c, float w) {
          return "{\"center\":" + jsonNumber(c) + ",\"width\":" + jsonNumber(w) + "}";
        };
        const auto text = [](float c, float w) { return fixed(c, 1) + " / " + fixed(w, 1); };
        auditEdit(p, AuditType::Window, 0, "window (centre / width)",
                  json(h->windowCenter, h->windowWidth), text(h->windowCenter, h->windowWidth),
                  json(i.center, i.width), text(i.center, i.width));
        h->windowCenter = i.center;
        h->windowWidth = i.width;
      }
    });
    dispatcher.on<SetClipPlaneIntent>(
        [this](Participant& p, NetId target, const SetClipPlaneIntent& i) {
          if (Actor* a = holo(target); a != nullptr && permit(p, IntentKind::SetClipPlane)) {
            if (Plane* plane = a->mut<HologramComponent>().clip(i.index)) {
              auditEdit(p, AuditType::ClipPlane, i.index, "clip plane " + std::to_string(i.index),
                        jsonPlane(*plane), describePlane(*plane), jsonPlane(i.plane),
                        describePlane(i.plane));
              *plane = i.plane;
            } else {
              refuse(p, IntentKind::SetClipPlane, "no clip plane " + std::to_string(i.index));
            }
          }
        });
    dispatcher.on<SetSlicePlaneIntent>(
        [this](Participant& p, NetId target, const SetSlicePlaneIntent& i) {
          if (Actor* a = holo(target); a != nullptr && permit(p, IntentKind::SetSlicePlane)) {
            if (Plane* plane = a->mut<HologramComponent>().slice(i.index)) {
              static const char* kSliceNames[3] = {"axial", "coronal", "sagittal"};
              auditEdit(p, AuditType::SlicePlane, i.index,
                        std::string(kSliceNames[std::min<size_t>(i.index, 2)]) + " slice",
                        jsonPlane(*plane), describePlane(*plane), jsonPlane(i.plane),
                        describePlane(i.plane));
              *plane = i.plane;
            } else {
              refuse(p, IntentKind::SetSlicePlane, "no slice plane " + std::to_string(i.index));
            }
          }
        });
    // Annotations and measurements are recorded (durably, with a journal)
    // before they exist in the world or anyone hears of them; if the record
    // fails they are refused, so nothing acknowledged can be lost.
    dispatcher.on<AddAnnotationIntent>([this](Participant& p, NetId, const AddAnnotationIntent& i) {
      if (!permit(p, IntentKind::Annotate)) {
        return;
      }
      JournalAnnotation record;
      record.id = annotationSequence + 1;
      record.authorClientId = p.clientId;
      record.author = p.name;
      record.positionMm = glm::dvec3(i.position);
      record.text = i.text;
      record.createdTick = stats.ticks;
      if (!this->record(annotationEvent(record, std::string(net::roleName(p.role))))) {
        refuse(p, IntentKind::Annotate, "the annotation could not be recorded");
        return;
      }
      spawnAnnotation(record);
      notice(NoticeKind::Annotated, p, i.text);
      emit("annotation", p.clientId, "id " + std::to_string(record.id));
    });
    dispatcher.on<AddMeasurementIntent>(
        [this](Participant& p, NetId, const AddMeasurementIntent& i) {
          if (!permit(p, IntentKind::Measure)) {
            return;
          }
          JournalMeasurement record;
          record.id = measurementSequence + 1;
          record.authorClientId = p.clientId;
          record.author = p.name;
          record.pointsMm = {glm::dvec3(i.a), glm::dvec3(i.b)};
          record.text = i.label;
          record.createdTick = stats.ticks;
          if (!this->record(measurementEvent(record, std::string(net::roleName(p.role))))) {
            refuse(p, IntentKind::Measure, "the measurement could not be recorded");
            return;
          }
          spawnMeasurement(record);
          notice(NoticeKind::Measured, p, i.label);
          emit("measurement", p.clientId, "id " + std::to_string(record.id));
        });
    dispatcher.on<GrantControlIntent>([this](Participant& p, NetId, const GrantControlIntent& i) {
      setControl(p, i.clientId, true);
    });
    dispatcher.on<RevokeControlIntent>([this](Participant& p, NetId, const RevokeControlIntent& i) {
      setControl(p, i.clientId, false);
    });
    dispatcher.on<FollowIntent>([this](Participant& p, NetId, const FollowIntent& i) {
      if (i.clientId != 0) {
        const Participant* target = find(i.clientId);
        if (target == nullptr || target->spectator()) {
          refuse(p, IntentKind::Follow, "no participant " + std::to_string(i.clientId));
          return;
        }
      }
      p.following = i.clientId;
      syncPlayerState(p);
    });
  }

  void setControl(Participant& by, ClientId targetId, bool grant) {
    const IntentKind kind = grant ? IntentKind::GrantControl : IntentKind::RevokeControl;
    if (!permit(by, kind)) {
      return;
    }
    auto it = participants.find(targetId);
    if (it == participants.end()) {
      refuse(by, kind, "no participant " + std::to_string(targetId));
      return;
    }
    Participant& t = it->second;
    if (t.spectator()) {
      refuse(by, kind, "spectators cannot be granted control");
      return;
    }
    if (t.hasControl == grant) {
      return;
    }
    t.hasControl = grant;
    const std::string verb = grant ? "granted control to " : "revoked control from ";
    (void)audit(grant ? AuditType::Grant : AuditType::Revoke, by, verb + t.name,
                "{\"target\":" + std::to_string(t.clientId) + ",\"targetName\":\"" +
                    jsonEscape(t.name) + "\"}");
    if (!grant && needsGrant(t.role, config.rules)) {
      releaseHolds(t, "control revoked");  // audited after the revoke that caused it
    }
    syncPlayerState(t);
    notice(grant ? NoticeKind::Granted : NoticeKind::Revoked, t, by.name + " " + verb + t.name);
  }

  void resolveGrabs() {
    grabWinners.clear();
    for (const Queued& q : queue) {
      BitReader in(q.body);
      const auto id = static_cast<RpcId>(in.readVarUint());
      const auto target = static_cast<NetId>(in.readVarUint());
      if (!in.ok() || id != GrabIntent::rpc().id) {
        continue;
      }
      Actor* a = holo(target);
      const Participant* p = find(q.from);
      if (a == nullptr || a->owner() != 0 || p == nullptr || !p->peer ||
          refusalReason({p->role, p->hasControl}, IntentKind::Grab, config.rules)) {
        continue;
      }
      auto w = grabWinners.find(target);
      if (w == grabWinners.end()) {
        grabWinners[target] = q.from;
        continue;
      }
      const Participant* current = find(w->second);
      const auto key = [](const Participant* x) {
        return std::make_pair(grabRank(x->role), x->clientId);
      };
      if (key(p) < key(current)) {
        w->second = q.from;
      }
    }
  }

  void applyQueued() {
    resolveGrabs();
    std::vector<Queued> work;
    work.swap(queue);
    for (const Queued& q : work) {
      auto it = participants.find(q.from);
      if (it == participants.end()) {
        continue;
      }
      BitReader in(q.body);
      std::string name;
      const auto outcome = dispatcher.dispatch(it->second, in, {RpcKind::Server}, &name);
      if (outcome != RpcDispatcher<Participant>::Outcome::Handled) {
        malformedFrom(it->second, outcome == RpcDispatcher<Participant>::Outcome::WrongDirection
                                      ? "an RPC that is not a server RPC; dropped"
                                      : "a malformed or unknown RPC; dropped");
      }
    }
    grabWinners.clear();
  }

  // How long the participant's transport has been quiet (no ENet
  // acknowledgement); a participant without a connection has been quiet
  // for ever.
  uint32_t msSinceAcknowledged(const Participant& p) const {
    if (config.msSinceAcknowledged) {
      return config.msSinceAcknowledged(p.clientId);
    }
    if (!server || !p.peer) {
      return std::numeric_limits<uint32_t>::max();
    }
    const std::optional<net::ConnectionStats> stats = server->stats(*p.peer);
    return stats ? stats->msSinceAcknowledged : std::numeric_limits<uint32_t>::max();
  }

  void enforceGrabTimeout() {
    const uint64_t t = now();
    for (Actor* a : world.actorsWith<HologramComponent>()) {
      if (a->owner() == 0) {
        continue;
      }
      auto it = participants.find(a->owner());
      if (it != participants.end() && config.holderSilenceMs != 0 &&
          t - it->second.lastHeardMs >= config.holderSilenceMs &&
          msSinceAcknowledged(it->second) >= config.holderSilenceMs) {
        releaseHolds(it->second, "not heard from");
        continue;
      }
      if (it == participants.end() || t - it->second.lastMoveMs >= config.grabTimeoutMs) {
        if (it != participants.end()) {
          releaseHolds(it->second, "timed out");
        } else {
          a->setOwner(0);
        }
      }
    }
  }

  // ---- replication -----------------------------------------------------------------

  void updateReps() {
    for (auto& [id, actor] : world.actors()) {
      ActorRep& rep = reps[id];
      const auto& props = actor->actorClass().properties;
      if (!rep.initialised) {
        rep.props.resize(props.size());
        rep.initialised = true;
        rep.ownerChangedTick = tick;
        for (size_t i = 0; i < props.size(); ++i) {
          wire::encodeProperty(*props[i].desc, &actor->component(props[i].component), scratch,
                               rep.props[i].bits);
          rep.props[i].changedTick = tick;
        }
        actor->clearDirty();
        ownerCache[id] = actor->owner();
        continue;
      }
      if (!actor->dirty()) {
        continue;
      }
      const bool ownerChanged = ownerCache[id] != actor->owner();
      if (ownerChanged) {
        ownerCache[id] = actor->owner();
        rep.ownerChangedTick = tick;
      }
      wire::EncodedBits fresh;
      for (size_t i = 0; i < props.size(); ++i) {
        wire::encodeProperty(*props[i].desc, &actor->component(props[i].component), scratch, fresh);
        if (ownerChanged || !(fresh == rep.props[i].bits)) {
          rep.props[i].bits = fresh;
          rep.props[i].changedTick = tick;
        }
      }
      actor->clearDirty();
    }
    for (auto it = reps.begin(); it != reps.end();) {
      if (world.find(it->first) == nullptr) {
        ownerCache.erase(it->first);
        it = reps.erase(it);
      } else {
        ++it;
      }
    }
  }
  std::unordered_map<NetId, ClientId> ownerCache;

  static bool sendsProperty(Condition c, bool isOwner, bool full) {
    switch (c) {
      case Condition::Always:
        return true;
      case Condition::OwnerOnly:
        return isOwner;
      case Condition::SkipOwner:
        return !isOwner;
      case Condition::InitialOnly:
        return full;
    }
    return false;
  }

  struct Candidate {
    Actor* actor = nullptr;
    View* view = nullptr;
    bool full = false;
    bool owner = false;
    uint64_t mask = 0;  // bit i: property i included
    uint32_t bits = 0;
  };

  // One actor's snapshot entry for what the candidate includes, encoded once
  // per tick per distinct content.
  const wire::EncodedBits& entryFor(Actor& a, const Candidate& c) {
    ActorRep& rep = reps.at(a.netId());
    if (rep.entriesTick != tick) {
      rep.entriesTick = tick;
      rep.entries.clear();
    }
    const uint64_t key = c.mask | (c.full ? 1ULL << 62 : 0) | (c.owner ? 1ULL << 63 : 0);
    for (const auto& [k, bits] : rep.entries) {
      if (k == key) {
        return bits;
      }
    }
    wire::WordWriter out;
    out.writeVarUint(a.netId());
    out.writeBool(c.full);
    if (c.full) {
      out.writeVarUint(a.classId());
    }
    out.writeBool(c.owner);
    if (c.owner) {
      out.writeVarUint(a.owner());
    }
    const size_t n = a.actorClass().properties.size();
    for (size_t i = 0; i < n; ++i) {
      out.writeBool(((c.mask >> i) & 1U) != 0);
    }
    for (size_t i = 0; i < n; ++i) {
      if (((c.mask >> i) & 1U) != 0) {
        out.append(rep.props[i].bits);
      }
    }
    rep.entries.emplace_back(key, out.take());
    return rep.entries.back().second;
  }

  glm::vec3 headOf(NetId avatar) const {
    const Actor* a = world.find(avatar);
    return a != nullptr ? a->ref<AvatarComponent>().head.position : glm::vec3(0.0F);
  }

  void sendSnapshot(Participant& p) {
    const bool spectator = p.spectator();
    const glm::vec3 myHead = headOf(p.avatar);
    const Participant* followed = p.following != 0 ? find(p.following) : nullptr;
    p.budgetBytes = std::min(p.budgetBytes + config.snapshotBytesPerSecond / double(config.tickHz),
                             2.0 * config.snapshotBytesPerSecond / double(config.tickHz));

    // Actors this client knows that are gone or no longer relevant (only
    // after something was destroyed: relevancy is fixed at spawn).
    for (auto it = p.views.begin(); p.destroyedSeen != destroyed && it != p.views.end();) {
      const Actor* a = world.find(it->first);
      if (a == nullptr || (!a->participantsMaySee && !spectator)) {
        p.pendingGone.insert(it->first);
        it = p.views.erase(it);
      } else {
        ++it;
      }
    }

    p.destroyedSeen = destroyed;
    std::vector<Candidate> candidates;
    for (auto& [id, actor] : world.actors()) {
      if (!actor->participantsMaySee && !spectator) {
        continue;
      }
      auto [vit, inserted] = p.views.try_emplace(id);
      View& view = vit->second;
      if (inserted) {
        view.epoch = ++p.epochCounter;
        p.pendingGone.erase(id);
      }
      const ActorRep& rep = reps.at(id);
      Candidate c;
      c.actor = actor.get();
      c.view = &view;
      c.full = view.ackedTick == 0;
      c.owner = c.full || rep.ownerChangedTick > view.ackedTick;
      const bool isOwner = actor->owner() == p.clientId;
      const auto& props = actor->actorClass().properties;
      uint32_t bits = wire::varUintBits(id) + 2 + static_cast<uint32_t>(props.size());
      if (c.full) {
        bits += wire::varUintBits(actor->classId());
      }
      if (c.owner) {
        bits += wire::varUintBits(actor->owner());
      }
      for (size_t i = 0; i < props.size() && i < 62; ++i) {
        if (!sendsProperty(props[i].desc->condition, isOwner, c.full)) {
          continue;
        }
        if (c.full || rep.props[i].changedTick > view.ackedTick) {
          c.mask |= uint64_t{1} << i;
          bits += rep.props[i].bits.bits;
        }
      }
      if (!c.full && !c.owner && c.mask == 0) {
        view.priority = 0.0F;
        continue;
      }
      c.bits = bits;
      float weight = actor->actorClass().priority;
      if (actor->classId() == classes::kAvatar) {
        const float d = glm::length(actor->ref<AvatarComponent>().head.position - myHead);
        weight /= 1.0F + d;
        if (followed != nullptr && followed->avatar == id) {
          weight *= 4.0F;
        }
      }
      view.priority += weight;
      candidates.push_back(c);
    }
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
      if (a.view->priority != b.view->priority) {
        return a.view->priority > b.view->priority;
      }
      return a.actor->netId() < b.actor->netId();
    });

    SentSnapshot record;
    record.sequence = p.nextSequence++;
    record.tick = tick;
    record.gone.assign(p.pendingGone.begin(), p.pendingGone.end());

    wire::SnapshotHeader header;
    header.sequence = record.sequence;
    header.tick = tick;
    header.lastInputSeq = p.lastInputSeq;
    header.tickMicros = lastTickMicros;
    BitWriter head(32);
    writeAll(head, wire::SnapshotHeader::type(), &header);
    wire::WordWriter out;
    out.append(head.bytes(), head.bitsWritten());
    out.writeVarUint(record.gone.size());
    for (NetId id : record.gone) {
      out.writeVarUint(id);
    }
    size_t used = out.bitsWritten() / 8 + 4;
    std::vector<const Candidate*> chosen;
    for (const Candidate& c : candidates) {
      const size_t bytes = (c.bits + 7) / 8;
      if (!chosen.empty() && static_cast<double>(used + bytes) > p.budgetBytes) {
        continue;  // waits; its priority keeps growing
      }
      used += bytes;
      chosen.push_back(&c);
    }
    out.writeVarUint(chosen.size());
    for (const Candidate* c : chosen) {
      Actor& a = *c->actor;
      out.append(entryFor(a, *c));
      c->view->priority = 0.0F;
      record.actors.emplace_back(a.netId(), c->view->epoch);
    }
    const auto message = out.finish(wire::MessageType::Snapshot);
    p.budgetBytes -= static_cast<double>(message.size());
    p.sent.at(record.sequence % kSentRing) = std::move(record);
    if (server->sendTo(*p.peer, net::Channel::Snapshots, message)) {
      ++stats.snapshotsSent;
      stats.snapshotBytes += message.size();
    }
  }

  static double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1000.0 + static_cast<double>(ts.tv_nsec) / 1e6;
  }

  void doTick() {
    const double start = threadCpuMs();
    ++tick;
    if (assets) {
      assets->pump(*server);  // a bounded amount per tick, so snapshots keep flowing
    }
    applyQueued();
    {
      const uint64_t t = now();
      closeRuns([&](const EditRun& r) { return t - r.lastMs >= kEditQuietMs; });
    }
    enforceGrabTimeout();
    expireGrace();
    updateReps();
    for (auto& [id, p] : participants) {
      if (p.peer) {
        sendSnapshot(p);
      }
    }
    server->flush();
    // CPU time of this thread, so a busy machine does not inflate it.
    const double ms = threadCpuMs() - start;
    lastTickMicros = static_cast<uint64_t>(ms * 1000.0);
    ++stats.ticks;
    stats.lastTickMs = ms;
    stats.meanTickMs += (ms - stats.meanTickMs) / static_cast<double>(stats.ticks);
    stats.maxTickMs = std::max(stats.maxTickMs, ms);
    ++tickHistogram[std::min<size_t>(kTickBuckets, static_cast<size_t>(ms * 100.0))];
    if (!lossOverReported && server->lossStats().windowOver) {
      lossOverReported = true;
      const auto loss = server->lossStats();
      emit("loss-over", 0,
           "dropped " + std::to_string(loss.dropped) + " of " + std::to_string(loss.offered));
    }
  }

  double tickPercentile(double q) const {
    if (stats.ticks == 0) {
      return 0.0;
    }
    const auto rank = static_cast<uint64_t>(q * static_cast<double>(stats.ticks - 1));
    uint64_t seen = 0;
    for (size_t i = 0; i < tickHistogram.size(); ++i) {
      seen += tickHistogram[i];
      if (seen > rank) {
        return static_cast<double>(i) / 100.0;
      }
    }
    return static_cast<double>(kTickBuckets) / 100.0;
  }

  void doPoll(uint32_t timeoutMs) {
    // A server that did not poll for a while (a debugger, a suspended VM,
    // a listen server's slow frame) heard nothing because it did not
    // listen; do not hold that silence against the holders.
    const uint64_t before = now();
    if (lastPollMs != 0 && config.holderSilenceMs != 0 &&
        before - lastPollMs > config.holderSilenceMs / 2) {
      for (auto& [id, p] : participants) {
        p.lastHeardMs += before - lastPollMs;
      }
    }
    for (auto& event : server->service(timeoutMs)) {
      if (auto* c = std::get_if<net::Server::Connected>(&event)) {
        onConnected(*c);
        if (assets) {
          if (Status s = assets->offer(*server, c->peer); !s) {
            logger()->warn("cannot offer the case to client {}: {}", c->identity.clientId,
                           s.error().message);
          }
        }
      } else if (auto* r = std::get_if<net::Server::Received>(&event)) {
        onReceived(*r);
      } else if (auto* d = std::get_if<net::Server::Disconnected>(&event)) {
        if (assets) {
          assets->forget(d->peer);
        }
        onDisconnected(*d);
      }
    }
    lastPollMs = now();
  }
};

WorldServer::WorldServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WorldServer::WorldServer(WorldServer&&) noexcept = default;
WorldServer& WorldServer::operator=(WorldServer&&) noexcept = default;
WorldServer::~WorldServer() = default;

Result<WorldServer> WorldServer::start(WorldServerConfig config) {
  if (config.tickHz == 0 || config.tickHz > 1000) {
    return makeError("tick rate must be 1..1000 Hz, not " + std::to_string(config.tickHz));
  }
  registerConsultClasses();
  auto impl = std::make_unique<Impl>();
  if (config.net.timeouts.silenceMs == 0) {
    config.net.timeouts.silenceMs = config.peerSilenceMs;
  }
  impl->config = std::move(config);
  auto server = net::Server::listen(impl->config.net);
  if (!server) {
    return server.error();
  }
  impl->server.emplace(std::move(server).value());
  if (!impl->config.caseDirectory.empty()) {
    auto assets = net::AssetServer::serve(impl->config.caseDirectory);
    if (!assets) {
      return makeError("cannot serve the case: " + assets.error().message);
    }
    impl->assets.emplace(std::move(assets).value());
  }
  Actor& holo = impl->world.spawn(actorClass(classes::kHologram));
  auto* h = &holo.mut<HologramComponent>();
  h->transform.scale = glm::vec3(0.001F);  // patient mm, life size in metres
  h->transform.position = glm::vec3(0.0F, 1.2F, 0.0F);
  h->caseName = impl->config.caseName;
  h->caseHash = impl->config.caseHash;
  impl->hologram = holo.netId();
  // What a journal kept from an earlier run of this room.
  for (const JournalAnnotation& a : impl->config.restoredAnnotations) {
    impl->spawnAnnotation(a);
  }
  for (const JournalMeasurement& m : impl->config.restoredMeasurements) {
    if (m.pointsMm.size() >= 2) {
      impl->spawnMeasurement(m);
    }
  }
  impl->registerHandlers();
  return WorldServer(std::move(impl));
}

uint16_t WorldServer::port() const {
  return impl_->server->port();
}
uint32_t WorldServer::tickHz() const {
  return impl_->config.tickHz;
}
void WorldServer::poll(uint32_t timeoutMs) {
  impl_->doPoll(timeoutMs);
}
void WorldServer::tick() {
  impl_->doTick();
}

void WorldServer::run(const std::atomic<bool>& stop) {
  const double periodMs = 1000.0 / impl_->config.tickHz;
  double next = static_cast<double>(impl_->now()) + periodMs;
  while (!stop.load()) {
    const double t = static_cast<double>(impl_->now());
    if (t >= next) {
      impl_->doTick();
      next += periodMs;
      if (t - next > 10 * periodMs) {
        next = t + periodMs;  // fell far behind (debugger, suspend): do not burst
      }
      impl_->doPoll(0);
      continue;
    }
    impl_->doPoll(static_cast<uint32_t>(std::ceil(next - t)));
  }
}

World& WorldServer::world() {
  return impl_->world;
}
NetId WorldServer::hologram() const {
  return impl_->hologram;
}

std::optional<ParticipantInfo> WorldServer::participant(ClientId id) const {
  const Participant* p = impl_->find(id);
  if (p == nullptr) {
    return std::nullopt;
  }
  return ParticipantInfo{p->clientId,         p->name,        p->role,  p->hasControl,
                         p->peer.has_value(), p->playerState, p->avatar};
}

std::vector<ParticipantInfo> WorldServer::participants() const {
  std::vector<ParticipantInfo> out;
  for (const auto& [id, p] : impl_->participants) {
    out.push_back(*participant(id));
  }
  return out;
}

WorldServerStats WorldServer::stats() const {
  WorldServerStats s = impl_->stats;
  s.p50TickMs = impl_->tickPercentile(0.50);
  s.p99TickMs = impl_->tickPercentile(0.99);
  return s;
}
size_t WorldServer::queuedIntents() const {
  return impl_->queue.size();
}
net::Server& WorldServer::transport() {
  return *impl_->server;
}

}  // namespace medverse::world
