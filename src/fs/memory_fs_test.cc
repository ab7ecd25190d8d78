// Memory-backend specifics (the generic behaviour is in conformance_test.cc):
// named stores, POSIX-like lifetime of open files, etags, edge cases of
// rename/remove, and use from many threads.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <thread>
#include <vector>

#include "fs/testing/conformance.h"
#include "strata/fs/memory.h"
#include "strata/runtime/runtime.h"

namespace strata::fs {
namespace {

using conformance::AsBytes;
using conformance::AsMutableBytes;
using conformance::IsOk;
using conformance::ReadFile;
using conformance::StatusIs;
using conformance::WriteFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using conformance::Message;

class MemoryFsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RuntimeOptions options;
    options.reactor_threads = 2;
    auto rt = Runtime::Create(options);
    ASSERT_THAT(rt, IsOk());
    rt_ = std::move(rt).value();
  }

  template <typename T>
  T Run(Task<T> task) {
    return rt_->BlockOn(std::move(task));
  }
  Status Write(const std::string& path, std::string data,
               OpenOptions options = OpenOptions::Overwrite()) {
    return Run(WriteFile(fs_.get(), path, std::move(data), options));
  }
  Result<std::string> Read(const std::string& path) {
    return Run(ReadFile(fs_.get(), path));
  }
  Result<std::unique_ptr<File>> Open(const std::string& path,
                                     OpenOptions options) {
    return Run(fs_->Open(path, options));
  }
  std::string Etag(const std::string& path) {
    auto info = Run(fs_->Stat(path));
    EXPECT_THAT(info, IsOk()) << path;
    return info.ok() ? info->etag : "";
  }
  std::vector<std::string> Names(const std::string& dir, ListOptions opts) {
    auto pages = Run(conformance::ListPages(fs_.get(), dir, opts));
    EXPECT_THAT(pages, IsOk());
    std::vector<std::string> out;
    if (!pages.ok()) return out;
    for (const ListPage& page : *pages) {
      for (const FileInfo& info : page) out.push_back(info.path);
    }
    return out;
  }

  std::unique_ptr<Runtime> rt_;
  std::shared_ptr<MemoryFileSystem> fs_ = MemoryFileSystem::Create();
};

ListOptions Listing(bool recursive, std::string prefix = "",
                    std::string start_after = "", size_t page_size = 1000) {
  ListOptions o;
  o.recursive = recursive;
  o.prefix = std::move(prefix);
  o.start_after = std::move(start_after);
  o.page_size = page_size;
  return o;
}

OpenOptions ReadWrite() {
  OpenOptions o = OpenOptions::Overwrite();
  o.read = true;
  return o;
}

TEST_F(MemoryFsTest, NamedStoresAreSharedAndAnonymousOnesAreNot) {
  auto a = MemoryFileSystem::Named("memory-test-a");
  EXPECT_EQ(a, MemoryFileSystem::Named("memory-test-a"));
  EXPECT_NE(a, MemoryFileSystem::Named("memory-test-b"));
  EXPECT_NE(MemoryFileSystem::Create(), MemoryFileSystem::Create());
  fs_ = a;
  ASSERT_THAT(Write("/shared", "data"), IsOk());
  fs_ = MemoryFileSystem::Named("memory-test-a");
  auto back = Read("/shared");
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "data");
  fs_ = MemoryFileSystem::Named("memory-test-b");
  EXPECT_THAT(Read("/shared"), StatusIs(StatusCode::kNotFound));
}

TEST_F(MemoryFsTest, Capabilities) {
  Capabilities caps = fs_->capabilities();
  EXPECT_TRUE(caps.atomic_rename);
  EXPECT_TRUE(caps.rename_dir);
  EXPECT_TRUE(caps.append);
  EXPECT_TRUE(caps.conditional_put);
  EXPECT_TRUE(caps.real_directories);
  EXPECT_TRUE(caps.direct_io);
  EXPECT_TRUE(caps.positional_write);
  EXPECT_TRUE(caps.sync);
  EXPECT_FALSE(caps.directory_fsync);
  EXPECT_EQ(fs_->name(), "memory");
}

