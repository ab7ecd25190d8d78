#include "strata/stream/crc.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "stream/testing/stream_test_util.h"

namespace strata::stream {
namespace {

using testing::FromString;
using testing::RandomBytes;

// Bit-at-a-time CRC-64/NVME, straight from the parameters.
uint64_t ReferenceCrc64Nvme(std::span<const std::byte> data) {
  uint64_t crc = ~uint64_t{0};
  for (std::byte b : data) {
    crc ^= static_cast<uint64_t>(b);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1) ? (crc >> 1) ^ 0x9a6c9329ac4bc9b5ull : crc >> 1;
    }
  }
  return ~crc;
}

uint32_t ReferenceCrc32(std::span<const std::byte> data) {
  uint32_t crc = ~uint32_t{0};
  for (std::byte b : data) {
    crc ^= static_cast<uint32_t>(b);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1) ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
    }
  }
  return ~crc;
}

TEST(CrcTest, CheckValues) {
  const auto check = FromString("123456789");
  EXPECT_EQ(Crc32(check), 0xCBF43926u);
  EXPECT_EQ(Crc32c(check), 0xE3069283u);
  EXPECT_EQ(Crc64Nvme(check), 0xAE8B14860A799888ull);
  EXPECT_EQ(Crc32({}), 0u);
  EXPECT_EQ(Crc64Nvme({}), 0u);
}

TEST(CrcTest, MatchesBitwiseReferenceAtEveryAlignment) {
  const auto data = RandomBytes(300, 9);
  for (size_t start = 0; start < 9; ++start) {
    for (size_t size = 0; start + size <= data.size(); size += 7) {
      const auto part = std::span(data).subspan(start, size);
      ASSERT_EQ(Crc64Nvme(part), ReferenceCrc64Nvme(part))
          << start << "+" << size;
      ASSERT_EQ(Crc32(part), ReferenceCrc32(part)) << start << "+" << size;
    }
  }
}

TEST(CrcTest, LargeInputsMatchBitwiseReference) {
  // Exercises the folded (PCLMULQDQ) path: 64-byte steps, 16-byte steps and
  // the table tail, at several alignments.
  const auto data = RandomBytes(70000, 12);
  for (size_t start : {0, 1, 7}) {
    for (size_t size : {256, 257, 271, 272, 319, 320, 1000, 4097, 69990}) {
      const auto part = std::span(data).subspan(start, size);
      EXPECT_EQ(Crc64Nvme(part), ReferenceCrc64Nvme(part))
          << start << "+" << size;
      EXPECT_EQ(Crc64Nvme(part, 0x0123456789abcdefull),
                Crc64Nvme(part.subspan(100),
                          Crc64Nvme(part.first(100), 0x0123456789abcdefull)))
          << start << "+" << size;
    }
  }
}

TEST(CrcTest, Extends) {
  const auto data = RandomBytes(10000, 1);
  const auto all = std::span(data);
  for (size_t split : {0, 1, 8, 4999, 10000}) {
    EXPECT_EQ(Crc32(all.subspan(split), Crc32(all.first(split))), Crc32(all));
    EXPECT_EQ(Crc64Nvme(all.subspan(split), Crc64Nvme(all.first(split))),
              Crc64Nvme(all));
  }
}

TEST(CrcTest, CombineEqualsDirectForRandomSplits) {
  std::mt19937_64 rng(3);
  const auto data = RandomBytes(200000, 4);
  const auto all = std::span(data);
  for (int i = 0; i < 200; ++i) {
    const size_t size = rng() % (i < 20 ? 40 : data.size() + 1);
    const size_t split = rng() % (size + 1);  // includes empty parts
    const auto a = all.first(split);
    const auto b = all.subspan(split, size - split);
    const auto ab = all.first(size);
    SCOPED_TRACE(std::to_string(split) + "+" + std::to_string(b.size()));
    EXPECT_EQ(Crc32Combine(Crc32(a), Crc32(b), b.size()), Crc32(ab));
    EXPECT_EQ(Crc32cCombine(Crc32c(a), Crc32c(b), b.size()), Crc32c(ab));
    EXPECT_EQ(Crc64NvmeCombine(Crc64Nvme(a), Crc64Nvme(b), b.size()),
              Crc64Nvme(ab));
  }
}

