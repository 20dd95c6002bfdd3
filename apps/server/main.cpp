// medverse-server: the dedicated room server.
//   run     hosts one consult room (replication, session rules) until
//           SIGINT/SIGTERM
//   keygen  creates the key shared by the token issuer and the server
//   token   issues a connect token
//   audit   lists a room journal's audit trail: who did what, when
// Case distribution is not here yet: the server announces the case's name and
// manifest hash; clients must already have it.
// Exit codes: 0 success, 2 usage error, 3 bad input, 4 cannot listen.
#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "../common/cli.h"
#include "medverse/core/hash.h"
#include "medverse/core/log.h"
#include "medverse/net/connect_token.h"
#include "medverse/net/key.h"
#include "medverse/net/loss_injection.h"
#include "medverse/net/role.h"
#include "medverse/world/journal.h"
#include "medverse/world/world_server.h"

using namespace medverse::apps;  // exit codes, parseCommandLine

using namespace medverse;

namespace {

constexpr int kExitListen = 4;

int fail(const std::string& message, int code = kExitBadInput) {
  std::fprintf(stderr, "medverse-server: %s\n", message.c_str());
  return code;
}

std::atomic<bool> gStop{false};
extern "C" void onSignal(int /*signal*/) {
  gStop.store(true);
}

struct RunOptions {
  std::string casePath;
  std::string room = "consult";
  std::string bind = "0.0.0.0";
  uint16_t port = 7777;
  uint32_t tickHz = 60;
  uint32_t maxClients = 128;
  std::string keyPath;
  std::string journalPath;
  bool restrictDoctors = false;
  std::string eventsPath;  // JSON lines of ServerEvents; "-" for stdout
};

// One JSON line per event, flushed at once so a watching process sees it
// as it happens. mono_ms is CLOCK_MONOTONIC in milliseconds.
void writeEvent(std::FILE* out, const world::ServerEvent& e) {
  const auto& t = e.hologram;
  std::fprintf(out,
               "{\"event\":\"%s\",\"client\":%llu,\"mono_ms\":%llu,\"detail\":\"%s\","
               "\"hologram\":{\"position\":[%.6f,%.6f,%.6f],\"rotation\":[%.6f,%.6f,%.6f,%.6f],"
               "\"scale\":[%.6g,%.6g,%.6g]}}\n",
               e.kind.c_str(), static_cast<unsigned long long>(e.clientId),
               static_cast<unsigned long long>(e.monoMs), world::jsonEscape(e.detail).c_str(),
               t.position.x, t.position.y, t.position.z, t.rotation.w, t.rotation.x, t.rotation.y,
               t.rotation.z, t.scale.x, t.scale.y, t.scale.z);
  std::fflush(out);
}

int runRoom(const RunOptions& o) {
  // The case: a bundle directory from medverse-case; announced by its
  // directory name and the hash of its manifest (which lists every blob's
  // hash, so it names the whole content).
  const std::filesystem::path casePath(o.casePath);
  const std::filesystem::path manifest = casePath / "manifest.json";
  Result<Hash256> caseHash = hashFile(manifest);
  if (!caseHash) {
    return fail("--case " + o.casePath + " is not a case bundle: " + caseHash.error().message);
  }
  Result<net::Key> key = net::loadKey(o.keyPath);
  if (!key) {
    return fail(key.error().message);
  }
  // The journal (SQLite, docs/RELIABILITY.md): every audit event is on disk
  // before the server acts on it; annotations and measurements kept by an
  // earlier run of the room come back into it.
  std::optional<world::Journal> journal;
  std::vector<world::JournalAnnotation> restoredAnnotations;
  std::vector<world::JournalMeasurement> restoredMeasurements;
  if (!o.journalPath.empty()) {
    Result<world::Journal> opened = world::Journal::open(o.journalPath);
    if (!opened) {
      return fail("--journal: " + opened.error().message);
    }
    journal.emplace(std::move(*opened));
    auto annotations = journal->loadAnnotations();
    auto measurements = journal->loadMeasurements();
    if (!annotations || !measurements) {
      return fail("--journal " + o.journalPath + ": " +
                  (!annotations ? annotations.error() : measurements.error()).message);
    }
    restoredAnnotations = std::move(*annotations);
    restoredMeasurements = std::move(*measurements);
  }
  auto loss = net::lossInjectionFromEnvironment();
  if (!loss) {
    return fail(loss.error().message, kExitUsage);
  }
  std::FILE* events = nullptr;
  if (o.eventsPath == "-") {
    events = stdout;
  } else if (!o.eventsPath.empty()) {
    events = std::fopen(o.eventsPath.c_str(), "a");
    if (events == nullptr) {
      return fail("--events " + o.eventsPath + ": cannot open the file for writing");
    }
  }
  world::WorldServerConfig config;
  if (*loss) {
    config.net.loss = **loss;
  }
  if (events != nullptr) {
    config.onEvent = [events](const world::ServerEvent& e) { writeEvent(events, e); };
  }
  config.net.bindHost = o.bind;
  config.net.port = o.port;
  config.net.room = o.room;
  config.net.issuerKey = *key;
  config.net.maxClients = o.maxClients;
  config.tickHz = o.tickHz;
  config.caseName = casePath.filename().empty() ? casePath.parent_path().filename().string()
                                                : casePath.filename().string();
  config.caseHash = caseHash->hex();
  config.caseDirectory = casePath;  // offered to clients that lack it (asset channel)
  config.audit = journal ? &*journal : nullptr;
  const size_t keptAnnotations = restoredAnnotations.size();
  const size_t keptMeasurements = restoredMeasurements.size();
  config.restoredAnnotations = std::move(restoredAnnotations);
  config.restoredMeasurements = std::move(restoredMeasurements);
  config.rules.restrictDoctors = o.restrictDoctors;
  auto server = world::WorldServer::start(std::move(config));
  if (!server) {
    return fail(server.error().message, kExitListen);
  }
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  std::fprintf(stderr, "medverse-server: room '%s' on %s:%u at %u Hz, case %s (%s)\n",
               o.room.c_str(), o.bind.c_str(), server->port(), o.tickHz,
               casePath.filename().string().c_str(), caseHash->hex().substr(0, 16).c_str());
  if (journal) {
    std::fprintf(stderr, "medverse-server: journal %s (%zu annotations, %zu measurements kept)\n",
                 o.journalPath.c_str(), keptAnnotations, keptMeasurements);
  }
  server->run(gStop);
  const auto stats = server->stats();
  std::fprintf(stderr,
               "medverse-server: stopping after %llu ticks (mean tick %.3f ms, %llu refusals)\n",
               static_cast<unsigned long long>(stats.ticks), stats.meanTickMs,
               static_cast<unsigned long long>(stats.refusals));
  std::fprintf(stderr,
               "medverse-server: tick ms p50 %.3f p99 %.3f max %.3f (budget %.3f at %u Hz)\n",
               stats.p50TickMs, stats.p99TickMs, stats.maxTickMs, 1000.0 / o.tickHz, o.tickHz);
  if (events != nullptr && events != stdout) {
    std::fclose(events);
  }
  return kExitOk;  // the destructor tells every client the server is shutting down
}

// Prints the audit trail of a journal, oldest first: one line per entry
// (formatAuditEntry), or with --json one JSON object per line.
int listAudit(const std::string& path, bool json) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return fail("--journal " + path + ": no such journal file");
  }
  Result<world::Journal> journal = world::Journal::open(path);
  if (!journal) {
    return fail("--journal: " + journal.error().message);
  }
  Result<std::vector<world::JournalEntry>> entries = journal->loadAudit();
  if (!entries) {
    return fail("--journal: " + entries.error().message);
  }
  for (const world::JournalEntry& entry : *entries) {
    if (json) {
      const world::AuditEvent& e = entry.event;
      std::printf(
          "{\"seq\":%lld,\"unixMs\":%lld,\"type\":\"%s\",\"clientId\":%llu,\"name\":\"%s\","
          "\"role\":\"%s\",\"detail\":\"%s\",\"payload\":%s}\n",
          static_cast<long long>(entry.sequence), static_cast<long long>(entry.unixMs),
          std::string(world::auditTypeName(e.type)).c_str(),
          static_cast<unsigned long long>(e.clientId), world::jsonEscape(e.name).c_str(),
          world::jsonEscape(e.role).c_str(), world::jsonEscape(e.detail).c_str(),
          e.payloadJson.empty() ? "null" : e.payloadJson.c_str());
    } else {
      std::printf("%s\n", world::formatAuditEntry(entry).c_str());
    }
  }
  return kExitOk;
}

}  // namespace

