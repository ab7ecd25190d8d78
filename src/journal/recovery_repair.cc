// RepairDirectory and DamageStatus: what recovery does with what the scan
// found (docs/journal-format.md, the table under "Reading and recovery").
#include <algorithm>

#include "journal/recovery.h"
#include "strata/fs/registry.h"

namespace strata::journal {
namespace {

constexpr uint64_t kCopyChunk = uint64_t{1} << 20;

std::string DamageWhere(const JournalScan& scan) {
  const Damage& d = *scan.damage;
  std::string where;
  if (d.segment < scan.segments.size()) {
    where = " in segment " +
            std::string(fs::BaseName(scan.segments[d.segment].path)) +
            " at offset " + std::to_string(d.offset);
  }
  return where + " (LSN " + std::to_string(d.position) + "): " + d.reason;
}

// Copies [from, to) of `src` into a new durable file `dst`.
Task<Status> CopyAside(fs::FileSystem& fs, fs::File& src, uint64_t from,
                       uint64_t to, const std::string& dst) {
  STRATA_CO_ASSIGN_OR_RETURN(
      auto out, co_await fs.Open(dst, fs::OpenOptions::Overwrite()));
  std::vector<std::byte> chunk;
  for (uint64_t off = from; off < to; off += chunk.size()) {
    chunk.resize(std::min(kCopyChunk, to - off));
    STRATA_CO_ASSIGN_OR_RETURN(size_t got, co_await src.ReadAt(chunk, off));
    chunk.resize(got);
    if (got == 0) break;
    STRATA_CO_RETURN_IF_ERROR(co_await out->Write(chunk));
  }
  STRATA_CO_RETURN_IF_ERROR(co_await out->Sync());
  co_return co_await out->Close();
}

Task<Status> ZeroRange(fs::File& file, uint64_t from, uint64_t to) {
  std::vector<std::byte> zeros(std::min(kCopyChunk, to - from));
  for (uint64_t off = from; off < to;) {
    const uint64_t n = std::min<uint64_t>(zeros.size(), to - off);
    auto part = std::span<const std::byte>(zeros).first(n);
    STRATA_CO_RETURN_IF_ERROR(co_await file.WriteAt(part, off));
    off += n;
  }
  co_return co_await file.Sync();
}

// Saves the damaged segment's non-zero tail aside, then zeroes it.
Task<Status> CutSegmentTail(fs::FileSystem& fs, const std::string& dir,
                            const JournalScan& scan, RecoveryReport& report) {
  const Damage& d = *scan.damage;
  if (d.segment >= scan.segments.size() || d.nonzero_end <= d.offset) {
    co_return Status::OK();
  }
  const SegmentMeta& seg = scan.segments[d.segment];
  fs::OpenOptions rw;
  rw.write = true;
  STRATA_CO_ASSIGN_OR_RETURN(auto file, co_await fs.Open(seg.path, rw));
  const std::string side =
      fs::JoinPath(dir, CorruptFileName(seg.id, d.position));
  STRATA_CO_RETURN_IF_ERROR(
      co_await CopyAside(fs, *file, d.offset, d.nonzero_end, side));
  STRATA_CO_RETURN_IF_ERROR(co_await fs.SyncDir(dir));
  report.side_files.push_back(side);
  report.bytes_set_aside += d.nonzero_end - d.offset;
  STRATA_CO_RETURN_IF_ERROR(co_await ZeroRange(*file, d.offset, d.nonzero_end));
  co_return co_await file->Close();
}

// Renames every segment after the damaged one to a side-file name.
Task<Status> SetLaterSegmentsAside(fs::FileSystem& fs, const std::string& dir,
                                   JournalScan& scan, RecoveryReport& report) {
  std::vector<std::string> later = scan.unreadable;
  const size_t keep = std::min(scan.segments.size(), scan.damage->segment + 1);
  for (size_t i = keep; i < scan.segments.size(); ++i) {
    later.push_back(scan.segments[i].path);
  }
  scan.segments.resize(keep);
  scan.unreadable.clear();
  for (const std::string& path : later) {
    const std::string aside = path + std::string(kCorruptInfix) +
                              std::to_string(scan.damage->position);
    STRATA_CO_RETURN_IF_ERROR(co_await fs.Rename(path, aside));
    report.side_files.push_back(aside);
  }
  if (!later.empty()) STRATA_CO_RETURN_IF_ERROR(co_await fs.SyncDir(dir));
  co_return Status::OK();
}

}  // namespace

Status DamageStatus(const std::string& dir, const JournalScan& scan) {
  if (!scan.damage) return Status::OK();
  const char* kind = scan.damage->mid_log ? "mid-log corruption" : "torn tail";
  return DataLossError("journal " + dir + ": " + kind + DamageWhere(scan));
}

Task<Status> RepairDirectory(fs::FileSystem& fs, const std::string& dir,
                             RecoveryMode mode, JournalScan& scan,
                             RecoveryReport& report) {
  if (!scan.damage) {
    report.outcome = RecoveryOutcome::kClean;
    co_return Status::OK();
  }
  const bool mid_log = scan.damage->mid_log;
  if (mode == RecoveryMode::kAbsoluteConsistency ||
      (mid_log && mode == RecoveryMode::kTolerateTornTail)) {
    co_return DamageStatus(dir, scan);
  }
  report.detail = DamageStatus(dir, scan).message();
  report.damage_lsn = scan.damage->position;
  // Later segments aside first, then the damaged tail copied aside
  // (durably) and only then zeroed: a crash anywhere in between leaves
  // damage that the next open repairs the same way.
  STRATA_CO_RETURN_IF_ERROR(
      co_await SetLaterSegmentsAside(fs, dir, scan, report));
  STRATA_CO_RETURN_IF_ERROR(co_await CutSegmentTail(fs, dir, scan, report));
  scan.end_lsn = scan.damage->position;
  scan.damage.reset();
  report.outcome =
      mid_log ? RecoveryOutcome::kTruncated : RecoveryOutcome::kRepaired;
  co_return Status::OK();
}

}  // namespace strata::journal
