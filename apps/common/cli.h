#pragma once
// What every MedVerse command-line tool does the same way: its exit codes and
// how it parses a command line with subcommands (CLI11).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

namespace medverse::apps {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;   // a runtime failure (a validation error included)
constexpr int kExitUsage = 2;     // flags that do not parse or do not go together
constexpr int kExitBadInput = 3;  // a file, folder or token given is missing or broken

// Parses argv into `app`. CLI11 would only say "A subcommand is required"
// for a mistyped subcommand; this names the word and the ones it knows.
// Returns the exit code to leave with (help printed: 0, usage error: 2), or
// -1 to carry on.
inline int parseCommandLine(CLI::App& app, int argc, char** argv, const char* tool) {
  const auto subcommands = app.get_subcommands([](CLI::App*) { return true; });
  if (!subcommands.empty() && argc > 1 && argv[1][0] != '-') {
    std::string names;
    bool known = false;
    for (const CLI::App* sub : subcommands) {
      known = known || sub->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::fprintf(stderr, "%s: unknown command '%s' (expected one of: %s)\n", tool, argv[1],
                   names.c_str());
      return kExitUsage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  return -1;
}

// Runs a tool's main body; an exception that escaped it (a bug: errors are
// returned as results) ends the tool with a message and exit code 1
// instead of std::terminate's abort.
template <typename Body>
int runTool(const char* tool, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: internal error: %s\n", tool, e.what());
  } catch (...) {
    std::fprintf(stderr, "%s: internal error (an unknown exception)\n", tool);
  }
  return kExitFailure;
}

}  // namespace medverse::apps
