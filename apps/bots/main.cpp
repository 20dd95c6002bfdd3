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
// joined (or the join timeout passed). Exit codes: 0 ok, 2 usage, 3 bad
// input, 5 not every bot connected.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "medverse/core/log.h"
#include "medverse/net/connect_token.h"
#include "medverse/net/key.h"
#include "medverse/world/world_client.h"

using namespace medverse;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitBadInput = 3;
constexpr int kExitNotConnected = 5;
constexpr double kJoinTimeoutMs = 30000.0;
constexpr size_t kSendRing = 4096;

double steadyMs() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
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
  const glm::vec3 head(static_cast<float>(radius * std::cos(around) + 0.05 * std::sin(0.3 * t + phase)),
                       static_cast<float>(1.65 + 0.02 * std::sin(0.25 * t + phase) +
                                          0.004 * std::sin(1.6 * t)),
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
    const glm::quat twist = glm::angleAxis(static_cast<float>(0.5 * std::sin(f * t)),
                                           glm::vec3(0, 0, 1));
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

struct Bot {
  std::unique_ptr<world::WorldClient> client;
  bool joined = false;
  std::vector<double> sentAt = std::vector<double>(kSendRing, 0.0);
  uint64_t inputsSent = 0;
  // Newest input sequence seen per other bot (-1: none yet).
  std::vector<int32_t> seen;
  uint64_t snapshots = 0;
  net::WireStats windowStart;
};

}  // namespace

int main(int argc, char** argv) {
  log::setLevelFromEnv();
  CLI::App app{"medverse-bots: simulated participants for load and latency figures"};
  std::string connect;
  std::string keyPath;
  std::string roleName = "doctor";
  std::string room = "consult";
  size_t count = 8;
  double duration = 10.0;
  app.add_option("--connect", connect, "server HOST:PORT")->required();
  app.add_option("--key", keyPath, "issuer key file the server uses")->required();
  app.add_option("--count", count, "bots")->check(CLI::Range(size_t{1}, size_t{1000}));
  app.add_option("--duration", duration, "seconds to measure")->check(CLI::Range(0.1, 86400.0));
  app.add_option("--role", roleName, "expert, doctor, trainee or spectator");
  app.add_option("--room", room, "room name (as the server's --room)");
  app.footer("Exit codes: 0 ok, 2 usage error, 3 bad input, 5 not every bot connected.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
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
  Result<net::Role> role = net::parseRole(roleName);
  if (!role) {
    return fail(role.error().message, kExitUsage);
  }
  Result<net::Key> key = net::loadKey(keyPath);
  if (!key) {
    return fail(key.error().message);
  }

  std::vector<Bot> bots(count);
  const uint64_t idBase = net::randomClientId() & 0x00FFFFFFFFFF0000ULL;
  for (size_t i = 0; i < count; ++i) {
    auto token = net::issueTokenString(*key, "bot-" + std::to_string(i), *role, room,
                                       static_cast<uint64_t>(duration) + 600, idBase + i + 1);
    if (!token) {
      return fail(token.error().message);
    }
    world::WorldClientConfig clientConfig;
    clientConfig.interpolate = false;  // bots never draw
    bots[i].client = std::make_unique<world::WorldClient>(clientConfig);
    if (Status s = bots[i].client->connect(host, static_cast<uint16_t>(port), *token); !s) {
      return fail(s.error().message);
    }
  }

  size_t joinedCount = 0;
  uint64_t disconnects = 0;
  const double start = steadyMs();
  double windowStart = 0.0;
  double windowEnd = 0.0;
  std::vector<double> latencies;
  std::vector<double> tickMs;
  while (true) {
    const double now = steadyMs();
    if (windowStart == 0.0 && (joinedCount == count || now - start > kJoinTimeoutMs)) {
      windowStart = now;
      windowEnd = now + duration * 1000.0;
      for (auto& b : bots) {
        b.windowStart = b.client->transport().wireStats();
      }
    }
    if (windowStart != 0.0 && now >= windowEnd) {
      break;
    }
    const bool measuring = windowStart != 0.0;
    for (size_t i = 0; i < count; ++i) {
      Bot& b = bots[i];
      for (auto& e : b.client->service(i == 0 ? 1 : 0)) {
        if (std::holds_alternative<world::WorldClient::Joined>(e) && !b.joined) {
          b.joined = true;
          ++joinedCount;
        } else if (std::holds_alternative<world::WorldClient::Left>(e)) {
          ++disconnects;
          b.joined = false;
          --joinedCount;
        }
      }
      b.client->setLocalAvatar(motion(i, count, (now - start) / 1000.0));
      b.client->update();
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
      tickMs.push_back(stats.serverTickMs);
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
            latencies.push_back(seenAt - sent);
          }
        }
      }
    }
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
  for (double t : tickMs) {
    tickMean += t;
  }
  tickMean = tickMs.empty() ? 0.0 : tickMean / static_cast<double>(tickMs.size());
  const double tickMax = tickMs.empty() ? 0.0 : *std::max_element(tickMs.begin(), tickMs.end());
  const double p50 = percentile(latencies, 0.50);
  const double p99 = percentile(latencies, 0.99);
  for (auto& b : bots) {
    b.client->disconnect();
  }
  for (int i = 0; i < 50; ++i) {
    for (auto& b : bots) {
      (void)b.client->service(0);
    }
  }
  std::printf(
      "{\"connected\":%zu,\"count\":%zu,\"disconnects\":%llu,\"duration_s\":%.2f,"
      "\"bytes_per_avatar_per_s\":%.1f,\"upstream_bytes_per_s\":%.1f,"
      "\"pose_latency_ms\":{\"p50\":%.2f,\"p99\":%.2f,\"samples\":%zu},"
      "\"server_tick_ms\":{\"mean\":%.3f,\"max\":%.3f}}\n",
      measured, count, static_cast<unsigned long long>(disconnects), windowS, downPerAvatar, up,
      p50, p99, latencies.size(), tickMean, tickMax);
  return measured == count ? kExitOk : kExitNotConnected;
}
