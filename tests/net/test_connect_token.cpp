#include <doctest/doctest.h>

#include <set>
#include <string>

#include "medverse/net/connect_token.h"
#include "net_test_support.h"

using namespace nettest;

namespace {

constexpr uint64_t kNow = 1'700'000'000;

ClientToken issueAt(const Key& key, TokenSpec spec = {}) {
  spec.issuedAt = kNow;
  return issue(key, spec);
}

Result<ConnectToken> openAt(const std::vector<uint8_t>& blob, const Key& key, uint64_t now,
                            TokenRefusal* why, std::string_view room = kRoom) {
  return openToken(blob, key, room, now, why);
}

}  // namespace

TEST_CASE("an issued token opens on the server with the identity it was issued for") {
  const Key key = Key::generate();
  const ClientToken token =
      issueAt(key, {.clientId = 7, .name = "Dr. Zoë Ñúñez", .role = Role::Expert});
  auto opened = openToken(token.handshakeBlob(), key, kRoom, kNow + 10);
  REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? "" : opened.error().message));
  CHECK(opened->clientId == 7);
  CHECK(opened->displayName == "Dr. Zoë Ñúñez");
  CHECK(opened->role == Role::Expert);
  CHECK(opened->room == kRoom);
  CHECK(opened->issuedAtUnix == kNow);
  CHECK(opened->expiresAtUnix == kNow + 300);
  CHECK(opened->nonce == token.nonce);
  // The server learns the same per-connection keys the client holds.
  CHECK(opened->clientToServerKey == token.clientToServerKey);
  CHECK(opened->serverToClientKey == token.serverToClientKey);
  CHECK(token.clientToServerKey != token.serverToClientKey);
}

TEST_CASE("the handshake blob does not contain the client's keys") {
  const Key key = Key::generate();
  const ClientToken token = issueAt(key);
  const std::vector<uint8_t> blob = token.handshakeBlob();
  const auto contains = [&](const ConnectionKey& k) {
    return std::search(blob.begin(), blob.end(), k.begin(), k.end()) != blob.end();
  };
  CHECK_FALSE(contains(token.clientToServerKey));
  CHECK_FALSE(contains(token.serverToClientKey));
}

