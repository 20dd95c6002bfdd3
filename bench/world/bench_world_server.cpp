// Server CPU time per tick with 1, 10, 50 and 100 clients, every client
// moving its avatar every tick. Server and clients share one process and
// loopback; the figure is the server thread's CPU time inside tick() (what
// WorldServerStats reports), so the clients' own work does not count.
// Usage: bench_world_server [ticks per size] [sizes...]   (default 300; 1 10 50 100)
// Figures only; nothing here asserts.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "medverse/core/log.h"
#include "medverse/net/connect_token.h"
#include "medverse/net/key.h"
#include "medverse/world/world_client.h"
#include "medverse/world/world_server.h"

using namespace medverse;
using namespace medverse::world;

namespace {

world::AvatarPose poseFor(size_t i, int tick) {
  const float t = static_cast<float>(tick) / 60.0F + static_cast<float>(i);
  world::AvatarPose p;
  const glm::vec3 head(1.5F * std::cos(t * 0.3F), 1.65F + 0.02F * std::sin(t), 1.5F * std::sin(t * 0.3F));
  const glm::quat q = glm::angleAxis(t, glm::vec3(0, 1, 0));
  p.head = {head, q};
  p.leftHand = {head + glm::vec3(-0.2F, -0.4F + 0.1F * std::sin(2 * t), -0.3F), q};
  p.rightHand = {head + glm::vec3(0.2F, -0.4F, -0.3F + 0.1F * std::cos(2 * t)), q};
  p.pointer = p.rightHand;
  return p;
}

void run(size_t clients, int ticks) {
  const net::Key key = net::Key::generate();
  WorldServerConfig config;
  config.net.bindHost = "127.0.0.1";
  config.net.room = "bench";
  config.net.issuerKey = key;
  config.net.maxClients = static_cast<uint32_t>(clients + 8);
  auto server = WorldServer::start(config);
  if (!server) {
    std::fprintf(stderr, "%s\n", server.error().message.c_str());
    std::exit(1);
  }
  std::vector<std::unique_ptr<WorldClient>> cs;
  for (size_t i = 0; i < clients; ++i) {
    WorldClientConfig cc;
    cc.net.bindHost = "127.0.0.1";
    cs.push_back(std::make_unique<WorldClient>(cc));
    auto token = net::issueTokenString(key, "bot", net::Role::Doctor, "bench", 600, i + 1);
    (void)cs.back()->connect("127.0.0.1", server->port(), *token);
  }
  size_t joined = 0;
  for (int i = 0; i < 20000 && joined < clients; ++i) {
    server->poll(0);
    joined = 0;
    for (auto& c : cs) {
      (void)c->service(0);
      joined += c->joined() ? 1 : 0;
    }
  }
  // Warm up: everyone has everyone in full.
  auto step = [&](int tick) {
    for (size_t i = 0; i < cs.size(); ++i) {
      cs[i]->setLocalAvatar(poseFor(i, tick));
      cs[i]->sendInputNow();
      (void)cs[i]->service(0);
    }
    server->poll(0);
    server->tick();
  };
  for (int t = 0; t < 60; ++t) {
    step(t);
  }
  const auto before = server->stats();
  std::vector<double> samples;
  for (int t = 0; t < ticks; ++t) {
    step(60 + t);
    samples.push_back(server->stats().lastTickMs);
  }
  const auto after = server->stats();
  std::sort(samples.begin(), samples.end());
  double mean = 0.0;
  for (double s : samples) {
    mean += s;
  }
  mean /= static_cast<double>(samples.size());
  const double bytesPerClientTick = static_cast<double>(after.snapshotBytes - before.snapshotBytes) /
                                    static_cast<double>(after.snapshotsSent - before.snapshotsSent);
  std::printf("%4zu clients (%zu joined): tick CPU mean %.3f ms, p50 %.3f, p99 %.3f  (%.1f%% of one core at 60 Hz); snapshot %.0f B/client/tick\n",
              clients, joined, mean, samples[samples.size() / 2], samples[samples.size() * 99 / 100],
              mean * 60.0 / 10.0, bytesPerClientTick);
}

}  // namespace

int main(int argc, char** argv) {
  log::setLevel(spdlog::level::warn);
  const int ticks = argc > 1 ? std::atoi(argv[1]) : 300;
  std::vector<size_t> sizes{1, 10, 50, 100};
  if (argc > 2) {
    sizes.clear();
    for (int i = 2; i < argc; ++i) {
      sizes.push_back(static_cast<size_t>(std::atoi(argv[i])));
    }
  }
  for (size_t n : sizes) {
    run(n, ticks);
  }
  return 0;
}
