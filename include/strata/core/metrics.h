// Metrics: counters, gauges and fixed-bucket histograms, rendered in the
// Prometheus text exposition format (version 0.0.4).
//
// Metrics are named `strata_*` and identified by name plus label set.
// Get*() returns a reference that stays valid for the registry's lifetime, so
// hot paths look a metric up once and then only touch atomics. Asking for an
// existing name with a different type or help text returns the existing
// family's metric type only if it matches; a type clash is a programming
// error reported by Get*() returning a detached metric that is never rendered
// (and a logged error).
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
  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
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
  // `bounds`: strictly increasing upper bounds; +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative_counts;  // per bound, then +Inf
    uint64_t count = 0;
    double sum = 0;
  };
  Snapshot Read() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<uint64_t> count_{0};
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
