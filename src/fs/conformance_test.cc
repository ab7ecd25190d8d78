// The FileSystem conformance tests (see fs/testing/conformance.h for how a
// backend instantiates them) and the built-in instantiations: the local
// backend under both runtimes and the memory backend.
#include "fs/testing/conformance.h"

#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stop_token>
#include <system_error>
#include <tuple>

#include "strata/core/when_all.h"
#include "strata/fs/local.h"
#include "strata/fs/memory.h"

namespace strata::fs::conformance {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr size_t kKiB = 1024;
constexpr size_t kMiB = 1024 * kKiB;
constexpr uint64_t kGiB = uint64_t{1} << 30;

std::string Message(const Status& st) { return std::string(st.message()); }

// Concatenates streamable values (also sidesteps a GCC 12 -Wrestrict false
// positive on `"literal" + std::to_string(n)`).
template <typename... Args>
std::string Cat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}

// A failure that is not a crash: an error code a caller can act on, naming
// the path.
::testing::AssertionResult FailsCleanly(const Status& st,
                                        const std::string& path) {
  if (st.ok()) return ::testing::AssertionFailure() << "unexpectedly OK";
  StatusCode c = st.code();
  if (c != StatusCode::kInvalidArgument &&
      c != StatusCode::kFailedPrecondition &&
      c != StatusCode::kPermissionDenied) {
    return ::testing::AssertionFailure()
           << "unexpected code: " << st.ToString();
  }
  if (Message(st).find(path) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "message does not name " << path << ": " << st.ToString();
  }
  return ::testing::AssertionSuccess();
}

// ---- coroutines used by the tests ----------------------------------------

OpenOptions ReadWrite() {
  OpenOptions o = OpenOptions::Overwrite();
  o.read = true;
  return o;
}

// Creates, below `root`: a (3 bytes), b/ (dir), b-x (1), b/c (2), b/d/ (dir),
// b/d/e (4). In byte order "b-x" sorts between "b" and "b/c".
Task<Status> MakeListTree(FileSystem* fs, std::string root) {
  STRATA_CO_RETURN_IF_ERROR(co_await fs->CreateDir(Join(root, "b/d"), true));
  const std::pair<const char*, const char*> files[] = {
      {"a", "aaa"}, {"b-x", "x"}, {"b/c", "cc"}, {"b/d/e", "eeee"}};
  for (const auto& [name, data] : files) {
    STRATA_CO_RETURN_IF_ERROR(co_await WriteFile(fs, Join(root, name), data,
                                                 OpenOptions::Overwrite()));
  }
  co_return Status::OK();
}

// Reads `count` random ranges (some past EOF) and checks them against `data`.
Task<Status> CheckRandomReads(File* file, const std::string* data, int count,
                              uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string buf;
  const uint64_t size = data->size();
  for (int i = 0; i < count; ++i) {
    uint64_t offset = rng() % (size + 4 * kKiB);
    const uint64_t edges[] = {size - 1, size, 0};  // last byte, EOF, start
    if (i < 3) offset = edges[i];
    size_t len = rng() % (64 * kKiB + 1);
    buf.assign(len, '\xA5');
    auto n = co_await file->ReadAt(AsMutableBytes(buf), offset);
    if (!n.ok()) co_return n.status();
    size_t want = offset >= size ? 0 : std::min<uint64_t>(len, size - offset);
    std::string where = Cat("read #", i, " at ", offset, " len ", len);
    if (*n != want) {
      co_return DataLossError(Cat(where, " returned ", *n, ", want ", want));
    }
    if (buf.compare(0, want, *data, offset, want) != 0) {
      co_return DataLossError(where + ": bytes differ");
    }
  }
  co_return Status::OK();
}

// Writes a file of its own and reads it back.
Task<Status> WriteThenRead(FileSystem* fs, std::string path, uint64_t seed) {
  std::string data = RandomData(16 * kKiB + seed * 37, seed);
  STRATA_CO_RETURN_IF_ERROR(
      co_await WriteFile(fs, path, data, OpenOptions::Overwrite()));
  auto back = co_await ReadFile(fs, path);
  if (!back.ok()) co_return back.status();
  if (*back != data) co_return DataLossError(path + ": read back differs");
  co_return Status::OK();
}

// Reads all of a shared `file` in `chunk`-byte reads and compares.
Task<Status> ReadAndCompare(File* file, const std::string* data, size_t chunk) {
  auto back = co_await ReadToEnd(file, chunk);
  if (!back.ok()) co_return back.status();
  if (*back != *data) {
    co_return DataLossError(
        Cat(file->path(), ": concurrent read differs (chunk ", chunk, ")"));
  }
  co_return Status::OK();
}

Task<Result<size_t>> ReadWithStop(File* file, MutableBytes dst, uint64_t offset,
                                  std::stop_token stop) {
  IoOptions options;
  options.stop = std::move(stop);
  co_return co_await file->ReadAt(dst, offset, options);
}

