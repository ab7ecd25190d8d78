#include "journal/recovery.h"

#include <algorithm>

#include "journal/segment_cursor.h"
#include "strata/fs/registry.h"

namespace strata::journal {
namespace {

struct Listing {
  std::vector<std::pair<uint64_t, std::string>> segments;  // id, path
  std::vector<std::string> temp_files;
};

Status ClassifyEntry(const fs::FileInfo& info, Listing& out) {
  const std::string_view name = fs::BaseName(info.path);
  if (!info.is_dir) {
    if (auto id = ParseSegmentFileName(name)) {
      out.segments.emplace_back(*id, info.path);
      return Status::OK();
    }
    const std::string_view stem = name.substr(0, name.find('.'));
    const std::string_view rest = name.substr(stem.size());
    if (ParseSegmentFileName(std::string(stem) + std::string(kSegmentSuffix))) {
      const std::string tmp =
          std::string(kSegmentSuffix) + std::string(kTempSuffix);
      if (rest == tmp) {
        out.temp_files.push_back(info.path);
        return Status::OK();
      }
      const std::string corrupt =
          std::string(kSegmentSuffix) + std::string(kCorruptInfix);
      if (rest.starts_with(corrupt)) return Status::OK();  // kept aside
    }
  }
  return FailedPreconditionError("journal directory holds a foreign entry " +
                                 info.path +
                                 " (a journal does not share its directory)");
}

Task<Result<Listing>> ListJournal(fs::FileSystem& fs, const std::string& dir) {
  Listing out;
  fs::ListOptions options;
  auto stream = fs.List(dir, options);
  while (auto page = co_await stream.Next()) {
    if (!page->ok()) co_return page->status();
    for (const fs::FileInfo& info : **page) {
      STRATA_CO_RETURN_IF_ERROR(ClassifyEntry(info, out));
    }
  }
  std::sort(out.segments.begin(), out.segments.end());
  co_return out;
}

std::string SegmentName(const std::string& path) {
  return std::string(fs::BaseName(path));
}

// The scan's state while it walks segments.
struct Walk {
  fs::FileSystem& fs;
  RecordVisitor& visit;
  JournalScan& scan;
};

void SetDamage(JournalScan& scan, size_t segment, Lsn position, uint64_t offset,
               std::string reason) {
  Damage d;
  d.segment = segment;
  d.position = position;
  d.offset = offset;
  d.nonzero_end = offset;
  d.reason = std::move(reason);
  scan.damage = std::move(d);
}

Task<Result<SegmentHeader>> ReadHeader(fs::File& file, std::string* reason) {
  std::array<std::byte, kSegmentHeaderBytes> bytes{};
  STRATA_CO_ASSIGN_OR_RETURN(size_t got, co_await file.ReadAt(bytes, 0));
  SegmentHeader header;
  const HeaderError error = DecodeSegmentHeader(
      std::span<const std::byte>(bytes.data(), got), &header);
  if (error != HeaderError::kNone) {
    *reason = "segment header: " + std::string(HeaderErrorName(error));
  }
  co_return header;
}

// Walks the frames of segment `index` (of `count`), whose data must end at
// `limit_lsn` when it is not the last. Returns false when it stopped at
// damage (scan.damage set, without the tail classification yet).
Task<Result<bool>> WalkFrames(Walk& w, fs::File& file, size_t index,
                              std::optional<Lsn> limit_lsn, uint64_t size) {
  const SegmentMeta& seg = w.scan.segments[index];
  uint64_t limit = size;
  if (limit_lsn) {
    limit = std::min(size, kSegmentDataOffset + (*limit_lsn - seg.base));
  }
  SegmentCursor cursor(&file, seg.base, std::max(limit, kSegmentDataOffset));
  FrameHeader header;
  for (;;) {
    STRATA_CO_ASSIGN_OR_RETURN(FrameCheck check, co_await cursor.Next(&header));
    if (check == FrameCheck::kValid) {
      ++w.scan.records;
      w.scan.end_lsn = cursor.position();
      if (w.visit) w.visit(cursor.position(), cursor.payload());
      continue;
    }
    // A segment that is not the last must end exactly where the next one
    // starts; the last one ends at any stop, which ClassifyDamage examines.
    if (limit_lsn && cursor.position() == *limit_lsn) co_return true;
    std::string reason = std::string(FrameCheckName(check));
    if (limit_lsn && cursor.at_limit()) {
      reason = "segment ends at LSN " + std::to_string(cursor.position()) +
               " but the next segment starts at LSN " +
               std::to_string(*limit_lsn);
    }
    SetDamage(w.scan, index, cursor.position(), cursor.offset(), reason);
    co_return false;
  }
}

// Decides whether the damage is a torn tail, a clean end or mid-log
// corruption, from what follows it.
Task<Status> ClassifyDamage(fs::File& file, uint64_t size, JournalScan& scan) {
  Damage& d = *scan.damage;
  const bool last = d.segment + 1 == scan.segments.size();
  STRATA_CO_ASSIGN_OR_RETURN(
      TailScan tail,
      co_await ScanTail(file, scan.segments[d.segment].base, d.offset, size));
  d.nonzero_end = tail.nonzero_end;
  if (last && tail.nonzero_end == d.offset) {
    scan.damage.reset();  // only zeros: the log simply ends here
    co_return Status::OK();
  }
  std::optional<Lsn> claim = tail.max_claim;
  if (!last) claim = scan.segments[d.segment + 1].base;
  if (claim && *claim > d.position) {
    d.mid_log = true;
    d.reason +=
        "; later data claims durability through LSN " + std::to_string(*claim);
  }
  co_return Status::OK();
}

Task<Status> WalkSegment(Walk& w, size_t index) {
  SegmentMeta& seg = w.scan.segments[index];
  STRATA_CO_ASSIGN_OR_RETURN(auto file,
                             co_await w.fs.Open(seg.path, fs::OpenOptions()));
  STRATA_CO_ASSIGN_OR_RETURN(uint64_t size, co_await file->Size());
  std::optional<Lsn> limit;
  if (index + 1 < w.scan.segments.size())
    limit = w.scan.segments[index + 1].base;
  STRATA_CO_ASSIGN_OR_RETURN(bool complete,
                             co_await WalkFrames(w, *file, index, limit, size));
  Status status;
  if (!complete) status = co_await ClassifyDamage(*file, size, w.scan);
  Status closed = co_await file->Close();
  co_return status.ok() ? closed : status;
}

// Why segment `path` (listed id `id`) cannot follow the valid ones, or "".
Task<Result<std::string>> CheckHeader(fs::FileSystem& fs, uint64_t id,
                                      const std::string& path,
                                      const JournalScan& scan,
                                      SegmentHeader* header) {
  if (!scan.segments.empty() && id != scan.segments.back().id + 1) {
    co_return "segment " + SegmentFileName(scan.segments.back().id + 1) +
        " is missing";
  }
  STRATA_CO_ASSIGN_OR_RETURN(auto file,
                             co_await fs.Open(path, fs::OpenOptions()));
  std::string reason;
  STRATA_CO_ASSIGN_OR_RETURN(*header, co_await ReadHeader(*file, &reason));
  STRATA_CO_RETURN_IF_ERROR(co_await file->Close());
  if (reason.empty() && header->segment_id != id) {
    reason = "segment header names id " + std::to_string(header->segment_id);
  }
  if (reason.empty() && !scan.segments.empty() &&
      header->base_lsn < scan.segments.back().base) {
    reason = "segment base LSN goes backwards";
  }
  if (!reason.empty()) reason = SegmentName(path) + ": " + reason;
  co_return reason;
}

// Reads each listed segment's header; the first bad one (or a gap in the
// ids) ends the valid run, and it and everything after are unreadable.
Task<Result<std::string>> ReadHeaders(fs::FileSystem& fs,
                                      const Listing& listing,
                                      JournalScan& scan) {
  for (const auto& [id, path] : listing.segments) {
    if (!scan.unreadable.empty()) {
      scan.unreadable.push_back(path);
      continue;
    }
    SegmentHeader header;
    STRATA_CO_ASSIGN_OR_RETURN(
        std::string reason, co_await CheckHeader(fs, id, path, scan, &header));
    if (!reason.empty()) {
      scan.unreadable.push_back(path);
      if (scan.unreadable.size() == 1) scan.unreadable_reason = reason;
      continue;
    }
    scan.segments.push_back(SegmentMeta{id, header.base_lsn, path});
  }
  co_return scan.unreadable_reason;
}

}  // namespace

Task<Result<JournalScan>> ScanDirectory(fs::FileSystem& fs, std::string dir,
                                        RecordVisitor visit) {
  JournalScan scan;
  STRATA_CO_ASSIGN_OR_RETURN(Listing listing, co_await ListJournal(fs, dir));
  scan.temp_files = listing.temp_files;
  STRATA_CO_RETURN_IF_ERROR(co_await ReadHeaders(fs, listing, scan));
  if (!scan.segments.empty()) {
    scan.first_lsn = scan.end_lsn = scan.segments.front().base;
  }
  Walk walk{fs, visit, scan};
  for (size_t i = 0; i < scan.segments.size() && !scan.damage; ++i) {
    STRATA_CO_RETURN_IF_ERROR(co_await WalkSegment(walk, i));
  }
  if (!scan.damage && !scan.unreadable.empty()) {
    // Segment files after the valid run cannot be read. They exist, so
    // everything before them had been synced: this is mid-log damage.
    Damage d;
    d.segment = scan.segments.empty() ? 0 : scan.segments.size() - 1;
    d.position = scan.end_lsn;
    d.mid_log = true;
    d.reason = scan.unreadable_reason;
    if (!scan.segments.empty()) {
      d.offset = d.nonzero_end =
          kSegmentDataOffset + (scan.end_lsn - scan.segments.back().base);
    }
    scan.damage = std::move(d);
  }
  co_return scan;
}

}  // namespace strata::journal
