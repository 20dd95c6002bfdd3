#include "medverse/net/server.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <unordered_map>

#include "enet_glue.h"
#include "keep_alive.h"
#include "medverse/core/log.h"
#include "medverse/net/handshake.h"
#include "medverse/net/packet_crypto.h"

namespace medverse::net {
namespace {

using Clock = std::chrono::steady_clock;

// ENet peer slots beyond maxClients, for handshakes in progress.
constexpr uint32_t kPendingSlots = 16;
constexpr size_t kMaxEnetPeers = 4095;  // ENET_PROTOCOL_MAXIMUM_PEER_ID

enum class PeerState : uint8_t {
  AwaitingHello,    // ENet connected; nothing proven yet
  AwaitingConfirm,  // valid token; waiting for proof the peer holds its keys
  Established,      // announced to the caller
  Closing,          // refused or disconnecting; everything it sends is ignored
};

struct Connection {
  PeerId id = 0;
  ENetPeer* peer = nullptr;
  std::string address;
  PeerState state = PeerState::AwaitingHello;
  bool announced = false;  // Connected was emitted, so Disconnected must be
  Clock::time_point deadline;
  std::optional<ConnectToken> identity;
  std::optional<PacketSealer> sealer;
  std::optional<PacketOpener> opener;
  ConnectionStats stats;
  std::optional<DisconnectReason> reason;  // ours, or the peer's Goodbye
  Clock::time_point lastHeard;             // anything from the peer
};

// A token seen in a Hello, remembered until it expires.
struct TokenUse {
  uint64_t expiresAtUnix = 0;
  PeerId holder = 0;  // the connection using it now, 0 if none
};

uint32_t enetFlags(Channel channel) {
  // Unreliable packets larger than the MTU are fragmented unreliably too;
  // otherwise ENet would quietly send them reliably.
  return isReliable(channel) ? ENET_PACKET_FLAG_RELIABLE : ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT;
}

DisconnectCode codeFor(TokenRefusal refusal) {
  switch (refusal) {
    case TokenRefusal::Malformed:
      return DisconnectCode::TokenMalformed;
    case TokenRefusal::Tampered:
      return DisconnectCode::TokenTampered;
    case TokenRefusal::Expired:
      return DisconnectCode::TokenExpired;
    case TokenRefusal::WrongRoom:
      return DisconnectCode::TokenWrongRoom;
  }
  return DisconnectCode::TokenMalformed;
}

bool isPowerOfTwo(uint64_t n) {
  return n != 0 && (n & (n - 1)) == 0;
}

uint64_t systemNowUnix() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

struct Server::Impl {
  ServerConfig config;
  EnetUse enet;
  // Guards everything below against the keep-alive thread (a listen server
  // inside a client that is busy loading); every public method holds it.
  mutable std::mutex mutex;
  HostKeepAlive keepAlive;
  ENetHost* host = nullptr;
  uint16_t port = 0;
  PeerId nextPeerId = 1;
  std::unordered_map<PeerId, Connection> connections;
  std::unordered_map<const ENetPeer*, PeerId> peerIds;
  std::map<TokenNonce, TokenUse> tokens;
  WireStats wire;
  std::vector<Event> events;
  LossHook loss;
  std::optional<Clock::time_point> lastServiced;
  std::shared_ptr<spdlog::logger> log = log::get("net");

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  Impl(Impl&&) = delete;
  Impl& operator=(Impl&&) = delete;
  ~Impl() {
    keepAlive.stop();
    if (host == nullptr) {
      return;
    }
    for (auto& [id, conn] : connections) {
      enet_peer_disconnect_now(conn.peer, static_cast<uint32_t>(DisconnectCode::ServerShutdown));
    }
    enet_host_flush(host);
    loss.uninstall();
    enet_host_destroy(host);
  }

  Connection* find(PeerId id) {
    auto it = connections.find(id);
    return it == connections.end() ? nullptr : &it->second;
  }
  Connection* find(const ENetPeer* peer) {
    auto it = peerIds.find(peer);
    return it == peerIds.end() ? nullptr : find(it->second);
  }

  Clock::time_point after(uint32_t ms) const {
    return Clock::now() + std::chrono::milliseconds(ms);
  }

