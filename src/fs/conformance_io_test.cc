// Conformance: reads, writes, vectored I/O, O_DIRECT and sparse files.
#include "fs/conformance_test_util.h"

namespace strata::fs::conformance {
namespace {

// ---- round trips, EOF, random and vectored I/O ---------------------------

TEST_P(FileSystemConformanceTest, WriteReadRoundTripSmall) {
  ASSERT_THAT(Write(P("small"), "hello, strata"), IsOk());
  auto data = Read(P("small"));
  ASSERT_THAT(data, IsOk());
  EXPECT_EQ(*data, "hello, strata");
}

TEST_P(FileSystemConformanceTest, WriteReadRoundTripEmpty) {
  ASSERT_THAT(Write(P("empty"), ""), IsOk());
  auto info = Stat(P("empty"));
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->size, 0u);
  EXPECT_FALSE(info->is_dir);
  auto file = Open(P("empty"), OpenOptions::ReadOnly());
  ASSERT_THAT(file, IsOk());
  auto size = Run((*file)->Size());
  ASSERT_THAT(size, IsOk());
  EXPECT_EQ(*size, 0u);
  std::string buf(16, 'x');
  auto n = Run((*file)->ReadAt(AsMutableBytes(buf), 0));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, 0u);
  EXPECT_THAT(Run((*file)->Close()), IsOk());
}

TEST_P(FileSystemConformanceTest, WriteReadRoundTripOneMiB) {
  const std::string data = RandomData(kMiB, 1);
  ASSERT_THAT(Write(P("big"), data), IsOk());
  auto back = Read(P("big"));
  ASSERT_THAT(back, IsOk());
  ASSERT_EQ(back->size(), data.size());
  EXPECT_TRUE(*back == data) << "1 MiB round trip differs";
  // Odd-sized chunks cross every internal boundary differently.
  auto file = Open(P("big"), OpenOptions::ReadOnly());
  ASSERT_THAT(file, IsOk());
  auto chunked = Run(ReadToEnd(file->get(), 4097));
  ASSERT_THAT(chunked, IsOk());
  EXPECT_TRUE(*chunked == data) << "chunked read differs";
  EXPECT_THAT(Run((*file)->Close()), IsOk());
}

TEST_P(FileSystemConformanceTest, ReadAcrossEofIsShort) {
  const std::string data = RandomData(100, 2);
  ASSERT_THAT(Write(P("f"), data), IsOk());
  auto file = Open(P("f"), OpenOptions::ReadOnly());
  ASSERT_THAT(file, IsOk());
  File& f = **file;
  std::string buf(50, 'x');
  auto n = Run(f.ReadAt(AsMutableBytes(buf), 80));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, 20u);
  EXPECT_EQ(buf.substr(0, 20), data.substr(80));
  for (uint64_t offset : {uint64_t{100}, uint64_t{101}, uint64_t{1} << 40}) {
    n = Run(f.ReadAt(AsMutableBytes(buf), offset));
    ASSERT_THAT(n, IsOk()) << "offset " << offset;
    EXPECT_EQ(*n, 0u) << "offset " << offset;
  }
  std::string none;
  n = Run(f.ReadAt(AsMutableBytes(none), 0));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, 0u);
  std::string all(100, 'x');
  n = Run(f.ReadAt(AsMutableBytes(all), 0));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, 100u);
  EXPECT_EQ(all, data);
  EXPECT_THAT(Run(f.Close()), IsOk());
}

TEST_P(FileSystemConformanceTest, RandomReadsMatchContent) {
  const std::string data = RandomData(kMiB + 333, 3);
  ASSERT_THAT(Write(P("f"), data), IsOk());
  auto file = Open(P("f"), OpenOptions::ReadOnly());
  ASSERT_THAT(file, IsOk());
  EXPECT_THAT(Run(CheckRandomReads(file->get(), &data, 1000, 42)), IsOk());
  EXPECT_THAT(Run((*file)->Close()), IsOk());
}

