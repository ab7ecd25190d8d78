// Damaged compressed files: flipped bytes in frames and in the seek table,
// truncation, and the documented fallback when the seekable magic is gone.
// The invariant everywhere: a reader returns the right bytes or kDataLoss
// (kInvalidArgument when the leading magic itself is hit), never wrong data.
#include <random>

#include "strata/stream/compress.h"
#include "stream/compress_test_util.h"

namespace strata::stream {
namespace {

using namespace testing;  // NOLINT

constexpr size_t k64K = size_t{64} << 10;

class CompressCorruptTest : public StreamTest {
 protected:
  // Decodes `stored` fully: the data, or the first error.
  Result<Bytes> DecodeBytes(const Bytes& stored) {
    Store("/d", stored);
    STRATA_ASSIGN_OR_RETURN(auto r, Decode("/d", Reader(Codec::kAuto)));
    STRATA_ASSIGN_OR_RETURN(uint64_t size, Run(r->Size()));
    STRATA_ASSIGN_OR_RETURN(Bytes all, Run(ReadAll(*r, 40000)));
    if (size != all.size()) return InternalError("Size() disagrees with data");
    return all;
  }

  // Flips byte `pos` of `stored` and checks the invariant.
  void CheckFlip(const Bytes& stored, const Bytes& data, size_t pos,
                 bool table_byte) {
    Bytes bad = stored;
    bad[pos] ^= std::byte{0x41};
    auto got = DecodeBytes(bad);
    if (got.ok()) {
      EXPECT_TRUE(*got == data) << "wrong data after flipping byte " << pos;
      return;
    }
    const StatusCode code = got.status().code();
    const bool allowed = code == StatusCode::kDataLoss ||
                         (code == StatusCode::kInvalidArgument && pos < 4) ||
                         (code == StatusCode::kResourceExhausted && table_byte);
    EXPECT_TRUE(allowed) << "byte " << pos << ": " << got.status().ToString();
  }

