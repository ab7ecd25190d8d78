// Read planning for S3 files: which GETs to send for a multi-range read
// (coalescing nearby ranges) and how far to read ahead for sequential
// patterns. Pure logic, no I/O, so it is unit-tested without a server.
//
// Thread-safety: PlanRanges is a pure function. ReadaheadPolicy is not
// synchronised; its owner serialises calls (S3 files hold a mutex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace strata::s3 {

struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
};

// One GET serving several requested ranges.
struct MergedRange {
  uint64_t offset = 0;
  uint64_t length = 0;
  std::vector<size_t> members;  // indices into the request
};

// Clips each range to `object_size` (ranges at or past EOF are dropped),
// sorts by offset and merges ranges whose gap is <= `gap` while the merged
// length stays <= `max_merged` (a single range longer than that stays one
// GET). Overlapping ranges always merge when the bound allows.
std::vector<MergedRange> PlanRanges(std::span<const ByteRange> ranges,
                                    uint64_t object_size, uint64_t gap,
                                    uint64_t max_merged);

// For each member of `m` (in m.members order): how many bytes of that
// request, clipped to `object_size`, lie within the first `received` bytes
// the merged GET returned — what to copy out and report as read.
std::vector<uint64_t> MemberCounts(const MergedRange& m,
                                   std::span<const ByteRange> ranges,
                                   uint64_t object_size, uint64_t received);

// Sequential-read detection. A read that starts where the previous one ended
// is sequential; the window then starts at `min_window` and doubles on each
// further sequential fetch up to `max_window`. Any other read resets it: a
// random pattern never reads ahead.
class ReadaheadPolicy {
 public:
  ReadaheadPolicy(uint64_t min_window, uint64_t max_window)
      : min_(min_window),
        max_(max_window < min_window ? min_window : max_window) {}

  // The range to fetch for a read of [offset, offset + length) that the
  // cache could not serve, clipped to `object_size`. Records the read.
  ByteRange OnMiss(uint64_t offset, uint64_t length, uint64_t object_size);
  // Records a read served from the cache (keeps the pattern sequential).
  void OnHit(uint64_t offset, uint64_t length);

  uint64_t window() const { return window_; }

 private:
  uint64_t min_;
  uint64_t max_;
  uint64_t window_ = 0;  // 0: not sequential
  bool have_last_ = false;
  uint64_t next_expected_ = 0;
};

}  // namespace strata::s3
