// Tests for the wrappers: ForwardingFileSystem/File, MetricsFileSystem and
// FaultInjectionFileSystem (over the memory backend).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <thread>
#include <vector>

#include "fs/testing/conformance.h"
#include "strata/core/metrics.h"
#include "strata/fs/fault_injection.h"
#include "strata/fs/forwarding.h"
#include "strata/fs/memory.h"
#include "strata/fs/metrics_fs.h"
#include "strata/runtime/runtime.h"

namespace strata::fs {
namespace {

using conformance::AsBytes;
using conformance::AsMutableBytes;
using conformance::IsOk;
using conformance::ListPages;
using conformance::ReadFile;
using conformance::StatusIs;
using conformance::WriteFile;
using ::testing::HasSubstr;
using ::testing::StartsWith;

using conformance::Message;

FaultRule Rule(FaultOp op, uint64_t nth, int error, bool repeat = false,
               std::string path_contains = "") {
  FaultRule rule;
  rule.op = op;
  rule.nth = nth;
  rule.error = error;
  rule.repeat = repeat;
  rule.path_contains = std::move(path_contains);
  return rule;
}

OpenOptions ReadWrite() {
  OpenOptions o = OpenOptions::Overwrite();
  o.read = true;
  return o;
}

class WrapperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rt = Runtime::Create();
    ASSERT_THAT(rt, IsOk());
    rt_ = std::move(rt).value();
  }
  template <typename T>
  T Run(Task<T> task) {
    return rt_->BlockOn(std::move(task));
  }

  std::unique_ptr<Runtime> rt_;
  std::shared_ptr<MemoryFileSystem> mem_ = MemoryFileSystem::Create();
};

// ---- forwarding
// --------------------------------------------------------------

// Overrides only Stat; everything else must reach the target unchanged.
class CountingStatFs final : public ForwardingFileSystem {
 public:
  using ForwardingFileSystem::ForwardingFileSystem;
  Task<Result<FileInfo>> Stat(std::string path) override {
    ++stats;
    return target_->Stat(std::move(path));
  }
  int stats = 0;
};

TEST_F(WrapperTest, ForwardingFileSystemForwardsEverything) {
  auto fs = std::make_shared<CountingStatFs>(mem_);
  EXPECT_EQ(fs->name(), "memory");
  EXPECT_EQ(fs->target(), mem_);
  EXPECT_TRUE(fs->capabilities().atomic_rename);
  ASSERT_THAT(Run(fs->CreateDir("/d/e", true)), IsOk());
  ASSERT_THAT(
      Run(WriteFile(fs.get(), "/d/f", "data", OpenOptions::Overwrite())),
      IsOk());
  ASSERT_THAT(Run(fs->Copy("/d/f", "/d/g")), IsOk());
  ASSERT_THAT(Run(fs->Rename("/d/g", "/d/e/h")), IsOk());
  ListOptions recursive;
  recursive.recursive = true;
  auto pages = Run(ListPages(fs.get(), "/d", recursive));
  ASSERT_THAT(pages, IsOk());
  ASSERT_EQ(pages->size(), 1u);
  EXPECT_EQ((*pages)[0].size(), 3u);  // e, e/h, f
  ASSERT_THAT(Run(fs->SyncDir("/d")), IsOk());
  ASSERT_THAT(Run(fs->Remove("/d/f")), IsOk());
  ASSERT_THAT(Run(fs->RemoveDir("/d", true)), IsOk());
  EXPECT_THAT(Run(fs->Stat("/d")), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Run(mem_->Stat("/d")), StatusIs(StatusCode::kNotFound));
  EXPECT_EQ(fs->stats, 1);
}