static int toolMain(int argc, char** argv) {
  log::setLevelFromEnv();
  CLI::App app{
      "medverse-server: hosts MedVerse consult rooms.\n"
      "keygen creates the key shared by the token issuer and the server;\n"
      "token issues a connect token that lets one participant join one room."};
  app.require_subcommand(1);

  auto* run = app.add_subcommand("run", "host one consult room until SIGINT or SIGTERM");
  RunOptions runOptions;
  run->add_option("--case", runOptions.casePath, "case bundle directory (from medverse-case)")
      ->required();
  run->add_option("--key", runOptions.keyPath, "issuer key file (from keygen)")->required();
  run->add_option("--port", runOptions.port, "UDP port (0: any free port)");
  run->add_option("--tick", runOptions.tickHz, "ticks per second")->check(CLI::Range(1U, 240U));
  run->add_option("--journal", runOptions.journalPath,
                  "SQLite journal: the audit trail (join, leave, grants, refusals, annotations, "
                  "measurements), written before each takes effect; reopening it restores the "
                  "room's annotations and measurements");
  run->add_option("--room", runOptions.room, "room name tokens must carry (default: consult)");
  run->add_option("--bind", runOptions.bind, "local address to listen on");
  run->add_flag("--restrict-doctors", runOptions.restrictDoctors,
                "doctors need control granted by an expert, like trainees");
  run->add_option("--max-clients", runOptions.maxClients, "participants at most")
      ->check(CLI::Range(1U, 4000U));
  run->add_option("--events", runOptions.eventsPath,
                  "write what participants would notice (join, resume, leave, grab, release, "
                  "annotation, measurement, kick) as JSON lines with the monotonic time, to "
                  "this file (appended) or - for stdout");
  app.footer(
      "Exit codes: 0 success, 2 usage error, 3 bad input, 4 cannot listen.\n"
      "MEDVERSE_NET_DROP=P[:DURATION_MS[:START_AFTER_MS]] drops that share of incoming "
      "datagrams (fault tests; MEDVERSE_NET_DROP_SEED picks the sequence).");

  auto* keygen = app.add_subcommand("keygen", "create a new issuer/server key file (mode 0600)");
  std::string keygenPath;
  keygen->add_option("--key", keygenPath, "key file to create (never overwritten)")->required();

  auto* token = app.add_subcommand("token", "issue a connect token (printed on stdout)");
  std::string keyPath;
  std::string name;
  std::string role;
  std::string room;
  uint64_t ttl = 3600;
  uint64_t clientId = 0;
  token->add_option("--key", keyPath, "issuer key file (from keygen)")->required();
  token->add_option("--name", name, "participant's display name (1-64 bytes UTF-8)")->required();
  token->add_option("--role", role, "expert, doctor, trainee or spectator")->required();
  token->add_option("--room", room, "room the token admits to (1-64 bytes)")->required();
  token->add_option("--ttl", ttl, "seconds until the token expires")
      ->check(CLI::Range(1ULL, 604800ULL));
  token->add_option("--client-id", clientId, "client id, 1 or more (default: random)")
      ->check(CLI::PositiveNumber);

  auto* audit = app.add_subcommand(
      "audit",
      "list a room journal's audit trail (who joined, granted, grabbed, cut, measured...)");
  std::string auditJournal;
  bool auditJson = false;
  audit->add_option("--journal", auditJournal, "the room's journal (run --journal)")->required();
  audit->add_flag("--json", auditJson, "one JSON object per line, with each entry's payload");

  if (const int code = medverse::apps::parseCommandLine(app, argc, argv, "medverse-server");
      code >= 0) {
    return code;
  }

  if (*run) {
    return runRoom(runOptions);
  }
  if (*audit) {
    return listAudit(auditJournal, auditJson);
  }
  if (*keygen) {
    if (Status s = net::saveKey(net::Key::generate(), keygenPath); !s) {
      return fail(s.error().message);
    }
    std::fprintf(stderr, "medverse-server: wrote a new key to %s\n", keygenPath.c_str());
    return kExitOk;
  }
  Result<net::Role> parsedRole = net::parseRole(role);
  if (!parsedRole) {
    return fail(parsedRole.error().message, kExitUsage);
  }
  Result<net::Key> key = net::loadKey(keyPath);
  if (!key) {
    return fail(key.error().message);
  }
  Result<std::string> text = net::issueTokenString(
      *key, name, *parsedRole, room, ttl, clientId != 0 ? clientId : net::randomClientId());
  if (!text) {
    return fail(text.error().message);
  }
  std::printf("%s\n", text->c_str());
  return kExitOk;
}

int main(int argc, char** argv) {
  return medverse::apps::runTool("medverse-server", [&] { return toolMain(argc, argv); });
}
