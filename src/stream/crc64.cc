// CRC-64/NVME (poly 0xad93d23594c93659, reflected, init and xorout all ones).
//
// Large inputs on x86-64 with PCLMULQDQ: four 128-bit accumulators fold 64
// bytes per step by carry-less multiplication (a ≡ a_hi·x^(128+64) +
// a_lo·x^128 mod P, the Intel "fast CRC with PCLMULQDQ" method), then the
// folded 16 bytes and the tail go through the table. Otherwise, and for
// short inputs: table-driven slicing-by-8 (eight 256-entry tables built at
// compile time, eight input bytes per step).
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "strata/stream/crc.h"

namespace strata::stream {
namespace {

// The bit-reversed (reflected) form of 0xad93d23594c93659.
constexpr uint64_t kPolyReflected = 0x9a6c9329ac4bc9b5ull;

using Tables = std::array<std::array<uint64_t, 256>, 8>;

constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint64_t crc = i;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1) ? (crc >> 1) ^ kPolyReflected : crc >> 1;
    }
    t[0][i] = crc;
  }
  for (uint32_t i = 0; i < 256; ++i) {
    for (int k = 1; k < 8; ++k) {
      t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
    }
  }
  return t;
}

constexpr Tables kTables = MakeTables();

uint64_t LoadLe64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) {
    v = __builtin_bswap64(v);
  }
  return v;
}

// The CRC register (not inverted) after `n` more bytes at `p`.
uint64_t TableUpdate(uint64_t crc, const unsigned char* p, size_t n) {
  while (n >= 8) {
    const uint64_t v = crc ^ LoadLe64(p);
    crc = kTables[7][v & 0xff] ^ kTables[6][(v >> 8) & 0xff] ^
          kTables[5][(v >> 16) & 0xff] ^ kTables[4][(v >> 24) & 0xff] ^
          kTables[3][(v >> 32) & 0xff] ^ kTables[2][(v >> 40) & 0xff] ^
          kTables[1][(v >> 48) & 0xff] ^ kTables[0][v >> 56];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = kTables[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

#if defined(__x86_64__)

// x^n mod P in the normal (non-reflected) representation.
constexpr uint64_t XPowModP(int n) {
  constexpr uint64_t kPoly = 0xad93d23594c93659ull;
  uint64_t r = 1;
  for (int i = 0; i < n; ++i)
    r = (r & (uint64_t{1} << 63)) ? (r << 1) ^ kPoly : r << 1;
  return r;
}

constexpr uint64_t Reflect64(uint64_t v) {
  uint64_t r = 0;
  for (int i = 0; i < 64; ++i) r |= ((v >> i) & 1) << (63 - i);
  return r;
}

// Carry-less products of reflected operands come out multiplied by x, hence
// the "- 1" in the exponents.
constexpr uint64_t kFold128Hi = Reflect64(XPowModP(128 + 64 - 1));
constexpr uint64_t kFold128Lo = Reflect64(XPowModP(128 - 1));
constexpr uint64_t kFold512Hi = Reflect64(XPowModP(512 + 64 - 1));
constexpr uint64_t kFold512Lo = Reflect64(XPowModP(512 - 1));

// acc * x^distance (mod P, as 128 bits) xor next, for the distance whose
// constants are in `k` (low qword: for acc's low qword).
__attribute__((target("pclmul,sse4.1"))) inline __m128i Fold(__m128i acc,
                                                             __m128i next,
                                                             __m128i k) {
  const __m128i lo = _mm_clmulepi64_si128(acc, k, 0x00);
  const __m128i hi = _mm_clmulepi64_si128(acc, k, 0x11);
  return _mm_xor_si128(_mm_xor_si128(lo, hi), next);
}

// Requires n >= 64. Returns the register after all of `p`.
__attribute__((target("pclmul,sse4.1"))) uint64_t ClmulUpdate(
    uint64_t crc, const unsigned char* p, size_t n) {
  auto load = [](const unsigned char* q) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
  };
  __m128i a0 =
      _mm_xor_si128(load(p), _mm_cvtsi64_si128(static_cast<int64_t>(crc)));
  __m128i a1 = load(p + 16);
  __m128i a2 = load(p + 32);
  __m128i a3 = load(p + 48);
  p += 64;
  n -= 64;
  // The low qword of an accumulator is its higher-degree half, so the
  // "+ 64" constant goes in the low qword.
  const __m128i k512 = _mm_set_epi64x(static_cast<int64_t>(kFold512Lo),
                                      static_cast<int64_t>(kFold512Hi));
  while (n >= 64) {
    a0 = Fold(a0, load(p), k512);
    a1 = Fold(a1, load(p + 16), k512);
    a2 = Fold(a2, load(p + 32), k512);
    a3 = Fold(a3, load(p + 48), k512);
    p += 64;
    n -= 64;
  }
  const __m128i k128 = _mm_set_epi64x(static_cast<int64_t>(kFold128Lo),
                                      static_cast<int64_t>(kFold128Hi));
  __m128i acc = Fold(a0, a1, k128);
  acc = Fold(acc, a2, k128);
  acc = Fold(acc, a3, k128);
  while (n >= 16) {
    acc = Fold(acc, load(p), k128);
    p += 16;
    n -= 16;
  }
  alignas(16) unsigned char folded[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(folded), acc);
  return TableUpdate(TableUpdate(0, folded, 16), p, n);
}

bool HaveClmul() {
  static const bool have = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  }();
  return have;
}

#endif  // __x86_64__

}  // namespace

uint64_t Crc64Nvme(std::span<const std::byte> data, uint64_t prev) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
#if defined(__x86_64__)
  if (data.size() >= 256 && HaveClmul()) {
    return ~ClmulUpdate(~prev, p, data.size());
  }
#endif
  return ~TableUpdate(~prev, p, data.size());
}

}  // namespace strata::stream
