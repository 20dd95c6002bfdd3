#include "medverse/net/client.h"

#include <sodium.h>

#include <chrono>
#include <mutex>
#include <optional>

#include "enet_glue.h"
#include "keep_alive.h"
#include "medverse/core/log.h"
#include "medverse/net/connect_token.h"
#include "medverse/net/packet_crypto.h"

namespace medverse::net {
namespace {

using Clock = std::chrono::steady_clock;

enum class Phase : uint8_t {
  Idle,
  EnetConnecting,   // waiting for ENet's connect to complete
  AwaitingWelcome,  // Hello sent
  Connected,
  Disconnecting,
  WaitingToRetry,
};

uint32_t enetFlags(Channel channel) {
  return isReliable(channel) ? ENET_PACKET_FLAG_RELIABLE : ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT;
}

// Failures that may go away by themselves, so a retry makes sense. A bad,
// expired or wrong-room token, a kick or a protocol error will not.
bool isTransient(DisconnectCode code) {
  switch (code) {
    case DisconnectCode::ConnectionLost:
    case DisconnectCode::ServerShutdown:
    case DisconnectCode::HandshakeTimeout:
    case DisconnectCode::TokenInUse:  // e.g. our previous connection not yet timed out
    case DisconnectCode::ServerFull:
    case DisconnectCode::ConnectFailed:
      return true;
    default:
      return false;
  }
}

}  // namespace

struct Client::Impl {
  ClientConfig config;
  EnetUse enet;
  // Guards everything below against the keep-alive thread; every public
  // method holds it.
  mutable std::mutex mutex;
  HostKeepAlive keepAlive;
  ENetHost* host = nullptr;
  ENetPeer* peer = nullptr;
  ENetAddress server{};
  std::string serverName;
  std::optional<ClientToken> token;
  std::optional<ExchangeKeyPair> exchange;  // this attempt's, until the Welcome
  Phase phase = Phase::Idle;
  Clock::time_point deadline;
  std::optional<PacketSealer> sealer;
  std::optional<PacketOpener> opener;
  std::optional<DisconnectReason> serverReason;  // from a Reject or Goodbye
  std::optional<DisconnectReason> ownReason;     // set by disconnect()
  uint32_t retries = 0;                          // consecutive failed attempts
  ConnectionStats stats;
  WireStats wire;
  std::vector<Event> events;
  LossHook loss;
  Clock::time_point lastHeard;  // anything from the server
  std::optional<Clock::time_point> lastServiced;
  std::shared_ptr<spdlog::logger> log = log::get("net");

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  Impl(Impl&&) = delete;
  Impl& operator=(Impl&&) = delete;
  ~Impl() {
    keepAlive.stop();
    if (peer != nullptr) {
      enet_peer_disconnect_now(peer, static_cast<uint32_t>(DisconnectCode::ClientLeft));
    }
    if (host != nullptr) {
      enet_host_flush(host);
      loss.uninstall();
      enet_host_destroy(host);
    }
  }

  Clock::time_point after(uint32_t ms) const {
    return Clock::now() + std::chrono::milliseconds(ms);
  }

  Status startAttempt() {
    exchange.emplace(ExchangeKeyPair::generate());
    sealer.reset();
    opener.reset();
    serverReason.reset();
    ownReason.reset();
    stats = ConnectionStats{};
    peer = enet_host_connect(host, &server, kChannelCount, kProtocolId);
    if (peer == nullptr) {
      phase = Phase::Idle;
      return makeError("cannot connect to " + serverName + ": no free ENet peer");
    }
    enet_peer_timeout(peer, config.timeouts.limit, config.timeouts.minimumMs,
                      config.timeouts.maximumMs);
    enet_peer_ping_interval(peer, config.timeouts.pingIntervalMs);
    phase = Phase::EnetConnecting;
    deadline = after(config.timeouts.handshakeMs);
    log->debug("connecting to {}", serverName);
    return Status::success();
  }