  void dispatch(ENetEvent& e) {
    switch (e.type) {
      case ENET_EVENT_TYPE_CONNECT:
        onConnect(e.peer, e.data);
        break;
      case ENET_EVENT_TYPE_RECEIVE:
        onReceive(e.peer, e.channelID,
                  std::span<const uint8_t>(e.packet->data, e.packet->dataLength));
        enet_packet_destroy(e.packet);
        break;
      case ENET_EVENT_TYPE_DISCONNECT:
        onDisconnect(e.peer, e.data);
        break;
      case ENET_EVENT_TYPE_NONE:
        break;
    }
  }

  void onConnect(ENetPeer* peer, uint32_t data) {
    Connection conn;
    conn.id = nextPeerId++;
    conn.peer = peer;
    conn.address = formatAddress(peer->address);
    conn.deadline = after(config.timeouts.handshakeMs);
    conn.lastHeard = Clock::now();
    enet_peer_timeout(peer, config.timeouts.limit, config.timeouts.minimumMs,
                      config.timeouts.maximumMs);
    enet_peer_ping_interval(peer, config.timeouts.pingIntervalMs);
    // ENet's packet throttle drops unreliable messages (poses, snapshots)
    // whenever a reliable message's round trip comes out slower than the last
    // one, e.g. while a case download keeps the reliable window busy, or
    // when the machine is busy: avatars would stutter exactly when a
    // participant joins. Poses are small and sent at a fixed rate, and bulk
    // data is flow-controlled above ENet (asset_transfer.h), so the throttle
    // is turned off: no deceleration. ENet sends the setting to the client
    // too, for its side of the connection.
    enet_peer_throttle_configure(peer, ENET_PEER_PACKET_THROTTLE_INTERVAL,
                                 ENET_PEER_PACKET_THROTTLE_ACCELERATION, 0);
    const PeerId id = conn.id;
    peerIds[peer] = id;
    Connection& stored = connections.emplace(id, std::move(conn)).first->second;
    log->debug("peer {} connecting from {}", id, stored.address);
    if (data != kProtocolId) {
      refuse(stored, {DisconnectCode::ProtocolMismatch,
                      "client speaks protocol " + std::to_string(data) + ", server speaks " +
                          std::to_string(kProtocolId)});
    } else if (peer->channelCount != kChannelCount) {
      refuse(stored, {DisconnectCode::ProtocolMismatch,
                      "client opened " + std::to_string(peer->channelCount) +
                          " channels, MedVerse uses " + std::to_string(kChannelCount)});
    }
  }

  void onReceive(ENetPeer* peer, uint8_t channel, std::span<const uint8_t> bytes) {
    Connection* conn = find(peer);
    if (conn == nullptr) {
      return;
    }
    conn->lastHeard = Clock::now();
    switch (conn->state) {
      case PeerState::Closing:
        return;
      case PeerState::AwaitingHello:
        if (channel != static_cast<uint8_t>(Channel::Control) || bytes.empty() ||
            messageKind(bytes[0]) != MessageKind::Hello) {
          refuse(*conn, {DisconnectCode::ProtocolViolation,
                         "sent data before the handshake; a Hello with a connect token must "
                         "come first"});
          return;
        }
        handleHello(*conn, bytes);
        return;
      case PeerState::AwaitingConfirm:
      case PeerState::Established:
        handleSealed(*conn, channel, bytes);
        return;
    }
  }