Task<Result<size_t>> ReadVWithStop(File* file, MutableBytes dst,
                                   std::stop_token stop) {
  IoOptions options;
  options.stop = std::move(stop);
  MutableBytes dsts[] = {dst.first(dst.size() / 2),
                         dst.subspan(dst.size() / 2)};
  co_return co_await file->ReadV(dsts, 0, options);
}

Task<Status> WriteWithStop(File* file, std::string data, std::stop_token stop) {
  IoOptions options;
  options.stop = std::move(stop);
  co_return co_await file->Write(AsBytes(data), options);
}

Task<bool> RequestStop(std::stop_source* source) {
  co_return source->request_stop();
}

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

// ---- listing -------------------------------------------------------------

TEST_P(FileSystemConformanceTest, ListFlat) {
  ASSERT_THAT(Run(MakeListTree(&fs(), root())), IsOk());
  auto list = List(root());
  ASSERT_THAT(list, IsOk());
  ASSERT_THAT(Names(*list, root()), ElementsAre("a", "b", "b-x"));
  const std::vector<FileInfo>& e = *list;
  EXPECT_EQ(e[0].path, P("a"));
  EXPECT_FALSE(e[0].is_dir);
  EXPECT_EQ(e[0].size, 3u);
  EXPECT_TRUE(e[1].is_dir);
  EXPECT_FALSE(e[2].is_dir);
  EXPECT_EQ(e[2].size, 1u);
  auto sub = List(P("b"));
  ASSERT_THAT(sub, IsOk());
  EXPECT_THAT(Names(*sub, P("b")), ElementsAre("c", "d"));
}

TEST_P(FileSystemConformanceTest, ListRecursiveIsInByteOrder) {
  ASSERT_THAT(Run(MakeListTree(&fs(), root())), IsOk());
  ListOptions opts;
  opts.recursive = true;
  auto list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  if (caps().real_directories) {
    EXPECT_THAT(Names(*list, root()),
                ElementsAre("a", "b", "b-x", "b/c", "b/d", "b/d/e"));
  } else {
    EXPECT_THAT(Names(*list, root(), /*files_only=*/true),
                ElementsAre("a", "b-x", "b/c", "b/d/e"));
  }
  for (const FileInfo& info : *list) {
    if (info.path == P("b/d/e")) {
      EXPECT_EQ(info.size, 4u);
    }
  }
}

TEST_P(FileSystemConformanceTest, ListPrefix) {
  ASSERT_THAT(Run(MakeListTree(&fs(), root())), IsOk());
  const bool files_only = !caps().real_directories;
  ListOptions opts;
  opts.prefix = "b";
  auto list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root()), ElementsAre("b", "b-x"));
  opts.prefix = "zz";
  list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root()), IsEmpty());
  opts.recursive = true;
  opts.prefix = "b/";
  list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(
      Names(*list, root(), files_only),
      ElementsAreArray(files_only
                           ? std::vector<std::string>{"b/c", "b/d/e"}
                           : std::vector<std::string>{"b/c", "b/d", "b/d/e"}));
  opts.prefix = "b/d";
  list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root(), /*files_only=*/true), ElementsAre("b/d/e"));
}

TEST_P(FileSystemConformanceTest, ListStartAfter) {
  ASSERT_THAT(Run(MakeListTree(&fs(), root())), IsOk());
  ListOptions opts;
  opts.start_after = "a";
  auto list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root()), ElementsAre("b", "b-x"));
  opts.start_after = "b";
  list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root()), ElementsAre("b-x"));
  opts.start_after = "zzz";
  list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root()), IsEmpty());
  opts.recursive = true;
  opts.start_after = "b";
  list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root(), /*files_only=*/true),
              ElementsAre("b-x", "b/c", "b/d/e"));
  opts.start_after = "b/c";
  list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root(), /*files_only=*/true), ElementsAre("b/d/e"));
  opts.prefix = "b";
  opts.start_after = "b-x";
  list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root(), /*files_only=*/true),
              ElementsAre("b/c", "b/d/e"));
}