  void dispatch(ENetEvent& e) {
    lastHeard = Clock::now();
    switch (e.type) {
      case ENET_EVENT_TYPE_CONNECT:
        onConnect();
        break;
      case ENET_EVENT_TYPE_RECEIVE:
        onReceive(e.channelID, std::span<const uint8_t>(e.packet->data, e.packet->dataLength));
        enet_packet_destroy(e.packet);
        break;
      case ENET_EVENT_TYPE_DISCONNECT:
        onDisconnect(e.data);
        break;
      case ENET_EVENT_TYPE_NONE:
        break;
    }
  }

  void onConnect() {
    if (phase != Phase::EnetConnecting) {
      return;
    }
    phase = Phase::AwaitingWelcome;
    (void)sendRaw(Channel::Control, encodeHello(exchange->publicKey(), token->handshakeBlob()));
  }

  void onReceive(uint8_t channel, std::span<const uint8_t> bytes) {
    if (bytes.empty()) {
      stats.droppedMalformed++;
      return;
    }
    if (phase == Phase::AwaitingWelcome) {
      handleHandshake(bytes);
    } else if (phase == Phase::Connected || phase == Phase::Disconnecting) {
      handleSealed(channel, bytes);
    }
  }

  void handleHandshake(std::span<const uint8_t> bytes) {
    const MessageKind kind = messageKind(bytes[0]);
    if (kind == MessageKind::Reject) {
      auto reason = decodeReject(bytes);
      serverReason = reason ? *reason
                            : DisconnectReason{DisconnectCode::ProtocolViolation,
                                               "the server sent an unreadable rejection"};
      return;  // the server disconnects us next
    }
    if (kind != MessageKind::Welcome) {
      stats.droppedMalformed++;
      return;
    }
    auto welcome = decodeWelcome(bytes);
    if (!welcome) {
      failHandshake(welcome.error().message);
      return;
    }
    auto keys = deriveSessionKeys(token->clientToServerKey, token->serverToClientKey, *exchange,
                                  welcome->serverPublicKey, HandshakeSide::Client);
    exchange.reset();  // forward secrecy: the ephemeral secret is not needed again
    if (!keys) {
      failHandshake(keys.error().message);
      return;
    }
    sealer.emplace(keys->clientToServer, keys->connectionId);
    opener.emplace(keys->serverToClient, keys->connectionId);
    sodium_memzero(&*keys, sizeof(SessionKeys));
    auto opened = opener->open(welcome->sealedIdentity);
    if (!opened || messageKind(opened->type) != MessageKind::Welcome) {
      // Only a holder of the issuer key could have learned our token keys.
      failHandshake(
          "the server could not prove it holds the issuer key (Welcome did not "
          "authenticate); is this the right server?");
      return;
    }
    auto identity = decodeIdentity(opened->plaintext);
    if (!identity) {
      failHandshake(identity.error().message);
      return;
    }
    stats.messagesReceived++;
    stats.payloadBytesReceived += bytes.size();
    if (Status s = sendSealed(MessageKind::Confirm, Channel::Control, {}); !s) {
      failHandshake(s.error().message);
      return;
    }
    phase = Phase::Connected;
    retries = 0;
    log->info("connected to {} in room '{}' as client {} ({})", serverName, identity->room,
              identity->clientId, roleName(identity->role));
    events.emplace_back(Connected{std::move(*identity)});
  }

  void failHandshake(std::string detail) {
    DisconnectReason reason{DisconnectCode::ProtocolViolation, std::move(detail)};
    log->warn("handshake with {} failed: {}", serverName, toString(reason));
    enet_peer_disconnect_now(peer, static_cast<uint32_t>(DisconnectCode::ProtocolViolation));
    peer = nullptr;
    phase = Phase::Idle;
    events.emplace_back(Rejected{std::move(reason)});
  }

