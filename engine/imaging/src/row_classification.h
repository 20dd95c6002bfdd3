#pragma once
// Pass 1 of flying edges on one grid row: which voxels are inside, the
// x-edge case of every edge, and where the crossed edges start and end.
//
// This is the only pass that touches every voxel, so it is written with SSE2
// (part of every x86-64 CPU) in 16-voxel steps; the project builds at -O2,
// where GCC's "very cheap" vectorizer leaves these loops scalar. Other
// architectures take the scalar loops, which give the same bytes.
#include <bit>
#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace medverse::imaging::detail {

#if defined(__SSE2__)
namespace sse2 {

inline __m128i load(const void* p) {
  return _mm_loadu_si128(static_cast<const __m128i*>(p));
}
inline void store(void* p, __m128i v) {
  _mm_storeu_si128(static_cast<__m128i*>(p), v);
}

// 0xFF bytes where `v >= t`, for 16 voxels at `s`.
inline __m128i atLeast(const std::uint8_t* s, std::uint8_t t) {
  const __m128i v = load(s);
  return _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(static_cast<char>(t))), v);
}
inline __m128i atLeast(const std::int16_t* s, std::int16_t t) {
  const __m128i threshold = _mm_set1_epi16(t);
  const __m128i below =
      _mm_packs_epi16(_mm_cmpgt_epi16(threshold, load(s)), _mm_cmpgt_epi16(threshold, load(s + 8)));
  return _mm_andnot_si128(below, _mm_set1_epi8(-1));
}
inline __m128i atLeast(const std::uint16_t* s, std::uint16_t t) {
  // Unsigned order is signed order after flipping the sign bit.
  const __m128i flip = _mm_set1_epi16(static_cast<short>(0x8000));
  const __m128i threshold = _mm_xor_si128(_mm_set1_epi16(static_cast<short>(t)), flip);
  const __m128i below =
      _mm_packs_epi16(_mm_cmpgt_epi16(threshold, _mm_xor_si128(load(s), flip)),
                      _mm_cmpgt_epi16(threshold, _mm_xor_si128(load(s + 8), flip)));
  return _mm_andnot_si128(below, _mm_set1_epi8(-1));
}
inline __m128i atLeast(const float* s, float t) {
  const __m128 threshold = _mm_set1_ps(t);
  // cmpge is false for NaN, like the scalar comparison.
  const auto ge = [&](int at) {
    return _mm_castps_si128(_mm_cmpge_ps(_mm_loadu_ps(s + at), threshold));
  };
  return _mm_packs_epi16(_mm_packs_epi32(ge(0), ge(4)), _mm_packs_epi32(ge(8), ge(12)));
}

// 0xFF bytes where `v == t`.
inline __m128i equal(const std::uint8_t* s, std::uint8_t t) {
  return _mm_cmpeq_epi8(load(s), _mm_set1_epi8(static_cast<char>(t)));
}
inline __m128i equal(const std::int16_t* s, std::int16_t t) {
  const __m128i value = _mm_set1_epi16(t);
  return _mm_packs_epi16(_mm_cmpeq_epi16(load(s), value), _mm_cmpeq_epi16(load(s + 8), value));
}
inline __m128i equal(const std::uint16_t* s, std::uint16_t t) {
  const __m128i value = _mm_set1_epi16(static_cast<short>(t));
  return _mm_packs_epi16(_mm_cmpeq_epi16(load(s), value), _mm_cmpeq_epi16(load(s + 8), value));
}
inline __m128i equal(const float* s, float t) {
  const __m128 value = _mm_set1_ps(t);
  const auto eq = [&](int at) {
    return _mm_castps_si128(_mm_cmpeq_ps(_mm_loadu_ps(s + at), value));
  };
  return _mm_packs_epi16(_mm_packs_epi32(eq(0), eq(4)), _mm_packs_epi32(eq(8), eq(12)));
}

}  // namespace sse2
#endif

