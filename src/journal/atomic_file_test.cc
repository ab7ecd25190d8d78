// AtomicReplace: its protocol, its errors and its clean-up, on the memory
// backend (crashes: atomic_file_crash_test.cc; the local disk and kill -9:
// atomic_file_kill_test.cc).
#include "strata/journal/atomic_file.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "journal/atomic_file_test_util.h"
#include "strata/fs/fault_injection.h"
#include "strata/fs/forwarding.h"
#include "strata/fs/memory.h"

namespace strata::journal {
namespace {

using atomic_test::AsBytes;
using atomic_test::ListNames;
using atomic_test::Pattern;
using atomic_test::ReadWhole;
using Log = std::vector<std::string>;

constexpr char kDir[] = "/dir";
constexpr char kPath[] = "/dir/file";

// Logs every operation made through it ("open /dir/file.tmp-…", "write …",
// "sync …", "close …", "abort …", "rename A B", "syncdir D", "remove P"), and
// reports the capabilities it is given.
class RecordingFile final : public fs::ForwardingFile {
 public:
  RecordingFile(std::unique_ptr<fs::File> target, std::shared_ptr<Log> log)
      : ForwardingFile(std::move(target)), log_(std::move(log)) {}
  Task<Status> Write(fs::ConstBytes src,
                     const fs::IoOptions& options = {}) override {
    log_->push_back("write " + path());
    return target_->Write(src, options);
  }
  Task<Status> Sync() override {
    log_->push_back("sync " + path());
    return target_->Sync();
  }
  Task<Status> Close() override {
    log_->push_back("close " + path());
    return target_->Close();
  }
  Task<Status> Abort() override {
    log_->push_back("abort " + path());
    return target_->Abort();
  }

 private:
  std::shared_ptr<Log> log_;
};

class RecordingFileSystem final : public fs::ForwardingFileSystem {
 public:
  RecordingFileSystem(std::shared_ptr<fs::FileSystem> target,
                      fs::Capabilities caps)
      : ForwardingFileSystem(std::move(target)), caps_(caps) {}

  const Log& log() const { return *log_; }
  fs::Capabilities capabilities() const override { return caps_; }

  Task<Result<std::unique_ptr<fs::File>>> Open(
      std::string path, fs::OpenOptions options) override {
    log_->push_back("open " + path);
    auto file = co_await target_->Open(std::move(path), std::move(options));
    if (!file.ok()) co_return file.status();
    co_return std::unique_ptr<fs::File>(
        std::make_unique<RecordingFile>(std::move(file).value(), log_));
  }
  Task<Status> Rename(std::string from, std::string to) override {
    log_->push_back("rename " + from + " " + to);
    return target_->Rename(std::move(from), std::move(to));
  }
  Task<Status> SyncDir(std::string path) override {
    log_->push_back("syncdir " + path);
    return target_->SyncDir(std::move(path));
  }
  Task<Status> Remove(std::string path) override {
    log_->push_back("remove " + path);
    return target_->Remove(std::move(path));
  }

 private:
  fs::Capabilities caps_;
  std::shared_ptr<Log> log_ = std::make_shared<Log>();
};

class AtomicFileTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(rt_->BlockOn(mem_->CreateDir(kDir, false)).ok());
  }

  Status Replace(fs::FileSystem& fs, const std::string& path,
                 const std::string& content) {
    return rt_->BlockOn(AtomicReplace(fs, path, AsBytes(content)));
  }
  std::optional<std::string> Read(const std::string& path) {
    auto r = rt_->BlockOn(ReadWhole(mem_.get(), path));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::nullopt;
  }
  Log Names() {
    auto r = rt_->BlockOn(ListNames(mem_.get(), kDir));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Log{};
  }
  void Touch(const std::string& path) {
    ASSERT_TRUE(Replace(*mem_, path, "x").ok());
  }
  fs::Capabilities Caps() const { return mem_->capabilities(); }

  std::unique_ptr<runtime::Runtime> rt_ = atomic_test::NewRuntime();
  std::shared_ptr<fs::MemoryFileSystem> mem_ = fs::MemoryFileSystem::Create();
};

