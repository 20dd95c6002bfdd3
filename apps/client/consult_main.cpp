#include "consult_main.h"

#include <sys/stat.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "../common/cli.h"
#include "medverse/app/case_scene.h"
#include "medverse/app/consult_app.h"
#include "medverse/app/consult_goal.h"
#include "medverse/app/consult_session.h"
#include "medverse/app/consult_view.h"
#include "medverse/assets/room.h"
#include "medverse/imaging/case_bundle.h"
#include "medverse/net/role.h"
#include "medverse/world/journal.h"
#ifdef MEDVERSE_HAS_XR
#include "medverse/app/xr_mode.h"
#endif

using namespace medverse::apps;  // exit codes, parseCommandLine

namespace {

namespace fs = std::filesystem;
using namespace medverse;

int usage(const std::string& message) {
  std::fprintf(stderr, "medverse: %s\n", message.c_str());
  return kExitUsage;
}
int failure(const std::string& message) {
  std::fprintf(stderr, "medverse: %s\n", message.c_str());
  return kExitFailure;
}

bool haveDisplay() {
  const char* x = std::getenv("DISPLAY");
  const char* w = std::getenv("WAYLAND_DISPLAY");
  return (x != nullptr && *x != '\0') || (w != nullptr && *w != '\0');
}

bool parseHostPort(const std::string& text, std::string& host, uint16_t& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return false;
  }
  host = text.substr(0, colon);
  const char* begin = text.data() + colon + 1;
  const char* end = text.data() + text.size();
  auto [p, e] = std::from_chars(begin, end, port);
  return e == std::errc() && p == end && port != 0;
}

void printProgress(const net::AssetProgress& p) {
  const double mb = 1024.0 * 1024.0;
  const double pct = p.bytesTotal > 0 ? 100.0 * static_cast<double>(p.bytesDone) /
                                            static_cast<double>(p.bytesTotal)
                                      : 0.0;
  std::printf("receiving the room's case: %5.1f%% (%.1f of %.1f MB)\n", pct,
              static_cast<double>(p.bytesDone) / mb, static_cast<double>(p.bytesTotal) / mb);
  std::fflush(stdout);
}

// ROLE:NAME=FILE -> a token file for someone else to join this room.
int writeInvites(const ConsultFlags& flags, app::ConsultSession& session) {
  for (const std::string& invite : flags.invites) {
    const auto colon = invite.find(':');
    const auto equals = invite.rfind('=');
    if (colon == std::string::npos || equals == std::string::npos || equals < colon) {
      return usage("--invite '" + invite + "' is not ROLE:NAME=FILE");
    }
    Result<net::Role> role = net::parseRole(invite.substr(0, colon));
    if (!role) {
      return usage("--invite '" + invite + "': " + role.error().message);
    }
    const std::string name = invite.substr(colon + 1, equals - colon - 1);
    const std::string file = invite.substr(equals + 1);
    Result<std::string> token = session.issueToken(name, *role);
    if (!token) {
      return usage("--invite '" + invite + "': " + token.error().message);
    }
    std::ofstream out(file, std::ios::trunc);
    if (!out || !(out << *token << "\n")) {
      return failure("--invite: cannot write " + file);
    }
    out.close();
    ::chmod(file.c_str(), 0600);  // a token is a credential
    std::printf("invite for %s (%s): %s\n", name.c_str(), std::string(net::roleName(*role)).c_str(),
                file.c_str());
  }
  return kExitOk;
}

}  // namespace