TEST(CrcTest, CombineHugeLengthIsFastAndConsistent) {
  // Lengths far beyond memory cannot be checked directly, but combining is
  // associative: crc((A ++ B) ++ C) == crc(A ++ (B ++ C)).
  const uint32_t a = Crc32c(FromString("prefix"));
  const uint32_t z1 = 0x12345678u;  // arbitrary CRCs of parts B and C
  const uint32_t z2 = 0x9abcdef0u;
  const uint64_t n1 = uint64_t{1} << 40;
  const uint64_t n2 = 12345;
  EXPECT_EQ(Crc32cCombine(Crc32cCombine(a, z1, n1), z2, n2),
            Crc32cCombine(a, Crc32cCombine(z1, z2, n2), n1 + n2));
  EXPECT_EQ(Crc32cCombine(a, z1, 0), a ^ z1);
}

std::vector<PartChecksum> Parts(HashAlgorithm algorithm,
                                std::span<const std::byte> data,
                                const std::vector<size_t>& sizes) {
  std::vector<PartChecksum> parts;
  size_t pos = 0;
  for (size_t size : sizes) {
    const auto part = data.subspan(pos, size);
    parts.push_back(PartChecksum{HashBytes(algorithm, part), size});
    pos += size;
  }
  return parts;
}

TEST(CrcTest, CombineCrcsEqualsWholeObject) {
  const auto data = RandomBytes(100000, 6);
  const std::vector<std::vector<size_t>> splits = {{100000},
                                                   {0, 100000, 0},
                                                   {1, 99999},
                                                   {50000, 0, 25000, 25000},
                                                   {8, 8, 8, 99976}};
  for (HashAlgorithm algorithm : {HashAlgorithm::kCrc32, HashAlgorithm::kCrc32c,
                                  HashAlgorithm::kCrc64Nvme}) {
    for (const auto& sizes : splits) {
      auto combined = CombineCrcs(algorithm, Parts(algorithm, data, sizes));
      ASSERT_TRUE(combined.ok());
      EXPECT_EQ(*combined, HashBytes(algorithm, data)) << HashName(algorithm);
    }
    auto empty = CombineCrcs(algorithm, {});
    ASSERT_TRUE(empty.ok());
    EXPECT_EQ(*empty, HashBytes(algorithm, {}));
  }
}

TEST(CrcTest, CombineCrcsMatchesS3StyleValue) {
  // Full-object CRC32 of "helloworld!" (python: zlib.crc32), base64 as in
  // x-amz-checksum-crc32.
  const auto data = FromString("helloworld!");
  auto combined = CombineCrcs(HashAlgorithm::kCrc32,
                              Parts(HashAlgorithm::kCrc32, data, {5, 5, 1}));
  ASSERT_TRUE(combined.ok());
  EXPECT_EQ(ToBase64(*combined), "NvXLpg==");
}

TEST(CrcTest, CombineCrcsRejectsBadInput) {
  std::vector<PartChecksum> parts = {PartChecksum{Digest(4), 10}};
  EXPECT_EQ(CombineCrcs(HashAlgorithm::kSha256, parts).status().code(),
            StatusCode::kInvalidArgument);
  auto wrong = CombineCrcs(HashAlgorithm::kCrc64Nvme, parts);
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wrong.status().message().find("part 1"), std::string::npos);
}

TEST(CompositeChecksumTest, HandComputedValues) {
  // python: base64(sha256(sha256(b"hello") + sha256(b"world"))) + "-2"
  const auto hello_world = FromString("helloworld");
  auto sha =
      CompositeChecksum(HashAlgorithm::kSha256,
                        Parts(HashAlgorithm::kSha256, hello_world, {5, 5}));
  ASSERT_TRUE(sha.ok());
  EXPECT_EQ(*sha, "cwXbmyq8zXBsJW2z2X5f9I1nfP5NOlkEr7faDjlQ4eI=-2");
  // python: base64(crc32(crc32be(b"hello") + crc32be(b"world") +
  // crc32be(b"!"))) + "-3"
  auto crc = CompositeChecksum(
      HashAlgorithm::kCrc32,
      Parts(HashAlgorithm::kCrc32, FromString("helloworld!"), {5, 5, 1}));
  ASSERT_TRUE(crc.ok());
  EXPECT_EQ(*crc, "4MYM7g==-3");
}

TEST(CompositeChecksumTest, RejectsBadInput) {
  EXPECT_EQ(CompositeChecksum(HashAlgorithm::kMd5, {}).status().code(),
            StatusCode::kInvalidArgument);
  std::vector<PartChecksum> parts = {PartChecksum{Digest(15), 1}};
  EXPECT_EQ(CompositeChecksum(HashAlgorithm::kMd5, parts).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata::stream
