#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "medverse/core/hash.h"
#include "medverse/core/jobs.h"

using namespace medverse;

namespace {

std::span<const uint8_t> bytesOf(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};  // NOLINT
}

std::vector<uint8_t> pattern(size_t size) {
  std::vector<uint8_t> out(size);
  for (size_t i = 0; i < size; ++i) {
    out[i] = static_cast<uint8_t>(i);
  }
  return out;
}

// A scratch directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::random_device entropy;
    path_ = std::filesystem::temp_directory_path() /
            ("medverse-test-hash-" + std::to_string(entropy()) + std::to_string(entropy()));
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

  [[nodiscard]] std::filesystem::path write(const std::string& name,
                                            const std::vector<uint8_t>& data) const {
    std::filesystem::path file = path_ / name;
    std::ofstream out(file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()),  // NOLINT
              static_cast<std::streamsize>(data.size()));
    return file;
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace

// Reference digests from Python: hashlib.blake2b(data, digest_size=32).hexdigest()
TEST_CASE("BLAKE2b-256 matches published and reference vectors") {
  CHECK(hashBytes({}).hex() == "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  CHECK(hashBytes(bytesOf("abc")).hex() ==
        "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  CHECK(hashBytes(bytesOf("The quick brown fox jumps over the lazy dog")).hex() ==
        "01718cec35cd3d796dd00020e0bfecb473ad23457d063b75eff29c0ffa2e58a9");
}

TEST_CASE("incremental hashing gives the same digest however the input is split") {
  const std::vector<uint8_t> data = pattern(size_t{256} * 1000);
  const Hash256 oneShot = hashBytes(data);
  CHECK(oneShot.hex() == "5d074c3f889bcba3b3a253496ee73cba18832b6d3c67d2b739dc202c78ed2581");
  std::mt19937 rng(11);
  for (int trial = 0; trial < 20; ++trial) {
    Hasher hasher;
    size_t offset = 0;
    while (offset < data.size()) {
      const size_t n = std::min<size_t>(rng() % 5000, data.size() - offset);
      hasher.update(std::span<const uint8_t>(data).subspan(offset, n));
      offset += n;
    }
    CHECK(hasher.finish() == oneShot);
  }
  Hasher empty;
  CHECK(empty.finish() == hashBytes({}));
}

TEST_CASE("different content gives different hashes") {
  std::vector<uint8_t> data = pattern(1000);
  const Hash256 before = hashBytes(data);
  data[999] ^= 1U;
  CHECK(hashBytes(data) != before);
}

TEST_CASE("hashes round-trip through hex, either case") {
  const Hash256 h = hashBytes(bytesOf("abc"));
  const Result<Hash256> lower = Hash256::fromHex(h.hex());
  REQUIRE(lower.ok());
  CHECK(*lower == h);
  std::string upper = h.hex();
  for (char& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  const Result<Hash256> fromUpper = Hash256::fromHex(upper);
  REQUIRE(fromUpper.ok());
  CHECK(*fromUpper == h);
}

TEST_CASE("malformed hex is refused with a message saying what is wrong") {
  const Result<Hash256> tooShort = Hash256::fromHex("abcd");
  REQUIRE_FALSE(tooShort.ok());
  CHECK(tooShort.error().message.find("got 4 characters") != std::string::npos);

  std::string bad = hashBytes({}).hex();
  bad[10] = 'g';
  const Result<Hash256> notHex = Hash256::fromHex(bad);
  REQUIRE_FALSE(notHex.ok());
  CHECK(notHex.error().message.find("character 10 ('g')") != std::string::npos);
}

TEST_CASE("hashes order and hash so they can key maps and sets") {
  const Hash256 a = hashBytes(bytesOf("a"));
  const Hash256 b = hashBytes(bytesOf("b"));
  CHECK(((a < b) != (b < a)));
  CHECK(std::hash<Hash256>{}(a) == std::hash<Hash256>{}(Hash256(a)));
  CHECK(std::hash<Hash256>{}(a) != std::hash<Hash256>{}(b));
}

TEST_CASE("hashing a file equals hashing its bytes, for files larger than the read buffer") {
  const TempDir dir;
  for (const size_t size : {size_t{0}, size_t{1}, size_t{65536}, size_t{65537}, size_t{300001}}) {
    CAPTURE(size);
    const std::vector<uint8_t> data = pattern(size);
    const Result<Hash256> fromFile = hashFile(dir.write("volume.raw", data));
    REQUIRE(fromFile.ok());
    CHECK(*fromFile == hashBytes(data));
  }
}

TEST_CASE("a file that cannot be read gives an error naming the file and the reason") {
  const TempDir dir;
  const Result<Hash256> missing = hashFile(dir.path() / "no-such-case.nii");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("no-such-case.nii") != std::string::npos);
  CHECK(missing.error().message.find("No such file") != std::string::npos);

  const Result<Hash256> directory = hashFile(dir.path());
  REQUIRE_FALSE(directory.ok());
  CHECK(directory.error().message.find(dir.path().string()) != std::string::npos);
  CHECK(directory.error().message.find("directory") != std::string::npos);
}

TEST_CASE("hashing from many threads at once gives the same digests") {
  const std::vector<uint8_t> data = pattern(10000);
  const Hash256 expected = hashBytes(data);
  std::vector<Hash256> results(256);
  JobSystem jobs(4);
  jobs.parallelFor(results.size(), 1, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      results[i] = hashBytes(data);
    }
  });
  for (const Hash256& h : results) {
    CHECK(h == expected);
  }
}