TEST_P(FileSystemConformanceTest, ReadVScattersOneRange) {
  const std::string data = RandomData(1000, 4);
  ASSERT_THAT(Write(P("f"), data), IsOk());
  auto file = Open(P("f"), OpenOptions::ReadOnly());
  ASSERT_THAT(file, IsOk());
  File& f = **file;
  std::string a(10, '\0'), c(100, '\0'), e(50, '\0');
  const std::vector<MutableBytes> dsts = {
      AsMutableBytes(a), {}, AsMutableBytes(c), {}, AsMutableBytes(e)};
  auto n = Run(f.ReadV(dsts, 100));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, 160u);
  EXPECT_EQ(a, data.substr(100, 10));
  EXPECT_EQ(c, data.substr(110, 100));
  EXPECT_EQ(e, data.substr(210, 50));
  // Across EOF: 10 bytes into `a`, 40 into `c`, nothing into `e`.
  n = Run(f.ReadV(dsts, 950));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, 50u);
  EXPECT_EQ(a, data.substr(950, 10));
  EXPECT_EQ(c.substr(0, 40), data.substr(960, 40));
  n = Run(f.ReadV(dsts, 1000));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, 0u);
  n = Run(f.ReadV({}, 0));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, 0u);
  EXPECT_THAT(Run(f.Close()), IsOk());
}

TEST_P(FileSystemConformanceTest, WriteVGathersBuffers) {
  const std::vector<std::string> parts = {
      "alpha", "", "beta", "", "", RandomData(300 * kKiB, 5), "omega"};
  std::vector<ConstBytes> srcs;
  std::string expected;
  for (const std::string& p : parts) {
    srcs.push_back(AsBytes(p));
    expected += p;
  }
  auto file = Open(P("f"), OpenOptions::Overwrite());
  ASSERT_THAT(file, IsOk());
  EXPECT_THAT(Run((*file)->WriteV(srcs)), IsOk());
  EXPECT_THAT(Run((*file)->WriteV({})), IsOk());
  EXPECT_THAT(Run((*file)->Write(AsBytes("!"))), IsOk());
  EXPECT_THAT(Run((*file)->WriteV(srcs)), IsOk());
  ASSERT_THAT(Run((*file)->Close()), IsOk());
  auto back = Read(P("f"));
  ASSERT_THAT(back, IsOk());
  EXPECT_TRUE(*back == expected + "!" + expected) << "WriteV content differs";
}