TEST_P(FileSystemConformanceTest, ListPagination) {
  const std::string dir = P("many");
  ASSERT_THAT(Run(fs().CreateDir(Join(dir, "sub"), true)), IsOk());
  for (int i = 0; i < 12; ++i) {
    char name[8];
    std::snprintf(name, sizeof(name), "f%02d", i);
    ASSERT_THAT(Write(Join(dir, name), std::string(i, 'x')), IsOk());
  }
  ASSERT_THAT(Write(Join(dir, "sub/x"), "x"), IsOk());
  for (bool recursive : {false, true}) {
    ListOptions all_opts;
    all_opts.recursive = recursive;
    auto all = List(dir, all_opts);
    ASSERT_THAT(all, IsOk());
    const std::vector<std::string> expected = Names(*all, dir);
    ASSERT_GE(expected.size(), 13u);
    ASSERT_TRUE(std::is_sorted(expected.begin(), expected.end()));
    for (size_t page_size = 1; page_size <= 3; ++page_size) {
      SCOPED_TRACE(Cat("recursive=", recursive, " page_size=", page_size));
      ListOptions opts = all_opts;
      opts.page_size = page_size;
      auto pages = Pages(dir, opts);
      ASSERT_THAT(pages, IsOk());
      std::vector<FileInfo> flat;
      for (size_t i = 0; i < pages->size(); ++i) {
        const ListPage& page = (*pages)[i];
        if (i + 1 < pages->size()) {
          EXPECT_EQ(page.size(), page_size) << "page " << i;
        } else {
          EXPECT_GE(page.size(), 1u) << "last page";
          EXPECT_LE(page.size(), page_size) << "last page";
        }
        flat.insert(flat.end(), page.begin(), page.end());
      }
      EXPECT_EQ(Names(flat, dir), expected);
    }
  }
  ListOptions after;
  after.page_size = 2;
  after.start_after = "f04";
  auto pages = Pages(dir, after);
  ASSERT_THAT(pages, IsOk());
  std::vector<FileInfo> flat;
  for (const ListPage& page : *pages) {
    EXPECT_LE(page.size(), 2u);
    flat.insert(flat.end(), page.begin(), page.end());
  }
  EXPECT_THAT(Names(flat, dir), ElementsAre("f05", "f06", "f07", "f08", "f09",
                                            "f10", "f11", "sub"));
}

TEST_P(FileSystemConformanceTest, ListMissingDirIsNotFound) {
  auto list = List(P("missing"));
  EXPECT_THAT(list, StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Message(list.status()), HasSubstr(P("missing")));
}

TEST_P(FileSystemConformanceTest, ListFileIsInvalidArgument) {
  ASSERT_THAT(Write(P("f"), "data"), IsOk());
  auto list = List(P("f"));
  EXPECT_THAT(list, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Message(list.status()), HasSubstr(P("f")));
}

TEST_P(FileSystemConformanceTest, ListEmptyDir) {
  STRATA_CONFORMANCE_REQUIRE(real_directories);
  ASSERT_THAT(Run(fs().CreateDir(P("empty"), false)), IsOk());
  for (bool recursive : {false, true}) {
    ListOptions opts;
    opts.recursive = recursive;
    auto list = List(P("empty"), opts);
    ASSERT_THAT(list, IsOk());
    EXPECT_THAT(Names(*list, root()), IsEmpty());
  }
}

// ---- stat and etags ------------------------------------------------------

TEST_P(FileSystemConformanceTest, StatFile) {
  ASSERT_THAT(Write(P("f"), "12345"), IsOk());
  auto info = Stat(P("f"));
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->path, P("f"));
  EXPECT_EQ(info->size, 5u);
  EXPECT_FALSE(info->is_dir);
  EXPECT_FALSE(info->etag.empty());
  EXPECT_GT(info->mtime.time_since_epoch().count(), 0);
}

TEST_P(FileSystemConformanceTest, StatDir) {
  ASSERT_THAT(Run(fs().CreateDir(P("d"), false)), IsOk());
  ASSERT_THAT(Write(P("d/x"), "x"), IsOk());
  auto info = Stat(P("d"));
  ASSERT_THAT(info, IsOk());
  EXPECT_TRUE(info->is_dir);
  EXPECT_EQ(info->path, P("d"));
  if (caps().real_directories) {
    ASSERT_THAT(Run(fs().CreateDir(P("empty"), false)), IsOk());
    info = Stat(P("empty"));
    ASSERT_THAT(info, IsOk());
    EXPECT_TRUE(info->is_dir);
    info = Stat(root());
    ASSERT_THAT(info, IsOk());
    EXPECT_TRUE(info->is_dir);
  }
}

TEST_P(FileSystemConformanceTest, EtagChangesAfterWrite) {
  ASSERT_THAT(Write(P("f"), "v1"), IsOk());
  auto first = Stat(P("f"));
  ASSERT_THAT(first, IsOk());
  ASSERT_FALSE(first->etag.empty());
  auto again = Stat(P("f"));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->etag, first->etag) << "etag is not stable";
  ASSERT_THAT(Write(P("f"), "version two"), IsOk());
  auto second = Stat(P("f"));
  ASSERT_THAT(second, IsOk());
  EXPECT_FALSE(second->etag.empty());
  EXPECT_NE(second->etag, first->etag);
}

// ---- rename, copy, remove, create dir ------------------------------------

