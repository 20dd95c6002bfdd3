#include "medverse/net/loss_injection.h"

#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <random>
#include <string>
#include <unordered_map>

#include "enet_glue.h"
#include "medverse/core/log.h"

namespace medverse::net {
namespace {

uint64_t steadyMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

template <typename T>
bool parseNumber(std::string_view text, T& out) {
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && p == end;
}

// When the process received SIGUSR1 (steady milliseconds, 0: not yet): the
// start of every window configured to open on the signal.
std::atomic<uint64_t> g_signalMs{0};
static_assert(std::atomic<uint64_t>::is_always_lock_free);

extern "C" void onStartSignal(int /*signal*/) {
  // clock_gettime is async-signal-safe; CLOCK_MONOTONIC is steady_clock's
  // clock on Linux.
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  uint64_t expected = 0;
  g_signalMs.compare_exchange_strong(expected, static_cast<uint64_t>(now.tv_sec) * 1000 +
                                                   static_cast<uint64_t>(now.tv_nsec) / 1000000);
}

void installStartSignal() {
  struct sigaction action {};
  action.sa_handler = onStartSignal;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(SIGUSR1, &action, nullptr);
}

}  // namespace

struct LossHook::State {
  LossInjection config;
  uint64_t startMs = 0;
  std::mt19937_64 rng;
  std::bernoulli_distribution coin{0.0};
  LossStats stats;
  bool announcedEnd = false;

  // Where the window is at `now`: not yet open, open, or over.
  enum class Phase { Before, Open, Over };
  [[nodiscard]] Phase phase(uint64_t now) const {
    uint64_t opens = startMs + config.startAfterMs;
    if (config.startOnSignal) {
      opens = g_signalMs.load();
      if (opens == 0) {
        return Phase::Before;
      }
    }
    if (now < opens) {
      return Phase::Before;
    }
    if (config.durationMs != 0 && now - opens >= config.durationMs) {
      return Phase::Over;
    }
    return Phase::Open;
  }
};

namespace {

std::mutex g_hooksMutex;
std::unordered_map<const ENetHost*, LossHook::State*> g_hooks;
uint64_t g_hooksInstalled = 0;

int ENET_CALLBACK interceptDatagram(ENetHost* host, ENetEvent* /*event*/) {
  LossHook::State* state = nullptr;
  {
    std::lock_guard lock(g_hooksMutex);
    auto it = g_hooks.find(host);
    if (it == g_hooks.end()) {
      return 0;
    }
    state = it->second;
  }
  const auto phase = state->phase(steadyMs());
  if (phase == LossHook::State::Phase::Before) {
    return 0;
  }
  if (phase == LossHook::State::Phase::Over) {
    state->stats.windowOver = true;
    if (!state->announcedEnd) {
      state->announcedEnd = true;
      log::get("net")->info("loss injection over: dropped {} of {} incoming datagrams",
                            state->stats.dropped, state->stats.offered);
    }
    return 0;
  }
  ++state->stats.offered;
  if (state->coin(state->rng)) {
    ++state->stats.dropped;
    return 1;  // intercepted: ENet never sees it
  }
  return 0;
}

}  // namespace

LossHook::LossHook() = default;

LossHook::~LossHook() {
  uninstall();
}

void LossHook::install(ENetHost* host, const LossInjection& config) {
  uninstall();
  if (!config.enabled() || host == nullptr) {
    return;
  }
  state_ = std::make_unique<State>();
  state_->config = config;
  state_->startMs = steadyMs();
  state_->coin = std::bernoulli_distribution(std::min(1.0, config.drop));
  if (config.startOnSignal) {
    installStartSignal();
  }
  {
    std::lock_guard lock(g_hooksMutex);
    // Each host in the process draws its own sequence, repeatable by
    // creation order.
    state_->rng.seed(config.seed * 0x9E3779B97F4A7C15ULL + ++g_hooksInstalled);
    g_hooks[host] = state_.get();
  }
  host_ = host;
  host->intercept = interceptDatagram;
  log::get("net")->warn(
      "loss injection: dropping {:.0f}% of incoming datagrams{}{} (seed {})", config.drop * 100.0,
      config.durationMs != 0 ? " for " + std::to_string(config.durationMs) + " ms" : std::string(),
      config.startOnSignal       ? std::string(" from the first SIGUSR1")
      : config.startAfterMs != 0 ? " after " + std::to_string(config.startAfterMs) + " ms"
                                 : std::string(),
      config.seed);
}

void LossHook::uninstall() {
  if (host_ == nullptr) {
    return;
  }
  {
    std::lock_guard lock(g_hooksMutex);
    g_hooks.erase(host_);
  }
  host_ = nullptr;
  state_.reset();
}

LossStats LossHook::stats() const {
  if (!state_) {
    return {};
  }
  LossStats s = state_->stats;
  const auto phase = state_->phase(steadyMs());
  s.windowOpened = phase != State::Phase::Before;
  s.windowOver = phase == State::Phase::Over;
  return s;
}

bool LossHook::installed() const {
  return host_ != nullptr;
}

Result<LossInjection> parseLossInjection(std::string_view text) {
  const std::string shown(text);
  LossInjection out;
  std::string_view rest = text;
  auto next = [&rest]() {
    const auto colon = rest.find(':');
    std::string_view part = rest.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    return part;
  };
  const std::string_view drop = next();
  if (!parseNumber(drop, out.drop) || !(out.drop >= 0.0 && out.drop <= 1.0)) {
    return makeError("packet loss '" + shown +
                     "': the drop probability must be a number from 0 to 1 (e.g. 0.3)");
  }
  if (!rest.empty() || text.find(':') != std::string_view::npos) {
    if (!parseNumber(next(), out.durationMs)) {
      return makeError("packet loss '" + shown + "': the duration must be whole milliseconds");
    }
  }
  if (!rest.empty()) {
    const std::string_view start = next();
    if (start == "usr1") {
      out.startOnSignal = true;
    } else if (!parseNumber(start, out.startAfterMs)) {
      return makeError("packet loss '" + shown +
                       "': the start must be a delay in whole milliseconds or 'usr1'");
    }
  }
  if (!rest.empty()) {
    return makeError("packet loss '" + shown + "': expected P[:DURATION_MS[:START_AFTER_MS|usr1]]");
  }
  return out;
}

Result<std::optional<LossInjection>> lossInjectionFromEnvironment() {
  const char* text = std::getenv("MEDVERSE_NET_DROP");  // NOLINT(concurrency-mt-unsafe)
  if (text == nullptr || *text == '\0') {
    return std::optional<LossInjection>();
  }
  auto parsed = parseLossInjection(text);
  if (!parsed) {
    return makeError("MEDVERSE_NET_DROP: " + parsed.error().message);
  }
  // NOLINTNEXTLINE(concurrency-mt-unsafe): read once at start-up
  if (const char* seed = std::getenv("MEDVERSE_NET_DROP_SEED"); seed != nullptr && *seed != '\0') {
    if (!parseNumber(std::string_view(seed), parsed->seed)) {
      return makeError("MEDVERSE_NET_DROP_SEED '" + std::string(seed) + "' is not a whole number");
    }
  }
  return std::optional<LossInjection>(*parsed);
}

}  // namespace medverse::net
