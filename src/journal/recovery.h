// Recovery: finds the valid log in a journal directory and classifies any
// damage as a torn tail or mid-log corruption (docs/journal-format.md,
// "Reading and recovery"), then repairs per RecoveryMode.
//
// Thread-safety: runs before the journal accepts calls; one coroutine.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/file_system.h"
#include "strata/journal/journal.h"

namespace strata::journal {

struct SegmentMeta {
  uint64_t id = 0;
  Lsn base = 0;
  std::string path;
};

using RecordVisitor =
    std::function<void(Lsn lsn, std::span<const std::byte> payload)>;

// Where the scan stopped and what it found after that.
struct Damage {
  size_t segment = 0;        // index into JournalScan::segments
  Lsn position = 0;          // first bad stream position
  uint64_t offset = 0;       // its file offset in that segment
  uint64_t nonzero_end = 0;  // end of non-zero bytes after it, same segment
  bool mid_log = false;
  std::string reason;  // what is wrong, with names and positions
};

struct JournalScan {
  std::vector<SegmentMeta> segments;    // valid-headed segments, in id order
  std::vector<std::string> temp_files;  // leftover *.tmp to remove
  // Segment files after a gap or a bad header: never part of the log.
  std::vector<std::string> unreadable;
  std::string unreadable_reason;
  Lsn first_lsn = 0;
  Lsn end_lsn = 0;       // end of the valid prefix
  uint64_t records = 0;  // records in the valid prefix
  std::optional<Damage> damage;
};

// Reads every segment of `dir`, visiting valid records in order (`visit`
// may be empty). Fails only for I/O errors and foreign files in `dir`.
Task<Result<JournalScan>> ScanDirectory(fs::FileSystem& fs, std::string dir,
                                        RecordVisitor visit);

// Applies `mode` to a scan: kDataLoss when the mode refuses the damage,
// else sets damaged bytes aside, zeroes them and drops later segments, and
// fills `report`. On success `scan` describes the repaired journal.
Task<Status> RepairDirectory(fs::FileSystem& fs, const std::string& dir,
                             RecoveryMode mode, JournalScan& scan,
                             RecoveryReport& report);

// "journal <dir>: mid-log corruption in segment <name> at offset <o> (LSN
// <p>): <reason>".
Status DamageStatus(const std::string& dir, const JournalScan& scan);

}  // namespace strata::journal