  void handleHello(Connection& conn, std::span<const uint8_t> bytes) {
    auto hello = decodeHello(bytes);
    if (!hello) {
      refuse(conn, {DisconnectCode::TokenMalformed, hello.error().message});
      return;
    }
    TokenRefusal refusal = TokenRefusal::Malformed;
    auto token =
        openToken(hello->tokenBlob, config.issuerKey, config.room, config.unixNow(), &refusal);
    if (!token) {
      refuse(conn, {codeFor(refusal), token.error().message});
      return;
    }
    if (auto it = tokens.find(token->nonce); it != tokens.end() && it->second.holder != 0) {
      const Connection* holder = find(it->second.holder);
      if (holder != nullptr && holder->state != PeerState::Closing) {
        refuse(conn,
               {DisconnectCode::TokenInUse, "client " + std::to_string(token->clientId) +
                                                " is already connected with this token (peer " +
                                                std::to_string(holder->id) + ")"});
        return;
      }
    }
    const auto live = static_cast<size_t>(std::count_if(
        connections.begin(), connections.end(),
        [](const auto& entry) { return entry.second.state == PeerState::Established; }));
    if (live >= config.maxClients) {
      refuse(conn,
             {DisconnectCode::ServerFull, "the room has its maximum of " +
                                              std::to_string(config.maxClients) + " participants"});
      return;
    }

    // The ephemeral secret dies at the end of this scope: forward secrecy.
    const ExchangeKeyPair exchange = ExchangeKeyPair::generate();
    auto keys = deriveSessionKeys(token->clientToServerKey, token->serverToClientKey, exchange,
                                  hello->clientPublicKey, HandshakeSide::Server);
    if (!keys) {
      refuse(conn, {DisconnectCode::ProtocolViolation, keys.error().message});
      return;
    }
    conn.sealer.emplace(keys->serverToClient, keys->connectionId);
    conn.opener.emplace(keys->clientToServer, keys->connectionId);
    sodium_memzero(&*keys, sizeof(SessionKeys));
    auto sealed =
        conn.sealer->seal(messageType(MessageKind::Welcome, 0), encodeIdentity(identityOf(*token)));
    if (!sealed || !sendRaw(conn, Channel::Control, encodeWelcome(exchange.publicKey(), *sealed))) {
      refuse(conn, {DisconnectCode::ProtocolViolation, "could not send the Welcome"});
      return;
    }
    tokens[token->nonce] = TokenUse{token->expiresAtUnix, conn.id};
    // The session keys are all this connection needs from now on.
    sodium_memzero(token->clientToServerKey.data(), token->clientToServerKey.size());
    sodium_memzero(token->serverToClientKey.data(), token->serverToClientKey.size());
    conn.identity = std::move(*token);
    conn.state = PeerState::AwaitingConfirm;
    log->debug("peer {} presented a valid token for client {}; awaiting proof of its keys", conn.id,
               conn.identity->clientId);
  }

  void handleSealed(Connection& conn, uint8_t channel, std::span<const uint8_t> bytes) {
    if (bytes.empty() || packetStream(bytes[0]) != channel) {
      countDrop(conn, PacketDrop::Malformed,
                "message for another channel arrived on channel " + std::to_string(channel));
      return;
    }
    PacketDrop drop = PacketDrop::Malformed;
    auto opened = conn.opener->open(bytes, &drop);
    if (!opened) {
      countDrop(conn, drop, opened.error().message);
      return;
    }
    conn.stats.messagesReceived++;
    conn.stats.payloadBytesReceived += bytes.size();
    if (conn.state == PeerState::AwaitingConfirm) {
      establish(conn);
    }
    switch (messageKind(opened->type)) {
      case MessageKind::Confirm:
        return;
      case MessageKind::Data:
        events.emplace_back(
            Received{conn.id, static_cast<Channel>(channel), std::move(opened->plaintext)});
        return;
      case MessageKind::Goodbye: {
        auto reason = decodeReason(opened->plaintext);
        conn.reason = reason ? *reason : reasonFor(DisconnectCode::ClientLeft);
        return;
      }
      default:
        countDrop(conn, PacketDrop::Malformed,
                  "unexpected sealed message kind " + std::to_string(packetKind(opened->type)));
        return;
    }
  }

  void establish(Connection& conn) {
    conn.state = PeerState::Established;
    conn.announced = true;
    log->info("peer {} joined room '{}': client {} as {} from {}", conn.id, conn.identity->room,
              conn.identity->clientId, roleName(conn.identity->role), conn.address);
    events.emplace_back(Connected{conn.id, *conn.identity});
  }

  void countDrop(Connection& conn, PacketDrop drop, const std::string& why) {
    uint64_t* counter = &conn.stats.droppedMalformed;
    if (drop == PacketDrop::Forged) {
      counter = &conn.stats.droppedForged;
    } else if (drop == PacketDrop::Replayed) {
      counter = &conn.stats.droppedReplayed;
    }
    ++*counter;
    // Log the 1st, 2nd, 4th, 8th... so a flood cannot fill the disk.
    if (isPowerOfTwo(*counter)) {
      log->warn("peer {} ({}): dropped packet ({} so far of this kind): {}", conn.id, conn.address,
                *counter, why);
    }
  }

