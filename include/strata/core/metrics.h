// Metrics: counters, gauges and fixed-bucket histograms, rendered in the
// Prometheus text exposition format (version 0.0.4).
//
// Metrics are named `strata_*` and identified by name plus label set (the
// order of labels does not matter). Get*() returns a reference that stays
// valid for the registry's lifetime, so hot paths look a metric up once and
// then only touch atomics; asking again for the same name and labels returns
// the same metric. A family keeps the help text (and, for histograms, the
// bounds) of its first registration. Programming errors -- a metric name not
// matching [a-zA-Z_:][a-zA-Z0-9_:]*, a label name not matching
// [a-zA-Z_][a-zA-Z0-9_]* (or starting with "__", or "le" on a histogram), a
// repeated label name, an existing name asked for with another type or other
// histogram bounds -- are logged as errors and answered with a detached
// metric: usable, valid for the registry's lifetime, never rendered.
//
// Thread-safety: everything is safe for concurrent use. Updates are lock-free;
// Get*() and Render take a mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace strata::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Increment(uint64_t n = 1) {
    value_.fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void Add(int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

class Histogram {
 public:
  // `bounds`: strictly increasing finite upper bounds; +Inf is implicit.
  // Other input is repaired (sorted, de-duplicated, non-finite values
  // dropped) and logged as an error.
  explicit Histogram(const std::vector<double>& bounds);
  // Counts `value` in the first bucket whose bound is >= value (NaN: +Inf).
  void Observe(double value);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative_counts;  // per bound, then +Inf
    uint64_t count = 0;  // always equal to cumulative_counts.back()
    double sum = 0;
  };
  // Not atomic across buckets while Observe() runs concurrently, but always
  // internally consistent (cumulative counts never decrease; count matches).
  Snapshot Read() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

// Exponential seconds buckets from 1 µs to ~16 s, for latencies.
std::vector<double> LatencyBuckets();
// Powers of two from 1 to 2^16, for sizes and counts (e.g. group sizes).
std::vector<double> CountBuckets();

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& GetCounter(std::string_view name, std::string_view help,
                      const Labels& labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help,
                  const Labels& labels = {});
  Histogram& GetHistogram(std::string_view name, std::string_view help,
                          const std::vector<double>& bounds,
                          const Labels& labels = {});

  // Every family with HELP and TYPE lines, families sorted by name, label
  // values escaped as the format requires.
  std::string RenderPrometheus() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The process-wide registry strata's own metrics go to.
Registry& DefaultRegistry();

}  // namespace strata::metrics
