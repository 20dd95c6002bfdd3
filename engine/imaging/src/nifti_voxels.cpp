#include "nifti_voxels.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

namespace medverse::imaging::nifti {
namespace {

template <typename T>
constexpr bool kIsStorageType =
    std::is_same_v<T, std::uint8_t> || std::is_same_v<T, std::int16_t> ||
    std::is_same_v<T, std::uint16_t> || std::is_same_v<T, float>;

// float32 represents every integer up to 2^24 exactly.
constexpr double kFloatExactLimit = 16777216.0;

template <typename T>
void swapBytes(std::vector<T>& values) {
  if constexpr (sizeof(T) > 1) {
    for (T& v : values) {
      std::array<std::byte, sizeof(T)> raw{};
      std::memcpy(raw.data(), &v, sizeof(T));
      std::reverse(raw.begin(), raw.end());
      std::memcpy(&v, raw.data(), sizeof(T));
    }
  }
}

template <typename T>
bool holds(double lo, double hi) {
  return lo >= static_cast<double>(std::numeric_limits<T>::lowest()) &&
         hi <= static_cast<double>(std::numeric_limits<T>::max());
}

template <typename Out, typename Src>
std::vector<Out> transform(const std::vector<Src>& src, Scaling scaling) {
  std::vector<Out> out(src.size());
  if (scaling.identity()) {
    std::transform(src.begin(), src.end(), out.begin(), [](Src x) { return static_cast<Out>(x); });
  } else if constexpr (std::is_floating_point_v<Out>) {
    std::transform(src.begin(), src.end(), out.begin(), [scaling](Src x) {
      return static_cast<Out>(scaling.slope * static_cast<double>(x) + scaling.inter);
    });
  } else {
    // Only reached with integral slope and intercept and a range checked to
    // fit Out, so the rounding is exact.
    std::transform(src.begin(), src.end(), out.begin(), [scaling](Src x) {
      return static_cast<Out>(std::llround(scaling.slope * static_cast<double>(x) + scaling.inter));
    });
  }
  return out;
}

template <typename Src>
DecodedVoxels convertFloat(std::vector<Src>&& src, Scaling scaling) {
  DecodedVoxels out;
  if constexpr (std::is_same_v<Src, float>) {
    if (scaling.identity()) {
      out.storage = std::move(src);
      return out;
    }
  }
  out.storage = transform<float>(src, scaling);
  return out;
}

template <typename Src>
DecodedVoxels convertInteger(std::vector<Src>&& src, Scaling scaling) {
  DecodedVoxels out;
  const auto [minIt, maxIt] = std::minmax_element(src.begin(), src.end());
  const double rawMin = static_cast<double>(*minIt);
  const double rawMax = static_cast<double>(*maxIt);
  const double a = scaling.slope * rawMin + scaling.inter;
  const double b = scaling.slope * rawMax + scaling.inter;
  const double lo = std::min(a, b);
  const double hi = std::max(a, b);
  const bool integral =
      std::trunc(scaling.slope) == scaling.slope && std::trunc(scaling.inter) == scaling.inter;

  if (integral) {
    if constexpr (kIsStorageType<Src>) {
      if (holds<Src>(lo, hi)) {
        if (scaling.identity()) {
          out.storage = std::move(src);
        } else {
          out.storage = transform<Src>(src, scaling);
        }
        return out;
      }
    }
    if (holds<std::int16_t>(lo, hi)) {
      out.storage = transform<std::int16_t>(src, scaling);
      return out;
    }
    if (holds<std::uint16_t>(lo, hi)) {
      out.storage = transform<std::uint16_t>(src, scaling);
      return out;
    }
  }
  if (std::max(std::abs(lo), std::abs(hi)) > kFloatExactLimit) {
    out.warnings.push_back(fmt::format(
        "values span [{}, {}], beyond what 16-bit storage holds; stored as float32, which "
        "rounds integers above 2^24",
        lo, hi));
  }
  out.storage = transform<float>(src, scaling);
  return out;
}

template <typename Src>
Result<DecodedVoxels> decodeAs(bool swapped, std::size_t count, Scaling scaling,
                               const ReadExact& read) {
  std::vector<Src> src(count);
  if (Status status = read(std::as_writable_bytes(std::span(src))); !status) {
    return status.error();
  }
  if (swapped) {
    swapBytes(src);
  }
  if constexpr (std::is_floating_point_v<Src>) {
    return convertFloat(std::move(src), scaling);
  } else {
    return convertInteger(std::move(src), scaling);
  }
}

}  // namespace

Scaling niftiScaling(const Header& header) {
  Scaling scaling;
  if (header.sclSlope != 0.0 && std::isfinite(header.sclSlope)) {
    scaling.slope = header.sclSlope;
    scaling.inter = std::isfinite(header.sclInter) ? header.sclInter : 0.0;
  }
  return scaling;
}

Result<DecodedVoxels> decodeVoxels(int datatype, bool swapped, std::size_t count, Scaling scaling,
                                   const ReadExact& read) {
  switch (datatype) {
    case kUInt8:
      return decodeAs<std::uint8_t>(swapped, count, scaling, read);
    case kInt8:
      return decodeAs<std::int8_t>(swapped, count, scaling, read);
    case kInt16:
      return decodeAs<std::int16_t>(swapped, count, scaling, read);
    case kUInt16:
      return decodeAs<std::uint16_t>(swapped, count, scaling, read);
    case kInt32:
      return decodeAs<std::int32_t>(swapped, count, scaling, read);
    case kUInt32:
      return decodeAs<std::uint32_t>(swapped, count, scaling, read);
    case kFloat32:
      return decodeAs<float>(swapped, count, scaling, read);
    case kFloat64:
      return decodeAs<double>(swapped, count, scaling, read);
    default:
      return makeError(
          fmt::format("unsupported datatype code {} ({})", datatype, datatypeName(datatype)));
  }
}

}  // namespace medverse::imaging::nifti