  void onDisconnect(ENetPeer* peer, uint32_t data) {
    Connection* conn = find(peer);
    if (conn == nullptr) {
      return;
    }
    if (conn->announced) {
      DisconnectReason reason;
      if (conn->reason) {
        reason = *conn->reason;
      } else if (data != 0) {
        reason = reasonFor(static_cast<DisconnectCode>(data));
      } else {
        reason = {DisconnectCode::ConnectionLost, "the peer stopped responding"};
      }
      log->info("peer {} left: {}", conn->id, toString(reason));
      events.emplace_back(Disconnected{conn->id, std::move(reason)});
    }
    release(*conn);
  }

  void release(Connection& conn) {
    if (conn.identity) {
      if (auto it = tokens.find(conn.identity->nonce);
          it != tokens.end() && it->second.holder == conn.id) {
        it->second.holder = 0;
      }
    }
    peerIds.erase(conn.peer);
    connections.erase(conn.id);  // `conn` dangles from here on
  }

  // Tells a peer that is not (or no longer) welcome why, in clear since it
  // may have no keys, and disconnects it once that is delivered.
  void refuse(Connection& conn, DisconnectReason reason) {
    log->warn("refused peer {} ({}): {}", conn.id, conn.address, toString(reason));
    (void)sendRaw(conn, Channel::Control, encodeReject(reason));
    enet_peer_disconnect_later(conn.peer, static_cast<uint32_t>(reason.code));
    conn.state = PeerState::Closing;
    conn.reason = std::move(reason);
    conn.deadline = after(config.timeouts.disconnectMs);
  }

  bool sendRaw(Connection& conn, Channel channel, std::span<const uint8_t> bytes) {
    ENetPacket* packet = enet_packet_create(bytes.data(), bytes.size(), enetFlags(channel));
    if (packet == nullptr) {
      return false;
    }
    if (enet_peer_send(conn.peer, static_cast<uint8_t>(channel), packet) != 0) {
      enet_packet_destroy(packet);
      return false;
    }
    conn.stats.messagesSent++;
    conn.stats.payloadBytesSent += bytes.size();
    return true;
  }

  Status sendSealed(Connection& conn, MessageKind kind, Channel channel,
                    std::span<const uint8_t> bytes) {
    auto sealed = conn.sealer->seal(messageType(kind, static_cast<uint8_t>(channel)), bytes);
    if (!sealed) {
      return sealed.error();
    }
    if (!sendRaw(conn, channel, *sealed)) {
      return makeError("ENet could not queue a " + std::to_string(bytes.size()) +
                       "-byte message for peer " + std::to_string(conn.id) + " on channel " +
                       std::string(channelName(channel)));
    }
    return Status::success();
  }

  void checkDeadlines() {
    const auto now = Clock::now();
    std::vector<PeerId> expired;
    for (const auto& [id, conn] : connections) {
      if (conn.state != PeerState::Established && now >= conn.deadline) {
        expired.push_back(id);
      }
    }
    for (const PeerId id : expired) {
      Connection& conn = connections.at(id);
      if (conn.state == PeerState::Closing) {
        // It never acknowledged our disconnect: drop it without ceremony.
        enet_peer_reset(conn.peer);
        if (conn.announced) {
          events.emplace_back(
              Disconnected{id, conn.reason.value_or(reasonFor(DisconnectCode::ConnectionLost))});
        }
        release(conn);
      } else {
        refuse(conn, {DisconnectCode::HandshakeTimeout,
                      "no completed handshake within " +
                          std::to_string(config.timeouts.handshakeMs) + " ms"});
      }
    }
  }

  // Time the server did not service (a stall, a listen server's slow frame)
  // is not the peers' silence.
  void forgiveStall() {
    const auto now = Clock::now();
    if (lastServiced && config.timeouts.silenceMs != 0 &&
        now - *lastServiced > std::chrono::milliseconds(config.timeouts.silenceMs / 2)) {
      const auto gap = now - *lastServiced;
      for (auto& [id, conn] : connections) {
        conn.lastHeard += gap;
      }
    }
  }

