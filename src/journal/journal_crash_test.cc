// The journal under simulated power loss: random concurrent workloads on a
// CrashSimFileSystem, the "process" dying at a random operation
// (FaultInjectionFileSystem::FailAfter), then a crash that drops all, a
// random subset of, or a torn sector of the unsynced data. Invariant: the
// recovered records are a prefix of what was appended and include every
// record that was acknowledged durable. A failure names the sequence seed
// and round; rerun one sequence with STRATA_JOURNAL_CRASH_SEED=<seed>.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <random>

#include "journal/journal_crash_test_util.h"
#include "strata/core/metrics.h"
#include "strata/fs/crash_sim.h"
#include "strata/fs/fault_injection.h"

namespace strata::journal {
namespace {

using crash_test::Model;
using crash_test::Stats;
using crash_test::Verify;
using crash_test::YieldNow;
using testing::Bytes;
using testing::MakePayload;
using Rng = std::mt19937_64;

// ThreadSanitizer keeps every distinct stack it sees, and coroutine chains
// make a great many: a full run there takes minutes and gigabytes, so
// TSan builds run a tenth of the rounds.
#if defined(__SANITIZE_THREAD__)
#define STRATA_CRASH_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define STRATA_CRASH_TEST_TSAN 1
#endif
#endif
#ifdef STRATA_CRASH_TEST_TSAN
constexpr int kDefaultScale = 10;
#else
constexpr int kDefaultScale = 1;
#endif

// STRATA_CRASH_SCALE=N runs 1/N of the rounds (sanitizer builds in
// `make test` use it); the default is the full >= 10,000 crashes.
int Scale() {
  const char* env = std::getenv("STRATA_CRASH_SCALE");
  const int n = env != nullptr ? std::atoi(env) : kDefaultScale;
  return n >= 1 ? n : 1;
}

constexpr char kDir[] = "/wal";
constexpr fs::CrashMode kModes[] = {fs::CrashMode::kDropUnsynced,
                                    fs::CrashMode::kKeepRandomSubset,
                                    fs::CrashMode::kTearSector};

// ---- the workload: concurrent writers that record what they were told ----

struct Workload {
  Journal* journal = nullptr;
  Model* model = nullptr;
  std::mutex* mu = nullptr;
  bool sync_after_batch = false;
  int ops = 0;
};

size_t PayloadSize(Rng& rng) {
  switch (rng() % 10) {
    case 0:
      return 0;
    case 1:
      return rng() % 9000;  // sometimes larger than a whole segment
    default:
      return rng() % 700;
  }
}

void Acknowledge(const Workload& w, Lsn lsn) {
  std::lock_guard lock(*w.mu);
  w.model->durable = std::max(w.model->durable, lsn);
}

void Appended(const Workload& w, std::vector<Bytes>& payloads, Lsn last,
              std::vector<Lsn>& mine) {
  std::lock_guard lock(*w.mu);
  Lsn lsn = last;
  for (size_t i = payloads.size(); i-- > 0;) {
    const Lsn start = lsn - kFrameHeaderBytes - payloads[i].size();
    w.model->known.emplace(lsn, std::move(payloads[i]));
    lsn = start;
  }
  if (w.sync_after_batch) w.model->durable = std::max(w.model->durable, last);
  mine.push_back(last);
}

void Failed(const Workload& w, std::vector<Bytes>& payloads) {
  std::lock_guard lock(*w.mu);
  for (Bytes& p : payloads) w.model->failed.push_back(std::move(p));
}

Task<Status> AppendSome(Workload& w, Rng& rng, std::vector<Lsn>& mine) {
  std::vector<Bytes> payloads(rng() % 3 == 0 ? 1 + rng() % 4 : 1);
  for (Bytes& p : payloads) p = MakePayload(PayloadSize(rng), rng());
  std::vector<fs::ConstBytes> spans(payloads.begin(), payloads.end());
  Result<Lsn> lsn = InvalidArgumentError("unset");
  if (payloads.size() == 1) {
    lsn = co_await w.journal->Append(spans[0]);
  } else {
    lsn = co_await w.journal->AppendBatch(spans);
  }
  if (!lsn.ok()) {
    Failed(w, payloads);
    co_return lsn.status();
  }
  Appended(w, payloads, *lsn, mine);
  co_return Status::OK();
}

Task<Status> SyncSome(Workload& w, Rng& rng, std::vector<Lsn>& mine) {
  if (mine.empty() || rng() % 3 == 0) {
    Status synced = co_await w.journal->Sync();
    if (synced.ok()) Acknowledge(w, w.journal->durable_lsn());
    co_return synced;
  }
  const Lsn target = mine[rng() % mine.size()];
  Status synced = co_await w.journal->SyncThrough(target);
  if (synced.ok()) Acknowledge(w, target);
  co_return synced;
}

Task<Status> Truncate(Workload& w, Rng& rng, const std::vector<Lsn>& mine) {
  if (mine.empty()) co_return Status::OK();
  const Lsn target = mine[rng() % mine.size()];
  {
    std::lock_guard lock(*w.mu);
    w.model->truncate_max = std::max(w.model->truncate_max, target);
  }
  Status truncated = co_await w.journal->TruncateBefore(target);
  if (truncated.ok()) {
    std::lock_guard lock(*w.mu);
    w.model->durable_first =
        std::max(w.model->durable_first, w.journal->first_lsn());
  }
  co_return truncated;
}

// One writer; only writer 0 truncates (so first_lsn() after its call is
// what that call made durable). Stops at the first failure: the process is
// dying.
Task<Status> Writer(Workload w, int index, uint64_t seed) {
  Rng rng(seed);
  std::vector<Lsn> mine;
  for (int op = 0; op < w.ops; ++op) {
    if (rng() % 3 == 0) co_await YieldNow();
    const uint64_t dice = rng() % 100;
    Status status;
    if (dice < 70) {
      status = co_await AppendSome(w, rng, mine);
    } else if (dice < 92) {
      status = co_await SyncSome(w, rng, mine);
    } else if (index == 0) {
      status = co_await Truncate(w, rng, mine);
    }
    if (!status.ok()) co_return status;
  }
  co_return Status::OK();
}

// Spawns the writers from the reactor, so that with one reactor the
// interleaving depends on the seed alone.
Task<Status> RunWriters(Workload w, int writers, uint64_t seed) {
  std::vector<runtime::JoinHandle<Status>> handles;
  for (int i = 0; i < writers; ++i) {
    handles.push_back(
        runtime::Runtime::Current()->Spawn(Writer(w, i, seed + uint64_t(i))));
  }
  for (auto& handle : handles) (void)co_await handle;
  co_return Status::OK();
}

// ---- the rounds ------------------------------------------------------------

enum class Profile { kBuffered, kDirect, kMixed };

struct Sequence {
  std::shared_ptr<fs::CrashSimFileSystem> sim =
      std::make_shared<fs::CrashSimFileSystem>();
  std::shared_ptr<fs::FaultInjectionFileSystem> faults =
      std::make_shared<fs::FaultInjectionFileSystem>(
          std::make_shared<crash_test::YieldingFileSystem>(sim));
  Model model;
  std::string where;  // "seed S round R" for messages
};

class JournalCrashTest : public ::testing::Test {
 protected:
  void StartRuntime(size_t reactors) {
    runtime::RuntimeOptions options;
    options.reactor_threads = reactors;
    auto rt = runtime::Runtime::Create(options);
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    rt_ = std::move(rt).value();
  }

