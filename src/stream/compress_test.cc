// Round trips, options, the adaptive raw path, `auto`, and the
// decompression-bomb limits of the compression layers.
#include "strata/stream/compress.h"

#include <cstring>

#include "stream/compress_test_util.h"

namespace strata::stream {
namespace {

using namespace testing;  // NOLINT

constexpr size_t k64K = size_t{64} << 10;

class CompressTest : public StreamTest {
 protected:
  // Encodes `data` to `path`, returns the stored bytes.
  Bytes EncodeTo(const std::string& path, const Bytes& data,
                 const CompressOptions& o) {
    EXPECT_THAT(Encode(path, data, Writer(o)), IsOk());
    return Stored(path);
  }
  Result<Bytes> DecodeAll(const std::string& path, DecompressOptions o) {
    STRATA_ASSIGN_OR_RETURN(auto r, Decode(path, Reader(o)));
    auto all = Run(ReadAll(*r));
    Run(r->Close()).IgnoreError();
    return all;
  }
};

TEST_F(CompressTest, RoundTripsEveryCodecWithAndWithoutTable) {
  for (Codec c : {Codec::kZstd, Codec::kLz4, Codec::kGzip}) {
    for (bool table : {true, false}) {
      SCOPED_TRACE(std::string(CodecName(c)) + (table ? " table" : " plain"));
      CheckRoundTrips(Writer(Opts(c, 0, k64K, table)), Reader(c),
                      InterestingSizes(k64K));
    }
  }
}

TEST_F(CompressTest, RoundTripsLevelsAndAutoDetection) {
  const std::pair<Codec, int> cases[] = {{Codec::kZstd, 1},  {Codec::kZstd, 19},
                                         {Codec::kZstd, -5}, {Codec::kLz4, 1},
                                         {Codec::kLz4, 9},   {Codec::kGzip, 1},
                                         {Codec::kGzip, 9}};
  for (auto [codec, level] : cases) {
    SCOPED_TRACE(std::string(CodecName(codec)) + ":" + std::to_string(level));
    CheckRoundTrips(Writer(Opts(codec, level)), Reader(Codec::kAuto),
                    {0, 1, 3 * k64K + 5}, 8);
  }
}

TEST_F(CompressTest, RoundTripsLargeBlocks) {
  CheckRoundTrips(Writer(Opts(Codec::kZstd, 0, size_t{1} << 20)),
                  Reader(Codec::kZstd), {(size_t{5} << 20) / 2}, 10);
}

TEST_F(CompressTest, ParsesSpecs) {
  auto z = ParseCompressSpec("zstd:19");
  ASSERT_THAT(z, IsOk());
  EXPECT_EQ(z->codec, Codec::kZstd);
  EXPECT_EQ(z->level, 19);
  auto l = ParseCompressSpec("lz4");
  ASSERT_THAT(l, IsOk());
  EXPECT_EQ(l->codec, Codec::kLz4);
  EXPECT_EQ(l->level, 0);
  EXPECT_THAT(ParseCompressSpec("gzip:6"), IsOk());
  EXPECT_THAT(ParseCompressSpec("auto"), IsOk());
  EXPECT_THAT(ParseCompressSpec("zstd:-3"), IsOk());
  for (const char* bad : {"", "zip", "zstd:", "zstd:x", "zstd:99", "gzip:10",
                          "lz4:13", "gzip:0", "zstd:3x", "ZSTD"}) {
    EXPECT_THAT(ParseCompressSpec(bad), StatusIs(StatusCode::kInvalidArgument))
        << bad;
  }
  EXPECT_EQ(CodecName(Codec::kGzip), "gzip");
  EXPECT_EQ(CodecName(Codec::kAuto), "auto");
}

TEST_F(CompressTest, RejectsBadWriterOptions) {
  CompressOptions o = Opts(Codec::kZstd);
  o.block_size = 1000;
  EXPECT_THAT(NewCompressWriter(NewFile("/a"), o),
              StatusIs(StatusCode::kInvalidArgument));
  o = Opts(Codec::kZstd);
  o.min_saving = 1.5;
  EXPECT_THAT(NewCompressWriter(NewFile("/a"), o),
              StatusIs(StatusCode::kInvalidArgument));
  o = Opts(Codec::kGzip, 12);
  EXPECT_THAT(NewCompressWriter(NewFile("/a"), o),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(CompressTest, RandomDataIsStoredRawWithSmallOverhead) {
  const Bytes data = RandomBytes(20 * k64K + 100, 9);
  const size_t blocks = 21;
  for (Codec c : {Codec::kZstd, Codec::kLz4, Codec::kGzip}) {
    SCOPED_TRACE(CodecName(c));
    Bytes stored = EncodeTo("/raw", data, Opts(c, 0, k64K, false));
    // zstd: 13 + 3 + 4; lz4: 15 + 4 + 8; gzip: 10 + 2*5 + 8 per block.
    EXPECT_LE(stored.size(), data.size() + blocks * 32) << CodecName(c);
    auto back = DecodeAll("/raw", DecompressOptions());
    ASSERT_THAT(back, IsOk());
    EXPECT_TRUE(*back == data);
  }
}

TEST_F(CompressTest, CompressibleDataShrinks) {
  const Bytes data = CompressibleBytes(8 * k64K, 3);
  for (Codec c : {Codec::kZstd, Codec::kLz4, Codec::kGzip}) {
    Bytes stored = EncodeTo("/c", data, Opts(c));
    EXPECT_LT(stored.size(), data.size() / 2) << CodecName(c);
  }
}

TEST_F(CompressTest, MinSavingOneStoresEverythingRaw) {
  const Bytes data = CompressibleBytes(4 * k64K, 3);
  CompressOptions o = Opts(Codec::kZstd, 0, k64K, false);
  o.min_saving = 0.999;
  Bytes stored = EncodeTo("/r", data, o);
  EXPECT_GT(stored.size(), data.size());
  EXPECT_LE(stored.size(), data.size() + 4 * 20);
}

TEST_F(CompressTest, AutoPicksZstdForTextAndLz4ForRandom) {
  Bytes text = EncodeTo("/t", CompressibleBytes(k64K, 1), Opts(Codec::kAuto));
  ASSERT_GE(text.size(), 4u);
  EXPECT_EQ(std::memcmp(text.data(), "\x28\xb5\x2f\xfd", 4), 0);
  Bytes rnd = EncodeTo("/r", RandomBytes(k64K, 1), Opts(Codec::kAuto));
  ASSERT_GE(rnd.size(), 4u);
  EXPECT_EQ(std::memcmp(rnd.data(), "\x04\x22\x4d\x18", 4), 0);
  auto back = DecodeAll("/r", DecompressOptions());
  ASSERT_THAT(back, IsOk());
  EXPECT_TRUE(*back == RandomBytes(k64K, 1));
}

TEST_F(CompressTest, WrongCodecIsInvalidArgument) {
  EncodeTo("/z", CompressibleBytes(1000, 1), Opts(Codec::kZstd));
  for (Codec c : {Codec::kLz4, Codec::kGzip}) {
    EXPECT_THAT(Decode("/z", Reader(c)), StatusIs(StatusCode::kInvalidArgument))
        << CodecName(c);
  }
  Store("/plain", CompressibleBytes(1000, 1));
  EXPECT_THAT(Decode("/plain", Reader(Codec::kAuto)),
              StatusIs(StatusCode::kInvalidArgument));
}

// 100 MiB of zeros, written 1 MiB at a time (never held in memory).
Task<Status> WriteZeros(fs::File& w, size_t mib) {
  Bytes zeros(size_t{1} << 20);
  for (size_t i = 0; i < mib; ++i)
    STRATA_CO_RETURN_IF_ERROR(co_await w.Write(zeros));
  co_return co_await w.Close();
}

TEST_F(CompressTest, DecompressionBombLimits) {
  for (bool table : {true, false}) {
    SCOPED_TRACE(table ? "table" : "no table");
    auto w = NewCompressWriter(NewFile("/bomb"),
                               Opts(Codec::kZstd, 0, size_t{1} << 20, table));
    ASSERT_THAT(w, IsOk());
    ASSERT_THAT(Run(WriteZeros(**w, 100)), IsOk());
    EXPECT_LT(Stored("/bomb").size(), 100000u);
    DecompressOptions o;
    o.max_plain_size = size_t{10} << 20;
    o.max_expansion = 0;
    EXPECT_THAT(DecodeAll("/bomb", o),
                StatusIs(StatusCode::kResourceExhausted));
    o.max_plain_size = 0;
    o.max_expansion = 1000;  // default: far below the real ratio
    EXPECT_THAT(DecodeAll("/bomb", o),
                StatusIs(StatusCode::kResourceExhausted));
    o.max_expansion = 0;  // unlimited
    auto r = Decode("/bomb", Reader(o));
    ASSERT_THAT(r, IsOk());
    EXPECT_THAT(Run((*r)->Size()), IsOk());
  }
}

// A sequential (no seek table) reader that hit the plain-size limit keeps
// failing: retrying the read neither serves the bytes past the limit nor
// mistakes the stopped decoder for the end of the stream.
TEST_F(CompressTest, PlainLimitStaysAnErrorOnRetry) {
  auto w = NewCompressWriter(NewFile("/limit"),
                             Opts(Codec::kZstd, 0, size_t{1} << 20, false));
  ASSERT_THAT(w, IsOk());
  ASSERT_THAT(Run(WriteZeros(**w, 8)), IsOk());
  DecompressOptions o;
  o.max_plain_size = size_t{3} << 20;
  o.max_expansion = 0;
  auto r = Decode("/limit", Reader(o));
  ASSERT_THAT(r, IsOk());
  const uint64_t at_limit = uint64_t{3} << 20;
  for (int attempt = 0; attempt < 3; ++attempt) {
    SCOPED_TRACE("attempt " + std::to_string(attempt));
    EXPECT_THAT(Run(ReadRange(**r, at_limit, 4096)).status(),
                StatusIs(StatusCode::kResourceExhausted));
    EXPECT_THAT(Run((*r)->Size()).status(),
                StatusIs(StatusCode::kResourceExhausted));
  }
  auto below = Run(ReadRange(**r, 0, 4096));
  ASSERT_THAT(below, IsOk());
  EXPECT_EQ(below->size(), 4096u);
}

TEST_F(CompressTest, SmallReadsAfterEachOtherAndBackwards) {
  const Bytes data = CompressibleBytes(5 * k64K + 3, 5);
  for (bool table : {true, false}) {
    EncodeTo("/s", data, Opts(Codec::kLz4, 0, k64K, table));
    auto r = Decode("/s", Reader(Codec::kLz4));
    ASSERT_THAT(r, IsOk());
    for (uint64_t off : {uint64_t{0}, uint64_t{70000}, uint64_t{100},
                         uint64_t{5 * k64K}, uint64_t{3}}) {
      auto got = Run(ReadRange(**r, off, 1000));
      ASSERT_THAT(got, IsOk());
      const size_t want = std::min<size_t>(1000, data.size() - off);
      ASSERT_EQ(got->size(), want);
      EXPECT_TRUE(std::equal(got->begin(), got->end(), data.begin() + off));
    }
  }
}

TEST_F(CompressTest, OnlySkippableFramesIsAnEmptyStream) {
  const Bytes skippable =
      FromString(std::string("\x5a\x2a\x4d\x18\x02\0\0\0hi", 10));
  // An empty seek table (what zstd's seekable API writes for no input).
  const Bytes table = FromString(std::string(
      "\x5e\x2a\x4d\x18\x09\0\0\0\0\0\0\0\x80\xb1\xea\x92\x8f", 17));
  for (const Bytes& bytes : {skippable, table}) {
    for (Codec c : {Codec::kAuto, Codec::kZstd, Codec::kLz4}) {
      Store("/e", bytes);
      auto r = Decode("/e", Reader(c));
      ASSERT_THAT(r, IsOk());
      EXPECT_THAT(Run((*r)->Size()), IsOk());
      EXPECT_EQ(Run((*r)->Size()).value_or(1), 0u);
      auto all = Run(ReadAll(**r));
      ASSERT_THAT(all, IsOk());
      EXPECT_TRUE(all->empty());
    }
    EXPECT_THAT(Decode("/e", Reader(Codec::kGzip)),
                StatusIs(StatusCode::kInvalidArgument));
  }
  Store("/empty", Bytes());
  EXPECT_THAT(Decode("/empty", Reader(Codec::kZstd)),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(CompressTest, UsesTheBufferPool) {
  auto pool = BufferPool::Create();
  ASSERT_THAT(pool, IsOk());
  CompressOptions o = Opts(Codec::kGzip);
  o.pool = pool->get();
  DecompressOptions d;
  d.pool = pool->get();
  CheckRoundTrips(Writer(o), Reader(d), {3 * k64K + 1}, 5);
  EXPECT_GT((*pool)->stats().hits + (*pool)->stats().misses, 0u);
}

}  // namespace
}  // namespace strata::stream