  // Peers that have sent and acknowledged nothing for silenceMs are gone; tell them in case
  // they are not (one unreliable disconnect), and let go.
  void dropSilent() {
    if (config.timeouts.silenceMs == 0) {
      return;
    }
    const auto now = Clock::now();
    std::vector<PeerId> silent;
    for (const auto& [id, conn] : connections) {
      // Silent: no message and no acknowledgement (a peer busy loading still
      // acknowledges through its keep-alive thread; a dead one does not).
      if (conn.state == PeerState::Established &&
          now - conn.lastHeard >= std::chrono::milliseconds(config.timeouts.silenceMs) &&
          msSinceAcknowledged(conn.peer) >= config.timeouts.silenceMs) {
        silent.push_back(id);
      }
    }
    for (const PeerId id : silent) {
      Connection& conn = connections.at(id);
      DisconnectReason reason{
          DisconnectCode::ConnectionLost,
          "nothing received for " + std::to_string(config.timeouts.silenceMs) + " ms"};
      log->info("peer {} left: {}", id, toString(reason));
      enet_peer_disconnect_now(conn.peer, static_cast<uint32_t>(DisconnectCode::ConnectionLost));
      events.emplace_back(Disconnected{id, std::move(reason)});
      release(conn);
    }
  }

  void pruneTokens() {
    const uint64_t now = config.unixNow();
    std::erase_if(tokens, [now](const auto& entry) {
      return entry.second.holder == 0 && entry.second.expiresAtUnix <= now;
    });
  }

