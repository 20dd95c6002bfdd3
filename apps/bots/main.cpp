// medverse-bots: N simulated participants in one process, each a real
// WorldClient with its own token and connection, moving head and hands the
// way a person standing at a hologram does (slow sway, looking around,
// breathing, gesturing, pointing now and then). Prints one line of JSON:
//
//   connected, disconnects        over the run
//   bytes_per_avatar_per_s        downstream wire bytes a bot receives per
//                                 second, divided by the remote avatars it
//                                 sees (UDP payload incl. ENet and crypto)
//   upstream_bytes_per_s          wire bytes a bot sends per second
//   pose_latency_ms p50/p99       a bot's input leaving → another bot applying
//                                 the snapshot that carries it (no
//                                 interpolation delay)
//   server_tick_ms mean/max       the server's CPU time per tick, as reported
//                                 in snapshots
//
// Figures are over the measurement window, which starts when every bot has
// joined (or the join timeout passed). SIGINT or SIGTERM ends the window
// early. Bots reconnect on their own after losing the server (backoff,
// --no-reconnect to turn it off); a reconnect counts as a disconnect.
//
// For fault tests: --status prints one JSON line per bot event on stdout
// (joined, left, and "state" whenever what the bot sees of the room's shared
// state changes: pins, measurements, the hologram, who is connected), and
// bot 0 can act: --pins/--measurements add annotations, --grab takes the
// hologram and keeps moving it. --misbehave K makes the last K bots send
// garbage, bogus and oversized messages after joining.
//
// Exit codes: 0 ok, 2 usage, 3 bad input, 5 not every bot connected.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "../common/cli.h"
#include "medverse/core/log.h"
#include "medverse/net/connect_token.h"
#include "medverse/net/key.h"
#include "medverse/net/loss_injection.h"
#include "medverse/world/audit.h"
#include "medverse/world/components.h"
#include "medverse/world/world_client.h"

using namespace medverse::apps;  // exit codes, parseCommandLine

using namespace medverse;

