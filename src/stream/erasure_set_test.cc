#include "strata/stream/erasure_set.h"

#include <string>
#include <vector>

#include "strata/stream/bitrot.h"
#include "strata/stream/erasure.h"
#include "stream/testing/stream_test_util.h"

namespace strata::stream {
namespace {

using testing::Bytes;
using testing::IsOk;
using testing::RandomBytes;
using testing::StatusIs;

constexpr size_t kHeader = 64;

enum class Damage { kDelete, kTruncate, kHeaderByte, kBodyByte, kTrailerByte };
constexpr Damage kAllDamages[] = {Damage::kDelete, Damage::kTruncate,
                                  Damage::kHeaderByte, Damage::kBodyByte,
                                  Damage::kTrailerByte};

Task<Result<std::unique_ptr<fs::File>>> OpenAsFile(
    std::vector<std::unique_ptr<fs::File>> shards) {
  auto r = co_await OpenErasureSetReader(std::move(shards));
  if (!r.ok()) co_return r.status();
  co_return std::unique_ptr<fs::File>(std::move(*r));
}

class ErasureSetTest : public testing::StreamTest {
 protected:
  static ErasureSetOptions Options(int k, int m, size_t block) {
    ErasureSetOptions options;
    options.data_shards = k;
    options.parity_shards = m;
    options.block_size = block;
    return options;
  }
  static std::string ShardPath(const std::string& base, int i) {
    return base + ".shard" + std::to_string(i);
  }

  Status Write(const std::string& base, const Bytes& data,
               const ErasureSetOptions& options) {
    std::vector<std::unique_ptr<fs::File>> shards;
    for (int i = 0; i < options.data_shards + options.parity_shards; ++i) {
      shards.push_back(NewFile(ShardPath(base, i)));
    }
    STRATA_ASSIGN_OR_RETURN(auto writer,
                            NewErasureSetWriter(std::move(shards), options));
    return Run(testing::WriteThrough(*writer, data, data.size()));
  }

  // Opens shards 0..n-1 of `base`; those in `absent` are nullptr.
  Result<std::unique_ptr<ErasureSetReader>> Open(
      const std::string& base, int n, const std::set<int>& absent = {}) {
    std::vector<std::unique_ptr<fs::File>> shards;
    for (int i = 0; i < n; ++i) {
      shards.push_back(absent.count(i) ? nullptr
                                       : OpenFile(ShardPath(base, i)));
    }
    return Run(OpenErasureSetReader(std::move(shards)));
  }

  // Applies `damage` to shard `i`; returns true when it is a "missing" kind.
  bool Apply(const std::string& base, int i, Damage damage,
             std::set<int>* absent) {
    const std::string path = ShardPath(base, i);
    Bytes stored = Stored(path);
    switch (damage) {
      case Damage::kDelete:
        absent->insert(i);
        return true;
      case Damage::kTruncate:
        stored.resize(stored.size() - 10);
        break;
      case Damage::kHeaderByte:
        stored[20] ^= std::byte{1};
        break;
      case Damage::kTrailerByte:
        stored[stored.size() - 30] ^= std::byte{0x80};
        break;
      case Damage::kBodyByte:
        stored[kHeader + 40] ^= std::byte{4};  // block 0's shard bytes
        Store(path, stored);
        return false;
    }
    Store(path, stored);
    return true;
  }

  void ExpectReadsBack(const std::string& base, int n, const Bytes& data,
                       const std::set<int>& absent, HealReport* report) {
    auto reader = Open(base, n, absent);
    ASSERT_THAT(reader.status(), IsOk());
    auto all = Run(testing::ReadAll(**reader, 3000));
    ASSERT_THAT(all.status(), IsOk());
    ASSERT_TRUE(*all == data);
    *report = (*reader)->heal_report();
    EXPECT_THAT(Run((*reader)->Close()), IsOk());
  }