  template <typename T>
  T Run(Task<T> task) {
    return rt_->BlockOn(std::move(task));
  }

  JournalOptions RandomOptions(Rng& rng, Profile profile, Sequence& seq) {
    JournalOptions o;
    o.fs = seq.faults;
    o.metrics = &registry_;
    constexpr uint64_t kSizes[] = {6 << 10, 8 << 10, 12 << 10, 16 << 10};
    o.segment_bytes = kSizes[rng() % 4];
    o.preallocate = rng() % 3 != 0;
    o.sync_after_batch = rng() % 4 == 0;
    o.direct_io = profile == Profile::kDirect ||
                  (profile == Profile::kMixed && rng() % 2 == 0);
    if (rng() % 2 == 0) o.max_batch_entries = 1 + rng() % 3;  // backlogs
    if (rng() % 8 == 0) o.recovery = RecoveryMode::kPointInTime;
    return o;
  }

  // Recovers, checks the recovered records against the model and resets
  // the model to them. False (after reporting) on any violation.
  bool CheckRecovered(Sequence& seq, Journal& j) {
    EXPECT_NE(j.recovery().outcome, RecoveryOutcome::kTruncated)
        << seq.where << ": a crash produced mid-log corruption";
    auto got = Run(testing::ReadAll(&j, j.first_lsn()));
    EXPECT_TRUE(got.status.ok()) << seq.where << ": " << got.status.ToString();
    if (!got.status.ok()) return false;
    const std::string error = Verify(seq.model, j.first_lsn(), got.records);
    EXPECT_EQ(error, "") << seq.where;
    if (j.recovery().outcome == RecoveryOutcome::kRepaired) ++stats_.repaired;
    stats_.recovered += got.records.size();
    seq.model.Reset(j.first_lsn(), got.records);
    return error.empty() && !::testing::Test::HasFailure();
  }