TEST_P(FileSystemConformanceTest, WriteAtPatchesWithoutMovingPosition) {
  STRATA_CONFORMANCE_REQUIRE(positional_write);
  auto file = Open(P("f"), OpenOptions::Overwrite());
  ASSERT_THAT(file, IsOk());
  File& f = **file;
  EXPECT_THAT(Run(f.Write(AsBytes("0123456789"))), IsOk());
  EXPECT_THAT(Run(f.WriteAt(AsBytes("ab"), 3)), IsOk());
  EXPECT_THAT(Run(f.Write(AsBytes("K"))), IsOk());
  EXPECT_THAT(Run(f.WriteAt(AsBytes("Z"), 15)), IsOk());
  EXPECT_THAT(Run(f.WriteAt({}, 3)), IsOk());
  ASSERT_THAT(Run(f.Close()), IsOk());
  auto back = Read(P("f"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, std::string("012ab56789K\0\0\0\0Z", 16));
}

TEST_P(FileSystemConformanceTest, AppendAddsToTheEnd) {
  STRATA_CONFORMANCE_REQUIRE(append);
  ASSERT_THAT(Write(P("f"), "abc"), IsOk());
  EXPECT_THAT(Write(P("f"), "def", OpenOptions::Append()), IsOk());
  EXPECT_THAT(Write(P("f"), "", OpenOptions::Append()), IsOk());
  EXPECT_THAT(Write(P("f"), "gh", OpenOptions::Append()), IsOk());
  auto back = Read(P("f"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "abcdefgh");
  // Append creates a missing file.
  EXPECT_THAT(Write(P("new"), "x", OpenOptions::Append()), IsOk());
  back = Read(P("new"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "x");
}

TEST_P(FileSystemConformanceTest, TruncateDiscardsContent) {
  ASSERT_THAT(Write(P("f"), "hello world"), IsOk());
  ASSERT_THAT(Write(P("f"), "hi"), IsOk());
  auto back = Read(P("f"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "hi");
  // Opening with truncate and writing nothing leaves an empty file.
  auto file = Open(P("f"), OpenOptions::Overwrite());
  ASSERT_THAT(file, IsOk());
  ASSERT_THAT(Run((*file)->Close()), IsOk());
  auto info = Stat(P("f"));
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->size, 0u);
}

TEST_P(FileSystemConformanceTest, SizeMatchesContent) {
  auto writer = Open(P("f"), OpenOptions::Overwrite());
  ASSERT_THAT(writer, IsOk());
  EXPECT_THAT(Run((*writer)->Write(AsBytes(RandomData(12000, 6)))), IsOk());
  EXPECT_THAT(Run((*writer)->Write(AsBytes(RandomData(345, 7)))), IsOk());
  auto size = Run((*writer)->Size());
  ASSERT_THAT(size, IsOk());
  EXPECT_EQ(*size, 12345u);
  ASSERT_THAT(Run((*writer)->Close()), IsOk());
  auto reader = Open(P("f"), OpenOptions::ReadOnly());
  ASSERT_THAT(reader, IsOk());
  size = Run((*reader)->Size());
  ASSERT_THAT(size, IsOk());
  EXPECT_EQ(*size, 12345u);
  EXPECT_THAT(Run((*reader)->Close()), IsOk());
  auto info = Stat(P("f"));
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->size, 12345u);
}

TEST_P(FileSystemConformanceTest, SyncAndSyncDirSucceed) {
  auto file = Open(P("f"), OpenOptions::Overwrite());
  ASSERT_THAT(file, IsOk());
  EXPECT_THAT(Run((*file)->Write(AsBytes("durable"))), IsOk());
  EXPECT_THAT(Run((*file)->Sync()), IsOk());
  EXPECT_THAT(Run((*file)->Close()), IsOk());
  EXPECT_THAT(Run(fs().SyncDir(root())), IsOk());
  if (caps().directory_fsync) {
    OpenOptions durable = OpenOptions::Overwrite();
    durable.durable_create = true;
    EXPECT_THAT(Write(P("g"), "entry survives", durable), IsOk());
    auto back = Read(P("g"));
    ASSERT_THAT(back, IsOk());
    EXPECT_EQ(*back, "entry survives");
  }
}

// ---- O_DIRECT --------------------------------------------------------------

bool MentionsAlignment(const Status& st) {
  std::string m = Message(st);
  return m.find("align") != std::string::npos ||
         m.find(std::to_string(kDirectIoAlignment)) != std::string::npos;
}

TEST_P(FileSystemConformanceTest, DirectIoRoundTrip) {
  STRATA_CONFORMANCE_REQUIRE(direct_io);
  OpenOptions opts = OpenOptions::Overwrite();
  opts.direct = true;
  auto writer = Open(P("direct"), opts);
  if (!writer.ok() && writer.status().sys_errno() == EINVAL) {
    GTEST_SKIP() << "the file system under " << root()
                 << " refuses O_DIRECT: " << writer.status().ToString();
  }
  ASSERT_THAT(writer, IsOk());
  constexpr size_t kLen = 3 * kDirectIoAlignment;
  const std::string data = RandomData(kLen, 9);
  AlignedBuffer out(kLen);
  std::memcpy(out.data(), data.data(), kLen);
  ASSERT_THAT(Run((*writer)->Write(out.span())), IsOk());
  ASSERT_THAT(Run((*writer)->Close()), IsOk());

  opts = OpenOptions::ReadOnly();
  opts.direct = true;
  auto reader = Open(P("direct"), opts);
  ASSERT_THAT(reader, IsOk());
  AlignedBuffer in(kLen);
  auto n = Run((*reader)->ReadAt(in.span(), 0));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, kLen);
  EXPECT_EQ(std::memcmp(in.data(), data.data(), kLen), 0);
  // Aligned, crossing EOF: short.
  AlignedBuffer two(2 * kDirectIoAlignment);
  n = Run((*reader)->ReadAt(two.span(), 2 * kDirectIoAlignment));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, kDirectIoAlignment);
  EXPECT_EQ(std::memcmp(two.data(), data.data() + 2 * kDirectIoAlignment,
                        kDirectIoAlignment),
            0);
  EXPECT_THAT(Run((*reader)->Close()), IsOk());
  auto back = Read(P("direct"));
  ASSERT_THAT(back, IsOk());
  EXPECT_TRUE(*back == data) << "buffered read of O_DIRECT data differs";
}

