#pragma once
// `medverse` as the networked client: hosting a room in-process (no
// arguments, or --host) or joining one (--connect), in a window or headless.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

struct ConsultFlags {
  bool host = false;
  std::string connect;  // HOST:PORT
  std::string tokenFile;
  std::string bind = "127.0.0.1";
  uint16_t port = 0;
  std::string room = "consult";
  std::string name;
  std::vector<std::string> invites;  // ROLE:NAME=FILE
  std::string inputScript;
  std::string cacheDir;
  std::string until;      // RoomGoal terms (consult_goal.h)
  uint32_t untilTimeoutS = 120;
  std::string stateJson;  // the final room state as JSON
  std::string follow;     // spectator: follow this participant by name
  std::string journal;    // --host: the room's audit trail (SQLite journal)
};

struct ConsultRun {
  std::string mode;  // empty: desktop when there is a display, else headless
  uint32_t width = 1280;
  uint32_t height = 720;
  uint32_t frames = 0;
  bool vsync = true;
  std::string screenshot;
  std::string casePath;
  bool overlay = true;
  bool ar = false;
};

void addConsultFlags(CLI::App& app, ConsultFlags& flags);
bool consultRequested(const ConsultFlags& flags);
int runConsultMain(const ConsultFlags& flags, const ConsultRun& run);