namespace {

constexpr int kExitNotConnected = 5;
constexpr double kJoinTimeoutMs = 30000.0;
constexpr size_t kSendRing = 4096;

double steadyMs() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::atomic<bool> gStop{false};
extern "C" void onSignal(int /*signal*/) {
  gStop.store(true);
}

int fail(const std::string& message, int code = kExitBadInput) {
  std::fprintf(stderr, "medverse-bots: %s\n", message.c_str());
  return code;
}

// A person standing around the hologram: slow sway, looking around,
// breathing, hands gesturing, pointing some of the time.
world::AvatarPose motion(size_t index, size_t count, double tSeconds) {
  const double phase = static_cast<double>(index) * 2.399;  // golden angle
  const double around = 2.0 * M_PI * static_cast<double>(index) / static_cast<double>(count);
  const double t = tSeconds;
  const double radius = 1.3 + 0.1 * std::sin(0.11 * t + phase);
  const glm::vec3 head(
      static_cast<float>(radius * std::cos(around) + 0.05 * std::sin(0.3 * t + phase)),
      static_cast<float>(1.65 + 0.02 * std::sin(0.25 * t + phase) + 0.004 * std::sin(1.6 * t)),
      static_cast<float>(radius * std::sin(around) + 0.05 * std::cos(0.27 * t + phase)));
  // Face the hologram at the origin, looking around it.
  const double yaw = std::atan2(-head.x, -head.z) + 0.4 * std::sin(0.2 * t + phase) +
                     0.08 * std::sin(1.1 * t + phase);
  const double pitch = -0.2 + 0.15 * std::sin(0.17 * t + phase);
  const glm::quat look = glm::angleAxis(static_cast<float>(yaw), glm::vec3(0, 1, 0)) *
                         glm::angleAxis(static_cast<float>(pitch), glm::vec3(1, 0, 0));
  world::AvatarPose p;
  p.head = {head, look};
  const glm::quat body = glm::angleAxis(static_cast<float>(yaw), glm::vec3(0, 1, 0));
  const auto hand = [&](float side, double f) {
    const glm::vec3 offset(side * 0.22F + static_cast<float>(0.05 * std::sin(f * t + phase)),
                           static_cast<float>(-0.45 + 0.12 * std::sin(0.9 * f * t + phase)),
                           static_cast<float>(-0.3 + 0.1 * std::sin(0.7 * f * t + side)));
    const glm::quat twist =
        glm::angleAxis(static_cast<float>(0.5 * std::sin(f * t)), glm::vec3(0, 0, 1));
    return Pose{head + body * offset, body * twist};
  };
  p.leftHand = hand(-1.0F, 0.8);
  p.rightHand = hand(1.0F, 1.1);
  p.pointer = p.rightHand;
  p.pointerActive = std::sin(0.15 * t + phase) > 0.6;
  return p;
}

double percentile(std::vector<double>& v, double q) {
  if (v.empty()) {
    return 0.0;
  }
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

// The room's shared state as one bot sees it (everything but the moving
// avatars), as JSON; equal text on two bots means they agree.
std::string sharedState(world::WorldClient& client) {
  std::vector<std::string> pins;
  for (world::Actor* a : client.world().actorsWith<world::AnnotationComponent>()) {
    const auto& c = a->ref<world::AnnotationComponent>();
    pins.push_back(std::to_string(c.sequence) + ":" + world::jsonEscape(c.text));
  }
  std::vector<std::string> measurements;
  for (world::Actor* a : client.world().actorsWith<world::MeasurementComponent>()) {
    const auto& c = a->ref<world::MeasurementComponent>();
    char d[32];
    std::snprintf(d, sizeof d, "%.3f", c.distanceMm);
    measurements.push_back(std::to_string(c.sequence) + ":" + d + ":" + world::jsonEscape(c.label));
  }
  std::vector<std::string> people;
  for (world::Actor* a : client.world().actorsWith<world::PlayerStateComponent>()) {
    const auto& c = a->ref<world::PlayerStateComponent>();
    people.push_back(std::to_string(c.clientId) + ":" +
                     std::string(net::roleName(static_cast<net::Role>(c.role))) +
                     (c.connected ? ":on" : ":off"));
  }
  std::sort(pins.begin(), pins.end());
  std::sort(measurements.begin(), measurements.end());
  std::sort(people.begin(), people.end());
  auto list = [](const std::vector<std::string>& v) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) {
      out += (i > 0 ? ",\"" : "\"") + v[i] + "\"";
    }
    return out + "]";
  };
  std::string holo = "null";
  if (const world::Actor* h = client.world().find(client.hologramId())) {
    const auto& c = h->ref<world::HologramComponent>();
    const auto& t = c.transform;
    char text[320];
    std::snprintf(text, sizeof text,
                  "{\"holder\":%llu,\"position\":[%.5f,%.5f,%.5f],"
                  "\"rotation\":[%.5f,%.5f,%.5f,%.5f],\"scale\":[%.7f,%.7f,%.7f],\"preset\":%u}",
                  static_cast<unsigned long long>(h->owner()), t.position.x, t.position.y,
                  t.position.z, t.rotation.w, t.rotation.x, t.rotation.y, t.rotation.z, t.scale.x,
                  t.scale.y, t.scale.z, static_cast<unsigned>(c.preset));
    holo = text;
  }
  return "\"pins\":" + list(pins) + ",\"measurements\":" + list(measurements) +
         ",\"people\":" + list(people) + ",\"hologram\":" + holo;
}

// Where bot 0 holds the hologram at time t: a slow turn and drift, so that
// every transform the server keeps is distinguishable.
Transform heldTransform(double tSeconds) {
  Transform t;
  t.position = glm::vec3(static_cast<float>(0.3 * std::sin(0.7 * tSeconds)), 1.2F,
                         static_cast<float>(0.2 * std::cos(0.5 * tSeconds)));
  t.rotation = glm::angleAxis(static_cast<float>(0.9 * tSeconds), glm::vec3(0, 1, 0));
  t.scale = glm::vec3(0.001F);
  return t;
}

