#include "medverse/imaging/labels.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <set>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace medverse::imaging {
namespace {

// Label tables are a few kB; anything near this is not one.
constexpr std::uintmax_t kMaxLabelTextBytes = 16U << 20;

Result<std::string> readSmallFile(const std::filesystem::path& path, std::uintmax_t limit) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    return makeError(fmt::format("{}: cannot read: {}", path.string(), ec.message()));
  }
  if (size > limit) {
    return makeError(
        fmt::format("{}: {} bytes is too large for a label file", path.string(), size));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return makeError(fmt::format("{}: cannot open for reading", path.string()));
  }
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  if (in.gcount() != static_cast<std::streamsize>(size)) {
    return makeError(fmt::format("{}: read error", path.string()));
  }
  return text;
}

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

// Next whitespace-separated token of `line`, advancing it.
std::string_view nextToken(std::string_view& line) {
  while (!line.empty() && isSpace(line.front())) {
    line.remove_prefix(1);
  }
  std::size_t end = 0;
  while (end < line.size() && !isSpace(line[end])) {
    ++end;
  }
  const std::string_view token = line.substr(0, end);
  line.remove_prefix(end);
  return token;
}

}  // namespace

Result<std::vector<LabelEntry>> readLabelTable(const std::filesystem::path& txtPath,
                                               const std::filesystem::path& lutPath) {
  auto lut = readSmallFile(lutPath, kMaxLabelTextBytes);
  if (!lut) {
    return lut.error();
  }
  if (lut->size() != kLabelLutBytes) {
    return makeError(fmt::format(
        "{}: a label palette is {} bytes (256 red, 256 green, 256 blue), this file has {}",
        lutPath.string(), kLabelLutBytes, lut->size()));
  }
  auto text = readSmallFile(txtPath, kMaxLabelTextBytes);
  if (!text) {
    return text.error();
  }

  std::vector<LabelEntry> entries;
  std::array<bool, 256> seen{};
  std::string_view rest = *text;
  int lineNumber = 0;
  while (!rest.empty()) {
    const std::size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol == std::string_view::npos ? rest.size() : eol + 1);
    ++lineNumber;

    const std::string_view valueText = nextToken(line);
    if (valueText.empty() || valueText.front() == '#') {
      continue;  // blank line or comment
    }
    int value = 0;
    const auto [end, ec] =
        std::from_chars(valueText.data(), valueText.data() + valueText.size(), value);
    if (ec != std::errc() || end != valueText.data() + valueText.size()) {
      return makeError(fmt::format("{}:{}: expected '<value> <name>', found '{}'", txtPath.string(),
                                   lineNumber, valueText));
    }
    const std::string_view name = nextToken(line);
    if (name.empty()) {
      return makeError(
          fmt::format("{}:{}: label {} has no name", txtPath.string(), lineNumber, value));
    }
    if (value < 0 || value > 255) {
      return makeError(fmt::format("{}:{}: label value {} has no entry in the 256-colour palette",
                                   txtPath.string(), lineNumber, value));
    }
    const auto slot = static_cast<std::size_t>(value);
    if (seen[slot]) {
      return makeError(
          fmt::format("{}:{}: label value {} appears twice", txtPath.string(), lineNumber, value));
    }
    seen[slot] = true;
    const auto channel = [&](std::size_t plane) {
      return static_cast<std::uint8_t>((*lut)[plane * 256 + slot]);
    };
    entries.push_back(LabelEntry{value, std::string(name), {channel(0), channel(1), channel(2)}});
  }
  if (entries.empty()) {
    return makeError(fmt::format("{}: no labels in the file", txtPath.string()));
  }
  return entries;
}

std::vector<int> labelsPresent(const Volume& volume) {
  return std::visit(
      [](const auto& voxels) {
        using T = typename std::decay_t<decltype(voxels)>::value_type;
        std::vector<int> present;
        if constexpr (std::is_floating_point_v<T>) {
          std::set<int> values;
          for (const T v : voxels) {
            if (v != 0 && std::isfinite(v) && std::trunc(v) == v &&
                std::abs(v) <= static_cast<T>(1 << 30)) {
              values.insert(static_cast<int>(v));
            }
          }
          present.assign(values.begin(), values.end());
        } else {
          // Integer storage is at most 16 bits: a presence table is exact and
          // one pass.
          constexpr int kLowest = std::numeric_limits<T>::lowest();
          constexpr std::size_t kRange =
              static_cast<std::size_t>(std::numeric_limits<T>::max() - kLowest) + 1;
          std::vector<bool> seen(kRange, false);
          for (const T v : voxels) {
            seen[static_cast<std::size_t>(static_cast<int>(v) - kLowest)] = true;
          }
          for (std::size_t i = 0; i < kRange; ++i) {
            const int value = static_cast<int>(i) + kLowest;
            if (seen[i] && value != 0) {
              present.push_back(value);
            }
          }
        }
        return present;
      },
      volume.voxels);
}

}  // namespace medverse::imaging