  void handleSealed(uint8_t channel, std::span<const uint8_t> bytes) {
    if (packetStream(bytes[0]) != channel) {
      stats.droppedMalformed++;
      return;
    }
    PacketDrop drop = PacketDrop::Malformed;
    auto opened = opener->open(bytes, &drop);
    if (!opened) {
      uint64_t& counter = drop == PacketDrop::Forged     ? stats.droppedForged
                          : drop == PacketDrop::Replayed ? stats.droppedReplayed
                                                         : stats.droppedMalformed;
      if (++counter == 1) {
        log->warn("dropped a packet from {}: {}", serverName, opened.error().message);
      }
      return;
    }
    stats.messagesReceived++;
    stats.payloadBytesReceived += bytes.size();
    switch (messageKind(opened->type)) {
      case MessageKind::Data:
        events.emplace_back(Received{static_cast<Channel>(channel), std::move(opened->plaintext)});
        return;
      case MessageKind::Goodbye: {
        auto reason = decodeReason(opened->plaintext);
        serverReason = reason ? *reason : reasonFor(DisconnectCode::Kicked);
        return;
      }
      default:
        stats.droppedMalformed++;
        return;
    }
  }

  void onDisconnect(uint32_t data) {
    peer = nullptr;
    const auto code = static_cast<DisconnectCode>(data);
    switch (phase) {
      case Phase::Connected:
      case Phase::Disconnecting: {
        DisconnectReason reason;
        if (ownReason) {
          reason = *ownReason;
        } else if (serverReason) {
          reason = *serverReason;
        } else if (data != 0) {
          reason = reasonFor(code);
        } else {
          reason = {DisconnectCode::ConnectionLost, "the server stopped responding"};
        }
        const bool retry = !ownReason && isTransient(reason.code);
        log->info("disconnected from {}: {}", serverName, toString(reason));
        events.emplace_back(Disconnected{reason});
        phase = Phase::Idle;
        if (retry) {
          retryOrGiveUp(reason, false);
        }
        return;
      }
      case Phase::EnetConnecting:
      case Phase::AwaitingWelcome:
        if (serverReason || data != 0) {
          DisconnectReason reason = serverReason ? *serverReason : reasonFor(code);
          log->warn("{} refused the connection: {}", serverName, toString(reason));
          events.emplace_back(Rejected{reason});
          phase = Phase::Idle;
          if (isTransient(reason.code)) {
            retryOrGiveUp(reason, false);
          }
        } else {
          retryOrGiveUp({DisconnectCode::ConnectFailed, "no answer from " + serverName}, true);
        }
        return;
      case Phase::Idle:
      case Phase::WaitingToRetry:
        return;
    }
  }

  // Schedules the next attempt if the policy allows one. Otherwise, when
  // `report` is set, tells the caller the connection is given up.
  void retryOrGiveUp(DisconnectReason reason, bool report) {
    const uint32_t attempt = retries + 1;
    if (config.reconnect.allowsAttempt(attempt)) {
      retries = attempt;
      const uint32_t delay = config.reconnect.delayBeforeAttempt(attempt);
      phase = Phase::WaitingToRetry;
      deadline = after(delay);
      log->info("will retry {} in {} ms (attempt {})", serverName, delay, attempt);
      events.emplace_back(Reconnecting{attempt, delay});
      return;
    }
    phase = Phase::Idle;
    if (report) {
      if (retries > 0) {
        reason.detail += "; gave up after " + std::to_string(retries) + " retries";
      }
      log->warn("giving up on {}: {}", serverName, toString(reason));
      events.emplace_back(Disconnected{std::move(reason)});
    }
  }

  void checkDeadlines() {
    if (phase == Phase::Connected) {
      checkSilence();
      return;
    }
    if (Clock::now() < deadline) {
      return;
    }
    switch (phase) {
      case Phase::EnetConnecting:
      case Phase::AwaitingWelcome: {
        const bool answered = phase == Phase::AwaitingWelcome;
        enet_peer_reset(peer);
        peer = nullptr;
        const std::string within = " within " + std::to_string(config.timeouts.handshakeMs) + " ms";
        retryOrGiveUp(answered ? DisconnectReason{DisconnectCode::HandshakeTimeout,
                                                  serverName + " did not answer the Hello" + within}
                               : DisconnectReason{DisconnectCode::ConnectFailed,
                                                  "no answer from " + serverName + within},
                      true);
        return;
      }
      case Phase::Disconnecting:
        enet_peer_reset(peer);
        peer = nullptr;
        phase = Phase::Idle;
        events.emplace_back(
            Disconnected{ownReason.value_or(reasonFor(DisconnectCode::ClientLeft))});
        return;
      case Phase::WaitingToRetry:
        if (Status s = startAttempt(); !s) {
          retryOrGiveUp({DisconnectCode::ConnectFailed, s.error().message}, true);
        }
        return;
      case Phase::Connected:
      case Phase::Idle:
        return;
    }
  }

