#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <random>
#include <vector>

#include "strata/stream/erasure.h"
#include "stream/gf256.h"

namespace strata::stream {
namespace {

using Shards = std::vector<std::vector<std::byte>>;

// An independent GF(2^8) (poly 0x11d) by shift-and-xor, not ISA-L.
uint8_t NaiveMul(uint8_t a, uint8_t b) {
  unsigned acc = 0;
  unsigned x = a;
  for (int bit = 0; bit < 8; ++bit) {
    if (b & (1u << bit)) acc ^= x;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  return static_cast<uint8_t>(acc);
}

uint8_t NaiveInv(uint8_t a) {
  for (int x = 1; x < 256; ++x) {
    if (NaiveMul(a, static_cast<uint8_t>(x)) == 1) return x;
  }
  return 0;
}

// klauspost buildMatrix, written out plainly: V (total × k), V[r][c] = r^c,
// times the Gauss–Jordan inverse of its top square.
std::vector<uint8_t> NaiveMatrix(int k, int total) {
  std::vector<uint8_t> v(total * k);
  for (int r = 0; r < total; ++r) {
    uint8_t p = 1;
    for (int c = 0; c < k; ++c, p = NaiveMul(p, r)) v[r * k + c] = p;
  }
  std::vector<uint8_t> a(v.begin(), v.begin() + k * k);
  std::vector<uint8_t> inv(k * k, 0);
  for (int i = 0; i < k; ++i) inv[i * k + i] = 1;
  for (int col = 0; col < k; ++col) {
    int pivot = col;
    while (a[pivot * k + col] == 0) ++pivot;
    for (int c = 0; c < k; ++c) {
      std::swap(a[col * k + c], a[pivot * k + c]);
      std::swap(inv[col * k + c], inv[pivot * k + c]);
    }
    const uint8_t scale = NaiveInv(a[col * k + col]);
    for (int c = 0; c < k; ++c) {
      a[col * k + c] = NaiveMul(a[col * k + c], scale);
      inv[col * k + c] = NaiveMul(inv[col * k + c], scale);
    }
    for (int r = 0; r < k; ++r) {
      const uint8_t f = a[r * k + col];
      if (r == col || f == 0) continue;
      for (int c = 0; c < k; ++c) {
        a[r * k + c] ^= NaiveMul(f, a[col * k + c]);
        inv[r * k + c] ^= NaiveMul(f, inv[col * k + c]);
      }
    }
  }
  std::vector<uint8_t> out(total * k, 0);
  for (int r = 0; r < total; ++r) {
    for (int c = 0; c < k; ++c) {
      uint8_t acc = 0;
      for (int i = 0; i < k; ++i) acc ^= NaiveMul(v[r * k + i], inv[i * k + c]);
      out[r * k + c] = acc;
    }
  }
  return out;
}

Shards RandomShards(int k, int m, size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  Shards shards(k + m, std::vector<std::byte>(size));
  for (int i = 0; i < k; ++i) {
    for (auto& b : shards[i]) b = std::byte(rng() & 0xff);
  }
  return shards;
}

std::vector<std::span<std::byte>> Spans(Shards& shards) {
  return {shards.begin(), shards.end()};
}

std::vector<std::span<const std::byte>> ConstSpans(const Shards& shards) {
  return {shards.begin(), shards.end()};
}

std::unique_ptr<ReedSolomon> MakeCodec(int k, int m) {
  auto rs = ReedSolomon::Create(k, m);
  EXPECT_TRUE(rs.ok()) << rs.status().ToString();
  return std::move(*rs);
}

TEST(ReedSolomonTest, IsaLFieldIsPolynomial0x11d) {
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      ASSERT_EQ(gf::Mul(a, b), NaiveMul(a, b)) << a << "*" << b;
    }
  }
}

// klauspost/reedsolomon TestOneEncode (and Backblaze's JavaReedSolomon).
TEST(ReedSolomonTest, KlauspostKnownAnswer5Plus5) {
  auto rs = MakeCodec(5, 5);
  Shards shards(10, std::vector<std::byte>(2));
  const uint8_t data[5][2] = {{0, 1}, {4, 5}, {2, 3}, {6, 7}, {8, 9}};
  for (int i = 0; i < 5; ++i) std::memcpy(shards[i].data(), data[i], 2);
  ASSERT_TRUE(rs->Encode(Spans(shards)).ok());
  const uint8_t parity[5][2] = {
      {12, 13}, {10, 11}, {14, 15}, {90, 91}, {94, 95}};
  for (int j = 0; j < 5; ++j) {
    EXPECT_EQ(std::memcmp(shards[5 + j].data(), parity[j], 2), 0) << j;
  }
  EXPECT_TRUE(*rs->Verify(ConstSpans(shards)));
  shards[8][0] ^= std::byte{1};
  EXPECT_FALSE(*rs->Verify(ConstSpans(shards)));
}

TEST(ReedSolomonTest, MatrixMatchesIndependentBuildMatrix) {
  const std::pair<int, int> shapes[] = {{1, 1},  {2, 1},   {4, 2},   {5, 5},
                                        {12, 4}, {16, 16}, {30, 226}};
  for (auto [k, m] : shapes) {
    auto rs = MakeCodec(k, m);
    EXPECT_EQ(rs->matrix(), NaiveMatrix(k, k + m)) << k << "+" << m;
  }
}

TEST(ReedSolomonTest, ParityIsMatrixTimesData) {
  auto rs = MakeCodec(4, 2);
  Shards shards = RandomShards(4, 2, 1000, 7);
  ASSERT_TRUE(rs->Encode(Spans(shards)).ok());
  const auto e = NaiveMatrix(4, 6);
  for (int j = 4; j < 6; ++j) {
    for (size_t b = 0; b < 1000; ++b) {
      uint8_t acc = 0;
      for (int i = 0; i < 4; ++i) {
        acc ^= NaiveMul(e[j * 4 + i], static_cast<uint8_t>(shards[i][b]));
      }
      ASSERT_EQ(static_cast<uint8_t>(shards[j][b]), acc) << j << " " << b;
    }
  }
}

TEST(ReedSolomonTest, RejectsBadShapesAndSizes) {
  EXPECT_EQ(ReedSolomon::Create(0, 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ReedSolomon::Create(1, 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ReedSolomon::Create(200, 57).status().code(),
            StatusCode::kInvalidArgument);
  auto rs = MakeCodec(2, 1);
  Shards shards = RandomShards(2, 1, 10, 1);
  shards[2].resize(9);
  EXPECT_EQ(rs->Encode(Spans(shards)).code(), StatusCode::kInvalidArgument);
  shards.pop_back();
  EXPECT_EQ(rs->Encode(Spans(shards)).code(), StatusCode::kInvalidArgument);
}

// Erases the shards in `mask`, reconstructs, and compares with `original`.
void CheckErasure(const ReedSolomon& rs, const Shards& original, uint32_t mask,
                  bool data_only) {
  const int n = rs.total_shards();
  Shards shards = original;
  std::array<bool, 256> present{};
  for (int i = 0; i < n; ++i) {
    present[i] = !(mask & (1u << i));
    if (!present[i])
      std::fill(shards[i].begin(), shards[i].end(), std::byte{0xee});
  }
  ASSERT_TRUE(
      rs.Reconstruct(Spans(shards), std::span(present.data(), n), data_only)
          .ok())
      << mask;
  for (int i = 0; i < n; ++i) {
    if (data_only && i >= rs.data_shards() && !present[i]) continue;
    ASSERT_EQ(shards[i], original[i]) << "mask " << mask << " shard " << i;
  }
}

TEST(ReedSolomonTest, EveryErasureOfSmallShapes) {
  const std::pair<int, int> shapes[] = {{2, 1}, {3, 2}, {4, 2}, {4, 3}};
  for (auto [k, m] : shapes) {
    auto rs = MakeCodec(k, m);
    Shards original = RandomShards(k, m, 333, k * 10 + m);
    ASSERT_TRUE(rs->Encode(Spans(original)).ok());
    for (uint32_t mask = 0; mask < (1u << (k + m)); ++mask) {
      const int lost = __builtin_popcount(mask);
      if (lost <= m) {
        CheckErasure(*rs, original, mask, false);
        CheckErasure(*rs, original, mask, true);
        continue;
      }
      Shards shards = original;
      std::array<bool, 256> present{};
      for (int i = 0; i < k + m; ++i) present[i] = !(mask & (1u << i));
      EXPECT_EQ(rs->Reconstruct(Spans(shards), std::span(present.data(), k + m))
                    .code(),
                StatusCode::kDataLoss);
    }
  }
}

TEST(ReedSolomonTest, ManyShapesRoundTrip) {
  const std::pair<int, int> shapes[] = {
      {1, 1},    {1, 5},     {6, 3},   {12, 4},  {17, 3},
      {100, 28}, {128, 128}, {255, 1}, {1, 255}, {200, 56}};
  std::mt19937 rng(42);
  for (auto [k, m] : shapes) {
    const int n = k + m;
    auto rs = MakeCodec(k, m);
    Shards original = RandomShards(k, m, 97, n);
    ASSERT_TRUE(rs->Encode(Spans(original)).ok());
    ASSERT_TRUE(*rs->Verify(ConstSpans(original))) << k << "+" << m;
    // Lose m random shards (all parity, all data-first, or random).
    std::vector<int> order(n);
    for (int i = 0; i < n; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    Shards shards = original;
    std::array<bool, 256> present;
    present.fill(true);
    for (int i = 0; i < m; ++i) {
      present[order[i]] = false;
      std::fill(shards[order[i]].begin(), shards[order[i]].end(), std::byte{});
    }
    ASSERT_TRUE(
        rs->Reconstruct(Spans(shards), std::span(present.data(), n)).ok());
    EXPECT_EQ(shards, original) << k << "+" << m;
    present[order[m]] = false;
    EXPECT_EQ(
        rs->Reconstruct(Spans(shards), std::span(present.data(), n)).code(),
        StatusCode::kDataLoss);
  }
}

TEST(ReedSolomonTest, ReadOnlyEncodeMatchesInPlace) {
  auto rs = MakeCodec(3, 2);
  Shards a = RandomShards(3, 2, 4096, 5);
  ASSERT_TRUE(rs->Encode(Spans(a)).ok());
  Shards b = RandomShards(3, 2, 4096, 5);
  std::vector<std::span<const std::byte>> data(b.begin(), b.begin() + 3);
  std::vector<std::span<std::byte>> parity(b.begin() + 3, b.end());
  ASSERT_TRUE(rs->Encode(data, parity).ok());
  EXPECT_EQ(a, b);
  // Empty shards are fine.
  Shards empty(5);
  EXPECT_TRUE(rs->Encode(Spans(empty)).ok());
}

}  // namespace
}  // namespace strata::stream
