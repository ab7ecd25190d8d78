// Journal::Impl: the state behind a Journal — the encode side (open batch,
// reserved LSNs, segment assignment), the leader/follower group commit, and
// the segment list readers and checkpointing share.
//
// Locking: `mu` guards everything below it except `writer`, which only the
// current leader touches (leader_busy hands it over under `mu`).
#pragma once

#include <coroutine>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "journal/batch.h"
#include "journal/journal_metrics.h"
#include "journal/recovery.h"
#include "journal/segment_writer.h"
#include "strata/journal/journal.h"
#include "strata/runtime/runtime.h"

namespace strata::journal {

// An appender or syncer waiting for the log to reach `target`.
struct Waiter {
  enum class State { kWaiting, kDone, kLead };
  Lsn target = 0;
  bool durable = false;  // wants durable_lsn >= target (else written_lsn)
  State state = State::kWaiting;
  std::coroutine_handle<> handle;
  runtime::Runtime* runtime = nullptr;
  size_t reactor = 0;
};

// What one leader round does, decided under the mutex.
struct FlushPlan {
  std::vector<std::unique_ptr<Batch>> batches;  // consecutive, one segment
  bool sync = false;
  Lsn durable_before = 0;  // durable frontier when planned
  Lsn written_before = 0;  // written frontier when planned
  Lsn end = 0;             // written frontier after the round
  bool alone = false;      // one record, nobody else waiting
};

class Journal::Impl {
 public:
  Impl(Journal* owner, fs::FileSystem* fs, std::string dir,
       const JournalOptions* options);

  // --- set up by Open --------------------------------------------------
  Task<Status> Start(const JournalScan& scan);

  // --- appends and syncs (group_commit.cc) ------------------------------
  // Encodes `records` (validated) and returns the last LSN; fails if
  // poisoned or closed.
  Result<Lsn> Encode(std::span<const fs::ConstBytes> records);
  // Waits (leading when it falls to us) until `target` is written/durable.
  Task<Status> WaitFor(Lsn target, bool durable);
  Lsn reserved_end();
  bool backlog_full();
  Status Check();
  Status Health();
  bool closed();
  Task<Status> CloseWriter();

  // --- readers and checkpointing (journal.cc) ---------------------------
  std::vector<SegmentMeta> SegmentsSnapshot();
  Task<Status> TruncateBefore(Lsn lsn);
  Lsn first_lsn();

  fs::FileSystem* fs() const { return fs_; }
  const std::string& dir() const { return dir_; }

  class TurnAwaiter;

 private:
  Task<Status> Lead(Waiter& me);
  bool Satisfied(const Waiter& w) const;
  bool AnyDurableWaiter() const;
  FlushPlan Plan(const Waiter& me);
  Task<Status> Execute(FlushPlan& plan);
  Task<Status> Rotate(const Batch& first, FlushPlan& plan);
  Task<Status> WriteBatches(FlushPlan& plan);
  void Complete(FlushPlan& plan, const Status& status);
  void PassLeadership(std::vector<Waiter*>& wake);
  void WakeSatisfied(std::vector<Waiter*>& wake);
  static void Resume(const std::vector<Waiter*>& wake);

  Batch& OpenBatch(size_t frame_bytes, size_t entries);
  void Seal();
  std::unique_ptr<Batch> NewBatch();

  Journal* owner_;
  fs::FileSystem* fs_;
  std::string dir_;
  const JournalOptions* options_;
  JournalMetrics metrics_;
  size_t alignment_;  // 4096 with direct I/O, else 1

  SegmentWriter writer_;  // leader only

  std::mutex mu_;
  Status poison_;
  bool closed_ = false;
  Lsn next_lsn_ = 0;             // end of every encoded frame
  uint64_t enc_segment_id_ = 0;  // segment new frames go to
  Lsn enc_segment_base_ = 0;
  bool enc_needs_segment_ = false;   // next batch opens enc_segment_id_
  std::vector<std::byte> enc_tail_;  // direct: partial block at next_lsn_
  std::unique_ptr<Batch> open_;      // batch gathering frames
  std::deque<std::unique_ptr<Batch>> sealed_;
  std::vector<std::unique_ptr<Batch>> spare_;
  bool leader_busy_ = false;
  std::deque<Waiter*> waiters_;
  std::vector<SegmentMeta> segments_;  // created segments, oldest first
};

}  // namespace strata::journal
