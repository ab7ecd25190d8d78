// The journal's directory handling under simulated power loss: a rotation
// or a TruncateBefore interrupted at every one of its file-system operations
// (FaultInjectionFileSystem::FailAfter(n) for each n), then a crash; and the
// same with the process restarted (no power loss) before the crash.
#include <gtest/gtest.h>

#include "journal/journal_crash_test_util.h"
#include "strata/core/metrics.h"
#include "strata/fs/crash_sim.h"
#include "strata/fs/fault_injection.h"

namespace strata::journal {
namespace {

using crash_test::Model;
using crash_test::Verify;
using testing::Bytes;
using testing::MakePayload;

constexpr char kDir[] = "/wal";
constexpr fs::CrashMode kModes[] = {fs::CrashMode::kDropUnsynced,
                                    fs::CrashMode::kKeepRandomSubset,
                                    fs::CrashMode::kTearSector};
constexpr uint64_t kSeeds = 4;
// 8 KiB segments hold four 1000-byte records (1024-byte frames) each.
constexpr uint64_t kSegmentBytes = 8 << 10;
constexpr size_t kRecordBytes = 1000;
constexpr int kPerSegment = 4;

struct Config {
  bool preallocate = true;
  bool direct = false;
};
constexpr Config kConfigs[] = {{true, false}, {false, false}, {true, true}};

struct World {
  std::shared_ptr<fs::CrashSimFileSystem> sim =
      std::make_shared<fs::CrashSimFileSystem>();
  std::shared_ptr<fs::FaultInjectionFileSystem> faults =
      std::make_shared<fs::FaultInjectionFileSystem>(sim);
  Model model;
  std::unique_ptr<Journal> journal;
  uint64_t next_payload = 1;
};

class JournalCrashDirTest : public ::testing::Test {
 protected:
  template <typename T>
  T Run(Task<T> task) {
    return rt_->BlockOn(std::move(task));
  }

  JournalOptions Options(World& w, const Config& config) {
    JournalOptions o;
    o.fs = w.faults;
    o.metrics = &registry_;
    o.segment_bytes = kSegmentBytes;
    o.preallocate = config.preallocate;
    o.direct_io = config.direct;
    return o;
  }

  // Opens (must succeed), checks what was recovered against the model and
  // resets the model to it.
  void Open(World& w, const Config& config) {
    w.journal.reset();
    auto j = Run(Journal::Open(kDir, Options(w, config)));
    ASSERT_TRUE(j.ok()) << j.status().ToString();
    w.journal = std::move(*j);
    auto got = Run(testing::ReadAll(w.journal.get(), w.journal->first_lsn()));
    ASSERT_TRUE(got.status.ok()) << got.status.ToString();
    EXPECT_EQ(Verify(w.model, w.journal->first_lsn(), got.records), "");
    w.model.Reset(w.journal->first_lsn(), got.records);
  }

  // Appends one record (and syncs it if `sync`); records what was
  // acknowledged. Failures are expected while faults are injected.
  Status Append(World& w, bool sync) {
    Bytes payload = MakePayload(kRecordBytes, w.next_payload++);
    auto lsn = Run(w.journal->Append(payload));
    if (!lsn.ok()) {
      w.model.failed.push_back(payload);
      return lsn.status();
    }
    w.model.known.emplace(*lsn, payload);
    if (!sync) return Status::OK();
    Status synced = Run(w.journal->SyncThrough(*lsn));
    if (synced.ok()) w.model.durable = *lsn;
    return synced;
  }

  // A journal whose first segment is full; its last record is synced
  // unless `unsynced_tail`.
  void FillFirstSegment(World& w, const Config& config, bool unsynced_tail) {
    Open(w, config);
    for (int i = 0; i < kPerSegment; ++i) {
      const bool sync = !(unsynced_tail && i + 1 == kPerSegment);
      ASSERT_TRUE(Append(w, sync).ok());
    }
  }

  // Power loss, then an open that must find every acknowledged record.
  void CrashAndCheck(World& w, const Config& config, fs::CrashMode mode,
                     uint64_t seed) {
    w.journal.reset();
    w.faults->ClearFaults();
    w.sim->Crash(mode, seed);
    Open(w, config);
  }

  // Operations the rotating append + sync makes.
  uint64_t RotationOps(const Config& config, bool unsynced_tail) {
    World w;
    FillFirstSegment(w, config, unsynced_tail);
    const uint64_t before = w.faults->OpsSeen(fs::FaultOp::kAny);
    EXPECT_TRUE(Append(w, true).ok());
    return w.faults->OpsSeen(fs::FaultOp::kAny) - before;
  }