TEST_F(MemoryFsTest, RootExistsAndCannotBeRemovedOrMoved) {
  auto info = Run(fs_->Stat("/"));
  ASSERT_THAT(info, IsOk());
  EXPECT_TRUE(info->is_dir);
  EXPECT_THAT(Run(fs_->RemoveDir("/", true)),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Run(fs_->Rename("/", "/x")),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Run(fs_->CreateDir("/", false)),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(Run(fs_->CreateDir("/", true)), IsOk());
  EXPECT_THAT(Open("/", OpenOptions::ReadOnly()),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(MemoryFsTest, PathsAreNormalised) {
  ASSERT_THAT(Run(fs_->CreateDir("d", false)), IsOk());
  ASSERT_THAT(Write("d//x/../f", "x"), IsOk());
  auto file = Open("/d/./f", OpenOptions::ReadOnly());
  ASSERT_THAT(file, IsOk());
  EXPECT_EQ((*file)->path(), "/d/f");
  auto info = Run(fs_->Stat("d/f/"));
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->path, "/d/f");
  Status st = Run(fs_->Stat("/../x")).status();
  EXPECT_THAT(st, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Message(st), HasSubstr("/../x"));
}

TEST_F(MemoryFsTest, OpenFileSurvivesUnlink) {
  auto file = Open("/f", ReadWrite());
  ASSERT_THAT(file, IsOk());
  File& f = **file;
  ASSERT_THAT(Run(f.Write(AsBytes("before"))), IsOk());
  ASSERT_THAT(Run(fs_->Remove("/f")), IsOk());
  EXPECT_THAT(Run(fs_->Stat("/f")), StatusIs(StatusCode::kNotFound));
  ASSERT_THAT(Run(f.Write(AsBytes(" after"))), IsOk());
  std::string buf(32, '\0');
  auto n = Run(f.ReadAt(AsMutableBytes(buf), 0));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(buf.substr(0, *n), "before after");
  // A new file at the same path is a different file.
  ASSERT_THAT(Write("/f", "new"), IsOk());
  auto size = Run(f.Size());
  ASSERT_THAT(size, IsOk());
  EXPECT_EQ(*size, 12u);
  EXPECT_THAT(Run(f.Close()), IsOk());
  auto back = Read("/f");
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "new");
}

TEST_F(MemoryFsTest, OpenFileFollowsRenameAndKeepsReplacedData) {
  ASSERT_THAT(Write("/old", "old content"), IsOk());
  auto reader = Open("/old", OpenOptions::ReadOnly());
  ASSERT_THAT(reader, IsOk());
  auto writer = Open("/w", OpenOptions::Overwrite());
  ASSERT_THAT(writer, IsOk());
  ASSERT_THAT(Run(fs_->Rename("/w", "/moved")), IsOk());
  ASSERT_THAT(Run((*writer)->Write(AsBytes("via old handle"))), IsOk());
  ASSERT_THAT(Run((*writer)->Close()), IsOk());
  auto moved = Read("/moved");
  ASSERT_THAT(moved, IsOk());
  EXPECT_EQ(*moved, "via old handle");
  // Replacing /old does not change what its open reader sees.
  ASSERT_THAT(Run(fs_->Rename("/moved", "/old")), IsOk());
  std::string buf(32, '\0');
  auto n = Run((*reader)->ReadAt(AsMutableBytes(buf), 0));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(buf.substr(0, *n), "old content");
  EXPECT_THAT(Run((*reader)->Close()), IsOk());
}

TEST_F(MemoryFsTest, EtagsChangeWithContentOnly) {
  ASSERT_THAT(Write("/f", "v1"), IsOk());
  const std::string v1 = Etag("/f");
  EXPECT_EQ(Etag("/f"), v1);
  ASSERT_THAT(Read("/f"), IsOk());
  EXPECT_EQ(Etag("/f"), v1) << "a read changed the etag";
  ASSERT_THAT(Run(fs_->Rename("/f", "/g")), IsOk());
  EXPECT_EQ(Etag("/g"), v1) << "rename keeps the content";
  ASSERT_THAT(Run(fs_->Copy("/g", "/h")), IsOk());
  EXPECT_NE(Etag("/h"), v1) << "a copy is a new object";
  auto file = Open("/g", ReadWrite());  // truncates
  ASSERT_THAT(file, IsOk());
  const std::string truncated = Etag("/g");
  EXPECT_NE(truncated, v1);
  ASSERT_THAT(Run((*file)->Write(AsBytes("a"))), IsOk());
  const std::string written = Etag("/g");
  EXPECT_NE(written, truncated);
  ASSERT_THAT(Run((*file)->WriteAt(AsBytes("b"), 0)), IsOk());
  EXPECT_NE(Etag("/g"), written);
  const std::string before_empty = Etag("/g");
  ASSERT_THAT(Run((*file)->Write(ConstBytes())), IsOk());
  EXPECT_EQ(Etag("/g"), before_empty) << "an empty write changes nothing";
  EXPECT_THAT(Run((*file)->Close()), IsOk());
}

TEST_F(MemoryFsTest, ConditionalOpens) {
  ASSERT_THAT(Write("/f", "v1"), IsOk());
  const std::string etag = Etag("/f");
  OpenOptions if_match = OpenOptions::ReadOnly();
  if_match.if_match = etag;
  EXPECT_THAT(Open("/f", if_match), IsOk());
  if_match.if_match = "stale";
  auto stale = Open("/f", if_match);
  EXPECT_THAT(stale, StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(Message(stale.status()), HasSubstr("/f"));
  EXPECT_THAT(Open("/missing", if_match), StatusIs(StatusCode::kNotFound));
  // if_none_match with an etag: fails only while the etag is current.
  OpenOptions if_none = OpenOptions::ReadOnly();
  if_none.if_none_match = etag;
  EXPECT_THAT(Open("/f", if_none), StatusIs(StatusCode::kFailedPrecondition));
  ASSERT_THAT(Write("/f", "v2"), IsOk());
  EXPECT_THAT(Open("/f", if_none), IsOk());
  // if_none_match "*" creates even without `create`.
  OpenOptions star;
  star.read = false;
  star.write = true;
  star.if_none_match = "*";
  EXPECT_THAT(Write("/created", "x", star), IsOk());
  EXPECT_THAT(Write("/created", "y", star),
              StatusIs(StatusCode::kAlreadyExists));
}

TEST_F(MemoryFsTest, ParentMustBeADirectory) {
  ASSERT_THAT(Write("/file", "x"), IsOk());
  auto under_file = Open("/file/child", OpenOptions::Overwrite());
  EXPECT_THAT(under_file, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(under_file.status().sys_errno(), ENOTDIR);
  EXPECT_THAT(Run(fs_->CreateDir("/file/d", false)),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Run(fs_->CreateDir("/file/d/e", true)),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Open("/nodir/f", OpenOptions::Overwrite()),
              StatusIs(StatusCode::kNotFound));
}

TEST_F(MemoryFsTest, RenameEdgeCases) {
  ASSERT_THAT(Run(fs_->CreateDir("/a/b", true)), IsOk());
  ASSERT_THAT(Write("/a/b/f", "f"), IsOk());
  ASSERT_THAT(Write("/file", "x"), IsOk());
  Status into_self = Run(fs_->Rename("/a", "/a/b/c"));
  EXPECT_THAT(into_self, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Message(into_self), HasSubstr("into itself"));
  EXPECT_THAT(Run(fs_->Rename("/a", "/file")),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Run(fs_->Rename("/file", "/a")),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Run(fs_->Rename("/file", "/nodir/x")),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Run(fs_->Rename("/file", "/file")), IsOk());
  // A directory replaces an empty directory but not a non-empty one.
  ASSERT_THAT(Run(fs_->CreateDir("/empty", false)), IsOk());
  ASSERT_THAT(Run(fs_->CreateDir("/full", false)), IsOk());
  ASSERT_THAT(Write("/full/x", "x"), IsOk());
  EXPECT_THAT(Run(fs_->Rename("/a", "/full")),
              StatusIs(StatusCode::kFailedPrecondition));
  ASSERT_THAT(Run(fs_->Rename("/a", "/empty")), IsOk());
  auto back = Read("/empty/b/f");
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "f");
  // A sibling whose name extends the directory's is not moved with it.
  ASSERT_THAT(Write("/empty-not-child", "n"), IsOk());
  ASSERT_THAT(Run(fs_->Rename("/empty", "/z")), IsOk());
  EXPECT_THAT(Run(fs_->Stat("/empty-not-child")), IsOk());
  EXPECT_THAT(Names("/", Listing(true)),
              ElementsAre("/empty-not-child", "/file", "/full", "/full/x", "/z",
                          "/z/b", "/z/b/f"));
}

TEST_F(MemoryFsTest, CopyEdgeCases) {
  ASSERT_THAT(Run(fs_->CreateDir("/d", false)), IsOk());
  ASSERT_THAT(Write("/f", "data"), IsOk());
  EXPECT_THAT(Run(fs_->Copy("/d", "/d2")),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Run(fs_->Copy("/f", "/d")),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Run(fs_->Copy("/f", "/nodir/g")),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Run(fs_->Copy("/f", "/f")), IsOk());
  ASSERT_THAT(Run(fs_->Copy("/f", "/d/g")), IsOk());
  // The copy is independent of its source.
  ASSERT_THAT(Write("/f", "changed"), IsOk());
  auto back = Read("/d/g");
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "data");
}

TEST_F(MemoryFsTest, ListingsOfTheRootAndBadOptions) {
  ASSERT_THAT(Run(fs_->CreateDir("/a/b", true)), IsOk());
  ASSERT_THAT(Write("/a/b/f", "f"), IsOk());
  ASSERT_THAT(Write("/z", "z"), IsOk());
  EXPECT_THAT(Names("/", {}), ElementsAre("/a", "/z"));
  EXPECT_THAT(Names("/", Listing(true, "a/b/")), ElementsAre("/a/b/f"));
  EXPECT_THAT(Names("/", Listing(true, "", "a/b")),
              ElementsAre("/a/b/f", "/z"));
  auto bad =
      Run(conformance::ListPages(fs_.get(), "/", Listing(false, "", "", 0)));
  EXPECT_THAT(bad, StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(MemoryFsTest, AppendWritersInterleaveAtTheEnd) {
  ASSERT_THAT(Write("/log", "0"), IsOk());
  auto a = Open("/log", OpenOptions::Append());
  auto b = Open("/log", OpenOptions::Append());
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(Run((*a)->Write(AsBytes("a1"))), IsOk());
  ASSERT_THAT(Run((*b)->Write(AsBytes("b1"))), IsOk());
  ASSERT_THAT(Run((*a)->Write(AsBytes("a2"))), IsOk());
  EXPECT_THAT(Run((*a)->Close()), IsOk());
  EXPECT_THAT(Run((*b)->Close()), IsOk());
  auto back = Read("/log");
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "0a1b1a2");
}

TEST_F(MemoryFsTest, WriteAtBeyondEndZeroFillsAndHugeOffsetsFailCleanly) {
  auto file = Open("/f", ReadWrite());
  ASSERT_THAT(file, IsOk());
  ASSERT_THAT(Run((*file)->WriteAt(AsBytes("x"), 3)), IsOk());
  auto back = Read("/f");
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, std::string("\0\0\0x", 4));
  Status huge = Run((*file)->WriteAt(AsBytes("x"), uint64_t{1} << 62));
  EXPECT_THAT(huge, StatusIs(StatusCode::kResourceExhausted));
  EXPECT_EQ(huge.sys_errno(), EFBIG);
  EXPECT_THAT(Message(huge), HasSubstr("/f"));
  Status overflow = Run(
      (*file)->WriteAt(AsBytes("xy"), std::numeric_limits<uint64_t>::max()));
  EXPECT_THAT(overflow, StatusIs(StatusCode::kResourceExhausted));
  EXPECT_EQ(overflow.sys_errno(), EFBIG);
  EXPECT_THAT(Run((*file)->Close()), IsOk());
}

TEST_F(MemoryFsTest, StopRequestedCancelsWrites) {
  auto file = Open("/f", ReadWrite());
  ASSERT_THAT(file, IsOk());
  std::stop_source stop;
  stop.request_stop();
  IoOptions options{stop.get_token()};
  Status st = Run((*file)->Write(AsBytes("x"), options));
  EXPECT_THAT(st, StatusIs(StatusCode::kCancelled));
  EXPECT_THAT(Message(st), HasSubstr("/f"));
  auto size = Run((*file)->Size());
  ASSERT_THAT(size, IsOk());
  EXPECT_EQ(*size, 0u);
  EXPECT_THAT(Run((*file)->Close()), IsOk());
}

TEST_F(MemoryFsTest, MessagesCarryThePosixErrno) {
  EXPECT_EQ(Run(fs_->Stat("/missing")).status().sys_errno(), ENOENT);
  ASSERT_THAT(Run(fs_->CreateDir("/d", false)), IsOk());
  EXPECT_EQ(Run(fs_->Remove("/d")).sys_errno(), EISDIR);
  ASSERT_THAT(Write("/d/x", "x"), IsOk());
  Status st = Run(fs_->RemoveDir("/d", false));
  EXPECT_EQ(st.sys_errno(), ENOTEMPTY);
  EXPECT_THAT(Message(st), HasSubstr("rmdir /d"));
}

// ---- many threads
// ------------------------------------------------------------

// One worker's share: create its own files, read them back, list, rename.
Task<Status> Churn(MemoryFileSystem* fs, int worker, int rounds) {
  const std::string dir = "/w" + std::to_string(worker);
  STRATA_CO_RETURN_IF_ERROR(co_await fs->CreateDir(dir, true));
  for (int i = 0; i < rounds; ++i) {
    const std::string path = dir + "/f" + std::to_string(i);
    const std::string data = path + " payload";
    STRATA_CO_RETURN_IF_ERROR(
        co_await WriteFile(fs, path, data, OpenOptions::Overwrite()));
    STRATA_CO_ASSIGN_OR_RETURN(std::string back, co_await ReadFile(fs, path));
    if (back != data) co_return DataLossError("mismatch at " + path);
    STRATA_CO_RETURN_IF_ERROR(co_await fs->Rename(path, path + ".done"));
    STRATA_CO_ASSIGN_OR_RETURN(FileInfo info, co_await fs->Stat("/shared"));
    if (info.size != 4096) co_return DataLossError("shared size changed");
  }
  // A named ListOptions: GCC 12 miscompiles a braced temporary passed by
  // value to a coroutine inside co_await (it frees the copy twice).
  ListOptions options;
  STRATA_CO_ASSIGN_OR_RETURN(auto pages,
                             co_await conformance::ListPages(fs, dir, options));
  size_t count = 0;
  for (const ListPage& page : pages) count += page.size();
  if (count != static_cast<size_t>(rounds)) {
    co_return DataLossError("listing of " + dir + " has " +
                            std::to_string(count) + " entries");
  }
  co_return co_await fs->RemoveDir(dir, true);
}

TEST_F(MemoryFsTest, ConcurrentUseFromManyThreads) {
  ASSERT_THAT(Write("/shared", std::string(4096, 's')), IsOk());
  auto reader = Open("/shared", OpenOptions::ReadOnly());
  ASSERT_THAT(reader, IsOk());
  constexpr int kThreads = 8;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &failures, &reader] {
      Status st = rt_->BlockOn(Churn(fs_.get(), t, 50));
      if (!st.ok()) {
        ADD_FAILURE() << st.ToString();
        failures.fetch_add(1);
      }
      std::string buf(4096, '\0');
      for (int i = 0; i < 50; ++i) {
        auto n = rt_->BlockOn((*reader)->ReadAt(AsMutableBytes(buf), 0));
        if (!n.ok() || *n != 4096 || buf != std::string(4096, 's')) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_THAT(Names("/", {}), ElementsAre("/shared"));
  EXPECT_THAT(Run((*reader)->Close()), IsOk());
}

}  // namespace
}  // namespace strata::fs