TEST_P(FileSystemConformanceTest, RenameFile) {
  ASSERT_THAT(Write(P("src"), "payload"), IsOk());
  ASSERT_THAT(Run(fs().Rename(P("src"), P("dst"))), IsOk());
  EXPECT_THAT(Stat(P("src")), StatusIs(StatusCode::kNotFound));
  auto back = Read(P("dst"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "payload");
  ASSERT_THAT(Run(fs().CreateDir(P("d"), false)), IsOk());
  ASSERT_THAT(Run(fs().Rename(P("dst"), P("d/moved"))), IsOk());
  back = Read(P("d/moved"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "payload");
}

TEST_P(FileSystemConformanceTest, RenameReplacesTarget) {
  ASSERT_THAT(Write(P("src"), "new"), IsOk());
  ASSERT_THAT(Write(P("dst"), "old and longer"), IsOk());
  ASSERT_THAT(Run(fs().Rename(P("src"), P("dst"))), IsOk());
  EXPECT_THAT(Stat(P("src")), StatusIs(StatusCode::kNotFound));
  auto back = Read(P("dst"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "new");
}

TEST_P(FileSystemConformanceTest, RenameDir) {
  STRATA_CONFORMANCE_REQUIRE(rename_dir);
  ASSERT_THAT(Run(fs().CreateDir(P("d/e"), true)), IsOk());
  ASSERT_THAT(Write(P("d/f"), "f"), IsOk());
  ASSERT_THAT(Write(P("d/e/g"), "g"), IsOk());
  ASSERT_THAT(Run(fs().Rename(P("d"), P("d2"))), IsOk());
  EXPECT_THAT(Stat(P("d")), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Stat(P("d/f")), StatusIs(StatusCode::kNotFound));
  auto info = Stat(P("d2"));
  ASSERT_THAT(info, IsOk());
  EXPECT_TRUE(info->is_dir);
  auto back = Read(P("d2/e/g"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "g");
  ListOptions opts;
  opts.recursive = true;
  auto list = List(P("d2"), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, P("d2"), /*files_only=*/true),
              ElementsAre("e/g", "f"));
}

TEST_P(FileSystemConformanceTest, CopyFile) {
  const std::string data = RandomData(kMiB + 5, 8);
  ASSERT_THAT(Write(P("src"), data), IsOk());
  ASSERT_THAT(Run(fs().Copy(P("src"), P("dst"))), IsOk());
  auto back = Read(P("dst"));
  ASSERT_THAT(back, IsOk());
  EXPECT_TRUE(*back == data) << "copy differs";
  back = Read(P("src"));
  ASSERT_THAT(back, IsOk());
  EXPECT_TRUE(*back == data) << "source changed by copy";
  // Copy replaces (and shrinks) an existing target.
  ASSERT_THAT(Write(P("small"), "tiny"), IsOk());
  ASSERT_THAT(Run(fs().Copy(P("small"), P("dst"))), IsOk());
  back = Read(P("dst"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "tiny");
}

TEST_P(FileSystemConformanceTest, RemoveFile) {
  ASSERT_THAT(Write(P("f"), "x"), IsOk());
  ASSERT_THAT(Run(fs().Remove(P("f"))), IsOk());
  EXPECT_THAT(Stat(P("f")), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Run(fs().Remove(P("f"))), StatusIs(StatusCode::kNotFound));
}

TEST_P(FileSystemConformanceTest, RemoveRejectsDirectory) {
  STRATA_CONFORMANCE_REQUIRE(real_directories);
  ASSERT_THAT(Run(fs().CreateDir(P("d"), false)), IsOk());
  Status st = Run(fs().Remove(P("d")));
  EXPECT_THAT(st, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Message(st), HasSubstr(P("d")));
  auto info = Stat(P("d"));
  ASSERT_THAT(info, IsOk());
  EXPECT_TRUE(info->is_dir);
}

TEST_P(FileSystemConformanceTest, RemoveDirNonRecursive) {
  STRATA_CONFORMANCE_REQUIRE(real_directories);
  ASSERT_THAT(Run(fs().CreateDir(P("d/sub"), true)), IsOk());
  ASSERT_THAT(Write(P("d/sub/f"), "f"), IsOk());
  Status st = Run(fs().RemoveDir(P("d"), false));
  EXPECT_THAT(st, StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(Message(st), HasSubstr(P("d")));
  EXPECT_THAT(Stat(P("d/sub/f")), IsOk());
  ASSERT_THAT(Run(fs().CreateDir(P("empty"), false)), IsOk());
  EXPECT_THAT(Run(fs().RemoveDir(P("empty"), false)), IsOk());
  EXPECT_THAT(Stat(P("empty")), StatusIs(StatusCode::kNotFound));
  // A file is not a directory.
  EXPECT_THAT(Run(fs().RemoveDir(P("d/sub/f"), false)),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Stat(P("d/sub/f")), IsOk());
}

TEST_P(FileSystemConformanceTest, RemoveDirRecursive) {
  ASSERT_THAT(Run(fs().CreateDir(P("d/sub/deeper"), true)), IsOk());
  ASSERT_THAT(Write(P("d/a"), "a"), IsOk());
  ASSERT_THAT(Write(P("d/sub/b"), "b"), IsOk());
  ASSERT_THAT(Write(P("d/sub/deeper/c"), "c"), IsOk());
  ASSERT_THAT(Write(P("keep"), "k"), IsOk());
  ASSERT_THAT(Run(fs().RemoveDir(P("d"), true)), IsOk());
  EXPECT_THAT(Stat(P("d")), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Stat(P("d/sub/b")), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Stat(P("d/sub/deeper/c")), StatusIs(StatusCode::kNotFound));
  auto list = List(root());
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root()), ElementsAre("keep"));
}

TEST_P(FileSystemConformanceTest, CreateDirRecursive) {
  ASSERT_THAT(Run(fs().CreateDir(P("x/y/z"), true)), IsOk());
  EXPECT_THAT(Run(fs().CreateDir(P("x/y/z"), true)), IsOk())
      << "recursive CreateDir of an existing directory";
  ASSERT_THAT(Write(P("x/y/z/f"), "f"), IsOk());
  for (const char* dir : {"x", "x/y", "x/y/z"}) {
    auto info = Stat(P(dir));
    ASSERT_THAT(info, IsOk()) << dir;
    EXPECT_TRUE(info->is_dir) << dir;
  }
}

TEST_P(FileSystemConformanceTest, CreateDirExistingIsAlreadyExists) {
  STRATA_CONFORMANCE_REQUIRE(real_directories);
  ASSERT_THAT(Run(fs().CreateDir(P("d"), false)), IsOk());
  Status st = Run(fs().CreateDir(P("d"), false));
  EXPECT_THAT(st, StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(Message(st), HasSubstr(P("d")));
  ASSERT_THAT(Write(P("f"), "f"), IsOk());
  EXPECT_THAT(Run(fs().CreateDir(P("f"), false)),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(Run(fs().CreateDir(P("f"), true)),
              StatusIs(StatusCode::kAlreadyExists));
}

TEST_P(FileSystemConformanceTest, CreateDirMissingParentIsNotFound) {
  STRATA_CONFORMANCE_REQUIRE(real_directories);
  Status st = Run(fs().CreateDir(P("no/such"), false));
  EXPECT_THAT(st, StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Message(st), HasSubstr(P("no/such")));
  EXPECT_THAT(Stat(P("no")), StatusIs(StatusCode::kNotFound));
}

// ---- create-only and conditional writes ----------------------------------

TEST_P(FileSystemConformanceTest, CreateNewConflictIsAlreadyExists) {
  ASSERT_THAT(Write(P("f"), "first", OpenOptions::CreateNew()), IsOk());
  Status st = Write(P("f"), "second", OpenOptions::CreateNew());
  EXPECT_THAT(st, StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(Message(st), HasSubstr(P("f")));
  auto back = Read(P("f"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "first");
}

TEST_P(FileSystemConformanceTest, IfNoneMatchStarIsCreateOnly) {
  STRATA_CONFORMANCE_REQUIRE(conditional_put);
  OpenOptions opts = OpenOptions::Overwrite();
  opts.if_none_match = "*";
  ASSERT_THAT(Write(P("f"), "first", opts), IsOk());
  EXPECT_THAT(Write(P("f"), "second", opts),
              StatusIs(StatusCode::kAlreadyExists));
  auto back = Read(P("f"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "first");
}

TEST_P(FileSystemConformanceTest, IfMatchChecksEtag) {
  STRATA_CONFORMANCE_REQUIRE(conditional_put);
  ASSERT_THAT(Write(P("f"), "v1"), IsOk());
  auto info = Stat(P("f"));
  ASSERT_THAT(info, IsOk());
  const std::string v1_etag = info->etag;
  OpenOptions opts = OpenOptions::Overwrite();
  opts.if_match = v1_etag;
  ASSERT_THAT(Write(P("f"), "version 2", opts), IsOk());
  auto back = Read(P("f"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "version 2");
  // v1's etag is stale now.
  EXPECT_THAT(Write(P("f"), "v3", opts),
              StatusIs(StatusCode::kFailedPrecondition));
  opts.if_match = "no-such-etag";
  EXPECT_THAT(Write(P("f"), "v3", opts),
              StatusIs(StatusCode::kFailedPrecondition));
  back = Read(P("f"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "version 2");
}

// ---- errors --------------------------------------------------------------

TEST_P(FileSystemConformanceTest, MissingPathsAreNotFound) {
  const std::string missing = P("missing");
  EXPECT_THAT(Open(missing, OpenOptions::ReadOnly()),
              StatusIs(StatusCode::kNotFound));
  OpenOptions write_existing;
  write_existing.read = false;
  write_existing.write = true;
  EXPECT_THAT(Open(missing, write_existing), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Open(P("no-dir/f"), OpenOptions::ReadOnly()),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Stat(missing), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Run(fs().Remove(missing)), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Run(fs().Rename(missing, P("dst"))),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Run(fs().Copy(missing, P("dst"))),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Stat(P("dst")), StatusIs(StatusCode::kNotFound));
  if (caps().real_directories) {
    EXPECT_THAT(Run(fs().RemoveDir(missing, false)),
                StatusIs(StatusCode::kNotFound));
  }
}

TEST_P(FileSystemConformanceTest, ErrorsNameThePath) {
  const std::string missing = P("missing");
  auto expect_named = [](const Status& st, const std::string& path,
                         const char* op) {
    EXPECT_FALSE(st.ok()) << op;
    EXPECT_THAT(Message(st), HasSubstr(path)) << op;
  };
  expect_named(Open(missing, OpenOptions::ReadOnly()).status(), missing,
               "Open");
  expect_named(Stat(missing).status(), missing, "Stat");
  expect_named(Run(fs().Remove(missing)), missing, "Remove");
  expect_named(Run(fs().Rename(missing, P("dst"))), missing, "Rename");
  expect_named(Run(fs().Copy(missing, P("dst"))), missing, "Copy");
  expect_named(List(missing).status(), missing, "List");
  ASSERT_THAT(Write(P("f"), "x"), IsOk());
  expect_named(Write(P("f"), "y", OpenOptions::CreateNew()), P("f"),
               "CreateNew");
}

TEST_P(FileSystemConformanceTest, OpenDirectoryAsFileIsInvalidArgument) {
  STRATA_CONFORMANCE_REQUIRE(real_directories);
  ASSERT_THAT(Run(fs().CreateDir(P("d"), false)), IsOk());
  auto file = Open(P("d"), OpenOptions::ReadOnly());
  EXPECT_THAT(file, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Message(file.status()), HasSubstr(P("d")));
  EXPECT_THAT(Open(P("d"), OpenOptions::Overwrite()),
              StatusIs(StatusCode::kInvalidArgument));
  auto info = Stat(P("d"));
  ASSERT_THAT(info, IsOk());
  EXPECT_TRUE(info->is_dir);
}

TEST_P(FileSystemConformanceTest, ReadingAWriteOnlyFileFails) {
  const std::string path = P("f");
  auto file = Open(path, OpenOptions::Overwrite());
  ASSERT_THAT(file, IsOk());
  File& f = **file;
  ASSERT_THAT(Run(f.Write(AsBytes("abc"))), IsOk());
  std::string buf(3, '\0');
  EXPECT_TRUE(
      FailsCleanly(Run(f.ReadAt(AsMutableBytes(buf), 0)).status(), path));
  const std::vector<MutableBytes> dsts = {AsMutableBytes(buf)};
  EXPECT_TRUE(FailsCleanly(Run(f.ReadV(dsts, 0)).status(), path));
  EXPECT_THAT(Run(f.Close()), IsOk());
  auto back = Read(path);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "abc");
}

TEST_P(FileSystemConformanceTest, WritingAReadOnlyFileFails) {
  const std::string path = P("f");
  ASSERT_THAT(Write(path, "original"), IsOk());
  auto file = Open(path, OpenOptions::ReadOnly());
  ASSERT_THAT(file, IsOk());
  File& f = **file;
  EXPECT_TRUE(FailsCleanly(Run(f.Write(AsBytes("xyz"))), path));
  const std::vector<ConstBytes> srcs = {AsBytes("xyz")};
  EXPECT_TRUE(FailsCleanly(Run(f.WriteV(srcs)), path));
  if (caps().positional_write) {
    EXPECT_TRUE(FailsCleanly(Run(f.WriteAt(AsBytes("xyz"), 0)), path));
  }
  EXPECT_THAT(Run(f.Close()), IsOk());
  auto back = Read(path);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "original");
}

TEST_P(FileSystemConformanceTest, ClosedFileRejectsEveryOp) {
  auto status_of = [this](auto task) -> Status {
    return ::strata::AsStatus(Run(std::move(task)));
  };
  for (bool abort : {false, true}) {
    SCOPED_TRACE(abort ? "after Abort" : "after Close");
    auto file = Open(P(abort ? "aborted" : "closed"), ReadWrite());
    ASSERT_THAT(file, IsOk());
    File& f = **file;
    ASSERT_THAT(Run(f.Write(AsBytes("abc"))), IsOk());
    ASSERT_THAT(Run(abort ? f.Abort() : f.Close()), IsOk());
    std::string buf(4, '\0');
    const std::vector<MutableBytes> dsts = {AsMutableBytes(buf)};
    const std::vector<ConstBytes> srcs = {AsBytes("x")};
    std::vector<std::pair<const char*, Status>> results = {
        {"ReadAt", status_of(f.ReadAt(AsMutableBytes(buf), 0))},
        {"ReadV", status_of(f.ReadV(dsts, 0))},
        {"Write", status_of(f.Write(AsBytes("x")))},
        {"WriteV", status_of(f.WriteV(srcs))},
        {"Sync", status_of(f.Sync())},
        {"Size", status_of(f.Size())},
    };
    if (caps().positional_write) {
      results.emplace_back("WriteAt", status_of(f.WriteAt(AsBytes("x"), 0)));
    }
    for (const auto& [op, st] : results) {
      EXPECT_THAT(st, StatusIs(StatusCode::kFailedPrecondition)) << op;
      EXPECT_THAT(Message(st), HasSubstr(f.path())) << op;
    }
  }
}

TEST_P(FileSystemConformanceTest, CloseAndAbortAreIdempotent) {
  auto writer = Open(P("closed"), OpenOptions::Overwrite());
  ASSERT_THAT(writer, IsOk());
  ASSERT_THAT(Run((*writer)->Write(AsBytes("x"))), IsOk());
  EXPECT_THAT(Run((*writer)->Close()), IsOk());
  EXPECT_THAT(Run((*writer)->Close()), IsOk());
  EXPECT_THAT(Run((*writer)->Abort()), IsOk()) << "Abort after Close";
  auto aborted = Open(P("aborted"), OpenOptions::Overwrite());
  ASSERT_THAT(aborted, IsOk());
  ASSERT_THAT(Run((*aborted)->Write(AsBytes("y"))), IsOk());
  EXPECT_THAT(Run((*aborted)->Abort()), IsOk());
  EXPECT_THAT(Run((*aborted)->Abort()), IsOk());
  auto reader = Open(P("closed"), OpenOptions::ReadOnly());
  ASSERT_THAT(reader, IsOk());
  EXPECT_THAT(Run((*reader)->Close()), IsOk());
  EXPECT_THAT(Run((*reader)->Close()), IsOk());
  auto back = Read(P("closed"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "x");
}

// Abort discards what it can: a file this Open created disappears (like an
// abandoned upload); a file that existed before stays.
TEST_P(FileSystemConformanceTest, AbortRemovesAFileItCreated) {
  auto fresh = Open(P("fresh"), OpenOptions::Overwrite());
  ASSERT_THAT(fresh, IsOk());
  ASSERT_THAT(Run((*fresh)->Write(AsBytes("partial"))), IsOk());
  ASSERT_THAT(Run((*fresh)->Abort()), IsOk());
  EXPECT_THAT(Stat(P("fresh")), StatusIs(StatusCode::kNotFound));

  auto exclusive = Open(P("exclusive"), OpenOptions::CreateNew());
  ASSERT_THAT(exclusive, IsOk());
  ASSERT_THAT(Run((*exclusive)->Abort()), IsOk());
  EXPECT_THAT(Stat(P("exclusive")), StatusIs(StatusCode::kNotFound));
}

TEST_P(FileSystemConformanceTest, AbortKeepsAFileThatExisted) {
  ASSERT_THAT(Write(P("old"), "before"), IsOk());
  auto again = Open(P("old"), OpenOptions::Append());
  ASSERT_THAT(again, IsOk());
  ASSERT_THAT(Run((*again)->Abort()), IsOk());
  auto info = Stat(P("old"));
  ASSERT_THAT(info, IsOk());
  EXPECT_FALSE(info->is_dir);
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

// ---- concurrency -----------------------------------------------------------

TEST_P(FileSystemConformanceTest, HundredConcurrentWriters) {
  std::vector<Task<Status>> tasks;
  for (int i = 0; i < 100; ++i) {
    tasks.push_back(WriteThenRead(&fs(), P(Cat("w", i)), i));
  }
  std::vector<Status> results = Run(WhenAll(std::move(tasks)));
  ASSERT_EQ(results.size(), 100u);
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_THAT(results[i], IsOk()) << "task " << i;
  }
  // And from several reactors at once.
  std::vector<JoinHandle<Status>> handles;
  for (int i = 0; i < 100; ++i) {
    handles.push_back(
        rt().Spawn(WriteThenRead(&fs(), P(Cat("s", i)), 1000 + i)));
  }
  for (size_t i = 0; i < handles.size(); ++i) {
    EXPECT_THAT(handles[i].Join(), IsOk()) << "spawned task " << i;
  }
  auto list = List(root());
  ASSERT_THAT(list, IsOk());
  EXPECT_EQ(list->size(), 200u);
}

TEST_P(FileSystemConformanceTest, HundredConcurrentReadersOfOneFile) {
  const std::string data = RandomData(256 * kKiB + 17, 11);
  ASSERT_THAT(Write(P("shared"), data), IsOk());
  auto file = Open(P("shared"), OpenOptions::ReadOnly());
  ASSERT_THAT(file, IsOk());
  std::vector<JoinHandle<Status>> handles;
  for (size_t i = 0; i < 100; ++i) {
    handles.push_back(
        rt().Spawn(ReadAndCompare(file->get(), &data, 4096 + i * 997)));
  }
  for (size_t i = 0; i < handles.size(); ++i) {
    EXPECT_THAT(handles[i].Join(), IsOk()) << "reader " << i;
  }
  std::vector<Task<Status>> tasks;
  for (size_t i = 0; i < 100; ++i) {
    tasks.push_back(ReadAndCompare(file->get(), &data, 65536 - i * 331));
  }
  for (const Status& st : Run(WhenAll(std::move(tasks)))) {
    EXPECT_THAT(st, IsOk());
  }
  EXPECT_THAT(Run((*file)->Close()), IsOk());
}

// ---- cancellation ----------------------------------------------------------

// A read raced by a stop request either completes with the right bytes or
// fails with kCancelled. Returns true if it was cancelled.
bool ExpectCompletedOrCancelled(const Result<size_t>& n, const std::string& buf,
                                const std::string& data) {
  if (n.ok()) {
    EXPECT_EQ(*n, data.size());
    EXPECT_TRUE(buf == data) << "a completed read returned wrong bytes";
    return false;
  }
  EXPECT_THAT(n, StatusIs(StatusCode::kCancelled));
  return true;
}

TEST_P(FileSystemConformanceTest, CancelDuringRead) {
  const std::string data = RandomData(4 * kMiB, 12);
  ASSERT_THAT(Write(P("f"), data), IsOk());
  auto file = Open(P("f"), OpenOptions::ReadOnly());
  ASSERT_THAT(file, IsOk());
  std::string buf(data.size(), '\0');
  int cancelled = 0;
  for (int i = 0; i < 20; ++i) {
    SCOPED_TRACE(Cat("round ", i));
    // Stop from the same reactor, right after the read was submitted.
    std::stop_source source;
    auto [n, stopped] = Run(WhenAll(
        ReadWithStop(file->get(), AsMutableBytes(buf), 0, source.get_token()),
        RequestStop(&source)));
    EXPECT_TRUE(stopped);
    cancelled += ExpectCompletedOrCancelled(n, buf, data);
    // Stop from another thread while the read runs.
    std::stop_source other;
    auto handle = rt().Spawn(
        ReadWithStop(file->get(), AsMutableBytes(buf), 0, other.get_token()));
    other.request_stop();
    cancelled += ExpectCompletedOrCancelled(handle.Join(), buf, data);
  }
  // Either outcome is correct; the count shows which paths ran.
  RecordProperty("cancelled_of_40", cancelled);
  // The file is still usable.
  auto n = Run((*file)->ReadAt(AsMutableBytes(buf), 0));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, data.size());
  EXPECT_TRUE(buf == data);
  EXPECT_THAT(Run((*file)->Close()), IsOk());
}

TEST_P(FileSystemConformanceTest, StopRequestedBeforeCallIsCancelled) {
  ASSERT_THAT(Write(P("f"), RandomData(64 * kKiB, 13)), IsOk());
  auto file = Open(P("f"), ReadWrite());
  ASSERT_THAT(file, IsOk());
  std::stop_source source;
  source.request_stop();
  std::string buf(64 * kKiB, '\0');
  auto n = Run(
      ReadWithStop(file->get(), AsMutableBytes(buf), 0, source.get_token()));
  EXPECT_THAT(n, StatusIs(StatusCode::kCancelled)) << "ReadAt";
  n = Run(ReadVWithStop(file->get(), AsMutableBytes(buf), source.get_token()));
  EXPECT_THAT(n, StatusIs(StatusCode::kCancelled)) << "ReadV";
  EXPECT_THAT(Run(WriteWithStop(file->get(), "data", source.get_token())),
              StatusIs(StatusCode::kCancelled))
      << "Write";
  EXPECT_THAT(Run((*file)->Close()), IsOk());
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

// ---- built-in instantiations -----------------------------------------------

#ifndef STRATA_CONFORMANCE_NO_BUILTIN_INSTANCES

// A fresh directory under $TMPDIR (or /tmp), removed after the test.
Result<ConformanceTarget> MakeLocalTarget(Runtime&) {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) return InternalError("temp_directory_path: " + ec.message());
  std::string dir = (base / "strata-conformance-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) {
    return ErrnoToStatus(errno, "mkdtemp " + dir);
  }
  std::string root = std::filesystem::weakly_canonical(dir, ec).string();
  if (ec) root = dir;
  ConformanceTarget target;
  target.fs = NewLocalFileSystem();
  target.root = root;
  target.cleanup = [root](Runtime&, FileSystem&) {
    std::error_code ignored;
    std::filesystem::remove_all(root, ignored);
  };
  return target;
}

ConformanceParam LocalParam(runtime::IoUringMode mode, std::string name) {
  ConformanceParam p;
  p.name = std::move(name);
  p.factory = MakeLocalTarget;
  p.runtime.io_uring = mode;
  p.runtime.reactor_threads = 2;
  return p;
}

INSTANTIATE_TEST_SUITE_P(
    Local, FileSystemConformanceTest,
    ::testing::Values(LocalParam(runtime::IoUringMode::kOn, "io_uring"),
                      LocalParam(runtime::IoUringMode::kOff, "poll")),
    ConformanceParamName());

Result<ConformanceTarget> MakeMemoryTarget(Runtime& rt) {
  ConformanceTarget target;
  target.fs = MemoryFileSystem::Create();
  target.root = "/conformance";
  STRATA_RETURN_IF_ERROR(rt.BlockOn(target.fs->CreateDir(target.root, true)));
  return target;
}

ConformanceParam MemoryParam() {
  ConformanceParam p;
  p.name = "poll";
  p.factory = MakeMemoryTarget;
  p.runtime.io_uring = runtime::IoUringMode::kOff;
  p.runtime.reactor_threads = 2;
  // Memory files are contiguous buffers: a hole would be allocated.
  p.overrides.sparse_files = false;
  return p;
}

INSTANTIATE_TEST_SUITE_P(Memory, FileSystemConformanceTest,
                         ::testing::Values(MemoryParam()),
                         ConformanceParamName());

#endif  // STRATA_CONFORMANCE_NO_BUILTIN_INSTANCES

}  // namespace
}  // namespace strata::fs::conformance
