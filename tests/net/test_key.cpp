#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <system_error>

#include "medverse/net/key.h"

using namespace medverse;
using namespace medverse::net;

namespace {

class TempDir {
 public:
  TempDir() {
    std::random_device entropy;
    path_ = std::filesystem::temp_directory_path() /
            ("medverse-test-key-" + std::to_string(entropy()) + std::to_string(entropy()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&&) = delete;
  TempDir& operator=(TempDir&&) = delete;

  [[nodiscard]] std::filesystem::path file(const std::string& name) const { return path_ / name; }
  [[nodiscard]] std::filesystem::path write(const std::string& name,
                                            const std::string& content) const {
    std::ofstream(path_ / name, std::ios::binary) << content;
    return path_ / name;
  }

 private:
  std::filesystem::path path_;
};

bool mentions(const Error& error, const std::string& text) {
  return error.message.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("a generated key survives save and load, in a file only its owner can read") {
  TempDir dir;
  const Key key = Key::generate();
  const auto path = dir.file("server.key");
  REQUIRE(saveKey(key, path).ok());

  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777U) == 0600U);
  CHECK(std::filesystem::file_size(path) == 65);  // 64 hex digits and a newline

  auto loaded = loadKey(path);
  REQUIRE(loaded.ok());
  CHECK(*loaded == key);
}

TEST_CASE("two generated keys differ") {
  CHECK_FALSE(Key::generate() == Key::generate());
}

TEST_CASE("saving a key refuses to overwrite an existing file") {
  TempDir dir;
  const auto path = dir.write("server.key", "precious\n");
  const Status saved = saveKey(Key::generate(), path);
  REQUIRE_FALSE(saved.ok());
  CHECK(mentions(saved.error(), path.string()));
  CHECK(mentions(saved.error(), "overwrite"));
  std::ifstream in(path);
  std::string content;
  std::getline(in, content);
  CHECK(content == "precious");
}

TEST_CASE("a key file of 32 raw bytes loads") {
  TempDir dir;
  std::string raw(32, '\0');
  for (size_t i = 0; i < raw.size(); ++i) {
    raw[i] = static_cast<char>(0xF0U ^ i);
  }
  auto loaded = loadKey(dir.write("raw.key", raw));
  REQUIRE(loaded.ok());
  CHECK(loaded->bytes()[1] == 0xF1);
}

TEST_CASE("hex keys load in either case and with surrounding whitespace") {
  TempDir dir;
  const Key key = Key::generate();
  std::string upper = key.hex();
  for (char& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  auto loaded = loadKey(dir.write("upper.key", "  " + upper + "\r\n"));
  REQUIRE(loaded.ok());
  CHECK(*loaded == key);
}

TEST_CASE("a bad key file is refused with an error naming the file and the problem") {
  TempDir dir;
  const std::string hex = Key::generate().hex();

  SUBCASE("missing") {
    auto key = loadKey(dir.file("nope.key"));
    REQUIRE_FALSE(key.ok());
    CHECK(mentions(key.error(), "nope.key"));
    CHECK(mentions(key.error(), "does not exist"));
  }
  SUBCASE("a directory") {
    std::filesystem::create_directory(dir.file("keys"));
    auto key = loadKey(dir.file("keys"));
    REQUIRE_FALSE(key.ok());
    CHECK(mentions(key.error(), "directory"));
  }
  SUBCASE("empty") {
    auto key = loadKey(dir.write("empty.key", "\n"));
    REQUIRE_FALSE(key.ok());
    CHECK(mentions(key.error(), "empty.key"));
    CHECK(mentions(key.error(), "is empty"));
  }
  SUBCASE("short: a hex key cut in half, even at exactly 32 bytes") {
    auto key = loadKey(dir.write("short.key", hex.substr(0, 31) + "\n"));
    REQUIRE_FALSE(key.ok());
    CHECK(mentions(key.error(), "short.key"));
    CHECK(mentions(key.error(), "too short"));
    auto half = loadKey(dir.write("half.key", hex.substr(0, 32)));
    REQUIRE_FALSE(half.ok());
    CHECK(mentions(half.error(), "too short"));
  }
  SUBCASE("long") {
    auto key = loadKey(dir.write("long.key", hex + "00\n"));
    REQUIRE_FALSE(key.ok());
    CHECK(mentions(key.error(), "too long"));
  }
  SUBCASE("garbage") {
    auto key = loadKey(dir.write("garbage.key", "-----BEGIN OPENSSH PRIVATE KEY-----\n"));
    REQUIRE_FALSE(key.ok());
    CHECK(mentions(key.error(), "garbage.key"));
    CHECK(mentions(key.error(), "not a hex digit"));
  }
}
