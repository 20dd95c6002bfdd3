// medverse-server: the dedicated room server. This build provides the key
// and token tools; hosting a room (replication, session rules, case
// distribution) is the next step of the networking issue.
// Exit codes: 0 success, 2 usage error, 3 bad input.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

#include "medverse/core/log.h"
#include "medverse/net/connect_token.h"
#include "medverse/net/key.h"
#include "medverse/net/role.h"

using namespace medverse;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitBadInput = 3;

int fail(const std::string& message, int code = kExitBadInput) {
  std::fprintf(stderr, "medverse-server: %s\n", message.c_str());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  log::setLevelFromEnv();
  CLI::App app{
      "medverse-server: hosts MedVerse consult rooms.\n"
      "keygen creates the key shared by the token issuer and the server;\n"
      "token issues a connect token that lets one participant join one room."};
  app.require_subcommand(1);
  app.footer("Exit codes: 0 success, 2 usage error, 3 bad input.");

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
  token->add_option("--ttl", ttl, "seconds until the token expires")->check(CLI::Range(1ULL, 604800ULL));
  token->add_option("--client-id", clientId, "client id, 1 or more (default: random)")
      ->check(CLI::PositiveNumber);

  // CLI11 would only say "A subcommand is required"; name the word instead.
  if (argc > 1 && argv[1][0] != '-') {
    std::string names;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      known = known || sub->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::fprintf(stderr, "medverse-server: unknown command '%s' (expected one of: %s)\n", argv[1],
                   names.c_str());
      return kExitUsage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
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
  Result<std::string> text = net::issueTokenString(*key, name, *parsedRole, room, ttl,
                                                   clientId != 0 ? clientId : net::randomClientId());
  if (!text) {
    return fail(text.error().message);
  }
  std::printf("%s\n", text->c_str());
  return kExitOk;
}