TEST_F(WrapperTest, ForwardingFileForwardsEverything) {
  auto opened = Run(mem_->Open("/f", ReadWrite()));
  ASSERT_THAT(opened, IsOk());
  File* inner = opened->get();
  ForwardingFile file(std::move(opened).value());
  EXPECT_EQ(file.target(), inner);
  EXPECT_EQ(file.path(), "/f");
  ASSERT_THAT(Run(file.Write(AsBytes("ab"))), IsOk());
  const std::vector<ConstBytes> srcs = {AsBytes("cd"), AsBytes("ef")};
  ASSERT_THAT(Run(file.WriteV(srcs)), IsOk());
  ASSERT_THAT(Run(file.WriteAt(AsBytes("X"), 0)), IsOk());
  ASSERT_THAT(Run(file.Sync()), IsOk());
  auto size = Run(file.Size());
  ASSERT_THAT(size, IsOk());
  EXPECT_EQ(*size, 6u);
  std::string a(2, '\0'), b(4, '\0');
  auto n = Run(file.ReadAt(AsMutableBytes(a), 0));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(a, "Xb");
  const std::vector<MutableBytes> dsts = {AsMutableBytes(a), AsMutableBytes(b)};
  n = Run(file.ReadV(dsts, 0));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, 6u);
  EXPECT_EQ(a + b, "Xbcdef");
  ASSERT_THAT(Run(file.Close()), IsOk());
  EXPECT_THAT(Run(file.Abort()), IsOk());
  EXPECT_THAT(Run(inner->Sync()), StatusIs(StatusCode::kFailedPrecondition));
}

// ---- metrics
// -------------------------------------------------------------------

// The value of the sample `name{labels...}` in a Prometheus rendering, or
// -1 if there is none. Label order does not matter.
double Sample(const std::string& text, const std::string& name,
              const std::vector<std::string>& labels) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.compare(0, name.size() + 1, name + "{") != 0 &&
        line.compare(0, name.size() + 1, name + " ") != 0) {
      continue;
    }
    bool all = true;
    for (const std::string& label : labels) {
      all = all && line.find(label) != std::string::npos;
    }
    if (all)
      return std::strtod(line.substr(line.rfind(' ') + 1).c_str(), nullptr);
  }
  return -1;
}

// Records what strata_io_inflight said while a Stat was running.
class InflightProbeFs final : public ForwardingFileSystem {
 public:
  InflightProbeFs(std::shared_ptr<FileSystem> target,
                  metrics::Registry* registry)
      : ForwardingFileSystem(std::move(target)), registry_(registry) {}
  // A coroutine, so the probe runs when the metrics wrapper awaits it.
  Task<Result<FileInfo>> Stat(std::string path) override {
    seen = Sample(registry_->RenderPrometheus(), "strata_io_inflight",
                  {"backend=\"memory\""});
    co_return co_await target_->Stat(std::move(path));
  }
  double seen = -1;

 private:
  metrics::Registry* registry_;
};

Task<Status> WriteReadCycle(FileSystem* fs) {
  STRATA_CO_RETURN_IF_ERROR(
      co_await WriteFile(fs, "/f", "hello", OpenOptions::Overwrite()));
  STRATA_CO_ASSIGN_OR_RETURN(std::string back, co_await ReadFile(fs, "/f"));
  if (back != "hello") co_return DataLossError("read back " + back);
  co_return Status::OK();
}