TEST_P(FileSystemConformanceTest, DirectIoRejectsMisalignment) {
  STRATA_CONFORMANCE_REQUIRE(direct_io);
  constexpr size_t kA = kDirectIoAlignment;
  ASSERT_THAT(Write(P("direct"), RandomData(4 * kA, 10)), IsOk());
  OpenOptions opts = ReadWrite();
  opts.truncate = false;
  opts.direct = true;
  auto file = Open(P("direct"), opts);
  if (!file.ok() && file.status().sys_errno() == EINVAL) {
    GTEST_SKIP() << "the file system under " << root()
                 << " refuses O_DIRECT: " << file.status().ToString();
  }
  ASSERT_THAT(file, IsOk());
  File& f = **file;
  AlignedBuffer buf(2 * kA);
  const MutableBytes misaligned_buffer = buf.span().subspan(1, kA);
  const MutableBytes short_length = buf.span().first(100);
  const MutableBytes aligned = buf.span().first(kA);
  const std::pair<const char*, Status> results[] = {
      {"ReadAt buffer", Run(f.ReadAt(misaligned_buffer, 0)).status()},
      {"ReadAt offset", Run(f.ReadAt(aligned, 100)).status()},
      {"ReadAt length", Run(f.ReadAt(short_length, 0)).status()},
      {"Write buffer", Run(f.Write(misaligned_buffer))},
      {"Write length", Run(f.Write(short_length))},
  };
  for (const auto& [op, st] : results) {
    EXPECT_THAT(st, StatusIs(StatusCode::kInvalidArgument)) << op;
    EXPECT_TRUE(MentionsAlignment(st)) << op << ": " << st.ToString();
    EXPECT_THAT(Message(st), HasSubstr(P("direct"))) << op;
  }
  if (caps().positional_write) {
    Status st = Run(f.WriteAt(aligned, 100));
    EXPECT_THAT(st, StatusIs(StatusCode::kInvalidArgument)) << "WriteAt";
    EXPECT_TRUE(MentionsAlignment(st)) << st.ToString();
  }
  // Aligned access still works on the same file.
  auto n = Run(f.ReadAt(aligned, kA));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, kA);
  EXPECT_THAT(Run(f.Close()), IsOk());
}

// ---- large sparse files ----------------------------------------------------

TEST_P(FileSystemConformanceTest, SparseFileBeyondFourGiB) {
  STRATA_CONFORMANCE_REQUIRE(positional_write);
  STRATA_CONFORMANCE_REQUIRE(sparse_files);
  constexpr uint64_t kFar = 5 * kGiB + 7;
  const std::string tail = "data beyond 4 GiB";
  auto file = Open(P("sparse"), ReadWrite());
  ASSERT_THAT(file, IsOk());
  File& f = **file;
  ASSERT_THAT(Run(f.Write(AsBytes("head"))), IsOk());
  ASSERT_THAT(Run(f.WriteAt(AsBytes(tail), kFar)), IsOk());
  auto size = Run(f.Size());
  ASSERT_THAT(size, IsOk());
  EXPECT_EQ(*size, kFar + tail.size());
  // The hole, across the 4 GiB boundary, reads as zeros.
  std::string hole(64, 'x');
  auto n = Run(f.ReadAt(AsMutableBytes(hole), 4 * kGiB - 32));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, hole.size());
  EXPECT_EQ(hole, std::string(64, '\0'));
  // The data, with some hole before it and EOF after it.
  std::string buf(tail.size() + 16, 'x');
  n = Run(f.ReadAt(AsMutableBytes(buf), kFar - 8));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, tail.size() + 8);
  EXPECT_EQ(buf.substr(0, 8), std::string(8, '\0'));
  EXPECT_EQ(buf.substr(8, tail.size()), tail);
  n = Run(f.ReadAt(AsMutableBytes(buf), kFar + tail.size()));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, 0u);
  std::string head(4, '\0');
  n = Run(f.ReadAt(AsMutableBytes(head), 0));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(head, "head");
  ASSERT_THAT(Run(f.Close()), IsOk());
  auto info = Stat(P("sparse"));
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->size, kFar + tail.size());
}

}  // namespace
}  // namespace strata::fs::conformance
