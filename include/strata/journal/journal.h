// Journal: a durable, append-only log of records (a write-ahead log).
//
// Records are appended as checksummed frames to segment files in one
// directory (format: docs/journal-format.md). Appends from many coroutines
// are batched: while one batch is being written and synced, the next one
// gathers, and a single write plus a single fdatasync serve all of it (group
// commit, leader/follower: the first waiting appender does the I/O for the
// others; there is one sync in flight at a time). The durable frontier only
// ever covers bytes that have been written in full.
//
//   auto journal = co_await Journal::Open("/var/lib/app/wal", options);
//   Lsn lsn = co_await (*journal)->Append(bytes);   // written, not yet durable
//   co_await (*journal)->SyncThrough(lsn);          // now durable
//
// Errors: a failed write, sync or rotation *poisons* the journal: that call
// and every later one fail with the original error, and fsync is never
// retried (after a failed fsync the kernel may have dropped the dirty pages;
// retrying would report success for data that is gone). Reopen to recover.
// Everything acknowledged durable before the failure survives the reopen.
//
// Thread-safety: every method may be called concurrently from any reactor
// thread of one Runtime (the journal's I/O runs on the calling reactors).
// Close must not race with other calls. Lifetime: buffers passed to Append
// must stay valid until its task completes; the Journal must outlive the
// tasks and streams it returned.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "strata/core/async_stream.h"
#include "strata/core/metrics.h"
#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/file_system.h"
#include "strata/journal/format.h"

namespace strata::journal {

enum class RecoveryMode {
  // Truncate a torn tail (saving its non-zero bytes to a side file); fail
  // with kDataLoss on mid-log corruption.
  kTolerateTornTail,
  // Any damage, even a torn tail, fails Open with kDataLoss.
  kAbsoluteConsistency,
  // Keep the valid prefix before the first bad frame; set the rest aside.
  kPointInTime,
};
std::string_view RecoveryModeName(RecoveryMode mode);

struct JournalOptions {
  JournalOptions() {}  // non-aggregate: see fs/types.h
  // Where the directory lives; null: the local file system.
  std::shared_ptr<fs::FileSystem> fs;
  // Rotate to a new segment when the current one would exceed this.
  uint64_t segment_bytes = kDefaultSegmentBytes;
  // fallocate each new segment to segment_bytes.
  bool preallocate = true;
  // O_DIRECT segment files. Open fails (never falls back) if the file
  // system refuses it.
  bool direct_io = false;
  RecoveryMode recovery = RecoveryMode::kTolerateTornTail;
  // Create the directory (and its parents) and the first segment if
  // missing; when false, a directory without segments is kNotFound.
  bool create_if_missing = true;
  // Batching: one write carries at most this many records / bytes (a single
  // larger record is written alone).
  size_t max_batch_entries = 4096;
  size_t max_batch_bytes = size_t{4} << 20;
  // Every batch is synced before its appends return (Append then implies
  // durability, as with `--sync each`, but without a separate call).
  bool sync_after_batch = false;
  // When a sync has no company (no other appender waiting), write and sync
  // with one blocking pwritev2(RWF_DSYNC) on the reactor thread instead of
  // an asynchronous io_uring/worker operation: a lone appender then pays no
  // hand-off (as with a plain pwrite+fdatasync). Other coroutines on that
  // reactor wait for that one write; turn off when the reactor also serves
  // latency-critical work. Local file systems only (others ignore it).
  bool inline_lone_sync = true;
  // A leader with others appending waits this long for more records before
  // writing (0: never waits; latency before throughput).
  std::chrono::microseconds group_commit_window{0};
  // Where the strata_journal_* metrics go; null: the default registry.
  strata::metrics::Registry* metrics = nullptr;
};

enum class RecoveryOutcome {
  kCreated,    // the journal was new
  kClean,      // ended cleanly
  kRepaired,   // a torn tail was cut off (and saved aside)
  kTruncated,  // kPointInTime cut off mid-log corruption
};
std::string_view RecoveryOutcomeName(RecoveryOutcome outcome);

struct RecoveryReport {
  RecoveryOutcome outcome = RecoveryOutcome::kCreated;
  Lsn first_lsn = 0;     // oldest retained stream position
  Lsn end_lsn = 0;       // where the log ends and appends continue
  uint64_t records = 0;  // valid records retained
  uint64_t segments = 0;
  Lsn damage_lsn = 0;  // first bad position, when repaired or truncated
  uint64_t bytes_set_aside = 0;
  std::vector<std::string> side_files;
  std::string detail;  // one line for humans, e.g. why it was repaired
};

struct Record {
  Lsn lsn = 0;  // end of the record's frame
  std::vector<std::byte> data;
};
using RecordStream = AsyncStream<Result<Record>>;

class Journal {
 public:
  // Opens (creating if allowed) the journal in `dir` and recovers it per
  // options.recovery. kDataLoss names what is damaged and where.
  static Task<Result<std::unique_ptr<Journal>>> Open(std::string dir,
                                                     JournalOptions options);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Appends one record and returns its LSN once its frame is written to the
  // segment file (durable only after SyncThrough, unless sync_after_batch).
  // Records larger than kMaxRecordBytes are kInvalidArgument.
  Task<Result<Lsn>> Append(fs::ConstBytes record);
  // Appends records contiguously in one write; returns the last one's LSN.
  Task<Result<Lsn>> AppendBatch(std::span<const fs::ConstBytes> records);
  // Waits until every record with LSN <= `lsn` is durable, joining (or
  // leading) a group sync. An LSN past what was appended is
  // kInvalidArgument.
  Task<Status> SyncThrough(Lsn lsn);
  // SyncThrough(everything appended so far).
  Task<Status> Sync();