  // The server sends every tick: this long without a word, it is gone.
  void checkSilence() {
    if (config.timeouts.silenceMs == 0 || peer == nullptr ||
        Clock::now() - lastHeard < std::chrono::milliseconds(config.timeouts.silenceMs) ||
        msSinceAcknowledged(peer) < config.timeouts.silenceMs) {
      return;  // heard a message, or an acknowledgement (a busy listen server)
    }
    DisconnectReason reason{
        DisconnectCode::ConnectionLost,
        "nothing from " + serverName + " for " + std::to_string(config.timeouts.silenceMs) + " ms"};
    log->info("disconnected from {}: {}", serverName, toString(reason));
    enet_peer_disconnect_now(peer, static_cast<uint32_t>(DisconnectCode::ConnectionLost));
    peer = nullptr;
    phase = Phase::Idle;
    events.emplace_back(Disconnected{reason});
    retryOrGiveUp(reason, false);
  }

  bool sendRaw(Channel channel, std::span<const uint8_t> bytes) {
    ENetPacket* packet = enet_packet_create(bytes.data(), bytes.size(), enetFlags(channel));
    if (packet == nullptr) {
      return false;
    }
    if (enet_peer_send(peer, static_cast<uint8_t>(channel), packet) != 0) {
      enet_packet_destroy(packet);
      return false;
    }
    stats.messagesSent++;
    stats.payloadBytesSent += bytes.size();
    return true;
  }