TEST_CASE("a token string round-trips, survives a trailing newline, and is one printable word") {
  const Key key = Key::generate();
  const ClientToken token = issueAt(key);
  const std::string text = encodeTokenString(token);
  CHECK(text.starts_with("mvt1_"));
  for (const char c : text) {
    CHECK(((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_'));
  }
  auto decoded = decodeTokenString(text + "\n");
  REQUIRE(decoded.ok());
  CHECK(decoded->handshakeBlob() == token.handshakeBlob());
  CHECK(decoded->clientToServerKey == token.clientToServerKey);
  CHECK(decoded->expiresAtUnix == token.expiresAtUnix);
  CHECK(decoded->room == token.room);
}

TEST_CASE("an expired token is refused as expired") {
  const Key key = Key::generate();
  const ClientToken token = issueAt(key, {.ttlSeconds = 60});
  TokenRefusal why{};
  auto atExpiry = openAt(token.handshakeBlob(), key, kNow + 60, &why);
  REQUIRE_FALSE(atExpiry.ok());
  CHECK(why == TokenRefusal::Expired);
  CHECK(atExpiry.error().message.find("expired") != std::string::npos);
  CHECK(openAt(token.handshakeBlob(), key, kNow + 59, &why).ok());
}

TEST_CASE("a token for another room is refused as wrong room") {
  const Key key = Key::generate();
  const ClientToken token = issueAt(key, {.room = "radiology-2"});
  TokenRefusal why{};
  auto opened = openAt(token.handshakeBlob(), key, kNow, &why);
  REQUIRE_FALSE(opened.ok());
  CHECK(why == TokenRefusal::WrongRoom);
  CHECK(opened.error().message.find("radiology-2") != std::string::npos);
}

TEST_CASE("a token with any byte altered is refused, and never opens") {
  const Key key = Key::generate();
  const std::vector<uint8_t> blob = issueAt(key).handshakeBlob();
  for (size_t i = 0; i < blob.size(); ++i) {
    std::vector<uint8_t> altered = blob;
    altered[i] ^= 0x01U;
    TokenRefusal why{};
    auto opened = openAt(altered, key, kNow, &why);
    REQUIRE_FALSE(opened.ok());
    // The version and room-length bytes make it unparseable; any other change
    // breaks the seal.
    const bool structural = i < kTokenVersionBytes || i == kTokenHeaderFixedBytes - 1;
    CHECK_MESSAGE(why == (structural ? TokenRefusal::Malformed : TokenRefusal::Tampered),
                  "byte " << i);
  }
}

TEST_CASE("pushing out the expiry of an expired token is detected as tampering") {
  const Key key = Key::generate();
  std::vector<uint8_t> blob = issueAt(key, {.ttlSeconds = 60}).handshakeBlob();
  blob[16 + 3] ^= 0x10U;  // expiresAt, a byte that moves it days later
  TokenRefusal why{};
  REQUIRE_FALSE(openAt(blob, key, kNow + 120, &why).ok());
  CHECK(why == TokenRefusal::Tampered);
}

TEST_CASE("a token sealed with another issuer key is refused as tampered") {
  const ClientToken token = issueAt(Key::generate());
  TokenRefusal why{};
  REQUIRE_FALSE(openAt(token.handshakeBlob(), Key::generate(), kNow, &why).ok());
  CHECK(why == TokenRefusal::Tampered);
}

TEST_CASE("truncated or padded tokens are refused as malformed") {
  const Key key = Key::generate();
  const std::vector<uint8_t> blob = issueAt(key).handshakeBlob();
  // Every prefix, each copied into a buffer of exactly its size, so that a
  // read past the end would be caught by ASan.
  for (size_t length = 0; length < blob.size(); ++length) {
    const std::vector<uint8_t> prefix(blob.begin(), blob.begin() + static_cast<long>(length));
    TokenRefusal why{};
    REQUIRE_FALSE(openAt(prefix, key, kNow, &why).ok());
    CHECK_MESSAGE(why == TokenRefusal::Malformed, "length " << length);
  }
  std::vector<uint8_t> padded = blob;
  padded.push_back(0);
  TokenRefusal why{};
  REQUIRE_FALSE(openAt(padded, key, kNow, &why).ok());
  CHECK(why == TokenRefusal::Malformed);
}

TEST_CASE("each refusal reason has its own message") {
  const Key key = Key::generate();
  std::vector<uint8_t> tampered = issueAt(key).handshakeBlob();
  tampered.back() ^= 1U;
  TokenRefusal why{};
  std::set<std::string> messages;
  messages.insert(openAt({1, 2, 3}, key, kNow, &why).error().message);
  messages.insert(openAt(tampered, key, kNow, &why).error().message);
  messages.insert(openAt(issueAt(key).handshakeBlob(), key, kNow + 1000, &why).error().message);
  messages.insert(
      openAt(issueAt(key).handshakeBlob(), key, kNow, &why, "elsewhere").error().message);
  CHECK(messages.size() == 4);
}

TEST_CASE("names and rooms must be 1 to 64 bytes of UTF-8 without control characters") {
  const Key key = Key::generate();
  const auto tryIssue = [&](std::string name, std::string room) {
    return issueToken(key, {1, std::move(name), Role::Trainee, std::move(room), 60}, kNow);
  };
  CHECK(tryIssue(std::string(64, 'n'), std::string(64, 'r')).ok());
  CHECK_FALSE(tryIssue(std::string(65, 'n'), "room").ok());
  CHECK_FALSE(tryIssue("name", std::string(65, 'r')).ok());
  CHECK_FALSE(tryIssue("", "room").ok());
  CHECK_FALSE(tryIssue("name", "").ok());
  CHECK_FALSE(tryIssue("bad \xC3(", "room").ok());         // broken sequence
  CHECK_FALSE(tryIssue("over\xC0\xAFlong", "room").ok());  // overlong '/'
  CHECK_FALSE(tryIssue("line\nbreak", "room").ok());
  // 64 bytes is 32 two-byte characters: the limit is in bytes.
  std::string wide;
  for (int i = 0; i < 32; ++i) {
    wide += "é";
  }
  CHECK(tryIssue(wide, "room").ok());
  CHECK_FALSE(tryIssue(wide + "e", "room").ok());
}

TEST_CASE("a token lifetime must be positive and bounded") {
  const Key key = Key::generate();
  CHECK_FALSE(issueToken(key, {1, "a", Role::Doctor, "r", 0}, kNow).ok());
  CHECK_FALSE(issueToken(key, {1, "a", Role::Doctor, "r", kMaxTokenTtlSeconds + 1}, kNow).ok());
}

TEST_CASE("damaged token strings are refused with a clear reason") {
  const std::string good = encodeTokenString(issueAt(Key::generate()));
  auto noPrefix = decodeTokenString(good.substr(5));
  REQUIRE_FALSE(noPrefix.ok());
  CHECK(noPrefix.error().message.find("mvt1_") != std::string::npos);
  auto badBase64 = decodeTokenString(good.substr(0, 20) + "!" + good.substr(21));
  REQUIRE_FALSE(badBase64.ok());
  CHECK(badBase64.error().message.find("base64") != std::string::npos);
  for (size_t cut = 5; cut < good.size(); cut += 7) {
    CHECK_FALSE(decodeTokenString(good.substr(0, cut)).ok());
  }
}

TEST_CASE("issueTokenString makes a token the server accepts now") {
  const Key key = Key::generate();
  auto text = issueTokenString(key, "Sam Lee", Role::Spectator, kRoom, 120, 99);
  REQUIRE(text.ok());
  auto token = decodeTokenString(*text);
  REQUIRE(token.ok());
  auto opened = openToken(token->handshakeBlob(), key, kRoom, nowUnix());
  REQUIRE(opened.ok());
  CHECK(opened->displayName == "Sam Lee");
  CHECK(opened->role == Role::Spectator);
  CHECK(opened->clientId == 99);
  CHECK(randomClientId() != 0);
}

TEST_CASE("roles parse from their names in any case") {
  for (const Role role : {Role::Expert, Role::Doctor, Role::Trainee, Role::Spectator}) {
    auto parsed = parseRole(roleName(role));
    REQUIRE(parsed.ok());
    CHECK(*parsed == role);
  }
  CHECK(parseRole("TRAINEE").ok());
  auto bad = parseRole("surgeon");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("spectator") != std::string::npos);
}
