// Local-backend specifics the generic conformance suite cannot express.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "strata/core/when_all.h"
#include "strata/fs/concepts.h"
#include "strata/fs/local.h"
#include "strata/runtime/runtime.h"

namespace strata::fs {
namespace {

static_assert(RandomReader<LocalFile>);
static_assert(SequentialWriter<LocalFile>);
static_assert(FileSystemLike<LocalFileSystem>);

class LocalFsTest : public testing::TestWithParam<runtime::IoUringMode> {
 protected:
  void SetUp() override {
    if (GetParam() == runtime::IoUringMode::kOn) {
      auto env = runtime::IoUringModeFromEnv();
      if (env.ok() && *env == runtime::IoUringMode::kOff) {
        GTEST_SKIP() << "STRATA_IO_URING=off disables the io_uring runtime";
      }
      if (!runtime::IoUringAvailable()) {
        GTEST_SKIP() << "io_uring is not available on this kernel";
      }
    }
    char tmpl[] = "/tmp/strata_local_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    RuntimeOptions o;
    o.io_uring = GetParam();
    o.max_concurrent_file_ops = 2;
    rt_ = std::move(Runtime::Create(o)).value();
  }
  void TearDown() override {
    rt_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  std::string dir_;
  std::unique_ptr<Runtime> rt_;
  LocalFileSystem fs_;
};

// Static dispatch: the concrete type, no virtual call.
Task<Result<std::string>> ReadBack(LocalFileSystem* fs, std::string path) {
  STRATA_CO_ASSIGN_OR_RETURN(
      auto f, co_await fs->OpenLocal(path, OpenOptions::ReadOnly()));
  std::string out(64, '\0');
  STRATA_CO_ASSIGN_OR_RETURN(
      size_t n, co_await f->ReadAt(std::as_writable_bytes(std::span(out)), 0));
  out.resize(n);
  STRATA_CO_RETURN_IF_ERROR(co_await f->Close());
  co_return out;
}

TEST_P(LocalFsTest, OpenLocalGivesTheConcreteType) {
  std::ofstream(Path("a")) << "static";
  auto r = rt_->BlockOn(ReadBack(&fs_, Path("a")));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "static");
}

Task<Result<size_t>> ReadOne(LocalFileSystem* fs, std::string path) {
  STRATA_CO_ASSIGN_OR_RETURN(
      auto f, co_await fs->OpenLocal(path, OpenOptions::ReadOnly()));
  std::vector<std::byte> buf(4096);
  auto n = co_await f->ReadAt(buf, 0);
  STRATA_CO_RETURN_IF_ERROR(co_await f->Close());
  co_return n;
}

Task<bool> ManyReadsUnderASmallCap(LocalFileSystem* fs, std::string path) {
  std::vector<Task<Result<size_t>>> tasks;
  for (int i = 0; i < 64; ++i) tasks.push_back(ReadOne(fs, path));
  auto results = co_await WhenAll(std::move(tasks));
  for (auto& r : results) {
    if (!r.ok() || *r != 5) co_return false;
  }
  co_return true;
}

TEST_P(LocalFsTest, ExcessOperationsWaitForThePermitNeverFail) {
  ASSERT_EQ(rt_->file_ops().capacity(), 2u);
  std::ofstream(Path("b")) << "12345";
  EXPECT_TRUE(rt_->BlockOn(ManyReadsUnderASmallCap(&fs_, Path("b"))));
  EXPECT_EQ(rt_->file_ops().available(), 2u);
}

Task<Status> OpenDirect(LocalFileSystem* fs, std::string path) {
  OpenOptions o = OpenOptions::Overwrite();
  o.direct = true;
  auto f = co_await fs->Open(path, o);
  if (!f.ok()) co_return f.status();
  co_return co_await (*f)->Close();
}

TEST_P(LocalFsTest, DirectIoRefusedByTmpfsSaysSo) {
  if (!std::filesystem::exists("/dev/shm")) GTEST_SKIP() << "no /dev/shm";
  std::string path = "/dev/shm/strata_direct_" + std::to_string(::getpid());
  Status s = rt_->BlockOn(OpenDirect(&fs_, path));
  std::filesystem::remove(path);
  if (s.ok()) GTEST_SKIP() << "this tmpfs accepts O_DIRECT";
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("O_DIRECT"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find(path), std::string::npos) << s.ToString();
}

Task<Result<size_t>> CountRecursive(LocalFileSystem* fs, std::string dir) {
  ListOptions o;
  o.recursive = true;
  auto stream = fs->List(dir, o);
  size_t n = 0;
  while (auto page = co_await stream.Next()) {
    if (!page->ok()) co_return page->status();
    n += (*page)->size();
  }
  co_return n;
}

TEST_P(LocalFsTest, RecursiveListingDoesNotFollowSymlinkLoops) {
  std::filesystem::create_directories(Path("d/e"));
  std::filesystem::create_directory_symlink(Path("d"), Path("d/e/loop"));
  auto n = rt_->BlockOn(CountRecursive(&fs_, Path("d")));
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 2u);  // e and e/loop, not an endless descent
}

Task<Status> CreateDurably(LocalFileSystem* fs, std::string path) {
  OpenOptions o = OpenOptions::CreateNew();
  o.durable_create = true;
  STRATA_CO_ASSIGN_OR_RETURN(auto f, co_await fs->Open(path, o));
  STRATA_CO_RETURN_IF_ERROR(co_await f->Sync());
  co_return co_await f->Close();
}

TEST_P(LocalFsTest, DurableCreateSyncsAnExistingParent) {
  EXPECT_TRUE(rt_->BlockOn(CreateDurably(&fs_, Path("durable"))).ok());
  EXPECT_TRUE(std::filesystem::exists(Path("durable")));
  // The parent's fsync fails when the parent is gone: the error is reported.
  Status s = rt_->BlockOn(fs_.SyncDir(Path("missing-dir")));
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.ToString();
}

TEST_P(LocalFsTest, SyncDirectoriesOptionIsHonouredOnEveryMutation) {
  LocalOptions durable_options;
  durable_options.sync_directories = true;
  LocalFileSystem durable(durable_options);
  EXPECT_TRUE(rt_->BlockOn(durable.CreateDir(Path("x"), false)).ok());
  EXPECT_TRUE(rt_->BlockOn(durable.Rename(Path("x"), Path("y"))).ok());
  EXPECT_TRUE(rt_->BlockOn(durable.RemoveDir(Path("y"), false)).ok());
  EXPECT_FALSE(std::filesystem::exists(Path("y")));
}

INSTANTIATE_TEST_SUITE_P(Runtimes, LocalFsTest,
                         testing::Values(runtime::IoUringMode::kOn,
                                         runtime::IoUringMode::kOff),
                         [](const auto& info) {
                           return info.param == runtime::IoUringMode::kOn
                                      ? "io_uring"
                                      : "poll";
                         });

}  // namespace
}  // namespace strata::fs
