// Helpers for the journal's simulated power-loss tests: a file system wrapper
// that yields before every write and sync (so group-commit followers really
// queue behind a leader even on an in-memory file system), the model of what
// was appended and acknowledged durable, and the check that a recovered
// journal is a prefix of that model holding every acknowledged record.
#pragma once

#include <algorithm>
#include <cinttypes>
#include <coroutine>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "journal/journal_test_util.h"
#include "strata/fs/crash_sim.h"
#include "strata/fs/forwarding.h"
#include "strata/journal/journal.h"
#include "strata/runtime/runtime.h"

namespace strata::journal::crash_test {

using testing::Bytes;

// Requeues the calling coroutine on its reactor (a no-op off a runtime).
struct YieldNow {
  bool await_ready() const noexcept {
    return runtime::Runtime::Current() == nullptr;
  }
  void await_suspend(std::coroutine_handle<> h) const {
    runtime::Runtime::Current()->Schedule(
        h, runtime::detail::CurrentReactorIndex());
  }
  void await_resume() const noexcept {}
};

class YieldingFile final : public fs::ForwardingFile {
 public:
  using ForwardingFile::ForwardingFile;
  Task<Status> WriteAt(fs::ConstBytes src, uint64_t offset,
                       const fs::IoOptions& options) override {
    co_await YieldNow();
    co_return co_await target_->WriteAt(src, offset, options);
  }
  Task<Status> Sync() override {
    co_await YieldNow();
    co_return co_await target_->Sync();
  }
};

class YieldingFileSystem final : public fs::ForwardingFileSystem {
 public:
  using ForwardingFileSystem::ForwardingFileSystem;
  Task<Result<std::unique_ptr<fs::File>>> Open(
      std::string path, fs::OpenOptions options) override {
    auto file = co_await target_->Open(std::move(path), std::move(options));
    if (!file.ok()) co_return file.status();
    std::unique_ptr<fs::File> wrapped =
        std::make_unique<YieldingFile>(std::move(*file));
    co_return wrapped;
  }
  Task<Status> SyncDir(std::string path) override {
    co_await YieldNow();
    co_return co_await target_->SyncDir(std::move(path));
  }
};

// What the test knows about the journal's stream since the last open.
struct Model {
  Lsn first = 0;               // first_lsn() after the last open
  std::map<Lsn, Bytes> known;  // records whose append returned their LSN
  std::vector<Bytes> failed;   // appends that failed: may exist or not
  Lsn durable = 0;             // acknowledged durable frontier
  Lsn durable_first = 0;       // segments before it were durably removed
  Lsn truncate_max = 0;        // largest TruncateBefore argument
  // A process died without a power loss since the last crash: the removals
  // it left unsynced may still revert.
  bool may_resurrect = false;