TEST_F(WrapperTest, MetricsAreRecordedAndRendered) {
  metrics::Registry registry;
  auto probe = std::make_shared<InflightProbeFs>(mem_, &registry);
  MetricsFileSystem fs(probe, &registry);
  EXPECT_EQ(fs.name(), "memory");
  ASSERT_THAT(Run(WriteReadCycle(&fs)), IsOk());
  EXPECT_THAT(Run(fs.Stat("/missing")), StatusIs(StatusCode::kNotFound));
  EXPECT_EQ(probe->seen, 1) << "inflight during Stat";
  EXPECT_THAT(Run(fs.Open("/missing", OpenOptions::ReadOnly())),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Run(ListPages(&fs, "/nodir", {})),
              StatusIs(StatusCode::kNotFound));
  ASSERT_THAT(Run(fs.Rename("/f", "/g")), IsOk());

  const std::string text = registry.RenderPrometheus();
  const std::string backend = "backend=\"memory\"";
  const std::string runtime =
      "runtime=\"" + std::string(runtime::RuntimeKindName(rt_->kind())) + "\"";
  auto op = [](const char* name) { return "op=\"" + std::string(name) + "\""; };
  EXPECT_EQ(Sample(text, "strata_file_opens_total", {backend, runtime}), 3);
  EXPECT_EQ(
      Sample(text, "strata_file_opens_total", {backend, "runtime=\"none\""}),
      0);
  EXPECT_EQ(Sample(text, "strata_file_open_duration_seconds_count", {backend}),
            3);
  EXPECT_EQ(Sample(text, "strata_file_write_bytes_total", {backend}), 5);
  EXPECT_EQ(Sample(text, "strata_file_read_bytes_total", {backend}), 5);
  EXPECT_EQ(Sample(text, "strata_fs_ops_total", {backend, op("open")}), 3);
  EXPECT_EQ(Sample(text, "strata_fs_ops_total", {backend, op("write")}), 1);
  EXPECT_EQ(Sample(text, "strata_fs_ops_total", {backend, op("close")}), 2);
  EXPECT_EQ(Sample(text, "strata_fs_ops_total", {backend, op("rename")}), 1);
  EXPECT_EQ(Sample(text, "strata_fs_ops_total", {backend, op("list")}), 1);
  EXPECT_GE(Sample(text, "strata_fs_ops_total", {backend, op("read")}), 1);
  EXPECT_EQ(Sample(text, "strata_file_errors_total", {backend, op("open")}), 1);
  EXPECT_EQ(Sample(text, "strata_file_errors_total", {backend, op("stat")}), 1);
  EXPECT_EQ(Sample(text, "strata_file_errors_total", {backend, op("list")}), 1);
  EXPECT_EQ(Sample(text, "strata_file_errors_total", {backend, op("write")}),
            0);
  EXPECT_EQ(Sample(text, "strata_io_inflight", {backend}), 0);
  EXPECT_THAT(text,
              HasSubstr("# TYPE strata_file_open_duration_seconds histogram"));
  EXPECT_THAT(text, HasSubstr("# TYPE strata_file_opens_total counter"));
  EXPECT_THAT(text, HasSubstr("# TYPE strata_io_inflight gauge"));
}

TEST_F(WrapperTest, MetricsWrapperPassesResultsThrough) {
  metrics::Registry registry;
  MetricsFileSystem fs(mem_, &registry);
  auto file = Run(fs.Open("/f", ReadWrite()));
  ASSERT_THAT(file, IsOk());
  EXPECT_EQ((*file)->path(), "/f");
  const std::vector<ConstBytes> srcs = {AsBytes("ab"), AsBytes("cd")};
  ASSERT_THAT(Run((*file)->WriteV(srcs)), IsOk());
  ASSERT_THAT(Run((*file)->WriteAt(AsBytes("Z"), 1)), IsOk());
  std::string a(1, '\0'), b(8, '\0');
  const std::vector<MutableBytes> dsts = {AsMutableBytes(a), AsMutableBytes(b)};
  auto n = Run((*file)->ReadV(dsts, 0));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, 4u);
  EXPECT_EQ(a + b.substr(0, 3), "aZcd");
  auto size = Run((*file)->Size());
  ASSERT_THAT(size, IsOk());
  EXPECT_EQ(*size, 4u);
  ASSERT_THAT(Run((*file)->Abort()), IsOk());
  EXPECT_THAT(Run((*file)->Sync()), StatusIs(StatusCode::kFailedPrecondition));
  const std::string text = registry.RenderPrometheus();
  EXPECT_EQ(Sample(text, "strata_file_write_bytes_total", {}), 5);
  EXPECT_EQ(Sample(text, "strata_file_read_bytes_total", {}), 4);
  EXPECT_EQ(Sample(text, "strata_file_errors_total", {"op=\"sync\""}), 1);
  EXPECT_EQ(Sample(text, "strata_fs_ops_total", {"op=\"abort\""}), 1);
  EXPECT_EQ(Sample(text, "strata_fs_ops_total", {"op=\"size\""}), 1);
}

