// Interoperability with the standard command-line tools (zstd, lz4, gzip):
// strata's files decode byte-identically with `zstd -d`, `lz4 -d` and
// `gzip -d`; files (single- and multi-frame/member) written by the tools
// read back through strata, sequentially and with random reads.
#include <random>

#include "strata/stream/compress.h"
#include "stream/compress_test_util.h"

namespace strata::stream {
namespace {

using namespace testing;  // NOLINT

constexpr size_t k64K = size_t{64} << 10;

const char* Tool(Codec c) {
  switch (c) {
    case Codec::kZstd:
      return "zstd";
    case Codec::kLz4:
      return "lz4";
    default:
      return "gzip";
  }
}

// Half compressible, half random: both the compressed and the raw paths.
Bytes MixedData(size_t size, uint64_t seed) {
  Bytes a = CompressibleBytes(size / 2, seed);
  Bytes b = RandomBytes(size - size / 2, seed);
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class CompressCliTest : public StreamTest {
 protected:
  void SetUp() override {
    StreamTest::SetUp();
    for (const char* t : {"zstd", "lz4", "gzip"}) {
      if (!HaveTool(t))
        GTEST_SKIP() << t << " not installed (scripts/setup-deps.sh)";
    }
  }

  // Decodes `path` (memory FS) with strata and checks it against `data`:
  // a full read, Size(), and random ranged reads.
  void CheckDecodes(const std::string& path, const Bytes& data, Codec codec) {
    DecompressOptions o;
    o.codec = codec;
    CheckDecodes(path, data, o);
  }
  void CheckDecodes(const std::string& path, const Bytes& data,
                    DecompressOptions options) {
    auto r = Decode(path, Reader(options));
    ASSERT_THAT(r, IsOk());
    auto all = Run(ReadAll(**r, 50000));
    ASSERT_THAT(all, IsOk());
    ASSERT_TRUE(*all == data)
        << "full read differs, " << all->size() << " vs " << data.size();
    auto size = Run((*r)->Size());
    ASSERT_THAT(size, IsOk());
    EXPECT_EQ(*size, data.size());
    std::mt19937_64 rng(7);
    for (int i = 0; i < 12; ++i) {
      const uint64_t off = rng() % (data.size() + 1);
      const size_t n = 1 + rng() % 200000;
      auto got = Run(ReadRange(**r, off, n));
      ASSERT_THAT(got, IsOk());
      const size_t want = std::min<size_t>(n, data.size() - off);
      ASSERT_EQ(got->size(), want);
      ASSERT_TRUE(std::equal(got->begin(), got->end(), data.begin() + off));
    }
    EXPECT_THAT(Run((*r)->Close()), IsOk());
  }

  ScratchDir dir_;
};

TEST_F(CompressCliTest, ToolsDecodeStrataFiles) {
  for (Codec c : {Codec::kZstd, Codec::kLz4, Codec::kGzip}) {
    for (bool table : {true, false}) {
      for (size_t size : {size_t{0}, size_t{1}, 5 * k64K + 77}) {
        SCOPED_TRACE(std::string(Tool(c)) + (table ? " table " : " plain ") +
                     std::to_string(size));
        const Bytes data = MixedData(size, size + 1);
        ASSERT_THAT(Encode("/s", data, Writer(Opts(c, 0, k64K, table))),
                    IsOk());
        const std::string in = dir_.File("s.bin"), out = dir_.File("s.out");
        WriteDisk(in, Stored("/s"));
        ASSERT_EQ(Shell(std::string(Tool(c)) + " -d -c < " + in + " > " + out),
                  0);
        EXPECT_TRUE(ReadDisk(out) == data);
      }
    }
  }
}

TEST_F(CompressCliTest, StrataReadsToolFiles) {
  const Bytes data = MixedData(700000, 3);
  const std::string in = dir_.File("plain"), out = dir_.File("packed");
  WriteDisk(in, data);
  for (Codec c : {Codec::kZstd, Codec::kLz4, Codec::kGzip}) {
    SCOPED_TRACE(Tool(c));
    ASSERT_EQ(Shell(std::string(Tool(c)) + " -c < " + in + " > " + out), 0);
    Store("/t", ReadDisk(out));
    CheckDecodes("/t", data, c);
    CheckDecodes("/t", data, Codec::kAuto);
  }
}

TEST_F(CompressCliTest, StrataReadsConcatenatedToolFiles) {
  const Bytes a = CompressibleBytes(300000, 1), b = MixedData(200001, 2);
  Bytes both = a;
  both.insert(both.end(), b.begin(), b.end());
  WriteDisk(dir_.File("a"), a);
  WriteDisk(dir_.File("b"), b);
  for (Codec c : {Codec::kZstd, Codec::kLz4, Codec::kGzip}) {
    SCOPED_TRACE(Tool(c));
    const std::string t = Tool(c);
    ASSERT_EQ(Shell(t + " -c < " + dir_.File("a") + " > " + dir_.File("a.z")),
              0);
    ASSERT_EQ(Shell(t + " -c < " + dir_.File("b") + " > " + dir_.File("b.z")),
              0);
    Bytes packed = ReadDisk(dir_.File("a.z"));
    if (c != Codec::kGzip) {  // a skippable frame from "another tool"
      const Bytes skip =
          FromString(std::string("\x50\x2a\x4d\x18\x03\0\0\0xyz", 11));
      packed.insert(packed.end(), skip.begin(), skip.end());
    }
    const Bytes second = ReadDisk(dir_.File("b.z"));
    packed.insert(packed.end(), second.begin(), second.end());
    WriteDisk(dir_.File("ab.z"), packed);
    ASSERT_EQ(
        Shell(t + " -d -c < " + dir_.File("ab.z") + " > " + dir_.File("ab")),
        0);
    ASSERT_TRUE(ReadDisk(dir_.File("ab")) == both) << "the tool disagrees";
    Store("/ab", packed);
    CheckDecodes("/ab", both, Codec::kAuto);
  }
}

TEST_F(CompressCliTest, StrataReadsZstdHighLevelAndLz4Options) {
  const Bytes data = CompressibleBytes(400000, 4);
  WriteDisk(dir_.File("p"), data);
  const std::pair<Codec, const char*> cmds[] = {
      {Codec::kZstd, "zstd -19 --no-check -c"},
      {Codec::kLz4, "lz4 -9 -BD --content-size -c"},
      {Codec::kLz4, "lz4 -B4 -BX -c"},
      {Codec::kGzip, "gzip -1 -c"}};
  for (auto [codec, cmd] : cmds) {
    SCOPED_TRACE(cmd);
    ASSERT_EQ(Shell(std::string(cmd) + " < " + dir_.File("p") + " > " +
                    dir_.File("p.z")),
              0);
    Store("/p", ReadDisk(dir_.File("p.z")));
    CheckDecodes("/p", data, codec);
  }
}

// A 128 MiB window (from a pipe, so not shrunk to the content) is over the
// default budget for a small file; unlimited options decode it.
TEST_F(CompressCliTest, ZstdWindowOverBudgetIsResourceExhausted) {
  const Bytes data = CompressibleBytes(100000, 4);
  WriteDisk(dir_.File("p"), data);
  ASSERT_EQ(Shell("cat " + dir_.File("p") + " | zstd --ultra -22 -c > " +
                  dir_.File("p.z")),
            0);
  Store("/p", ReadDisk(dir_.File("p.z")));
  auto r = Decode("/p", Reader(Codec::kZstd));
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Run(ReadAll(**r)), StatusIs(StatusCode::kResourceExhausted));
  DecompressOptions unlimited;
  unlimited.max_expansion = 0;
  CheckDecodes("/p", data, unlimited);
}

}  // namespace
}  // namespace strata::stream