TEST_F(AtomicFileTest, CreatesAMissingFile) {
  const std::string content = Pattern('n', 10000);
  ASSERT_TRUE(Replace(*mem_, kPath, content).ok());
  EXPECT_EQ(Read(kPath), content);
  EXPECT_EQ(Names(), Log{"file"});
}

TEST_F(AtomicFileTest, ReplacesLongerAndShorterContent) {
  for (size_t size : {100000, 3, 70000, 0, 4096}) {
    const std::string content =
        Pattern(static_cast<char>('a' + size % 7), size);
    ASSERT_TRUE(Replace(*mem_, kPath, content).ok()) << size;
    EXPECT_EQ(Read(kPath), content) << size;
    EXPECT_EQ(Names(), Log{"file"}) << size;
  }
}

TEST_F(AtomicFileTest, StepsRunInOrderInTheSameDirectory) {
  fs::Capabilities caps = Caps();
  caps.directory_fsync = true;
  RecordingFileSystem rec(mem_, caps);
  ASSERT_TRUE(Replace(rec, kPath, "new").ok());
  ASSERT_EQ(rec.log().size(), 6u);
  const std::string temp = rec.log()[0].substr(5);
  EXPECT_TRUE(IsAtomicTempFor(kPath, temp)) << temp;
  EXPECT_EQ(rec.log(), (Log{"open " + temp, "write " + temp, "sync " + temp,
                            "close " + temp, "rename " + temp + " " + kPath,
                            "syncdir /dir"}));
}

TEST_F(AtomicFileTest, EmptyContentSkipsTheWrite) {
  RecordingFileSystem rec(mem_, Caps());
  ASSERT_TRUE(Replace(rec, kPath, "").ok());
  EXPECT_EQ(Read(kPath), "");
  ASSERT_EQ(rec.log().size(), 4u);
  EXPECT_EQ(rec.log()[1].rfind("sync ", 0), 0u);
}

TEST_F(AtomicFileTest, NoDirectoryFsyncWithoutTheCapability) {
  ASSERT_FALSE(Caps().directory_fsync);
  RecordingFileSystem rec(mem_, Caps());
  ASSERT_TRUE(Replace(rec, kPath, "new").ok());
  ASSERT_EQ(rec.log().size(), 5u);
  EXPECT_EQ(rec.log().back().rfind("rename ", 0), 0u);
}

TEST_F(AtomicFileTest, EveryCallUsesAFreshTempName) {
  RecordingFileSystem rec(mem_, Caps());
  ASSERT_TRUE(Replace(rec, kPath, "one").ok());
  ASSERT_TRUE(Replace(rec, kPath, "two").ok());
  ASSERT_EQ(rec.log().size(), 10u);
  EXPECT_NE(rec.log()[0], rec.log()[5]);
  EXPECT_EQ(Read(kPath), "two");
}

TEST_F(AtomicFileTest, RefusesAFileSystemWithoutAtomicRename) {
  fs::Capabilities caps = Caps();
  caps.atomic_rename = false;
  RecordingFileSystem rec(mem_, caps);
  Status s = Replace(rec, kPath, "new");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find("/dir/file"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("atomic rename"), std::string::npos);
  EXPECT_TRUE(rec.log().empty());
}

TEST_F(AtomicFileTest, RejectsPathsThatAreNotFilesBelowTheRoot) {
  for (const char* path : {"", "/", "relative/file"}) {
    Status s = Replace(*mem_, path, "new");
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << path;
    auto removed = rt_->BlockOn(RemoveAtomicTemps(*mem_, path));
    EXPECT_EQ(removed.status().code(), StatusCode::kInvalidArgument) << path;
  }
}

TEST_F(AtomicFileTest, MissingDirectoryIsNotFound) {
  Status s = Replace(*mem_, "/nodir/file", "new");
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.ToString();
  EXPECT_EQ(s.message().rfind("atomic replace /nodir/file (create temp): ", 0),
            0u)
      << s.ToString();
  EXPECT_NE(s.message().find("/nodir/file.tmp-"), std::string::npos);
}