  Lsn durable_lsn() const {
    return durable_lsn_.load(std::memory_order_acquire);
  }
  // End of what has been written to the file (<= what has been appended).
  Lsn written_lsn() const {
    return written_lsn_.load(std::memory_order_acquire);
  }
  // Oldest position still in the journal (TruncateBefore moves it).
  Lsn first_lsn() const;
  // The first failure that poisoned the journal, or OK.
  Status health() const;

  // The records with LSN > `from` that were written when the call was made,
  // in order, every CRC verified. `from` must be first_lsn() (0 for a
  // journal never truncated) or a record LSN (a record boundary): another
  // position yields kInvalidArgument, one before first_lsn() kOutOfRange.
  RecordStream Read(Lsn from = 0);

  // Removes whole segments whose every record has LSN <= `lsn` (never the
  // segment being written), then fsyncs the directory.
  Task<Status> TruncateBefore(Lsn lsn);

  // Syncs everything appended, then closes the segment. Later calls fail
  // with kFailedPrecondition. Idempotent.
  Task<Status> Close();

  const RecoveryReport& recovery() const { return recovery_; }
  const std::string& dir() const { return dir_; }
  // Writes and syncs go to the kernel as io_uring operations (the runtime
  // is io_uring and the file system is local); false: the worker pool.
  bool native_io_uring() const { return native_io_uring_; }
  bool direct_io() const { return options_.direct_io; }

  class Impl;

 private:
  Journal(std::string dir, JournalOptions options);

  std::string dir_;
  JournalOptions options_;
  RecoveryReport recovery_;
  bool native_io_uring_ = false;
  std::atomic<Lsn> durable_lsn_{0};
  std::atomic<Lsn> written_lsn_{0};
  std::unique_ptr<Impl> impl_;
};

// Scans a journal without changing it: what Open would find. `visit` (may
// be empty) sees each valid record in order; the report's outcome is kClean,
// kRepaired (a torn tail Open would cut off) or kTruncated (mid-log
// corruption; records before it were visited). `error` explains damage.
struct ScanResult {
  RecoveryReport report;
  bool torn_tail = false;
  bool mid_log_corruption = false;
  Status error;  // what is damaged and where; OK when clean
};
Task<Result<ScanResult>> ScanJournal(
    fs::FileSystem& fs, std::string dir,
    std::function<void(Lsn lsn, std::span<const std::byte> payload)> visit);

}  // namespace strata::journal
