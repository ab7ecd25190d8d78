// LatencyHistogram: an HDR-style log-linear histogram of durations in
// nanoseconds, for benchmark percentiles.
//
// Values below 64 ns have a bucket each; above, every power of two is split
// into 64 linear sub-buckets, so a reported percentile is within 1/64
// (~1.6%) of the true value, over the whole uint64 range, in a fixed 30 KiB.
// Percentiles report a bucket's midpoint.
//
// Thread-safety: none; use one per worker and Merge() them afterwards.
// Header-only so unit tests can use it without linking the tool.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace strata::cli {

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 6;
  static constexpr uint64_t kSub = uint64_t{1} << kSubBits;  // 64
  static constexpr size_t kBuckets = kSub + (64 - kSubBits) * kSub;

  LatencyHistogram() : counts_(kBuckets, 0) {}

  void Record(uint64_t nanos) {
    ++counts_[Index(nanos)];
    ++total_;
  }

  void Merge(const LatencyHistogram& other) {
    for (size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
  }

  uint64_t count() const { return total_; }

  // The value at quantile `q` in [0, 1] (0 when empty).
  double Quantile(double q) const {
    if (total_ == 0) return 0;
    auto rank = static_cast<uint64_t>(q * static_cast<double>(total_));
    if (rank >= total_) rank = total_ - 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen > rank) return Midpoint(i);
    }
    return Midpoint(kBuckets - 1);
  }

  // Bucket of `v`: exact below kSub, else (exponent, top kSubBits bits).
  static size_t Index(uint64_t v) {
    if (v < kSub) return static_cast<size_t>(v);
    int msb = std::bit_width(v) - 1;  // >= kSubBits
    int shift = msb - kSubBits;
    uint64_t sub = (v >> shift) - kSub;  // in [0, kSub)
    return static_cast<size_t>(kSub + static_cast<uint64_t>(shift) * kSub +
                               sub);
  }

  // The midpoint of bucket `i`'s value range.
  static double Midpoint(size_t i) {
    if (i < kSub) return static_cast<double>(i);
    uint64_t shift = (i - kSub) / kSub;
    uint64_t sub = (i - kSub) % kSub;
    double low = static_cast<double>((kSub + sub) << shift);
    double width = static_cast<double>(uint64_t{1} << shift);
    return low + (width - 1) / 2;
  }

 private:
  std::vector<uint64_t> counts_;
  uint64_t total_ = 0;
};

}  // namespace strata::cli
