#include "s3/s3_read_plan.h"

#include <algorithm>
#include <numeric>

namespace strata::s3 {

std::vector<MergedRange> PlanRanges(std::span<const ByteRange> ranges,
                                    uint64_t object_size, uint64_t gap,
                                    uint64_t max_merged) {
  std::vector<size_t> order;
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (ranges[i].length > 0 && ranges[i].offset < object_size) {
      order.push_back(i);
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return ranges[a].offset < ranges[b].offset;
  });
  std::vector<MergedRange> out;
  uint64_t end = 0;
  for (size_t i : order) {
    const uint64_t begin = ranges[i].offset;
    const uint64_t stop = std::min(
        object_size, begin + std::min(ranges[i].length, object_size - begin));
    if (!out.empty()) {
      MergedRange& cur = out.back();
      const uint64_t merged_end = std::max(end, stop);
      if (begin <= end + gap && merged_end - cur.offset <= max_merged) {
        end = merged_end;
        cur.length = end - cur.offset;
        cur.members.push_back(i);
        continue;
      }
    }
    out.push_back(MergedRange{begin, stop - begin, {i}});
    end = stop;
  }
  return out;
}

std::vector<uint64_t> MemberCounts(const MergedRange& m,
                                   std::span<const ByteRange> ranges,
                                   uint64_t object_size, uint64_t received) {
  const uint64_t got_end = m.offset + std::min(received, m.length);
  std::vector<uint64_t> out;
  out.reserve(m.members.size());
  for (size_t i : m.members) {
    const ByteRange& r = ranges[i];
    if (r.offset >= object_size || r.offset < m.offset) {
      out.push_back(0);
      continue;
    }
    const uint64_t end = std::min(
        got_end, r.offset + std::min(r.length, object_size - r.offset));
    out.push_back(end > r.offset ? end - r.offset : 0);
  }
  return out;
}

ByteRange ReadaheadPolicy::OnMiss(uint64_t offset, uint64_t length,
                                  uint64_t object_size) {
  const bool sequential = have_last_ && offset == next_expected_;
  if (sequential) {
    window_ = window_ == 0 ? min_ : std::min(max_, window_ * 2);
  } else {
    window_ = 0;
  }
  have_last_ = true;
  next_expected_ = offset + length;
  ByteRange r{offset, std::max(length, window_)};
  if (offset >= object_size) return ByteRange{offset, 0};
  r.length = std::min(r.length, object_size - offset);
  return r;
}

void ReadaheadPolicy::OnHit(uint64_t offset, uint64_t length) {
  have_last_ = true;
  next_expected_ = offset + length;
}

}  // namespace strata::s3
