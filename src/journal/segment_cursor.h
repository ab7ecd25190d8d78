// SegmentCursor: walks the frames of one segment file in order, reading
// through a window buffer (1 MiB at a time, more for a larger frame), and
// TailScan: what lies after the first bad position of a segment.
//
// Thread-safety: a cursor belongs to one coroutine.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/file.h"
#include "strata/journal/format.h"

namespace strata::journal {

inline constexpr size_t kReadWindowBytes = size_t{1} << 20;

class SegmentCursor {
 public:
  // Frames start at kSegmentDataOffset (stream position `base_lsn`) and must
  // end at or before file offset `limit`.
  SegmentCursor(fs::File* file, Lsn base_lsn, uint64_t limit);

  // Checks the frame at the current position; on kValid fills `header`,
  // exposes payload() until the next call and moves past it. At the limit
  // it returns kEndMarker with at_limit() true.
  Task<Result<FrameCheck>> Next(FrameHeader* header);
  std::span<const std::byte> payload() const { return payload_; }

  bool at_limit() const { return offset_ >= limit_; }
  uint64_t offset() const { return offset_; }
  Lsn position() const { return base_ + (offset_ - kSegmentDataOffset); }
  // Skips to `position` (a frame boundary the caller knows).
  void Seek(Lsn position) { offset_ = kSegmentDataOffset + (position - base_); }

 private:
  // Makes [offset_, offset_ + n) available in the window (less at limit_).
  Task<Status> Fill(uint64_t n);
  std::span<const std::byte> View(uint64_t n) const;

  fs::File* file_;
  Lsn base_;
  uint64_t limit_;
  uint64_t offset_ = kSegmentDataOffset;
  std::vector<std::byte> window_;
  uint64_t window_offset_ = 0;  // file offset of window_[0]
  std::span<const std::byte> payload_;
};

// What follows a bad position in a segment.
struct TailScan {
  // File offset just past the last non-zero byte at or after `from` (equal
  // to `from` when everything after it is zero).
  uint64_t nonzero_end = 0;
  // The largest durability claim of any valid frame found after `from`.
  std::optional<Lsn> max_claim;
  uint64_t valid_frames = 0;
};
// Scans file offsets [from, end) of a segment with base `base_lsn` for
// non-zero bytes and for valid frames at any byte position.
Task<Result<TailScan>> ScanTail(fs::File& file, Lsn base_lsn, uint64_t from,
                                uint64_t end);

}  // namespace strata::journal