TEST_F(WrapperTest, MetricsGoToTheDefaultRegistryByDefault) {
  MetricsFileSystem fs(mem_);
  ASSERT_THAT(Run(fs.CreateDir("/d", false)), IsOk());
  const std::string text = metrics::DefaultRegistry().RenderPrometheus();
  EXPECT_GE(Sample(text, "strata_fs_ops_total",
                   {"backend=\"memory\"", "op=\"create_dir\""}),
            1);
}

// ---- fault injection
// -------------------------------------------------------------

class FaultTest : public WrapperTest {
 protected:
  void SetUp() override {
    WrapperTest::SetUp();
    fs_ = std::make_shared<FaultInjectionFileSystem>(mem_);
  }
  Status WriteChunks(const std::string& path,
                     const std::vector<std::string>& chunks,
                     std::vector<Status>* results) {
    auto file = Run(fs_->Open(path, OpenOptions::Overwrite()));
    if (!file.ok()) return file.status();
    for (const std::string& chunk : chunks) {
      results->push_back(Run((*file)->Write(AsBytes(chunk))));
    }
    return Run((*file)->Close());
  }

  std::shared_ptr<FaultInjectionFileSystem> fs_;
};

TEST_F(FaultTest, FailsExactlyTheNthOperationOnce) {
  fs_->AddFault(Rule(FaultOp::kWrite, 3, ENOSPC));
  std::vector<Status> results;
  ASSERT_THAT(WriteChunks("/f", {"1", "2", "3", "4", "5"}, &results), IsOk());
  ASSERT_EQ(results.size(), 5u);
  EXPECT_THAT(results[0], IsOk());
  EXPECT_THAT(results[1], IsOk());
  EXPECT_THAT(results[2], StatusIs(StatusCode::kResourceExhausted));
  EXPECT_EQ(results[2].sys_errno(), ENOSPC);
  EXPECT_THAT(Message(results[2]), StartsWith("write /f: "));
  EXPECT_THAT(results[3], IsOk());
  EXPECT_THAT(results[4], IsOk());
  auto back = Run(ReadFile(mem_.get(), "/f"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "1245") << "the failed write must not reach the target";
  EXPECT_EQ(fs_->FaultsInjected(), 1u);
  EXPECT_EQ(fs_->OpsSeen(FaultOp::kWrite), 5u);
}

TEST_F(FaultTest, RepeatingRuleFailsFromTheNthOnUntilCleared) {
  ASSERT_THAT(Run(WriteFile(mem_.get(), "/f", "abc", OpenOptions::Overwrite())),
              IsOk());
  fs_->AddFault(Rule(FaultOp::kRead, 2, EIO, /*repeat=*/true));
  auto file = Run(fs_->Open("/f", OpenOptions::ReadOnly()));
  ASSERT_THAT(file, IsOk());
  std::string buf(3, '\0');
  EXPECT_THAT(Run((*file)->ReadAt(AsMutableBytes(buf), 0)), IsOk());
  for (int i = 0; i < 3; ++i) {
    auto n = Run((*file)->ReadAt(AsMutableBytes(buf), 0));
    EXPECT_THAT(n, StatusIs(StatusCode::kDataLoss));
    EXPECT_EQ(n.status().sys_errno(), EIO);
    EXPECT_THAT(Message(n.status()), StartsWith("read /f: "));
  }
  const std::vector<MutableBytes> dsts = {AsMutableBytes(buf)};
  EXPECT_THAT(Run((*file)->ReadV(dsts, 0)), StatusIs(StatusCode::kDataLoss));
  fs_->ClearFaults();
  EXPECT_THAT(Run((*file)->ReadAt(AsMutableBytes(buf), 0)), IsOk());
  EXPECT_THAT(Run((*file)->Close()), IsOk());
  EXPECT_EQ(fs_->FaultsInjected(), 4u);
  EXPECT_EQ(fs_->OpsSeen(FaultOp::kRead), 6u);
}

TEST_F(FaultTest, PathFilterSelectsOperations) {
  ASSERT_THAT(Run(mem_->CreateDir("/secret", false)), IsOk());
  fs_->AddFault(Rule(FaultOp::kOpen, 1, EACCES, false, "secret"));
  EXPECT_THAT(Run(fs_->Open("/public", OpenOptions::Overwrite())), IsOk());
  auto denied = Run(fs_->Open("/secret/x", OpenOptions::Overwrite()));
  EXPECT_THAT(denied, StatusIs(StatusCode::kPermissionDenied));
  EXPECT_EQ(denied.status().sys_errno(), EACCES);
  EXPECT_THAT(Message(denied.status()), StartsWith("open /secret/x: "));
  EXPECT_THAT(Run(mem_->Stat("/secret/x")), StatusIs(StatusCode::kNotFound))
      << "a failed open must not create the file";
  EXPECT_THAT(Run(fs_->Open("/secret/x", OpenOptions::Overwrite())), IsOk())
      << "the rule is one-shot";
}

TEST_F(FaultTest, RenameAndCopyMatchEitherPath) {
  ASSERT_THAT(Run(WriteFile(mem_.get(), "/a", "a", OpenOptions::Overwrite())),
              IsOk());
  fs_->AddFault(Rule(FaultOp::kRename, 1, EXDEV, /*repeat=*/true, "other"));
  Status st = Run(fs_->Rename("/a", "/other/b"));
  EXPECT_THAT(st, StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(Message(st), StartsWith("rename /a: "));
  EXPECT_THAT(Run(fs_->Rename("/a", "/b")), IsOk());
  fs_->AddFault(Rule(FaultOp::kCopy, 1, ENOSPC));
  EXPECT_THAT(Run(fs_->Copy("/b", "/c")),
              StatusIs(StatusCode::kResourceExhausted));
  EXPECT_THAT(Run(mem_->Stat("/c")), StatusIs(StatusCode::kNotFound));
}

TEST_F(FaultTest, FailAfterFailsEveryKindAfterNOperations) {
  fs_->FailAfter(2, EIO);
  EXPECT_THAT(Run(fs_->CreateDir("/d", false)), IsOk());
  EXPECT_THAT(Run(fs_->Stat("/d")), IsOk());
  EXPECT_THAT(Run(fs_->Stat("/d")), StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(Run(fs_->Remove("/x")), StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(Run(fs_->RemoveDir("/d", false)),
              StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(Run(fs_->SyncDir("/d")), StatusIs(StatusCode::kDataLoss));
  auto list = Run(ListPages(fs_.get(), "/", {}));
  EXPECT_THAT(list, StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(Message(list.status()), StartsWith("list /: "));
  EXPECT_THAT(Run(fs_->Open("/f", OpenOptions::Overwrite())),
              StatusIs(StatusCode::kDataLoss));
  fs_->ClearFaults();
  EXPECT_THAT(Run(fs_->Stat("/d")), IsOk());
  EXPECT_EQ(fs_->OpsSeen(FaultOp::kMkdir), 1u);
  EXPECT_EQ(fs_->OpsSeen(FaultOp::kStat), 3u);
  EXPECT_EQ(fs_->OpsSeen(FaultOp::kRemove), 2u);
  EXPECT_EQ(fs_->OpsSeen(FaultOp::kSync), 1u);
  EXPECT_EQ(fs_->OpsSeen(FaultOp::kList), 1u);
  EXPECT_EQ(fs_->OpsSeen(FaultOp::kOpen), 1u);
  EXPECT_EQ(fs_->OpsSeen(FaultOp::kAny), 9u);
  EXPECT_EQ(fs_->FaultsInjected(), 6u);
}

TEST_F(FaultTest, FileOperationKinds) {
  auto file = Run(fs_->Open("/f", ReadWrite()));
  ASSERT_THAT(file, IsOk());
  fs_->AddFault(Rule(FaultOp::kSync, 1, EIO));
  fs_->AddFault(Rule(FaultOp::kStat, 1, EBADF));
  fs_->AddFault(Rule(FaultOp::kWrite, 2, ENOSPC));
  EXPECT_THAT(Run((*file)->Sync()), StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(Run((*file)->Size()), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Run((*file)->Write(AsBytes("a"))), IsOk());
  const std::vector<ConstBytes> srcs = {AsBytes("b")};
  EXPECT_THAT(Run((*file)->WriteV(srcs)),
              StatusIs(StatusCode::kResourceExhausted));
  EXPECT_THAT(Run((*file)->WriteAt(AsBytes("c"), 0)), IsOk());
  EXPECT_EQ(fs_->OpsSeen(FaultOp::kWrite), 3u);
  EXPECT_EQ(fs_->OpsSeen(FaultOp::kStat), 1u);
  EXPECT_EQ(fs_->OpsSeen(FaultOp::kSync), 1u);
}

TEST_F(FaultTest, InjectedCloseFailureStillReleasesTheFile) {
  auto file = Run(fs_->Open("/f", OpenOptions::Overwrite()));
  ASSERT_THAT(file, IsOk());
  ASSERT_THAT(Run((*file)->Write(AsBytes("kept"))), IsOk());
  fs_->AddFault(Rule(FaultOp::kClose, 1, EIO));
  Status st = Run((*file)->Close());
  EXPECT_THAT(st, StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(Message(st), StartsWith("close /f: "));
  EXPECT_THAT(Run((*file)->Write(AsBytes("x"))),
              StatusIs(StatusCode::kFailedPrecondition));
  auto back = Run(ReadFile(mem_.get(), "/f"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "kept");
}

TEST_F(FaultTest, FilesKeepWorkingAfterTheWrapperIsGone) {
  auto file = Run(fs_->Open("/f", OpenOptions::Overwrite()));
  ASSERT_THAT(file, IsOk());
  fs_->AddFault(Rule(FaultOp::kWrite, 2, EIO));
  fs_.reset();
  EXPECT_THAT(Run((*file)->Write(AsBytes("a"))), IsOk());
  EXPECT_THAT(Run((*file)->Write(AsBytes("b"))),
              StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(Run((*file)->Close()), IsOk());
}

TEST_F(FaultTest, ConcurrentOperationsAreCountedExactly) {
  constexpr int kThreads = 4;
  constexpr int kOps = 100;
  fs_->FailAfter(150, EAGAIN);
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, &failed] {
      for (int i = 0; i < kOps; ++i) {
        Status st = rt_->BlockOn(fs_->Stat("/")).status();
        if (!st.ok()) {
          EXPECT_TRUE(st.retryable()) << st.ToString();
          failed.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failed.load(), kThreads * kOps - 150);
  EXPECT_EQ(fs_->OpsSeen(FaultOp::kStat), uint64_t{kThreads * kOps});
  EXPECT_EQ(fs_->FaultsInjected(), uint64_t{kThreads * kOps - 150});
}

TEST(FaultOpNameTest, NamesEveryKind) {
  EXPECT_EQ(FaultOpName(FaultOp::kOpen), "open");
  EXPECT_EQ(FaultOpName(FaultOp::kRead), "read");
  EXPECT_EQ(FaultOpName(FaultOp::kWrite), "write");
  EXPECT_EQ(FaultOpName(FaultOp::kSync), "sync");
  EXPECT_EQ(FaultOpName(FaultOp::kClose), "close");
  EXPECT_EQ(FaultOpName(FaultOp::kStat), "stat");
  EXPECT_EQ(FaultOpName(FaultOp::kList), "list");
  EXPECT_EQ(FaultOpName(FaultOp::kRename), "rename");
  EXPECT_EQ(FaultOpName(FaultOp::kCopy), "copy");
  EXPECT_EQ(FaultOpName(FaultOp::kRemove), "remove");
  EXPECT_EQ(FaultOpName(FaultOp::kMkdir), "mkdir");
  EXPECT_EQ(FaultOpName(FaultOp::kAny), "any");
}

}  // namespace
}  // namespace strata::fs