TEST_F(AtomicFileTest, DirectoryTargetFailsAtRenameAndLeavesNoTemp) {
  ASSERT_TRUE(rt_->BlockOn(mem_->CreateDir("/dir/sub", false)).ok());
  Status s = Replace(*mem_, "/dir/sub", "new");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("(rename)"), std::string::npos) << s.ToString();
  EXPECT_EQ(Names(), Log{"sub"});
}

// The step that fails, when the n-th operation fails (no directory fsync on
// the memory backend).
constexpr const char* kSteps[] = {"create temp", "write", "fdatasync", "close",
                                  "rename"};

TEST_F(AtomicFileTest, AFailingStepIsNamedAndCleanedUp) {
  const std::string old_content = Pattern('o', 5000);
  ASSERT_TRUE(Replace(*mem_, kPath, old_content).ok());
  for (uint64_t n = 1; n <= std::size(kSteps); ++n) {
    SCOPED_TRACE(kSteps[n - 1]);
    fs::FaultInjectionFileSystem faulty(mem_);
    fs::FaultRule rule;
    rule.nth = n;
    rule.error = EIO;
    faulty.AddFault(rule);
    Status s = Replace(faulty, kPath, Pattern('n', 7000));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.sys_errno(), EIO);
    const std::string prefix =
        std::string("atomic replace /dir/file (") + kSteps[n - 1] + "): ";
    EXPECT_EQ(s.message().rfind(prefix, 0), 0u) << s.ToString();
    EXPECT_NE(s.message().find("/dir/file.tmp-"), std::string::npos);
    EXPECT_EQ(Read(kPath), old_content);
    EXPECT_EQ(Names(), Log{"file"});
  }
}

TEST_F(AtomicFileTest, TempNamesAreRecognisedExactly) {
  EXPECT_TRUE(IsAtomicTempFor("/d/f", "/d/f.tmp-0123456789abcdef"));
  EXPECT_FALSE(IsAtomicTempFor("/d/f", "/d/f.tmp-0123456789ABCDEF"));
  EXPECT_FALSE(IsAtomicTempFor("/d/f", "/d/f.tmp-0123456789abcde"));
  EXPECT_FALSE(IsAtomicTempFor("/d/f", "/d/f.tmp-0123456789abcdef0"));
  EXPECT_FALSE(IsAtomicTempFor("/d/f", "/d/g.tmp-0123456789abcdef"));
  EXPECT_FALSE(IsAtomicTempFor("/d/f", "/d/f.tmx-0123456789abcdef"));
  EXPECT_FALSE(IsAtomicTempFor("/d/f", "/d/f"));
}

TEST_F(AtomicFileTest, RemoveAtomicTempsRemovesOnlyOurTemps) {
  for (const char* name :
       {"file", "file.tmp-0123456789abcdef", "file.tmp-fedcba9876543210",
        "file.tmp-0123456789ABCDEF", "file.tmp-123",
        "other.tmp-0123456789abcdef", "file.tmp-0123456789abcdef0"}) {
    Touch(std::string(kDir) + "/" + name);
  }
  auto removed = rt_->BlockOn(RemoveAtomicTemps(*mem_, kPath));
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 2u);
  EXPECT_EQ(Names(), (Log{"file", "file.tmp-0123456789ABCDEF",
                          "file.tmp-0123456789abcdef0", "file.tmp-123",
                          "other.tmp-0123456789abcdef"}));
  removed = rt_->BlockOn(RemoveAtomicTemps(*mem_, kPath));
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 0u);
}

TEST_F(AtomicFileTest, RemoveAtomicTempsReportsAMissingDirectory) {
  auto removed = rt_->BlockOn(RemoveAtomicTemps(*mem_, "/nodir/file"));
  EXPECT_EQ(removed.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(
      removed.status().message().rfind("remove atomic temps /nodir/file: ", 0),
      0u)
      << removed.status().ToString();
}

}  // namespace
}  // namespace strata::journal
