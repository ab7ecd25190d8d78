#include "strata/stream/merkle.h"

#include <gtest/gtest.h>

#include <string>

#include "stream/testing/stream_test_util.h"

namespace strata::stream {
namespace {

using testing::FromString;
using testing::RandomBytes;

constexpr size_t kBlock = 16;

std::span<const std::byte> Range(const std::vector<std::byte>& data,
                                 uint64_t first, uint64_t count) {
  const size_t begin = std::min<size_t>(first * kBlock, data.size());
  const size_t end = std::min<size_t>((first + count) * kBlock, data.size());
  return std::span(data).subspan(begin, end - begin);
}

MerkleHash Build(const std::vector<std::byte>& data, MerkleBuilder* builder) {
  // Feed in uneven pieces to exercise the partial-block path.
  size_t pos = 0;
  for (size_t step = 1; pos < data.size(); step = step * 3 % 23 + 1) {
    const size_t n = std::min(step, data.size() - pos);
    builder->Update(std::span(data).subspan(pos, n));
    pos += n;
  }
  return builder->Finish();
}

TEST(MerkleTest, KnownRoots) {
  // python: leaves H(0x00 ++ block), inner H(0x01 ++ l ++ r), odd node
  // promoted, root H(0x02 ++ le64(size) ++ le64(block) ++ top).
  EXPECT_EQ(ToHex(MerkleRoot(FromString("abcdefghij"), 4)),
            "bb97aa22ae57e4182015238f414d2f6759d157ff96cdf82dc88728ccccb4e2ac");
  EXPECT_EQ(ToHex(MerkleRoot({}, 4096)),
            "22ba3a9804f9616fdd0f4c745a22d98e5252d6df0e47b516c2a6025c4acc2224");
}

TEST(MerkleTest, IncrementalEqualsOneShot) {
  for (size_t size : {0, 1, 15, 16, 17, 100, 1000}) {
    const auto data = RandomBytes(size, size);
    MerkleBuilder builder(kBlock);
    EXPECT_EQ(Build(data, &builder), MerkleRoot(data, kBlock)) << size;
    EXPECT_EQ(builder.total_size(), size);
    EXPECT_EQ(builder.block_count(), size == 0 ? 1 : (size + 15) / 16);
    EXPECT_EQ(builder.Finish(), MerkleRoot(data, kBlock));  // idempotent
  }
}

// Every range of every tree of 1..9 blocks (full or short last block)
// verifies, and every tampering is rejected.
TEST(MerkleTest, EveryRangeVerifiesAndTamperingFails) {
  for (uint64_t blocks = 1; blocks <= 9; ++blocks) {
    for (size_t tail : {size_t{0}, size_t{5}}) {
      const size_t size =
          tail == 0 ? blocks * kBlock : (blocks - 1) * kBlock + tail;
      const auto data = RandomBytes(size, blocks * 10 + tail);
      MerkleBuilder builder(kBlock);
      const MerkleHash root = Build(data, &builder);
      ASSERT_EQ(builder.block_count(), blocks);
      for (uint64_t first = 0; first < blocks; ++first) {
        for (uint64_t count = 1; first + count <= blocks; ++count) {
          SCOPED_TRACE(std::to_string(size) + " bytes, blocks [" +
                       std::to_string(first) + ", +" + std::to_string(count) +
                       ")");
          auto proof = builder.Prove(first, count);
          ASSERT_TRUE(proof.ok());
          const auto range = Range(data, first, count);
          ASSERT_TRUE(
              VerifyMerkleRange(root, kBlock, size, range, *proof).ok());
          std::vector<std::byte> bytes(range.begin(), range.end());
          for (size_t i = 0; i < bytes.size(); i += 7) {  // flipped data byte
            bytes[i] ^= std::byte{0x01};
            EXPECT_FALSE(
                VerifyMerkleRange(root, kBlock, size, bytes, *proof).ok());
            bytes[i] ^= std::byte{0x01};
          }
          for (size_t s = 0; s < proof->siblings.size(); ++s) {  // sibling
            for (size_t i : {0, 17, 31}) {
              MerkleProof bad = *proof;
              bad.siblings[s][i] ^= std::byte{0x80};
              EXPECT_FALSE(
                  VerifyMerkleRange(root, kBlock, size, range, bad).ok());
            }
          }
          MerkleProof extra = *proof;  // extra sibling
          extra.siblings.push_back(MerkleHash{});
          EXPECT_FALSE(
              VerifyMerkleRange(root, kBlock, size, range, extra).ok());
          if (!proof->siblings.empty()) {  // missing sibling
            MerkleProof missing = *proof;
            missing.siblings.pop_back();
            EXPECT_FALSE(
                VerifyMerkleRange(root, kBlock, size, range, missing).ok());
          }
          if (blocks > 1) {  // wrong range for the data
            MerkleProof shifted = *proof;
            shifted.first_block = (first + 1) % blocks;
            EXPECT_FALSE(
                VerifyMerkleRange(root, kBlock, size, range, shifted).ok());
          }
          if (count > 1) {
            MerkleProof shorter = *proof;
            shorter.block_count = count - 1;
            EXPECT_FALSE(
                VerifyMerkleRange(root, kBlock, size, range, shorter).ok());
          }
          for (uint64_t wrong : {size + 1, size - 1, size + kBlock}) {
            EXPECT_FALSE(
                VerifyMerkleRange(root, kBlock, wrong, range, *proof).ok())
                << "total " << wrong;
          }
          EXPECT_FALSE(
              VerifyMerkleRange(root, kBlock * 2, size, range, *proof).ok());
          MerkleHash other_root = root;
          other_root[3] ^= std::byte{1};
          EXPECT_FALSE(
              VerifyMerkleRange(other_root, kBlock, size, range, *proof).ok());
        }
      }
    }
  }
}

TEST(MerkleTest, EmptyStreamIsOneEmptyBlock) {
  MerkleBuilder builder(kBlock);
  const MerkleHash root = builder.Finish();
  EXPECT_EQ(builder.block_count(), 1u);
  auto proof = builder.Prove(0, 1);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(proof->siblings.empty());
  EXPECT_TRUE(VerifyMerkleRange(root, kBlock, 0, {}, *proof).ok());
  EXPECT_FALSE(
      VerifyMerkleRange(root, kBlock, 0, FromString("x"), *proof).ok());
}

TEST(MerkleTest, ProveRejectsBadRanges) {
  MerkleBuilder unfinished(kBlock);
  EXPECT_EQ(unfinished.Prove(0, 1).status().code(),
            StatusCode::kFailedPrecondition);
  MerkleBuilder builder(kBlock);
  builder.Update(RandomBytes(5 * kBlock, 1));
  builder.Finish();
  EXPECT_EQ(builder.Prove(0, 0).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(builder.Prove(5, 1).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(builder.Prove(3, 3).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(builder.Prove(1, ~uint64_t{0}).status().code(),
            StatusCode::kOutOfRange);
  EXPECT_TRUE(builder.Prove(0, 5).ok());
}

TEST(MerkleTest, VerifyRejectsMalformedProofsWithDataLoss) {
  const auto data = RandomBytes(4 * kBlock, 2);
  MerkleBuilder builder(kBlock);
  builder.Update(data);
  const MerkleHash root = builder.Finish();
  MerkleProof proof = *builder.Prove(1, 2);
  const auto range = Range(data, 1, 2);
  MerkleProof bad = proof;
  bad.block_count = 0;
  EXPECT_EQ(VerifyMerkleRange(root, kBlock, data.size(), range, bad).code(),
            StatusCode::kDataLoss);
  bad = proof;
  bad.first_block = ~uint64_t{0};
  EXPECT_EQ(VerifyMerkleRange(root, kBlock, data.size(), range, bad).code(),
            StatusCode::kDataLoss);
  bad = proof;
  bad.block_count = ~uint64_t{0};
  EXPECT_EQ(VerifyMerkleRange(root, kBlock, data.size(), range, bad).code(),
            StatusCode::kDataLoss);
  bad = proof;
  bad.siblings.resize(1000);
  EXPECT_EQ(VerifyMerkleRange(root, kBlock, data.size(), range, bad).code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(VerifyMerkleRange(root, 0, data.size(), range, proof).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyMerkleRange(root, kBlock, ~uint64_t{0}, range, proof).code(),
            StatusCode::kDataLoss);
}

}  // namespace
}  // namespace strata::stream