void addConsultFlags(CLI::App& app, ConsultFlags& flags) {
  app.add_flag("--host", flags.host,
               "host a consult room in-process (the default with no arguments) and join it\n"
               "as its expert; the case is --case (a bundle) or the sample case");
  app.add_option("--connect", flags.connect,
                 "join a remote room at HOST:PORT (needs --token-file)");
  app.add_option("--token-file", flags.tokenFile,
                 "file holding the connect token (medverse-server token, or --invite)");
  app.add_option("--bind", flags.bind,
                 "--host: address to listen on (default 127.0.0.1; 0.0.0.0 for other machines)");
  app.add_option("--port", flags.port, "--host: UDP port to listen on (default: any free port)");
  app.add_option("--room", flags.room, "--host: the room's name (tokens name it)");
  app.add_option("--name", flags.name, "--host: your display name");
  app.add_option("--invite", flags.invites,
                 "--host: write a token for someone else as ROLE:NAME=FILE\n"
                 "(e.g. doctor:Dr. Weber=weber.token); repeatable");
  app.add_option("--input-script", flags.inputScript,
                 "scripted mouse and keyboard input (JSON: timed key/mouse events), for tests\n"
                 "and headless runs; in a window the script plays first, then the mouse and\n"
                 "keyboard are yours; see engine/app/desktop_controls.h");
  app.add_option("--until", flags.until,
                 "scripted runs: before the final frame, wait until the room shows all of\n"
                 "pins>=N, measurements>=N, participants>=N, clip, released, turned, alone\n"
                 "(comma-separated; e.g. pins>=1,measurements>=1,clip,released)");
  app.add_option("--until-timeout", flags.untilTimeoutS,
                 "seconds to wait for --until before failing (default 120)");
  app.add_option("--state-json", flags.stateJson,
                 "write the room's final state as this client sees it (hologram, pins,\n"
                 "measurements, people) to this JSON file");
  app.add_option("--follow", flags.follow,
                 "spectator: follow the participant with this display name");
  app.add_option("--journal", flags.journal,
                 "--host: keep the room's audit trail (who joined, grabbed, cut, measured...)\n"
                 "in this SQLite journal; list it with medverse-server audit --journal FILE");
  app.add_option("--cache-dir", flags.cacheDir,
                 "--connect: where received cases are kept (default: MEDVERSE_CACHE/rooms)");
}

bool consultRequested(const ConsultFlags& flags) {
  return flags.host || !flags.connect.empty() || !flags.tokenFile.empty() ||
         !flags.inputScript.empty() || !flags.invites.empty() || !flags.until.empty() ||
         !flags.stateJson.empty() || !flags.follow.empty() || !flags.journal.empty();
}

