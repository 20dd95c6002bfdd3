// The acceptance scenario of the journal, end to end over the real secure
// transport: a server process acknowledges annotations to a client only
// after the journal has them; it is SIGKILLed mid-stream; a new server
// process on the same journal tells a reconnecting client what it restored,
// and every annotation the client saw acknowledged is among it.
//
// The message exchange here is a stand-in for the consult session's RPCs
// (the session is not this test's subject): "annotate <id>" up, "ack <id>"
// down, and on joining "have <id>" for each restored annotation, then "end".
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <variant>

#include "journal_test_support.h"
#include "medverse/net/transport.h"

using namespace journaltest;
using namespace medverse::net;

namespace {

constexpr std::string_view kRoom = "journal-room";
constexpr int kPumpBound = 20000;

std::span<const uint8_t> bytesOf(const std::string& text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};  // NOLINT
}

// The server process: never returns. Writes its port to `portFd`.
[[noreturn]] void runServer(const Key& key, const std::filesystem::path& journalPath, int portFd) {
  auto journal = Journal::open(journalPath);
  if (!journal) {
    _exit(2);
  }
  ServerConfig config;
  config.bindHost = "127.0.0.1";
  config.room = std::string(kRoom);
  config.issuerKey = key;
  auto server = Server::listen(config);
  if (!server) {
    _exit(3);
  }
  const uint16_t port = server->port();
  if (write(portFd, &port, sizeof port) != static_cast<ssize_t>(sizeof port)) {
    _exit(4);
  }
  close(portFd);
  while (true) {
    for (auto& event : server->service(5)) {
      if (auto* joined = std::get_if<Server::Connected>(&event)) {
        // Tell the newcomer what the room holds (the late-joiner state).
        const auto restored = journal->loadAnnotations();
        if (!restored) {
          _exit(5);
        }
        for (const JournalAnnotation& a : *restored) {
          (void)server->sendTo(joined->peer, Channel::Control,
                               bytesOf("have " + std::to_string(a.id)));
        }
        (void)server->sendTo(joined->peer, Channel::Control, bytesOf("end"));
      } else if (auto* received = std::get_if<Server::Received>(&event)) {
        const std::string text(received->bytes.begin(), received->bytes.end());
        if (text.rfind("annotate ", 0) != 0) {
          continue;
        }
        const uint64_t id = std::stoull(text.substr(9));
        // Acknowledge only what the journal holds.
        if (journal->record(annotationEvent(sampleAnnotation(id), "doctor"))) {
          (void)server->sendTo(received->peer, Channel::Control,
                               bytesOf("ack " + std::to_string(id)));
        }
      }
    }
  }
}

struct ServerProcess {
  pid_t pid = -1;
  uint16_t port = 0;
};

ServerProcess startServer(const Key& key, const std::filesystem::path& journalPath) {
  int fds[2] = {-1, -1};
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    runServer(key, journalPath, fds[1]);
  }
  close(fds[1]);
  ServerProcess process;
  process.pid = pid;
  REQUIRE(read(fds[0], &process.port, sizeof process.port) ==
          static_cast<ssize_t>(sizeof process.port));
  close(fds[0]);
  return process;
}

void killServer(const ServerProcess& process) {
  REQUIRE(kill(process.pid, SIGKILL) == 0);
  int status = 0;
  REQUIRE(waitpid(process.pid, &status, 0) == process.pid);
  CHECK(WIFSIGNALED(status));
}

std::string connectToken(const Key& key, uint64_t clientId) {
  const uint64_t now =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  auto token = issueToken(key, {clientId, "Dr. Lin", Role::Doctor, std::string(kRoom), 300}, now);
  REQUIRE(token.ok());
  return encodeTokenString(*token);
}

Client connectedClient(const Key& key, uint16_t port, uint64_t clientId,
                       std::vector<std::string>& inbox) {
  ClientConfig config;
  config.bindHost = "127.0.0.1";
  Client client(config);
  REQUIRE(client.connect("127.0.0.1", port, connectToken(key, clientId)).ok());
  bool connected = false;
  for (int i = 0; i < kPumpBound && !connected; ++i) {
    for (auto& event : client.service(5)) {
      if (std::holds_alternative<Client::Connected>(event)) {
        connected = true;
      } else if (auto* r = std::get_if<Client::Received>(&event)) {
        inbox.emplace_back(r->bytes.begin(), r->bytes.end());
      }
    }
  }
  REQUIRE(connected);
  return client;
}

void collectAcks(Client& client, std::set<uint64_t>& acknowledged, uint32_t timeoutMs) {
  for (auto& event : client.service(timeoutMs)) {
    if (auto* r = std::get_if<Client::Received>(&event)) {
      const std::string text(r->bytes.begin(), r->bytes.end());
      if (text.rfind("ack ", 0) == 0) {
        acknowledged.insert(std::stoull(text.substr(4)));
      }
    }
  }
}

}  // namespace

TEST_CASE(
    "a server killed and restarted on the same journal still has every acknowledged "
    "annotation") {
  TempDir dir;
  const auto journalPath = dir / "room.journal";
  const Key key = Key::generate();

  // First server: the client sends an annotation every round without
  // waiting (up to 64 ahead of the acknowledgements), so the server always
  // has work queued, and the server dies mid-stream.
  std::set<uint64_t> acknowledged;
  uint64_t sentUpTo = 0;
  {
    const ServerProcess first = startServer(key, journalPath);
    std::vector<std::string> inbox;
    Client client = connectedClient(key, first.port, 1, inbox);
    for (int i = 0; i < kPumpBound && acknowledged.size() < 40; ++i) {
      if (sentUpTo < acknowledged.size() + 64) {
        ++sentUpTo;
        REQUIRE(
            client.send(Channel::Control, bytesOf("annotate " + std::to_string(sentUpTo))).ok());
      }
      collectAcks(client, acknowledged, 1);
    }
    REQUIRE(acknowledged.size() >= 40);
    killServer(first);
    // Acknowledgements already on the way were sent before the kill.
    for (int i = 0; i < 20; ++i) {
      collectAcks(client, acknowledged, 1);
    }
  }

  // Second server on the same journal; the client reconnects and is told
  // what the room holds.
  const ServerProcess second = startServer(key, journalPath);
  std::vector<std::string> inbox;
  Client client = connectedClient(key, second.port, 1, inbox);
  for (int i = 0; i < kPumpBound && std::find(inbox.begin(), inbox.end(), "end") == inbox.end();
       ++i) {
    for (auto& event : client.service(5)) {
      if (auto* r = std::get_if<Client::Received>(&event)) {
        inbox.emplace_back(r->bytes.begin(), r->bytes.end());
      }
    }
  }
  killServer(second);
  REQUIRE(std::find(inbox.begin(), inbox.end(), "end") != inbox.end());
  std::set<uint64_t> restored;
  for (const std::string& text : inbox) {
    if (text.rfind("have ", 0) == 0) {
      restored.insert(std::stoull(text.substr(5)));
    }
  }
  CHECK(std::includes(restored.begin(), restored.end(), acknowledged.begin(), acknowledged.end()));
  // Recorded in the order sent, without holes, nothing the client never sent.
  CHECK(restored.size() <= sentUpTo);
  CHECK((restored.empty() || *restored.rbegin() == restored.size()));
  MESSAGE(acknowledged.size() << " acknowledged, " << sentUpTo << " sent, " << restored.size()
                              << " restored");
}