  // The read-only scan sees no mid-log damage, and kAbsoluteConsistency
  // opens exactly when the scan found nothing to repair.
  bool CheckStrictModes(Sequence& seq, Rng& rng, Profile profile) {
    std::function<void(Lsn, std::span<const std::byte>)> none;
    auto scan = Run(ScanJournal(*seq.sim, kDir, none));
    if (!scan.ok()) return scan.status().code() == StatusCode::kNotFound;
    EXPECT_FALSE(scan->mid_log_corruption)
        << seq.where << ": " << scan->error.ToString();
    JournalOptions o = RandomOptions(rng, profile, seq);
    o.recovery = RecoveryMode::kAbsoluteConsistency;
    auto j = Run(Journal::Open(kDir, o));
    if (!j.ok()) {
      EXPECT_EQ(j.status().code(), StatusCode::kDataLoss)
          << seq.where << ": " << j.status().ToString();
      EXPECT_TRUE(scan->torn_tail) << seq.where;
      ++stats_.strict_refused;
      return !::testing::Test::HasFailure();
    }
    EXPECT_FALSE(scan->torn_tail) << seq.where;
    EXPECT_EQ((*j)->recovery().end_lsn, scan->report.end_lsn) << seq.where;
    return CheckRecovered(seq, **j);
  }

  // One round: open (the process may die while it recovers), check, run a
  // workload until the process dies, crash. False on a violation.
  bool Round(Sequence& seq, Rng& rng, Profile profile) {
    seq.faults->ClearFaults();
    if (rng() % 6 == 0 && !CheckStrictModes(seq, rng, profile)) return false;
    const bool die_in_open = rng() % 8 == 0;
    if (die_in_open) seq.faults->FailAfter(rng() % 40);
    JournalOptions o = RandomOptions(rng, profile, seq);
    const uint64_t faults_before = seq.faults->FaultsInjected();
    auto j = Run(Journal::Open(kDir, o));
    seq.faults->ClearFaults();
    if (j.ok()) {
      if (!CheckRecovered(seq, **j)) return false;
      RunWorkload(seq, rng, std::move(*j), o.sync_after_batch);
      if (seq.faults->FaultsInjected() > faults_before) ++stats_.died;
    } else {
      ++stats_.died_in_open;
      EXPECT_TRUE(die_in_open) << seq.where << ": " << j.status().ToString();
      // An injected error (EIO maps to kDataLoss too), not a verdict.
      EXPECT_EQ(j.status().sys_errno(), EIO)
          << seq.where << ": " << j.status().ToString();
      if (::testing::Test::HasFailure()) return false;
    }
    if (restarts_ && rng() % 3 == 0) {  // the machine stays up
      seq.model.may_resurrect = true;   // unsynced removals may yet revert
      ++stats_.restarts;
      return true;
    }
    const bool unsynced =
        seq.sim->unsynced_bytes() > 0 || seq.sim->unsynced_entries() > 0;
    stats_.Add(seq.sim->Crash(kModes[rng() % 3], rng()), unsynced);
    seq.model.may_resurrect = false;
    return true;
  }