  // After a successful open recovered `records` from `first`: all of it is
  // durable now (Open syncs what it recovered).
  void Reset(Lsn first_lsn, std::vector<Record>& records) {
    first = truncate_max = durable = first_lsn;
    if (!may_resurrect) durable_first = first_lsn;
    known.clear();
    failed.clear();
    for (Record& r : records) {
      durable = r.lsn;
      known.emplace(r.lsn, std::move(r.data));
    }
  }
};

inline bool TakeFailed(std::vector<Bytes>& failed, const Bytes& data) {
  auto it = std::find(failed.begin(), failed.end(), data);
  if (it == failed.end()) return false;
  failed.erase(it);
  return true;
}

inline std::string At(Lsn lsn) {
  return "record with LSN " + std::to_string(lsn) + " ";
}

// Why the first `known` record in (first, end] is missing, or "".
inline std::string FindMissing(const Model& m, Lsn first, Lsn end,
                               size_t seen) {
  size_t expected = 0;
  for (auto it = m.known.upper_bound(first);
       it != m.known.end() && it->first <= end; ++it) {
    ++expected;
  }
  if (seen == expected) return "";
  return "not a prefix: " + std::to_string(expected - seen) +
         " appended record(s) before the recovered end " + std::to_string(end) +
         " are missing";
}

inline std::string CheckFirst(const Model& m, Lsn first) {
  if (first < m.durable_first) {
    return "first LSN " + std::to_string(first) +
           " is before a durably completed TruncateBefore (" +
           std::to_string(m.durable_first) + ")";
  }
  if (first > m.first && first > m.truncate_max) {
    return "first LSN " + std::to_string(first) +
           " moved past every TruncateBefore (" +
           std::to_string(std::max(m.first, m.truncate_max)) + ")";
  }
  return "";
}

// "" when `got` (read from `first`) is a prefix of the model's stream (same
// LSNs, same bytes; records of failed appends allowed where their LSN was
// unknown) that includes every acknowledged durable record; else why not.
inline std::string Verify(const Model& m, Lsn first,
                          const std::vector<Record>& got) {
  if (std::string e = CheckFirst(m, first); !e.empty()) return e;
  std::vector<Bytes> failed = m.failed;
  Lsn pos = first;
  size_t seen = 0;
  for (const Record& r : got) {
    if (r.lsn < kFrameHeaderBytes + r.data.size() ||
        r.lsn - kFrameHeaderBytes - r.data.size() != pos) {
      return At(r.lsn) + "does not start where the previous one ended";
    }
    pos = r.lsn;
    if (r.lsn <= m.first) continue;  // resurrected by a reverted removal
    auto it = m.known.find(r.lsn);
    if (it != m.known.end()) {
      if (it->second != r.data) return At(r.lsn) + "has different bytes";
      ++seen;
    } else if (!TakeFailed(failed, r.data)) {
      return At(r.lsn) + "(" + std::to_string(r.data.size()) +
             " bytes) was never appended";
    }
  }
  if (std::string e = FindMissing(m, std::max(first, m.first), pos, seen);
      !e.empty()) {
    return e;
  }
  if (pos < m.durable) {
    return "lost acknowledged records: recovered end " + std::to_string(pos) +
           " < acknowledged durable " + std::to_string(m.durable);
  }
  return "";
}

// What the rounds did, to show the test reaches the interesting cases.
struct Stats {
  uint64_t crashes = 0;
  uint64_t unsynced = 0;        // crashes with unsynced data or entries
  uint64_t ops = 0;             // file system operations of the workloads
  uint64_t died = 0;            // rounds whose process died (a fault fired)
  uint64_t died_in_open = 0;    // ... while it was recovering
  uint64_t restarts = 0;        // deaths without a power loss
  uint64_t repaired = 0;        // opens that cut off a torn tail
  uint64_t strict_refused = 0;  // kAbsoluteConsistency refused a torn tail
  uint64_t appended = 0;        // records whose append returned an LSN
  uint64_t recovered = 0;       // records read back after opens
  fs::CrashReport report;

  void Add(const fs::CrashReport& r, bool had_unsynced) {
    ++crashes;
    unsynced += had_unsynced ? 1 : 0;
    report.writes_dropped += r.writes_dropped;
    report.writes_kept += r.writes_kept;
    report.writes_torn += r.writes_torn;
    report.entries_reverted += r.entries_reverted;
  }
  void Print() const {
    std::printf(
        "%" PRIu64 " crashes (%" PRIu64 " with unsynced state); %" PRIu64
        " fs ops; %" PRIu64 " processes died (%" PRIu64 " in recovery, %" PRIu64
        " restarted without a crash); %" PRIu64 " repaired opens, %" PRIu64
        " strict refusals; %" PRIu64 " records appended, %" PRIu64
        " read back; unsynced writes %" PRIu64 " dropped, %" PRIu64
        " kept, %" PRIu64 " torn; %" PRIu64 " entries reverted\n",
        crashes, unsynced, ops, died, died_in_open, restarts, repaired,
        strict_refused, appended, recovered, report.writes_dropped,
        report.writes_kept, report.writes_torn, report.entries_reverted);
  }
};

}  // namespace strata::journal::crash_test
