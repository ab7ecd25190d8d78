#include "strata/stream/bitrot.h"

#include <string>

#include "stream/testing/stream_test_util.h"

namespace strata::stream {
namespace {

using testing::Bytes;
using testing::RandomBytes;
using testing::ReadRange;

class BitrotTest : public testing::StreamTest {
 protected:
  static testing::WriterFactory Writer(BitrotOptions options) {
    return [options](std::unique_ptr<fs::File> inner) {
      return NewBitrotWriter(std::move(inner), options);
    };
  }
  static testing::ReaderFactory Reader(BitrotOptions options) {
    return [options](std::unique_ptr<fs::File> inner) {
      return OpenBitrotReader(std::move(inner), options);
    };
  }
  static BitrotOptions Options(HashAlgorithm algorithm, size_t block_size) {
    BitrotOptions options;
    options.algorithm = algorithm;
    options.block_size = block_size;
    return options;
  }
};

TEST_F(BitrotTest, RoundTripsHighwayHash) {
  auto options = Options(HashAlgorithm::kHighwayHash256, 4096);
  CheckRoundTrips(Writer(options), Reader(options),
                  testing::InterestingSizes(4096));
}

TEST_F(BitrotTest, RoundTripsOtherAlgorithmsAndBlockSizes) {
  for (auto [algorithm, block] :
       {std::pair{HashAlgorithm::kCrc32c, size_t{1000}},
        std::pair{HashAlgorithm::kSha256, size_t{1}},
        std::pair{HashAlgorithm::kXxh3, size_t{65536}}}) {
    auto options = Options(algorithm, block);
    CheckRoundTrips(Writer(options), Reader(options),
                    testing::InterestingSizes(block, 3), 5);
  }
}

TEST_F(BitrotTest, StoredLayoutIsHashThenBlock) {
  auto options = Options(HashAlgorithm::kHighwayHash256, 100);
  Bytes data = RandomBytes(250, 3);
  ASSERT_THAT(Encode("f", data, Writer(options)), testing::IsOk());
  Bytes expected;
  for (size_t at = 0; at < data.size(); at += 100) {
    auto block = std::span(data).subspan(at, std::min<size_t>(100, 250 - at));
    Digest d = HashBytes(HashAlgorithm::kHighwayHash256, block);
    ASSERT_EQ(d.size(), 32u);
    expected.insert(expected.end(), d.begin(), d.end());
    expected.insert(expected.end(), block.begin(), block.end());
  }
  EXPECT_EQ(Stored("f"), expected);
  EXPECT_EQ(BitrotEncodedSize(250, options), 250u + 3 * 32);
  EXPECT_EQ(BitrotEncodedSize(0, options), 0u);
  EXPECT_EQ(BitrotEncodedSize(100, options), 132u);
  EXPECT_EQ(BitrotEncodedSize(101, options), 101u + 64);
}

TEST_F(BitrotTest, CorruptBlockIsDataLossOthersReadable) {
  auto options = Options(HashAlgorithm::kHighwayHash256, 1000);
  Bytes data = RandomBytes(3500, 9);
  for (size_t flip : {size_t{1032 + 500}, size_t{1032 + 3}, size_t{1032}}) {
    ASSERT_THAT(Encode("f", data, Writer(options)), testing::IsOk());
    Bytes stored = Stored("f");
    stored[flip] ^= std::byte{0x40};  // block 1's data or digest
    Store("f", stored);
    auto reader = Decode("f", Reader(options));
    ASSERT_THAT(reader.status(), testing::IsOk());
    auto bad = Run(ReadRange(**reader, 1500, 10));
    EXPECT_THAT(bad.status(), testing::StatusIs(StatusCode::kDataLoss));
    EXPECT_NE(bad.status().message().find("block 1"), std::string::npos)
        << bad.status().ToString();
    for (uint64_t at : {uint64_t{0}, uint64_t{2000}, uint64_t{3000}}) {
      auto good = Run(ReadRange(**reader, at, 1000));
      ASSERT_THAT(good.status(), testing::IsOk());
      EXPECT_EQ(*good, Bytes(data.begin() + at,
                             data.begin() + std::min<size_t>(at + 1000, 3500)));
    }
  }
}

// A whole-block read is verified in the caller's buffer; when it fails the
// buffer holds zeros, never the corrupt bytes.
Task<Result<size_t>> ReadInto(fs::File& file, Bytes& dst, uint64_t offset) {
  co_return co_await file.ReadAt(dst, offset);
}

TEST_F(BitrotTest, FailedWholeBlockReadLeavesNoBadBytes) {
  auto options = Options(HashAlgorithm::kCrc32c, 1000);
  Bytes data = RandomBytes(3000, 4);
  ASSERT_THAT(Encode("w", data, Writer(options)), testing::IsOk());
  Bytes stored = Stored("w");
  stored[1004 + 4 + 10] ^= std::byte{0x01};  // block 1, data byte 10
  Store("w", stored);
  auto reader = Decode("w", Reader(options));
  ASSERT_THAT(reader.status(), testing::IsOk());
  Bytes dst(1000, std::byte{0xAA});
  EXPECT_THAT(Run(ReadInto(**reader, dst, 1000)).status(),
              testing::StatusIs(StatusCode::kDataLoss));
  EXPECT_EQ(dst, Bytes(1000, std::byte{0}));
}

TEST_F(BitrotTest, WrongEncodedSizeIsDataLoss) {
  auto options = Options(HashAlgorithm::kCrc32c, 100);
  Bytes data = RandomBytes(300, 1);
  ASSERT_THAT(Encode("f", data, Writer(options)), testing::IsOk());
  Bytes stored = Stored("f");
  for (size_t cut : {size_t{1}, size_t{4}, size_t{104 + 2}, size_t{208 + 4}}) {
    Store("f", std::span(stored).first(cut));
    EXPECT_THAT(Decode("f", Reader(options)).status(),
                testing::StatusIs(StatusCode::kDataLoss))
        << cut;
  }
  // Cut mid-block: a valid size, but the short block fails its hash.
  Store("f", std::span(stored).first(104 + 50));
  auto reader = Decode("f", Reader(options));
  ASSERT_THAT(reader.status(), testing::IsOk());
  EXPECT_THAT(Run(ReadRange(**reader, 100, 10)).status(),
              testing::StatusIs(StatusCode::kDataLoss));
}

TEST_F(BitrotTest, RejectsBadBlockSize) {
  auto options = Options(HashAlgorithm::kCrc32c, 0);
  EXPECT_THAT(NewBitrotWriter(NewFile("f"), options).status(),
              testing::StatusIs(StatusCode::kInvalidArgument));
  options.block_size = size_t{1} << 40;
  EXPECT_THAT(NewBitrotWriter(NewFile("f"), options).status(),
              testing::StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace strata::stream