  // The rotating append dies at operation `n`; with `restart`, the process
  // comes back (nothing lost yet), appends and syncs one more record, and
  // only then does the power go.
  void RotationDiesAt(const Config& config, bool unsynced_tail, uint64_t n,
                      bool restart) {
    for (fs::CrashMode mode : kModes) {
      for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
        SCOPED_TRACE("n " + std::to_string(n) + ", " +
                     std::string(fs::CrashModeName(mode)) + ", seed " +
                     std::to_string(seed));
        World w;
        FillFirstSegment(w, config, unsynced_tail);
        w.faults->FailAfter(n);
        (void)Append(w, true);
        if (restart) {
          w.faults->ClearFaults();
          Open(w, config);
          ASSERT_TRUE(Append(w, true).ok());
        }
        CrashAndCheck(w, config, mode, seed);
        if (HasFailure()) return;
      }
    }
  }

  void RotationAtEachStep(bool restart) {
    for (const Config& config : kConfigs) {
      for (bool unsynced_tail : {false, true}) {
        SCOPED_TRACE(std::string("preallocate ") +
                     (config.preallocate ? "on" : "off") + ", direct " +
                     (config.direct ? "on" : "off") + ", unsynced tail " +
                     (unsynced_tail ? "yes" : "no"));
        const uint64_t ops = RotationOps(config, unsynced_tail);
        ASSERT_GE(ops, 8u) << "the append did not rotate";
        for (uint64_t n = 0; n <= ops; ++n) {
          RotationDiesAt(config, unsynced_tail, n, restart);
          if (HasFailure()) return;
        }
      }
    }
  }

  std::unique_ptr<runtime::Runtime> rt_ = [] {
    runtime::RuntimeOptions options;
    options.reactor_threads = 1;
    return std::move(runtime::Runtime::Create(options)).value();
  }();
  metrics::Registry registry_;
};

TEST_F(JournalCrashDirTest, RotationInterruptedAtEachStepKeepsDurableRecords) {
  RotationAtEachStep(/*restart=*/false);
}

// The process dies mid-rotation, restarts without a power loss and goes on;
// a later power loss must not take what the restarted process acknowledged.
TEST_F(JournalCrashDirTest, RotationInterruptedThenRestartedKeepsRecords) {
  RotationAtEachStep(/*restart=*/true);
}

TEST_F(JournalCrashDirTest, TruncateInterruptedAtEachStepKeepsAPrefix) {
  constexpr int kSegments = 6, kCut = 3;  // TruncateBefore removes 3 segments
  const Config config;
  for (uint64_t n = 0; n <= kCut + 1; ++n) {
    for (fs::CrashMode mode : kModes) {
      for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
        SCOPED_TRACE("n " + std::to_string(n) + ", " +
                     std::string(fs::CrashModeName(mode)) + ", seed " +
                     std::to_string(seed));
        World w;
        Open(w, config);
        for (int i = 0; i < kSegments * kPerSegment; ++i) {
          ASSERT_TRUE(Append(w, true).ok());
        }
        const Lsn cut =
            std::next(w.model.known.begin(), kCut * kPerSegment - 1)->first;
        w.model.truncate_max = cut;
        w.faults->FailAfter(n);
        Status truncated = Run(w.journal->TruncateBefore(cut));
        EXPECT_EQ(truncated.ok(), n > kCut) << truncated.ToString();
        if (truncated.ok()) w.model.durable_first = w.journal->first_lsn();
        CrashAndCheck(w, config, mode, seed);
        if (HasFailure()) return;
      }
    }
  }
}

// Open creates missing parent directories; an acknowledged record must not
// vanish with a parent whose entry was never made durable.
TEST_F(JournalCrashDirTest, CreateWithMissingParentsIsDurable) {
  World w;
  JournalOptions o = Options(w, Config());
  auto j = Run(Journal::Open("/a/b/wal", o));
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  Bytes payload = MakePayload(100, 1);
  auto lsn = Run((*j)->Append(payload));
  ASSERT_TRUE(lsn.ok());
  ASSERT_TRUE(Run((*j)->SyncThrough(*lsn)).ok());
  j->reset();
  w.sim->Crash(fs::CrashMode::kDropUnsynced, 1);
  auto again = Run(Journal::Open("/a/b/wal", o));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  auto got = Run(testing::ReadAll(again->get(), 0));
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.records.size(), 1u) << "an acknowledged record was lost";
  EXPECT_EQ(got.records[0].data, payload);
}

}  // namespace
}  // namespace strata::journal