  Status sendSealed(MessageKind kind, Channel channel, std::span<const uint8_t> bytes) {
    auto sealed = sealer->seal(messageType(kind, static_cast<uint8_t>(channel)), bytes);
    if (!sealed) {
      return sealed.error();
    }
    if (!sendRaw(channel, *sealed)) {
      return makeError("ENet could not queue a " + std::to_string(bytes.size()) +
                       "-byte message to " + serverName + " on channel " +
                       std::string(channelName(channel)));
    }
    return Status::success();
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

Client::Client(ClientConfig config) : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

Status Client::connect(std::string_view host, uint16_t port, std::string_view token) {
  Impl& c = *impl_;
  Status started = [&]() -> Status {
    const std::lock_guard lock(c.mutex);
    if (c.phase != Phase::Idle) {
      return makeError("already connecting or connected; disconnect first");
    }
    if (!c.enet.ok()) {
      return makeError("cannot connect: ENet failed to initialise");
    }
    auto decoded = decodeTokenString(token);
    if (!decoded) {
      return decoded.error();
    }
    auto address = resolveAddress(host, port);
    if (!address) {
      return makeError("cannot connect: " + address.error().message);
    }
    if (c.host == nullptr) {
      std::optional<ENetAddress> local;
      if (!c.config.bindHost.empty()) {
        auto bind = resolveAddress(c.config.bindHost, 0);
        if (!bind) {
          return makeError("cannot bind the client socket: " + bind.error().message);
        }
        local = *bind;
      }
      c.host = enet_host_create(local ? &*local : nullptr, 1, kChannelCount, 0, 0);
      if (c.host == nullptr) {
        return makeError("cannot create a UDP socket for the client");
      }
      c.loss.install(c.host, c.config.loss);
    }
    c.token = std::move(*decoded);
    c.server = *address;
    c.serverName = std::string(host) + ":" + std::to_string(port);
    c.retries = 0;
    return c.startAttempt();
  }();
  if (started && c.host != nullptr) {
    c.keepAlive.start(c.mutex, c.host, c.config.timeouts.keepAliveAfterMs);
  }
  return started;
}

std::vector<Client::Event> Client::service(uint32_t timeoutMs) {
  Impl& c = *impl_;
  const std::lock_guard lock(c.mutex);
  c.keepAlive.touch();
  // Time this client did not service the connection (a long frame) is not
  // the server's silence.
  if (c.lastServiced && c.config.timeouts.silenceMs != 0 &&
      Clock::now() - *c.lastServiced > std::chrono::milliseconds(c.config.timeouts.silenceMs / 2)) {
    c.lastHeard += Clock::now() - *c.lastServiced;
  }
  if (c.host != nullptr) {
    if (serviceHost(c.host, timeoutMs, [&c](ENetEvent& e) { c.dispatch(e); }) < 0) {
      c.log->error("ENet failed while servicing the connection to {}", c.serverName);
    }
  }
  c.checkDeadlines();
  if (c.host != nullptr) {
    capRetransmissions(c.peer, c.config.timeouts.retransmitCapMs);
    enet_host_flush(c.host);
    c.lastServiced = Clock::now();
    c.collectWireStats();
  }
  c.keepAlive.touch();
  std::vector<Event> out;
  out.swap(c.events);
  return out;
}

Status Client::send(Channel channel, std::span<const uint8_t> bytes) {
  const std::lock_guard lock(impl_->mutex);
  if (impl_->phase != Phase::Connected) {
    return makeError("cannot send: not connected");
  }
  return impl_->sendSealed(MessageKind::Data, channel, bytes);
}

void Client::disconnect(DisconnectCode code, std::string detail) {
  Impl& c = *impl_;
  const std::lock_guard lock(c.mutex);
  DisconnectReason reason{code, detail.empty() ? std::string(describe(code)) : std::move(detail)};
  switch (c.phase) {
    case Phase::Connected:
      (void)c.sendSealed(MessageKind::Goodbye, Channel::Control, encodeReason(reason));
      enet_peer_disconnect_later(c.peer, static_cast<uint32_t>(code));
      c.ownReason = std::move(reason);
      c.phase = Phase::Disconnecting;
      c.deadline = c.after(c.config.timeouts.disconnectMs);
      return;
    case Phase::EnetConnecting:
    case Phase::AwaitingWelcome:
      enet_peer_disconnect_now(c.peer, static_cast<uint32_t>(code));
      c.peer = nullptr;
      c.phase = Phase::Idle;
      return;
    case Phase::WaitingToRetry:
      c.phase = Phase::Idle;
      return;
    case Phase::Idle:
    case Phase::Disconnecting:
      return;
  }
}

void Client::flush() {
  const std::lock_guard lock(impl_->mutex);
  if (impl_->host != nullptr) {
    enet_host_flush(impl_->host);
  }
}

Client::State Client::state() const {
  const std::lock_guard lock(impl_->mutex);
  switch (impl_->phase) {
    case Phase::Idle:
      return State::Idle;
    case Phase::EnetConnecting:
    case Phase::AwaitingWelcome:
      return State::Connecting;
    case Phase::Connected:
      return State::Connected;
    case Phase::Disconnecting:
      return State::Disconnecting;
    case Phase::WaitingToRetry:
      return State::WaitingToRetry;
  }
  return State::Idle;
}

ConnectionStats Client::stats() const {
  const std::lock_guard lock(impl_->mutex);
  ConnectionStats stats = impl_->stats;
  if (const ENetPeer* peer = impl_->peer; peer != nullptr) {
    stats.roundTripMs = peer->roundTripTime;
    stats.roundTripVarianceMs = peer->roundTripTimeVariance;
    stats.packetLoss =
        static_cast<double>(peer->packetLoss) / static_cast<double>(ENET_PEER_PACKET_LOSS_SCALE);
  }
  return stats;
}

WireStats Client::wireStats() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->wire;
}

LossStats Client::lossStats() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->loss.stats();
}

}  // namespace medverse::net
