// Journal::Read: the records written so far, from a record boundary, with
// every frame's CRC verified.
#include "journal/journal_impl.h"
#include "journal/segment_cursor.h"

namespace strata::journal {
namespace {

// Index of the segment holding stream position `from` (a frame start).
size_t SegmentFor(const std::vector<SegmentMeta>& segments, Lsn from) {
  size_t i = 0;
  while (i + 1 < segments.size() && segments[i + 1].base <= from) ++i;
  return i;
}

struct ReadState {
  fs::FileSystem* fs;
  std::string dir;
  std::vector<SegmentMeta> segments;
  Lsn from;
  Lsn until;  // written frontier when Read was called
};

Status BadFrame(const ReadState& st, const SegmentMeta& seg,
                const SegmentCursor& cursor, FrameCheck check) {
  return DataLossError("journal " + st.dir + ": segment " + seg.path +
                       " at offset " + std::to_string(cursor.offset()) +
                       " (LSN " + std::to_string(cursor.position()) +
                       "): " + std::string(FrameCheckName(check)));
}

Status NotABoundary(const ReadState& st) {
  return InvalidArgumentError("journal " + st.dir + ": LSN " +
                              std::to_string(st.from) +
                              " is not a record boundary");
}

RecordStream ReadSegments(ReadState st) {
  if (st.from > st.until) {
    co_yield InvalidArgumentError(
        "journal " + st.dir + ": LSN " + std::to_string(st.from) +
        " is past the written end " + std::to_string(st.until));
    co_return;
  }
  if (st.segments.empty() || st.from < st.segments.front().base) {
    co_yield OutOfRangeError("journal " + st.dir + ": LSN " +
                             std::to_string(st.from) +
                             " is before the oldest retained position");
    co_return;
  }
  bool started = false;
  for (size_t i = SegmentFor(st.segments, st.from);
       i < st.segments.size() && st.segments[i].base < st.until; ++i) {
    const SegmentMeta& seg = st.segments[i];
    auto file = co_await st.fs->Open(seg.path, fs::OpenOptions());
    if (!file.ok()) {
      co_yield file.status();
      co_return;
    }
    const Lsn seg_end = i + 1 < st.segments.size()
                            ? std::min(st.segments[i + 1].base, st.until)
                            : st.until;
    SegmentCursor cursor(file->get(), seg.base,
                         kSegmentDataOffset + (seg_end - seg.base));
    FrameHeader header;
    while (cursor.position() < seg_end) {
      auto check = co_await cursor.Next(&header);
      if (!check.ok() || *check != FrameCheck::kValid) {
        co_yield check.ok() ? BadFrame(st, seg, cursor, *check)
                            : check.status();
        co_return;
      }
      if (header.start_lsn < st.from) continue;
      if (!started && header.start_lsn != st.from) {
        co_yield NotABoundary(st);
        co_return;
      }
      started = true;
      Record record;
      record.lsn = cursor.position();
      record.data.assign(cursor.payload().begin(), cursor.payload().end());
      co_yield std::move(record);
    }
    (void)co_await (*file)->Close();
  }
  if (!started && st.from < st.until) co_yield NotABoundary(st);
}

}  // namespace

RecordStream Journal::Read(Lsn from) {
  ReadState st;
  st.fs = impl_->fs();
  st.dir = dir_;
  st.segments = impl_->SegmentsSnapshot();
  st.from = from;
  st.until = written_lsn();
  return ReadSegments(std::move(st));
}

}  // namespace strata::journal
