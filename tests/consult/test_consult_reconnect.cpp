// A participant who joined a remote room (medverse --connect) gets back in
// by itself when the server goes away and comes back on the same port: the
// session does not end, and it is the same person with the same role. No
// GPU, real clock (the reconnect backoff is real time); every wait is a
// bounded number of pumps.
#include <doctest/doctest.h>

#include <memory>

#include "medverse/app/consult_session.h"
#include "medverse/net/connect_token.h"
#include "medverse/net/key.h"
#include "medverse/world/world_server.h"

using namespace medverse;

namespace {

constexpr int kPumpBound = 4000;  // pumps of up to 5 ms

std::unique_ptr<world::WorldServer> startServer(const net::Key& key, uint16_t port) {
  world::WorldServerConfig config;
  config.net.bindHost = "127.0.0.1";
  config.net.port = port;
  config.net.room = "consult";
  config.net.issuerKey = key;
  config.caseName = "none";
  auto server = world::WorldServer::start(std::move(config));
  REQUIRE_MESSAGE(server.ok(), (server.ok() ? "" : server.error().message));
  return std::make_unique<world::WorldServer>(std::move(server).value());
}

template <typename Done>
bool pumpUntil(world::WorldServer* server, app::ConsultSession& session, Done&& done) {
  for (int i = 0; i < kPumpBound && !done(); ++i) {
    if (server != nullptr) {
      server->poll(0);
      server->tick();
    }
    session.pump(5);
  }
  return done();
}

}  // namespace

TEST_CASE("a joined participant reconnects by itself after the server restarts") {
  const net::Key key = net::Key::generate();
  auto server = startServer(key, 0);
  const uint16_t port = server->port();
  auto token = net::issueTokenString(key, "Dr. Weber", net::Role::Doctor, "consult", 600, 4242);
  REQUIRE(token.ok());
  app::JoinOptions options;
  options.port = port;
  options.token = *token;
  options.bindHost = "127.0.0.1";
  auto joined = app::ConsultSession::join(options);
  REQUIRE_MESSAGE(joined.ok(), (joined.ok() ? "" : joined.error().message));
  app::ConsultSession& session = **joined;
  REQUIRE(pumpUntil(server.get(), session, [&] { return session.joined(); }));
  const app::ConsultFrame before = session.extract();
  CHECK(before.localId == 4242);
  CHECK(before.localRole == net::Role::Doctor);

  server.reset();  // the server goes away
  REQUIRE(pumpUntil(nullptr, session, [&] { return !session.joined(); }));
  CHECK_FALSE(session.ended());  // waiting to retry, not given up
  server = startServer(key, port);
  REQUIRE(pumpUntil(server.get(), session, [&] { return session.joined(); }));
  CHECK_FALSE(session.ended());
  const app::ConsultFrame after = session.extract();
  CHECK(after.localId == 4242);
  CHECK(after.localRole == net::Role::Doctor);
  REQUIRE(server->participant(4242).has_value());
  CHECK(server->participant(4242)->connected);
  CHECK(server->participant(4242)->name == "Dr. Weber");
}

TEST_CASE("with reconnect off, losing the server ends the session") {
  const net::Key key = net::Key::generate();
  auto server = startServer(key, 0);
  auto token = net::issueTokenString(key, "Dr. Weber", net::Role::Doctor, "consult", 600, 4243);
  REQUIRE(token.ok());
  app::JoinOptions options;
  options.port = server->port();
  options.token = *token;
  options.bindHost = "127.0.0.1";
  options.reconnect = false;
  auto joined = app::ConsultSession::join(options);
  REQUIRE(joined.ok());
  app::ConsultSession& session = **joined;
  REQUIRE(pumpUntil(server.get(), session, [&] { return session.joined(); }));
  server.reset();
  REQUIRE(pumpUntil(nullptr, session, [&] { return session.ended(); }));
  CHECK(session.endReason().find("server shut down") != std::string::npos);
}