  // Writers append and sync until done or until the process dies at a
  // random operation; then the journal object goes (no Close).
  void RunWorkload(Sequence& seq, Rng& rng, std::unique_ptr<Journal> j,
                   bool sync_after_batch) {
    if (rng() % 5 != 0) seq.faults->FailAfter(rng() % 64);
    const size_t known_before = seq.model.known.size();
    const uint64_t ops_before = seq.faults->OpsSeen(fs::FaultOp::kAny);
    Workload w{j.get(), &seq.model, &mu_, sync_after_batch,
               4 + static_cast<int>(rng() % 20)};
    (void)Run(RunWriters(w, 1 + static_cast<int>(rng() % 4), rng()));
    seq.model.durable = std::max(seq.model.durable, j->durable_lsn());
    stats_.appended += seq.model.known.size() - known_before;
    stats_.ops += seq.faults->OpsSeen(fs::FaultOp::kAny) - ops_before;
    j.reset();
    seq.faults->ClearFaults();
  }

  // `sequences` fresh file systems (fewer under TSan), `rounds` rounds each.
  void RunSequences(Profile profile, uint64_t base_seed, int sequences,
                    int rounds) {
    sequences = std::max(1, sequences / Scale());
    if (const char* env = std::getenv("STRATA_JOURNAL_CRASH_SEED")) {
      base_seed = std::strtoull(env, nullptr, 0);
      sequences = 1;
      rerun_ = true;
    }
    for (int s = 0; s < sequences; ++s) {
      const uint64_t seed = base_seed + uint64_t(s);
      Rng rng(seed);
      Sequence seq;
      for (int r = 0; r < rounds; ++r) {
        seq.where =
            "seed " + std::to_string(seed) + " round " + std::to_string(r);
        if (!Round(seq, rng, profile)) {
          FAIL() << "rerun with STRATA_JOURNAL_CRASH_SEED=" << seed
                 << " --gtest_filter=JournalCrashTest."
                 << ::testing::UnitTest::GetInstance()
                        ->current_test_info()
                        ->name();
        }
      }
    }
    stats_.Print();
  }

  std::unique_ptr<runtime::Runtime> rt_;
  metrics::Registry registry_;
  std::mutex mu_;
  Stats stats_;
  bool restarts_ = false;  // some rounds end without a power loss
  bool rerun_ = false;     // one sequence, from STRATA_JOURNAL_CRASH_SEED

  void ExpectCrashes(uint64_t n) {
    if (rerun_) return;
    EXPECT_GE(stats_.crashes, n / Scale());
  }
};

// Every round ends in a crash: 6,000 + 4,000 + 4,000 = 14,000 simulated
// crashes in these three tests (and ~2,600 more with restarts below).
TEST_F(JournalCrashTest, BufferedWorkloadsSurviveCrashes) {
  StartRuntime(1);
  RunSequences(Profile::kBuffered, 1000, 150, 40);
  ExpectCrashes(6000);
}

TEST_F(JournalCrashTest, DirectIoWorkloadsSurviveCrashes) {
  StartRuntime(1);
  RunSequences(Profile::kDirect, 2000, 100, 40);
  ExpectCrashes(4000);
}

// Some processes die without a power loss and the next one goes on from
// what the page cache still held; a later crash must keep everything that
// any of them acknowledged.
TEST_F(JournalCrashTest, RestartsWithoutPowerLossThenCrashes) {
  StartRuntime(1);
  restarts_ = true;
  RunSequences(Profile::kMixed, 4000, 100, 40);
  ExpectCrashes(2000);
}

// Two reactors: writers on different threads race for real (the
// interleaving, unlike the rest of the round, is not reproducible).
TEST_F(JournalCrashTest, TwoReactorWorkloadsSurviveCrashes) {
  StartRuntime(2);
  RunSequences(Profile::kMixed, 3000, 100, 40);
  ExpectCrashes(4000);
}

}  // namespace
}  // namespace strata::journal