// flags[i] = 1 if s[i] >= threshold (or == value when `equality`), else 0.
template <bool equality, typename T>
void insideFlags(const T* s, std::size_t n, T threshold, std::uint8_t* flags) {
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i one = _mm_set1_epi8(1);
  for (; i + 16 <= n; i += 16) {
    const __m128i mask = equality ? sse2::equal(s + i, threshold) : sse2::atLeast(s + i, threshold);
    sse2::store(flags + i, _mm_and_si128(mask, one));
  }
#endif
  for (; i < n; ++i) {
    flags[i] = equality ? (s[i] == threshold ? 1 : 0) : (s[i] >= threshold ? 1 : 0);
  }
}

struct RowCrossings {
  std::uint32_t first = 0;  // first crossed edge (edges if none)
  std::uint32_t end = 0;    // one past the last crossed edge (0 if none)
  std::uint32_t count = 0;
};

// cases[i] = flags[i] | flags[i + 1] << 1 for the `edges` edges between
// `edges + 1` flags; an edge is crossed when its two flags differ.
inline RowCrossings edgeCases(const std::uint8_t* flags, std::size_t edges, std::uint8_t* cases) {
  RowCrossings row{static_cast<std::uint32_t>(edges), 0, 0};
  std::size_t i = 0;
#if defined(__SSE2__)
  for (; i + 16 <= edges; i += 16) {
    const __m128i left = sse2::load(flags + i);
    const __m128i right = sse2::load(flags + i + 1);
    sse2::store(cases + i, _mm_add_epi8(left, _mm_add_epi8(right, right)));
    // Bytes are 0 or 1, so a 16-bit shift by 7 moves each to its own top bit.
    const auto crossed =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_slli_epi16(_mm_xor_si128(left, right), 7)));
    if (crossed != 0) {
      if (row.count == 0) {
        row.first =
            static_cast<std::uint32_t>(i) + static_cast<std::uint32_t>(std::countr_zero(crossed));
      }
      row.end = static_cast<std::uint32_t>(i) + 32U -
                static_cast<std::uint32_t>(std::countl_zero(crossed));
      row.count += static_cast<std::uint32_t>(std::popcount(crossed));
    }
  }
#endif
  for (; i < edges; ++i) {
    cases[i] = static_cast<std::uint8_t>(flags[i] + 2 * flags[i + 1]);
    if (flags[i] != flags[i + 1]) {
      if (row.count == 0) {
        row.first = static_cast<std::uint32_t>(i);
      }
      row.end = static_cast<std::uint32_t>(i + 1);
      ++row.count;
    }
  }
  return row;
}

// The first cube at or after `i` (and before `end`) of a cell row that the
// surface crosses, given the x-edge cases of its four rows; `end` if none.
// A cube is trivial when its four edges are all outside (case 0) or all
// inside (case 3); inside a brain or a bone such runs are long.
inline std::size_t nextCrossedCube(const std::uint8_t* c0, const std::uint8_t* c1,
                                   const std::uint8_t* c2, const std::uint8_t* c3, std::size_t i,
                                   std::size_t end) {
#if defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128();
  const __m128i three = _mm_set1_epi8(3);
  for (; i + 16 <= end; i += 16) {
    const __m128i a = sse2::load(c0 + i);
    const __m128i b = sse2::load(c1 + i);
    const __m128i c = sse2::load(c2 + i);
    const __m128i d = sse2::load(c3 + i);
    const __m128i any = _mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d));
    const __m128i all = _mm_and_si128(_mm_and_si128(a, b), _mm_and_si128(c, d));
    const auto trivial = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(any, zero), _mm_cmpeq_epi8(all, three))));
    if (trivial != 0xFFFFU) {
      return i + static_cast<std::size_t>(std::countr_one(trivial));
    }
  }
#endif
  for (; i < end; ++i) {
    const unsigned any = c0[i] | c1[i] | c2[i] | c3[i];
    const unsigned all = c0[i] & c1[i] & c2[i] & c3[i];
    if (any != 0 && all != 3) {
      return i;
    }
  }
  return end;
}

}  // namespace medverse::imaging::detail
