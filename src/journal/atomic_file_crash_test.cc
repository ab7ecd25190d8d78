// AtomicReplace under simulated power loss: CrashSimFileSystem drops (or
// keeps a random part of, or tears) everything not yet durable; a
// FaultInjectionFileSystem over it makes the "process die" at each step.
#include <gtest/gtest.h>

#include <cerrno>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "journal/atomic_file_test_util.h"
#include "strata/fs/crash_sim.h"
#include "strata/fs/fault_injection.h"
#include "strata/journal/atomic_file.h"

namespace strata::journal {
namespace {

using atomic_test::AsBytes;
using atomic_test::Pattern;
using fs::CrashMode;
using Names = std::vector<std::string>;

constexpr char kDir[] = "/dir";
constexpr char kPath[] = "/dir/file";
constexpr CrashMode kModes[] = {CrashMode::kDropUnsynced,
                                CrashMode::kKeepRandomSubset,
                                CrashMode::kTearSector};
constexpr uint64_t kSeeds = 16;
// Open, write, fdatasync, close, rename, directory fsync.
constexpr uint64_t kOps = 6;

// The content before (nullopt: no file) and the content being written.
struct Scenario {
  std::optional<std::string> old_content;
  std::string new_content;
};

std::vector<Scenario> Scenarios() {
  std::vector<Scenario> s(3);
  s[0].old_content = Pattern('o', 3000);  // grows, unaligned sizes
  s[0].new_content = Pattern('n', 9001);
  s[1].old_content = Pattern('O', 16384);  // shrinks, whole sectors
  s[1].new_content = Pattern('N', 4096);
  s[2].new_content = Pattern('c', 5000);  // created
  return s;
}

class AtomicFileCrashTest : public testing::Test {
 protected:
  // A crash sim holding `old_content` durably at kPath (nothing if nullopt).
  std::shared_ptr<fs::CrashSimFileSystem> NewSim(
      const std::optional<std::string>& old_content) {
    auto sim = std::make_shared<fs::CrashSimFileSystem>();
    EXPECT_TRUE(rt_->BlockOn(sim->CreateDir(kDir, false)).ok());
    EXPECT_TRUE(rt_->BlockOn(sim->SyncDir("/")).ok());
    if (old_content) {
      Status s = rt_->BlockOn(
          atomic_test::WriteDurably(sim.get(), kPath, *old_content));
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    return sim;
  }

  Status Replace(fs::FileSystem& fs, const std::string& content) {
    return rt_->BlockOn(AtomicReplace(fs, kPath, AsBytes(content)));
  }

  std::optional<std::string> Read(fs::FileSystem& fs) {
    auto r = rt_->BlockOn(atomic_test::ReadWhole(&fs, kPath));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::nullopt;
  }

  Names List(fs::FileSystem& fs) {
    auto r = rt_->BlockOn(atomic_test::ListNames(&fs, kDir));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Names{};
  }

  // kPath holds exactly the old or (if `may_be_old` is false: only) the new
  // content; a missing file only when there was no old one.
  void ExpectOldOrNew(fs::FileSystem& fs, const Scenario& s, bool may_be_old) {
    std::optional<std::string> got = Read(fs);
    if (got == s.new_content) return;
    EXPECT_TRUE(may_be_old) << "the new content did not survive";
    if (got == s.old_content) return;
    ADD_FAILURE() << (got ? "a file of " + std::to_string(got->size()) +
                                " bytes that is neither old nor new"
                          : std::string("the file is missing"));
  }

  // After a crash: only kPath and AtomicReplace's temporaries; then
  // RemoveAtomicTemps leaves kPath alone (or nothing, if it is missing).
  void ExpectRecoverable(fs::FileSystem& fs) {
    for (const std::string& name : List(fs)) {
      EXPECT_TRUE(name == "file" ||
                  IsAtomicTempFor(kPath, std::string(kDir) + "/" + name))
          << "stray entry " << name;
    }
    auto removed = rt_->BlockOn(RemoveAtomicTemps(fs, kPath));
    ASSERT_TRUE(removed.ok()) << removed.status().ToString();
    Names left = List(fs);
    EXPECT_TRUE(left.empty() || left == Names{"file"}) << left.size();
  }

  CrashMode mode_ = CrashMode::kDropUnsynced;
  uint64_t seed_ = 0;
  fs::CrashReport totals_;
  std::unique_ptr<runtime::Runtime> rt_ = atomic_test::NewRuntime();

  void Crash(fs::CrashSimFileSystem& sim) {
    fs::CrashReport r = sim.Crash(mode_, seed_);
    totals_.writes_dropped += r.writes_dropped;
    totals_.writes_kept += r.writes_kept;
    totals_.writes_torn += r.writes_torn;
    totals_.entries_reverted += r.entries_reverted;
  }
  std::string Where(uint64_t step) const {
    return "step " + std::to_string(step) + ", " +
           std::string(fs::CrashModeName(mode_)) + ", seed " +
           std::to_string(seed_);
  }
};

TEST_F(AtomicFileCrashTest, MakesSixOperations) {
  auto sim = NewSim(Pattern('o', 100));
  fs::FaultInjectionFileSystem counted(sim);
  ASSERT_TRUE(Replace(counted, "new").ok());
  EXPECT_EQ(counted.OpsSeen(fs::FaultOp::kAny), kOps);
  EXPECT_EQ(counted.OpsSeen(fs::FaultOp::kOpen), 1u);
  EXPECT_EQ(counted.OpsSeen(fs::FaultOp::kWrite), 1u);
  EXPECT_EQ(counted.OpsSeen(fs::FaultOp::kSync), 2u);  // file and directory
  EXPECT_EQ(counted.OpsSeen(fs::FaultOp::kClose), 1u);
  EXPECT_EQ(counted.OpsSeen(fs::FaultOp::kRename), 1u);
  EXPECT_EQ(sim->unsynced_bytes(), 0u);
  EXPECT_EQ(sim->unsynced_entries(), 0u);
}

// The process dies at step n: that operation and every later one (the
// clean-up included) fail. Then the power goes.
TEST_F(AtomicFileCrashTest, DyingAtAnyStepLeavesOldOrNew) {
  for (const Scenario& s : Scenarios()) {
    for (uint64_t n = 0; n <= kOps; ++n) {
      for (CrashMode mode : kModes) {
        for (seed_ = 1, mode_ = mode; seed_ <= kSeeds; ++seed_) {
          SCOPED_TRACE(Where(n));
          auto sim = NewSim(s.old_content);
          fs::FaultInjectionFileSystem dying(sim);
          dying.FailAfter(n);
          Status status = Replace(dying, s.new_content);
          EXPECT_EQ(status.ok(), n == kOps) << status.ToString();
          Crash(*sim);
          ExpectOldOrNew(*sim, s, /*may_be_old=*/n < kOps);
          ExpectRecoverable(*sim);
          if (HasFailure()) return;
        }
      }
    }
  }
  // The crashes did drop, keep and tear unsynced state.
  EXPECT_GT(totals_.writes_dropped, 0u);
  EXPECT_GT(totals_.writes_kept, 0u);
  EXPECT_GT(totals_.writes_torn, 0u);
  EXPECT_GT(totals_.entries_reverted, 0u);
}

// Step n fails once and the process lives on: AtomicReplace cleans up; a
// later power loss still finds old or new.
TEST_F(AtomicFileCrashTest, AFailedStepCleansUpAndSurvivesACrash) {
  for (const Scenario& s : Scenarios()) {
    for (uint64_t n = 1; n <= kOps; ++n) {
      for (CrashMode mode : kModes) {
        for (seed_ = 1, mode_ = mode; seed_ <= kSeeds; ++seed_) {
          SCOPED_TRACE(Where(n));
          auto sim = NewSim(s.old_content);
          fs::FaultInjectionFileSystem faulty(sim);
          fs::FaultRule rule;
          rule.nth = n;
          faulty.AddFault(rule);
          ASSERT_FALSE(Replace(faulty, s.new_content).ok());
          // Only the directory fsync fails after the rename.
          const bool renamed = n == kOps;
          EXPECT_EQ(Read(*sim),
                    renamed ? std::optional(s.new_content) : s.old_content);
          Names names = List(*sim);
          EXPECT_EQ(names.size(), s.old_content || renamed ? 1u : 0u);
          Crash(*sim);
          ExpectOldOrNew(*sim, s, /*may_be_old=*/true);
          ExpectRecoverable(*sim);
          if (HasFailure()) return;
        }
      }
    }
  }
}

TEST_F(AtomicFileCrashTest, SuccessSurvivesEveryCrash) {
  for (const Scenario& s : Scenarios()) {
    for (CrashMode mode : kModes) {
      for (seed_ = 1, mode_ = mode; seed_ <= kSeeds; ++seed_) {
        SCOPED_TRACE(Where(kOps));
        auto sim = NewSim(s.old_content);
        ASSERT_TRUE(Replace(*sim, s.new_content).ok());
        Crash(*sim);
        ExpectOldOrNew(*sim, s, /*may_be_old=*/false);
        EXPECT_EQ(List(*sim), Names{"file"});
        if (HasFailure()) return;
      }
    }
  }
}

TEST_F(AtomicFileCrashTest, ReplacesAgainAfterRecovery) {
  auto sim = NewSim(Pattern('a', 700));
  fs::FaultInjectionFileSystem dying(sim);
  dying.FailAfter(4);  // dies at the rename
  ASSERT_FALSE(Replace(dying, Pattern('b', 800)).ok());
  mode_ = CrashMode::kKeepRandomSubset;
  Crash(*sim);
  ExpectRecoverable(*sim);
  const std::string latest = Pattern('c', 900);
  ASSERT_TRUE(Replace(*sim, latest).ok());
  Crash(*sim);
  EXPECT_EQ(Read(*sim), latest);
}

TEST_F(AtomicFileCrashTest, FailedDirectoryFsyncIsReported) {
  const std::string old_content = Pattern('o', 2048);
  auto sim = NewSim(old_content);
  fs::FaultInjectionFileSystem faulty(sim);
  fs::FaultRule rule;
  rule.op = fs::FaultOp::kSync;
  rule.nth = 2;  // the file's fdatasync passes; the directory's fails
  faulty.AddFault(rule);
  Status s = Replace(faulty, "new");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.sys_errno(), EIO);
  EXPECT_EQ(s.message(),
            "atomic replace /dir/file (fsync directory): sync /dir: "
            "Input/output error");
  // The rename happened but is not durable: a power loss undoes it.
  EXPECT_EQ(Read(*sim), "new");
  Crash(*sim);
  EXPECT_EQ(Read(*sim), old_content);
  ExpectRecoverable(*sim);
}

TEST_F(AtomicFileCrashTest, FailedFdatasyncIsReportedAndNothingChanges) {
  const std::string old_content = Pattern('o', 2048);
  auto sim = NewSim(old_content);
  fs::FaultInjectionFileSystem faulty(sim);
  fs::FaultRule rule;
  rule.op = fs::FaultOp::kSync;
  faulty.AddFault(rule);
  Status s = Replace(faulty, "new");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.sys_errno(), EIO);
  EXPECT_EQ(s.message().rfind("atomic replace /dir/file (fdatasync): sync "
                              "/dir/file.tmp-",
                              0),
            0u)
      << s.ToString();
  EXPECT_EQ(Read(*sim), old_content);
  EXPECT_EQ(List(*sim), Names{"file"});
}

}  // namespace
}  // namespace strata::journal