  void CheckAllDamageCombinations(int k, int m);
};

TEST_F(ErasureSetTest, RoundTrips) {
  const std::tuple<int, int, size_t> shapes[] = {
      {4, 2, 65536}, {3, 2, 1000}, {1, 1, 4096}, {12, 4, 65536}};
  for (auto [k, m, block] : shapes) {
    SCOPED_TRACE(std::to_string(k) + "+" + std::to_string(m));
    const ErasureSetOptions options = Options(k, m, block);
    const int n = k + m;
    auto writer = [this, options, n](std::unique_ptr<fs::File> inner) {
      const std::string base = inner->path();
      Run(inner->Close()).IgnoreError();
      std::vector<std::unique_ptr<fs::File>> shards;
      for (int i = 0; i < n; ++i) shards.push_back(NewFile(ShardPath(base, i)));
      return NewErasureSetWriter(std::move(shards), options);
    };
    auto reader = [this, n](std::unique_ptr<fs::File> inner) {
      std::vector<std::unique_ptr<fs::File>> shards;
      for (int i = 0; i < n; ++i) {
        shards.push_back(OpenFile(ShardPath(inner->path(), i)));
      }
      return OpenAsFile(std::move(shards));
    };
    CheckRoundTrips(writer, reader, testing::InterestingSizes(block, 3), 10);
  }
}

void ErasureSetTest::CheckAllDamageCombinations(int k, int m) {
  const int n = k + m;
  const size_t block = 4096;
  const Bytes data = RandomBytes(3 * block + 1000, k * 100 + m);
  for (uint32_t mask = 1; mask < (1u << n); ++mask) {
    if (__builtin_popcount(mask) > m) continue;
    for (int variant = 0; variant <= 5; ++variant) {
      SCOPED_TRACE("mask " + std::to_string(mask) + " variant " +
                   std::to_string(variant));
      ASSERT_THAT(Write("/d", data, Options(k, m, block)), IsOk());
      std::set<int> absent, missing, corrupt;
      int position = 0;
      for (int i = 0; i < n; ++i) {
        if (!(mask & (1u << i))) continue;
        // Variant 5 mixes the kinds of damage across the shards.
        Damage d = kAllDamages[variant == 5 ? (position++ % 5) : variant];
        (Apply("/d", i, d, &absent) ? missing : corrupt).insert(i);
      }
      HealReport report;
      ExpectReadsBack("/d", n, data, absent, &report);
      EXPECT_EQ(report.missing_shards, missing);
      // A corrupt parity shard is noticed only when it is needed.
      for (int i : corrupt) {
        if (i < k) {
          EXPECT_TRUE(report.corrupt_shards.count(i)) << i;
        }
      }
      for (int i : report.corrupt_shards) EXPECT_TRUE(corrupt.count(i)) << i;
      const bool data_hit = (mask & ((1u << k) - 1)) != 0;
      EXPECT_EQ(report.blocks_reconstructed > 0, data_hit);
    }
  }
}

TEST_F(ErasureSetTest, SurvivesAnyMDamagedShards2Plus1) {
  CheckAllDamageCombinations(2, 1);
}
TEST_F(ErasureSetTest, SurvivesAnyMDamagedShards3Plus2) {
  CheckAllDamageCombinations(3, 2);
}
TEST_F(ErasureSetTest, SurvivesAnyMDamagedShards4Plus2) {
  CheckAllDamageCombinations(4, 2);
}

TEST_F(ErasureSetTest, MorePlusOneLostIsDataLoss) {
  const Bytes data = RandomBytes(10000, 5);
  ASSERT_THAT(Write("/l", data, Options(3, 2, 4096)), IsOk());
  EXPECT_THAT(Open("/l", 5, {0, 3, 4}).status(),
              StatusIs(StatusCode::kDataLoss));
  // Three shards with a bad block 1: open works, block 0 reads, block 1
  // is kDataLoss naming the block.
  for (int i : {1, 2, 4}) {
    Bytes stored = Stored(ShardPath("/l", i));
    const size_t shard_block = (4096 + 2) / 3;
    stored[kHeader + 32 + shard_block + 32 + 7] ^= std::byte{1};
    Store(ShardPath("/l", i), stored);
  }
  auto reader = Open("/l", 5);
  ASSERT_THAT(reader.status(), IsOk());
  auto first = Run(testing::ReadRange(**reader, 0, 4096));
  ASSERT_THAT(first.status(), IsOk());
  EXPECT_TRUE(std::equal(first->begin(), first->end(), data.begin()));
  auto second = Run(testing::ReadRange(**reader, 4096, 10));
  EXPECT_THAT(second.status(), StatusIs(StatusCode::kDataLoss));
  EXPECT_NE(second.status().message().find("block 1"), std::string::npos)
      << second.status().ToString();
}

TEST_F(ErasureSetTest, ShardBodiesAreMinioBitrotStreams) {
  const int k = 2, m = 1;
  const size_t block = 4096;
  const Bytes data = RandomBytes(2 * block + 777, 11);
  ASSERT_THAT(Write("/m", data, Options(k, m, block)), IsOk());
  auto rs = ReedSolomon::Create(k, m);
  ASSERT_THAT(rs.status(), IsOk());
  std::vector<Bytes> plain(3);
  for (size_t at = 0; at < data.size(); at += block) {
    const size_t b = std::min(block, data.size() - at);
    const size_t s = (b + k - 1) / k;
    std::vector<Bytes> shard(3, Bytes(s));
    std::copy(data.begin() + at, data.begin() + at + std::min(b, s),
              shard[0].begin());
    if (b > s) {
      std::copy(data.begin() + at + s, data.begin() + at + b, shard[1].begin());
      std::fill(shard[1].begin() + (b - s), shard[1].end(), std::byte{0});
    }
    std::vector<std::span<std::byte>> spans(shard.begin(), shard.end());
    ASSERT_THAT((*rs)->Encode(spans), IsOk());
    for (int i = 0; i < 3; ++i) {
      plain[i].insert(plain[i].end(), shard[i].begin(), shard[i].end());
    }
  }
  BitrotOptions bitrot;
  bitrot.block_size = (block + k - 1) / k;
  for (int i = 0; i < 3; ++i) {
    auto writer = [bitrot](std::unique_ptr<fs::File> inner) {
      return NewBitrotWriter(std::move(inner), bitrot);
    };
    ASSERT_THAT(Encode("/expected", plain[i], writer), IsOk());
    Bytes stored = Stored(ShardPath("/m", i));
    ASSERT_GE(stored.size(), 2 * kHeader);
    EXPECT_EQ(Bytes(stored.begin() + kHeader, stored.end() - kHeader),
              Stored("/expected"))
        << i;
  }
}

TEST_F(ErasureSetTest, ForeignHeaderIsOutvoted) {
  const Bytes data = RandomBytes(9000, 2);
  ASSERT_THAT(Write("/a", data, Options(2, 2, 4096)), IsOk());
  // A valid shard 1 of a different object (other size) replaces shard 1.
  ASSERT_THAT(Write("/b", RandomBytes(100, 3), Options(2, 2, 4096)), IsOk());
  Store(ShardPath("/a", 1), Stored(ShardPath("/b", 1)));
  HealReport report;
  ExpectReadsBack("/a", 4, data, {}, &report);
  EXPECT_EQ(report.missing_shards, std::set<int>{1});
}

TEST_F(ErasureSetTest, RandomAccessReadsOnlyNeededBlocks) {
  const Bytes data = RandomBytes(5 * 4096, 4);
  ASSERT_THAT(Write("/r", data, Options(2, 1, 4096)), IsOk());
  for (int i = 0; i < 3; ++i) {  // block 3 unreadable everywhere
    Bytes stored = Stored(ShardPath("/r", i));
    stored[kHeader + 3 * (2048 + 32) + 100] ^= std::byte{1};
    Store(ShardPath("/r", i), stored);
  }
  auto reader = Open("/r", 3);
  ASSERT_THAT(reader.status(), IsOk());
  for (uint64_t at : {0, 5000, 8192 + 3, 4 * 4096}) {
    auto got = Run(testing::ReadRange(**reader, at, 4000));
    ASSERT_THAT(got.status(), IsOk()) << at;
    EXPECT_TRUE(std::equal(got->begin(), got->end(), data.begin() + at));
  }
  EXPECT_THAT(Run(testing::ReadRange(**reader, 3 * 4096 + 1, 1)).status(),
              StatusIs(StatusCode::kDataLoss));
}

TEST_F(ErasureSetTest, RejectsBadOptions) {
  std::vector<std::unique_ptr<fs::File>> shards;
  shards.push_back(NewFile("/x0"));
  EXPECT_THAT(
      NewErasureSetWriter(std::move(shards), Options(2, 1, 4096)).status(),
      StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(NewErasureSetWriter({}, Options(200, 57, 4096)).status(),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(NewErasureSetWriter({}, Options(2, 1, 0)).status(),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Run(OpenErasureSetReader({})).status(),
              StatusIs(StatusCode::kDataLoss));
}

}  // namespace
}  // namespace strata::stream

namespace strata::stream {
namespace {

class ErasureSetShardCountTest : public testing::StreamTest {};

TEST_F(ErasureSetShardCountTest, ReadsTheCountFromAnyShardHeader) {
  std::vector<std::unique_ptr<fs::File>> shards;
  for (int i = 0; i < 7; ++i) {
    shards.push_back(NewFile("/c.shard" + std::to_string(i)));
  }
  ErasureSetOptions options;
  options.data_shards = 5;
  options.parity_shards = 2;
  options.block_size = 4096;
  auto writer = NewErasureSetWriter(std::move(shards), options);
  ASSERT_THAT(writer, testing::IsOk());
  Bytes data = testing::RandomBytes(9000, 3);
  ASSERT_THAT(Run(testing::WriteThrough(**writer, data, 1)), testing::IsOk());
  for (int i = 0; i < 7; ++i) {
    Bytes stored = Stored("/c.shard" + std::to_string(i));
    ASSERT_GE(stored.size(), kErasureShardHeaderSize);
    EXPECT_EQ(
        ErasureSetShardCount(std::span(stored).first(kErasureShardHeaderSize)),
        std::optional<int>(7));
    stored[3] ^= std::byte{1};  // magic
    EXPECT_EQ(
        ErasureSetShardCount(std::span(stored).first(kErasureShardHeaderSize)),
        std::nullopt);
  }
  EXPECT_EQ(ErasureSetShardCount(testing::RandomBytes(64, 1)), std::nullopt);
  EXPECT_EQ(ErasureSetShardCount({}), std::nullopt);
}

}  // namespace
}  // namespace strata::stream