int runConsultMain(const ConsultFlags& flags, const ConsultRun& run) {
  const bool joining = !flags.connect.empty();
  if (joining && flags.host) {
    return usage("--host and --connect exclude each other");
  }
  if (joining != !flags.tokenFile.empty()) {
    return usage("--connect HOST:PORT and --token-file FILE go together");
  }
  if (run.mode == "spectator" && !joining) {
    return usage("--mode spectator watches a room: add --connect HOST:PORT --token-file FILE");
  }
#ifndef MEDVERSE_HAS_XR
  if (run.mode == "xr") {
    return usage("--mode xr: this build has no OpenXR (install libopenxr-dev)");
  }
#endif
  if (run.mode == "xr" && !flags.inputScript.empty()) {
    return usage(
        "--input-script is mouse and keyboard input; in --mode xr the runtime's\n"
        "controllers drive the room (xrsim: MEDVERSE_XRSIM_SCRIPT, docs/XR.md)");
  }
  std::optional<app::RoomGoal> goal;
  if (!flags.until.empty()) {
    Result<app::RoomGoal> parsed = app::RoomGoal::parse(flags.until);
    if (!parsed) {
      return usage(parsed.error().message);
    }
    goal = *parsed;
  }
  std::string mode = run.mode;
  if (mode.empty()) {
    mode = haveDisplay() ? "desktop" : "headless";
    if (mode == "headless") {
      std::printf("no display: running headless (--mode headless)\n");
    }
  }
  if (mode == "headless" && run.frames == 0 && flags.inputScript.empty() &&
      run.screenshot.empty()) {
    std::printf("headless: rendering one frame (give --frames, --input-script or --screenshot)\n");
  }

  // Declared before the session, which records into it until it ends.
  std::optional<world::Journal> journal;
  std::unique_ptr<app::ConsultSession> session;
  if (joining && !flags.journal.empty()) {
    return usage("--journal goes with --host: the room's server keeps the journal");
  }
  if (joining) {
    app::JoinOptions options;
    if (!parseHostPort(flags.connect, options.host, options.port)) {
      return usage("--connect '" + flags.connect + "' is not HOST:PORT");
    }
    std::ifstream in(flags.tokenFile);
    if (!in) {
      return failure("--token-file " + flags.tokenFile + ": cannot read the file");
    }
    std::stringstream text;
    text << in.rdbuf();
    options.token = text.str();
    options.caseCacheDir =
        flags.cacheDir.empty() ? app::defaultCacheDir() / "rooms" : fs::path(flags.cacheDir);
    options.onCaseProgress = printProgress;
    Result<std::unique_ptr<app::ConsultSession>> joined = app::ConsultSession::join(options);
    if (!joined) {
      return failure("--token-file " + flags.tokenFile + ": " + joined.error().message);
    }
    session = std::move(*joined);
    std::printf("joining room '%s' at %s\n", session->room().c_str(), flags.connect.c_str());
  } else {
    app::HostOptions options;
    fs::path caseDir;
    if (!run.casePath.empty()) {
      caseDir = run.casePath;
      if (!fs::is_directory(caseDir)) {
        return failure("--case " + run.casePath +
                       ": hosting needs a case bundle directory (medverse-case import)");
      }
    } else {
      const fs::path cache = app::defaultCacheDir();
      std::printf("preparing the sample case (imported once, cached in %s)\n",
                  cache.string().c_str());
      std::fflush(stdout);
      Result<imaging::CaseBundle> sample = app::loadSampleCase(cache);
      if (!sample) {
        return failure(sample.error().message);
      }
      caseDir = app::sampleCaseBundlePath(cache);
      if (!fs::is_directory(caseDir)) {
        return failure("the sample case could not be cached in " + cache.string() +
                       " (set MEDVERSE_CACHE to a writable directory)");
      }
    }
    Result<imaging::CaseBundle> bundle = imaging::readCaseBundle(caseDir);
    if (!bundle) {
      return failure("--case " + caseDir.string() + ": " + bundle.error().message);
    }
    options.caseDirectory = caseDir;
    options.bindHost = flags.bind;
    options.port = flags.port;
    options.room = flags.room;
    options.displayName = flags.name.empty() ? "Host" : flags.name;
    if (!flags.journal.empty()) {
      Result<world::Journal> opened = world::Journal::open(flags.journal);
      if (!opened) {
        return failure("--journal: " + opened.error().message);
      }
      auto annotations = opened->loadAnnotations();
      auto measurements = opened->loadMeasurements();
      if (!annotations || !measurements || !annotations->empty() || !measurements->empty()) {
        // A hosted room starts empty; an earlier room's pins would clash
        // with the new one's ids (medverse-server run restores them).
        return failure("--journal " + flags.journal +
                       " holds an earlier room's pins or measurements: give a new file");
      }
      journal.emplace(std::move(*opened));
      options.audit = &*journal;
    }
    const assets::Room room = assets::buildConsultRoom();
    options.hologramStart = app::hologramStartTransform(room.hologramAnchor, 0.002F);
    if (!bundle->windows.empty() && bundle->windows.front().width > 0.0) {
      options.window = std::array<float, 2>{static_cast<float>(bundle->windows.front().center),
                                            static_cast<float>(bundle->windows.front().width)};
    }
    Result<std::unique_ptr<app::ConsultSession>> hosted = app::ConsultSession::host(options);
    if (!hosted) {
      return failure(hosted.error().message);
    }
    session = std::move(*hosted);
    std::printf("hosting room '%s' on %s:%u with case %s\n", session->room().c_str(),
                flags.bind.c_str(), session->port(), caseDir.filename().string().c_str());
    if (int rc = writeInvites(flags, *session); rc != kExitOk) {
      return rc;
    }
  }

  auto writeState = [&](const app::ConsultFrame& last) -> bool {
    if (flags.stateJson.empty()) {
      return true;
    }
    std::ofstream out(flags.stateJson, std::ios::trunc);
    if (!out || !(out << app::consultStateJson(last))) {
      return false;
    }
    std::printf("state: %s\n", flags.stateJson.c_str());
    return true;
  };

#ifdef MEDVERSE_HAS_XR
  if (mode == "xr") {
    app::XrConsultOptions xrOptions;
    xrOptions.ar = run.ar;
    xrOptions.frames = run.frames;
    xrOptions.goal = goal;
    xrOptions.goalTimeoutMs = flags.untilTimeoutS * 1000U;
    xrOptions.screenshot = run.screenshot;
    Result<app::XrConsultReport> xrReport = app::runXrConsult(*session, xrOptions);
    if (!xrReport) {
      return failure(xrReport.error().message);
    }
    std::printf(
        "XR on %s (%s): %llu frame(s) in %u session(s) in room '%s': %zu pin(s), %zu "
        "measurement(s)\n",
        xrReport->xr.runtimeName.c_str(), xrReport->xr.deviceName.c_str(),
        static_cast<unsigned long long>(xrReport->xr.framesRendered), xrReport->xr.sessions,
        session->room().c_str(), xrReport->last.pins.size(), xrReport->last.measurements.size());
    for (const auto& r : session->refusals()) {
      std::printf("refused: %s: %s\n", r.intent.c_str(), r.reason.c_str());
    }
    std::printf("validation: %u OpenXR error(s), %u Vulkan error(s)\n",
                xrReport->xr.xrValidationErrors, xrReport->xr.vulkanValidationErrors);
    if (!writeState(xrReport->last)) {
      return failure("--state-json " + flags.stateJson + ": cannot write the file");
    }
    if (!run.screenshot.empty()) {
      std::printf("screenshot: %s\n", run.screenshot.c_str());
    }
    return xrReport->xr.xrValidationErrors == 0 && xrReport->xr.vulkanValidationErrors == 0
               ? kExitOk
               : kExitFailure;
  }
#endif

  app::ConsultAppOptions options;
  options.goal = goal;
  options.goalTimeoutMs = flags.untilTimeoutS * 1000U;
  options.follow = flags.follow;
  options.window = mode == "desktop" || mode == "spectator";
  options.width = run.width;
  options.height = run.height;
  options.frames = run.frames;
  options.vsync = run.vsync;
  options.overlay = run.overlay;
  options.screenshot = run.screenshot;
  options.inputScript = flags.inputScript;
  Result<app::ConsultAppReport> report = app::runConsult(*session, options);
  if (!report) {
    return failure(report.error().message);
  }
  size_t present = 0;
  for (const app::ParticipantView& p : report->last.participants) {
    present += p.connected ? 1 : 0;
  }
  std::printf(
      "rendered %u frame(s) in room '%s' on %s: %zu participant(s), %zu pin(s), %zu "
      "measurement(s)\n",
      report->frames, session->room().c_str(), report->deviceName.c_str(), present,
      report->last.pins.size(), report->last.measurements.size());
  for (const app::MeasurementView& m : report->last.measurements) {
    std::printf("measurement: %s\n",
                app::measurementText(m.measurement.aMm, m.measurement.bMm).c_str());
  }
  for (const auto& r : session->refusals()) {
    std::printf("refused: %s: %s\n", r.intent.c_str(), r.reason.c_str());
  }
  if (report->validationEnabled) {
    std::printf("validation: %u error(s), %u warning(s)\n", report->validationErrors,
                report->validationWarnings);
  }
  if (!writeState(report->last)) {
    return failure("--state-json " + flags.stateJson + ": cannot write the file");
  }
  if (!run.screenshot.empty()) {
    std::printf("screenshot: %s\n", run.screenshot.c_str());
  }
  return report->validationErrors == 0 ? kExitOk : kExitFailure;
}