struct Reservoir {
  static constexpr size_t kCapacity = 1 << 18;
  std::vector<double> values;
  uint64_t seen = 0;
  std::mt19937_64 rng{42};

  double max = 0.0;

  void add(double v) {
    ++seen;
    max = std::max(max, v);
    if (values.size() < kCapacity) {
      values.push_back(v);
      return;
    }
    const uint64_t slot = std::uniform_int_distribution<uint64_t>(0, seen - 1)(rng);
    if (slot < kCapacity) {
      values[slot] = v;
    }
  }
};

struct Bot {
  std::unique_ptr<world::WorldClient> client;
  bool joined = false;
  uint32_t joins = 0;
  std::string lastState;
  bool grabSent = false;
  uint32_t pinsSent = 0;
  uint32_t measurementsSent = 0;
  double nextActionMs = 0.0;
  bool misbehaving = false;
  bool attacked = false;
  bool lossOver = false;
  std::vector<double> sentAt = std::vector<double>(kSendRing, 0.0);
  uint64_t inputsSent = 0;
  // Newest input sequence seen per other bot (-1: none yet).
  std::vector<int32_t> seen;
  uint64_t snapshots = 0;
  net::WireStats windowStart;
};

}  // namespace

static int toolMain(int argc, char** argv) {
  log::setLevelFromEnv();
  CLI::App app{"medverse-bots: simulated participants for load and latency figures"};
  std::string connect;
  std::string keyPath;
  std::string roleName = "doctor";
  std::string room = "consult";
  size_t count = 8;
  double duration = 10.0;
  bool noReconnect = false;
  bool status = false;
  uint32_t pins = 0;
  uint32_t measurementsToAdd = 0;
  double actionInterval = 0.5;
  bool grab = false;
  size_t misbehave = 0;
  uint64_t idBaseOption = 0;
  app.add_option("--connect", connect, "server HOST:PORT")->required();
  app.add_option("--key", keyPath, "issuer key file the server uses")->required();
  app.add_option("--count", count, "bots")->check(CLI::Range(size_t{1}, size_t{1000}));
  app.add_option("--duration", duration, "seconds to measure")->check(CLI::Range(0.1, 86400.0));
  app.add_option("--role", roleName, "expert, doctor, trainee or spectator");
  app.add_option("--room", room, "room name (as the server's --room)");
  app.add_flag("--no-reconnect", noReconnect, "do not reconnect after losing the server");
  app.add_flag("--status", status, "print bot events and shared-state changes as JSON lines");
  app.add_option("--pins", pins, "bot 0 adds this many annotations, one per --action-interval");
  app.add_option("--measurements", measurementsToAdd, "bot 0 adds this many measurements");
  app.add_option("--action-interval", actionInterval, "seconds between bot 0's actions")
      ->check(CLI::Range(0.0, 3600.0));
  app.add_flag("--grab", grab, "bot 0 takes the hologram and keeps moving it");
  app.add_option("--misbehave", misbehave,
                 "the last K bots send garbage, bogus and oversized messages once joined");
  app.add_option("--client-id-base", idBaseOption,
                 "bot i gets client id BASE+i+1 (default: random base)");
  app.footer("Exit codes: 0 ok, 2 usage error, 3 bad input, 5 not every bot connected.");
  if (const int code = medverse::apps::parseCommandLine(app, argc, argv, "medverse-bots");
      code >= 0) {
    return code;
  }
  const auto colon = connect.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return fail("--connect wants HOST:PORT, not '" + connect + "'", kExitUsage);
  }
  const std::string host = connect.substr(0, colon);
  int port = 0;
  try {
    port = std::stoi(connect.substr(colon + 1));
  } catch (const std::exception&) {
    port = 0;
  }
  if (port <= 0 || port > 65535) {
    return fail("--connect: bad port in '" + connect + "'", kExitUsage);
  }
  // --role is one role or a comma-separated list that the bots cycle through.
  std::vector<net::Role> roles;
  {
    std::stringstream list(roleName);
    std::string one;
    while (std::getline(list, one, ',')) {
      Result<net::Role> r = net::parseRole(one);
      if (!r) {
        return fail(r.error().message, kExitUsage);
      }
      roles.push_back(*r);
    }
    if (roles.empty()) {
      return fail("--role is empty", kExitUsage);
    }
  }
  if (misbehave >= count) {
    return fail("--misbehave must leave at least one well-behaved bot", kExitUsage);
  }
  auto loss = net::lossInjectionFromEnvironment();
  if (!loss) {
    return fail(loss.error().message, kExitUsage);
  }
  Result<net::Key> key = net::loadKey(keyPath);
  if (!key) {
    return fail(key.error().message);
  }

  const bool actAfterLossOpens = *loss && (*loss)->startOnSignal;
  std::vector<Bot> bots(count);
  const uint64_t idBase =
      idBaseOption != 0 ? idBaseOption : net::randomClientId() & 0x00FFFFFFFFFF0000ULL;
  for (size_t i = 0; i < count; ++i) {
    auto token =
        net::issueTokenString(*key, "bot-" + std::to_string(i), roles[i % roles.size()], room,
                              static_cast<uint64_t>(duration) + 3600, idBase + i + 1);
    if (!token) {
      return fail(token.error().message);
    }
    world::WorldClientConfig clientConfig;
    clientConfig.interpolate = false;  // bots never draw
    clientConfig.net.reconnect.enabled = !noReconnect;
    clientConfig.net.reconnect.maxDelayMs = 2000;
    clientConfig.net.reconnect.seed = idBase + i + 1;
    if (*loss) {
      clientConfig.net.loss = **loss;
    }
    bots[i].misbehaving = i >= count - misbehave;
    bots[i].client = std::make_unique<world::WorldClient>(clientConfig);
    if (Status s = bots[i].client->connect(host, static_cast<uint16_t>(port), *token); !s) {
      return fail(s.error().message);
    }
  }

  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  auto statusLine = [&](size_t i, const std::string& event, const std::string& fields) {
    if (status) {
      std::printf("{\"bot\":%zu,\"client\":%llu,\"event\":\"%s\",\"mono_ms\":%.0f,%s}\n", i,
                  static_cast<unsigned long long>(idBase) + i + 1, event.c_str(), steadyMs(),
                  fields.c_str());
      std::fflush(stdout);
    }
  };
  std::mt19937 junkRng(1234);
  size_t joinedCount = 0;
  uint64_t disconnects = 0;
  uint64_t rejoins = 0;
  const double start = steadyMs();
  double windowStart = 0.0;
  double windowEnd = 0.0;
  // Long runs keep a uniform sample of bounded size (reservoir sampling),
  // so the bots' memory does not grow with the duration.
  Reservoir latencies;
  Reservoir tickMs;
  while (true) {
    const double now = steadyMs();
    if (windowStart == 0.0 && (joinedCount == count || now - start > kJoinTimeoutMs)) {
      windowStart = now;
      windowEnd = now + duration * 1000.0;
      for (auto& b : bots) {
        b.windowStart = b.client->transport().wireStats();
      }
    }
    if ((windowStart != 0.0 && now >= windowEnd) || gStop.load()) {
      break;
    }
    const bool measuring = windowStart != 0.0;
    for (size_t i = 0; i < count; ++i) {
      Bot& b = bots[i];
      for (auto& e : b.client->service(i == 0 ? 1 : 0)) {
        if (auto* j = std::get_if<world::WorldClient::Joined>(&e)) {
          if (!b.joined) {
            b.joined = true;
            ++joinedCount;
          }
          rejoins += b.joins > 0 ? 1 : 0;
          ++b.joins;
          b.lastState.clear();
          statusLine(i, "joined",
                     "\"joins\":" + std::to_string(b.joins) +
                         ",\"id\":" + std::to_string(j->clientId) + ",\"role\":\"" +
                         std::string(net::roleName(j->role)) +
                         "\",\"resumed\":" + (j->resumed ? "true" : "false"));
        } else if (auto* l = std::get_if<world::WorldClient::Left>(&e)) {
          ++disconnects;
          if (b.joined) {
            b.joined = false;
            --joinedCount;
          }
          statusLine(i, "left",
                     "\"reason\":\"" + world::jsonEscape(net::toString(l->reason)) +
                         "\",\"will_retry\":" + (l->willRetry ? "true" : "false"));
        } else if (auto* r = std::get_if<world::WorldClient::Refused>(&e)) {
          statusLine(i, "refused", "\"intent\":\"" + world::jsonEscape(r->intent) + "\"");
        }
      }
      const double tSeconds = (now - start) / 1000.0;
      // With a loss window that opens on SIGUSR1, the pins and measurements
      // wait for it, so all of them are made while datagrams are lost.
      const bool actionsAllowed =
          !actAfterLossOpens || b.client->transport().lossStats().windowOpened;
      if (b.joined && i == 0 && actionsAllowed && b.client->hologramId() != 0 &&
          now >= b.nextActionMs) {
        b.nextActionMs = now + actionInterval * 1000.0;
        if (b.pinsSent < pins) {
          ++b.pinsSent;
          b.client->annotate({10.0F * static_cast<float>(b.pinsSent), 5.0F, -3.0F},
                             "pin " + std::to_string(b.pinsSent));
        } else if (b.measurementsSent < measurementsToAdd) {
          ++b.measurementsSent;
          b.client->measure({0.0F, 0.0F, 0.0F},
                            {3.0F * static_cast<float>(b.measurementsSent), 4.0F, 0.0F},
                            "m " + std::to_string(b.measurementsSent));
        }
      }
      if (b.joined && i == 0 && grab && b.client->hologramId() != 0) {
        if (b.client->holdingHologram()) {
          b.client->moveHologram(heldTransform(tSeconds));
        } else if (!b.grabSent) {
          b.grabSent = true;  // once: a lost grab stays lost
          b.client->grab();
        }
      }
      if (b.joined && b.misbehaving && !b.attacked) {
        b.attacked = true;
        // One message far over what the server accepts (it blocks the
        // reliable Control channel behind it for good), then garbage with
        // valid type bytes: inputs acknowledging snapshots never sent and
        // out of order, RPCs aimed at nothing.
        (void)b.client->transport().send(net::Channel::Control,
                                         std::vector<uint8_t>(size_t{2} * 1024 * 1024, 0x02));
        std::uniform_int_distribution<int> byte(0, 255);
        for (int k = 0; k < 200; ++k) {
          std::vector<uint8_t> junk(1 + static_cast<size_t>(byte(junkRng)));
          for (auto& v : junk) {
            v = static_cast<uint8_t>(byte(junkRng));
          }
          junk[0] = k % 3 == 0 ? 0x02 : (k % 3 == 1 ? 0x20 : junk[0]);
          (void)b.client->transport().send(k % 2 == 0 ? net::Channel::Control : net::Channel::Input,
                                           junk);
        }
        statusLine(i, "attacked", "\"messages\":201");
      }
      if (!b.lossOver && b.client->transport().lossStats().windowOver) {
        b.lossOver = true;
        const auto l = b.client->transport().lossStats();
        statusLine(i, "loss-over",
                   "\"dropped\":" + std::to_string(l.dropped) +
                       ",\"offered\":" + std::to_string(l.offered));
      }
      b.client->setLocalAvatar(motion(i, count, tSeconds));
      b.client->update();
      if (status && b.joined) {
        std::string state = sharedState(*b.client);
        if (state != b.lastState) {
          b.lastState = state;
          statusLine(i, "state",
                     "\"holding\":" + std::string(b.client->holdingHologram() ? "true" : "false") +
                         "," + state);
        }
      }
      const auto s = b.client->stats();
      if (s.inputsSent != b.inputsSent) {
        b.inputsSent = s.inputsSent;
        b.sentAt[s.lastInputSeq % kSendRing] = steadyMs();
      }
    }
    if (!measuring) {
      continue;
    }
    // Which remote inputs arrived since the last look.
    const double seenAt = steadyMs();
    for (auto& b : bots) {
      if (!b.joined) {
        continue;
      }
      // Only when a snapshot came in since the last look.
      const auto stats = b.client->stats();
      if (stats.snapshotsReceived == b.snapshots) {
        continue;
      }
      b.snapshots = stats.snapshotsReceived;
      tickMs.add(stats.serverTickMs);
      b.seen.resize(count, -1);
      for (size_t o = 0; o < count; ++o) {
        const Bot& other = bots[o];
        if (&other == &b || !other.joined) {
          continue;
        }
        const world::Actor* a = b.client->world().find(other.client->avatarId());
        if (a == nullptr) {
          continue;
        }
        const uint16_t seq = a->ref<world::AvatarComponent>().inputSeq;
        if (b.seen[o] < 0) {
          b.seen[o] = seq;
          continue;
        }
        if (b.seen[o] != seq) {
          b.seen[o] = seq;
          const double sent = other.sentAt[seq % kSendRing];
          if (sent > 0.0 && seenAt >= sent) {
            latencies.add(seenAt - sent);
          }
        }
      }
    }
  }
  if (windowStart == 0.0) {
    windowStart = steadyMs() - 1.0;  // stopped before every bot joined
  }
  const double windowS = (steadyMs() - windowStart) / 1000.0;

  double downPerAvatar = 0.0;
  double up = 0.0;
  size_t measured = 0;
  for (auto& b : bots) {
    if (!b.joined) {
      continue;
    }
    const auto w = b.client->transport().wireStats();
    const size_t avatars = b.client->world().actorsWith<world::AvatarComponent>().size();
    const size_t remote = avatars > 0 ? avatars - 1 : 0;
    if (remote > 0) {
      downPerAvatar += static_cast<double>(w.bytesReceived - b.windowStart.bytesReceived) /
                       windowS / static_cast<double>(remote);
    }
    up += static_cast<double>(w.bytesSent - b.windowStart.bytesSent) / windowS;
    ++measured;
  }
  if (measured > 0) {
    downPerAvatar /= static_cast<double>(measured);
    up /= static_cast<double>(measured);
  }
  double tickMean = 0.0;
  for (double t : tickMs.values) {
    tickMean += t;
  }
  tickMean = tickMs.values.empty() ? 0.0 : tickMean / static_cast<double>(tickMs.values.size());
  const double tickMax = tickMs.max;
  for (auto& b : bots) {
    b.client->disconnect();
  }
  for (int i = 0; i < 50; ++i) {
    for (auto& b : bots) {
      (void)b.client->service(0);
    }
  }
  // After the goodbyes: sorting the samples takes a moment, and a bot that
  // says nothing for 3 s is dropped by the server.
  const double p50 = percentile(latencies.values, 0.50);
  const double p99 = percentile(latencies.values, 0.99);
  std::printf(
      "{\"summary\":true,\"connected\":%zu,\"count\":%zu,\"disconnects\":%llu,"
      "\"rejoins\":%llu,\"duration_s\":%.2f,"
      "\"bytes_per_avatar_per_s\":%.1f,\"upstream_bytes_per_s\":%.1f,"
      "\"pose_latency_ms\":{\"p50\":%.2f,\"p99\":%.2f,\"samples\":%zu},"
      "\"server_tick_ms\":{\"mean\":%.3f,\"max\":%.3f}}\n",
      measured, count, static_cast<unsigned long long>(disconnects),
      static_cast<unsigned long long>(rejoins), windowS, downPerAvatar, up, p50, p99,
      static_cast<size_t>(latencies.seen), tickMean, tickMax);
  return measured >= count - misbehave ? kExitOk : kExitNotConnected;
}

int main(int argc, char** argv) {
  return medverse::apps::runTool("medverse-bots", [&] { return toolMain(argc, argv); });
}