  void collectWireStats() {
    wire.bytesSent += host->totalSentData;
    wire.bytesReceived += host->totalReceivedData;
    wire.datagramsSent += host->totalSentPackets;
    wire.datagramsReceived += host->totalReceivedPackets;
    host->totalSentData = 0;
    host->totalReceivedData = 0;
    host->totalSentPackets = 0;
    host->totalReceivedPackets = 0;
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::Server(Server&&) noexcept = default;
Server& Server::operator=(Server&&) noexcept = default;
Server::~Server() = default;

Result<Server> Server::listen(ServerConfig config) {
  auto impl = std::make_unique<Impl>();
  if (!impl->enet.ok()) {
    return makeError("cannot start the server: ENet failed to initialise");
  }
  if (Status s = checkTokenText(config.room, "server room name"); !s) {
    return makeError("cannot start the server: " + s.error().message);
  }
  if (!config.unixNow) {
    config.unixNow = systemNowUnix;
  }
  auto address = resolveAddress(config.bindHost, config.port);
  if (!address) {
    return makeError("cannot start the server: " + address.error().message);
  }
  const size_t peers =
      std::min<size_t>(static_cast<size_t>(config.maxClients) + kPendingSlots, kMaxEnetPeers);
  impl->host = enet_host_create(&*address, peers, kChannelCount, 0, 0);
  if (impl->host == nullptr) {
    return makeError("cannot listen on " + formatAddress(*address) +
                     " (UDP): the port may be in use or the address not local");
  }
  auto port = boundPort(impl->host->socket);
  if (!port) {
    return port.error();
  }
  impl->port = *port;
  impl->host->maximumPacketSize = config.maxIncomingMessageBytes;
  impl->loss.install(impl->host, config.loss);
  impl->config = std::move(config);
  impl->log->info("listening on {}:{} for room '{}'", impl->config.bindHost, impl->port,
                  impl->config.room);
  impl->keepAlive.start(impl->mutex, impl->host, impl->config.timeouts.keepAliveAfterMs);
  return Server(std::move(impl));
}

uint16_t Server::port() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->port;
}

std::vector<Server::Event> Server::service(uint32_t timeoutMs) {
  Impl& s = *impl_;
  const std::lock_guard lock(s.mutex);
  s.keepAlive.touch();
  s.forgiveStall();
  if (serviceHost(s.host, timeoutMs, [&s](ENetEvent& e) { s.dispatch(e); }) < 0) {
    s.log->error("ENet failed while servicing port {}", s.port);
  }
  s.checkDeadlines();
  s.dropSilent();
  s.pruneTokens();
  // Every peer, those still in ENet's connection handshake included.
  for (size_t i = 0; i < s.host->peerCount; ++i) {
    ENetPeer* peer = &s.host->peers[i];
    if (peer->state != ENET_PEER_STATE_DISCONNECTED) {
      capRetransmissions(peer, s.config.timeouts.retransmitCapMs);
    }
  }
  enet_host_flush(s.host);
  s.lastServiced = Clock::now();
  s.collectWireStats();
  s.keepAlive.touch();
  std::vector<Event> out;
  out.swap(s.events);
  return out;
}

Status Server::sendTo(PeerId peer, Channel channel, std::span<const uint8_t> bytes) {
  const std::lock_guard lock(impl_->mutex);
  Connection* conn = impl_->find(peer);
  if (conn == nullptr || conn->state != PeerState::Established) {
    return makeError("cannot send to peer " + std::to_string(peer) + ": not connected");
  }
  return impl_->sendSealed(*conn, MessageKind::Data, channel, bytes);
}

void Server::broadcast(Channel channel, std::span<const uint8_t> bytes) {
  const std::lock_guard lock(impl_->mutex);
  for (auto& [id, conn] : impl_->connections) {
    if (conn.state == PeerState::Established) {
      if (Status s = impl_->sendSealed(conn, MessageKind::Data, channel, bytes); !s) {
        impl_->log->warn("broadcast to peer {} failed: {}", id, s.error().message);
      }
    }
  }
}

void Server::disconnect(PeerId peer, DisconnectCode code, std::string detail) {
  const std::lock_guard lock(impl_->mutex);
  Connection* conn = impl_->find(peer);
  if (conn == nullptr || conn->state == PeerState::Closing) {
    return;
  }
  DisconnectReason reason{code, detail.empty() ? std::string(describe(code)) : std::move(detail)};
  if (conn->state != PeerState::Established) {
    impl_->refuse(*conn, std::move(reason));
    return;
  }
  impl_->log->info("disconnecting peer {}: {}", peer, toString(reason));
  (void)impl_->sendSealed(*conn, MessageKind::Goodbye, Channel::Control, encodeReason(reason));
  enet_peer_disconnect_later(conn->peer, static_cast<uint32_t>(code));
  conn->state = PeerState::Closing;
  conn->reason = std::move(reason);
  conn->deadline = impl_->after(impl_->config.timeouts.disconnectMs);
}

void Server::flush() {
  const std::lock_guard lock(impl_->mutex);
  enet_host_flush(impl_->host);
}

std::vector<PeerId> Server::connectedPeers() const {
  const std::lock_guard lock(impl_->mutex);
  std::vector<PeerId> ids;
  for (const auto& [id, conn] : impl_->connections) {
    if (conn.state == PeerState::Established) {
      ids.push_back(id);
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::optional<ConnectionStats> Server::stats(PeerId peer) const {
  const std::lock_guard lock(impl_->mutex);
  const Connection* conn = impl_->find(peer);
  if (conn == nullptr) {
    return std::nullopt;
  }
  ConnectionStats stats = conn->stats;
  stats.roundTripMs = conn->peer->roundTripTime;
  stats.roundTripVarianceMs = conn->peer->roundTripTimeVariance;
  stats.packetLoss = static_cast<double>(conn->peer->packetLoss) /
                     static_cast<double>(ENET_PEER_PACKET_LOSS_SCALE);
  stats.msSinceAcknowledged = msSinceAcknowledged(conn->peer);
  return stats;
}

std::optional<size_t> Server::backlogBytes(PeerId peer) const {
  const std::lock_guard lock(impl_->mutex);
  const Connection* conn = impl_->find(peer);
  if (conn == nullptr) {
    return std::nullopt;
  }
  ENetPeer* p = conn->peer;
  size_t bytes = p->reliableDataInTransit;
  for (ENetListIterator it = enet_list_begin(&p->outgoingCommands);
       it != enet_list_end(&p->outgoingCommands); it = enet_list_next(it)) {
    bytes += reinterpret_cast<const ENetOutgoingCommand*>(it)->fragmentLength;  // NOLINT
  }
  return bytes;
}

WireStats Server::wireStats() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->wire;
}

LossStats Server::lossStats() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->loss.stats();
}

}  // namespace medverse::net