  Bytes Encoded(Codec c, const Bytes& data, bool table) {
    EXPECT_THAT(Encode("/e", data, Writer(Opts(c, 0, k64K, table))), IsOk());
    return Stored("/e");
  }
};

Bytes Mixed() {
  Bytes data = CompressibleBytes(k64K + 1000, 11);
  Bytes rnd = RandomBytes(k64K, 12);
  data.insert(data.end(), rnd.begin(), rnd.end());
  return data;  // frames: compressed, raw, compressed-or-raw tail
}

TEST_F(CompressCorruptTest, EveryTableByteFlipIsDataLossOrHarmless) {
  const Bytes data = Mixed();
  for (Codec c : {Codec::kZstd, Codec::kLz4, Codec::kGzip}) {
    SCOPED_TRACE(CodecName(c));
    const Bytes stored = Encoded(c, data, true);
    const Bytes plain = Encoded(c, data, false);
    ASSERT_GT(stored.size(), plain.size());
    for (size_t pos = plain.size(); pos < stored.size(); ++pos) {
      CheckFlip(stored, data, pos, true);
    }
  }
}

TEST_F(CompressCorruptTest, FrameByteFlipsAreDataLossOrHarmless) {
  const Bytes data = Mixed();
  std::mt19937_64 rng(5);
  for (Codec c : {Codec::kZstd, Codec::kLz4, Codec::kGzip}) {
    for (bool table : {true, false}) {
      SCOPED_TRACE(std::string(CodecName(c)) + (table ? " table" : ""));
      const Bytes stored = Encoded(c, data, table);
      const size_t frames = Encoded(c, data, false).size();
      for (int i = 0; i < 60; ++i)
        CheckFlip(stored, data, rng() % frames, false);
      for (size_t pos = 0; pos < 24; ++pos) CheckFlip(stored, data, pos, false);
    }
  }
}

TEST_F(CompressCorruptTest, FlipInsideARawFrameIsDataLoss) {
  const Bytes data = RandomBytes(3 * k64K, 3);
  for (Codec c : {Codec::kZstd, Codec::kLz4, Codec::kGzip}) {
    for (bool table : {true, false}) {
      SCOPED_TRACE(std::string(CodecName(c)) + (table ? " table" : ""));
      Bytes bad = Encoded(c, data, table);
      bad[k64K + 1000] ^= std::byte{1};  // second frame's payload
      EXPECT_THAT(DecodeBytes(bad), StatusIs(StatusCode::kDataLoss));
    }
  }
}

TEST_F(CompressCorruptTest, TruncationIsDataLoss) {
  const Bytes data = Mixed();
  for (Codec c : {Codec::kZstd, Codec::kLz4, Codec::kGzip}) {
    for (bool table : {true, false}) {
      SCOPED_TRACE(std::string(CodecName(c)) + (table ? " table" : ""));
      const Bytes stored = Encoded(c, data, table);
      for (size_t cut : {size_t{1}, size_t{5}, size_t{30}, stored.size() / 2,
                         stored.size() - 40}) {
        Bytes bad(stored.begin(), stored.end() - static_cast<long>(cut));
        EXPECT_THAT(DecodeBytes(bad), StatusIs(StatusCode::kDataLoss)) << cut;
      }
    }
  }
}

TEST_F(CompressCorruptTest, SeekTableFieldsAreChecked) {
  const Bytes data = Mixed();
  for (Codec c : {Codec::kZstd, Codec::kLz4}) {
    SCOPED_TRACE(CodecName(c));
    const Bytes stored = Encoded(c, data, true);
    const size_t end = stored.size(), n = 3;
    const size_t table = end - (8 + n * 12 + 9);
    auto at = [&](size_t pos, uint8_t x) {
      Bytes bad = stored;
      bad[pos] ^= std::byte{x};
      return DecodeBytes(bad);
    };
    const StatusCode kLoss = StatusCode::kDataLoss;
    EXPECT_THAT(at(table, 1), StatusIs(kLoss)) << "skippable magic";
    EXPECT_THAT(at(table + 4, 1), StatusIs(kLoss)) << "frame size";
    EXPECT_THAT(at(table + 8, 1), StatusIs(kLoss)) << "compressed size";
    EXPECT_THAT(at(table + 12, 1), StatusIs(kLoss)) << "plain size";
    EXPECT_THAT(at(table + 16, 1), StatusIs(kLoss)) << "checksum";
    EXPECT_THAT(at(table + 40, 1), StatusIs(kLoss)) << "last checksum";
    EXPECT_THAT(at(end - 9, 1), StatusIs(kLoss)) << "number of frames";
    EXPECT_THAT(at(end - 5, 1), StatusIs(kLoss)) << "reserved bit";
    EXPECT_THAT(at(end - 5, 0x80), StatusIs(kLoss)) << "checksum flag";
    // Without the seekable magic there is no table: sequential mode reads
    // the frames and skips the (now opaque) skippable frame.
    auto fallback = at(end - 1, 1);
    ASSERT_THAT(fallback, IsOk());
    EXPECT_TRUE(*fallback == data);
  }
}

TEST_F(CompressCorruptTest, GzipIndexFieldsAreChecked) {
  const Bytes data = Mixed();
  const Bytes stored = Encoded(Codec::kGzip, data, true);
  const size_t end = stored.size();
  auto at = [&](size_t pos, uint8_t x) {
    Bytes bad = stored;
    bad[pos] ^= std::byte{x};
    return DecodeBytes(bad);
  };
  const size_t length_digit = end - 12;  // last hex digit of L
  EXPECT_THAT(at(length_digit, 0x01), StatusIs(StatusCode::kDataLoss));
  // A non-hex L: not an index; the member is still valid gzip.
  auto fallback = at(length_digit, 0x40);
  ASSERT_THAT(fallback, IsOk());
  EXPECT_TRUE(*fallback == data);
  EXPECT_THAT(at(end - 40, 0x01), StatusIs(StatusCode::kDataLoss)) << "base64";
}

}  // namespace
}  // namespace strata::stream
