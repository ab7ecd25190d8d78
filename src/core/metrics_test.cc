#include "strata/core/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "strata/core/log.h"

namespace strata::metrics {
namespace {

using ::testing::internal::CaptureStderr;
using ::testing::internal::GetCapturedStderr;

// Errors are logged at kError; make sure they are emitted while a test runs.
class LogLevelGuard {
 public:
  LogLevelGuard() : saved_(GetLogLevel()) { SetLogLevel(LogLevel::kWarn); }
  ~LogLevelGuard() { SetLogLevel(saved_); }

 private:
  LogLevel saved_;
};

TEST(MetricsTest, RendersPrometheusText) {
  Registry r;
  r.GetCounter("strata_ops_total", "Operations by backend\nand \"op\" \\ path.",
               {{"op", "read"}, {"backend", "local"}})
      .Increment(5);
  r.GetCounter("strata_ops_total", "Later help is ignored.",
               {{"backend", "s3"}, {"op", "write \"x\"\n\\y"}})
      .Increment();
  r.GetGauge("strata_inflight", "Operations in flight.").Set(-3);
  Histogram& h = r.GetHistogram("strata_latency_seconds", "Latency.",
                                {0.5, 1, 10}, {{"op", "read"}});
  for (double v : {0.25, 0.5, 4.0, 100.0}) h.Observe(v);
  r.GetHistogram("strata_latency_seconds", "Latency.", {0.5, 1, 10});

  const char* expected = R"(# HELP strata_inflight Operations in flight.
# TYPE strata_inflight gauge
strata_inflight -3
# HELP strata_latency_seconds Latency.
# TYPE strata_latency_seconds histogram
strata_latency_seconds_bucket{le="0.5"} 0
strata_latency_seconds_bucket{le="1"} 0
strata_latency_seconds_bucket{le="10"} 0
strata_latency_seconds_bucket{le="+Inf"} 0
strata_latency_seconds_sum 0
strata_latency_seconds_count 0
strata_latency_seconds_bucket{op="read",le="0.5"} 2
strata_latency_seconds_bucket{op="read",le="1"} 2
strata_latency_seconds_bucket{op="read",le="10"} 3
strata_latency_seconds_bucket{op="read",le="+Inf"} 4
strata_latency_seconds_sum{op="read"} 104.75
strata_latency_seconds_count{op="read"} 4
# HELP strata_ops_total Operations by backend\nand "op" \\ path.
# TYPE strata_ops_total counter
strata_ops_total{backend="local",op="read"} 5
strata_ops_total{backend="s3",op="write \"x\"\n\\y"} 1
)";
  EXPECT_EQ(r.RenderPrometheus(), expected);
}

TEST(MetricsTest, EmptyRegistryRendersNothing) {
  Registry r;
  EXPECT_EQ(r.RenderPrometheus(), "");
}

TEST(MetricsTest, SameNameAndLabelsReturnSameMetric) {
  Registry r;
  Counter& a = r.GetCounter("strata_c", "h", {{"x", "1"}, {"y", "2"}});
  Counter& b = r.GetCounter("strata_c", "h", {{"y", "2"}, {"x", "1"}});
  Counter& c = r.GetCounter("strata_c", "h", {{"x", "1"}, {"y", "3"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
  a.Increment(2);
  b.Increment(3);
  EXPECT_EQ(a.value(), 5u);
  EXPECT_EQ(&r.GetGauge("strata_g", "h"), &r.GetGauge("strata_g", "h"));
}

TEST(MetricsTest, GaugeSetAndAdd) {
  Registry r;
  Gauge& g = r.GetGauge("strata_g", "h");
  g.Set(10);
  g.Add(-15);
  EXPECT_EQ(g.value(), -5);
  EXPECT_EQ(r.RenderPrometheus(),
            "# HELP strata_g h\n# TYPE strata_g gauge\n"
            "strata_g -5\n");
}

TEST(MetricsTest, HistogramBuckets) {
  Histogram h({1, 2, 4});
  for (double v : {-1.0, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0,
                   std::numeric_limits<double>::infinity()}) {
    h.Observe(v);
  }
  Histogram::Snapshot s = h.Read();
  EXPECT_EQ(s.bounds, (std::vector<double>{1, 2, 4}));
  // <=1: {-1, 1}; <=2: +{1.5, 2}; <=4: +{3, 4}; +Inf: +{5, inf}.
  EXPECT_EQ(s.cumulative_counts, (std::vector<uint64_t>{2, 4, 6, 8}));
  EXPECT_EQ(s.count, 8u);
  EXPECT_TRUE(std::isinf(s.sum));
}

TEST(MetricsTest, HistogramNanGoesToInfBucket) {
  Histogram h({1});
  h.Observe(std::nan(""));
  Histogram::Snapshot s = h.Read();
  EXPECT_EQ(s.cumulative_counts, (std::vector<uint64_t>{0, 1}));
  EXPECT_TRUE(std::isnan(s.sum));
}

TEST(MetricsTest, HistogramRepairsBadBounds) {
  LogLevelGuard level;
  CaptureStderr();
  Histogram h({4, 1, 2, 2, std::numeric_limits<double>::infinity()});
  std::string log = GetCapturedStderr();
  EXPECT_EQ(h.bounds(), (std::vector<double>{1, 2, 4}));
  EXPECT_NE(log.find("histogram bounds"), std::string::npos) << log;
  h.Observe(3);
  EXPECT_EQ(h.Read().cumulative_counts, (std::vector<uint64_t>{0, 0, 1, 1}));
}

TEST(MetricsTest, HistogramWithoutBoundsHasOnlyInf) {
  Registry r;
  r.GetHistogram("strata_h", "h", {}).Observe(2.5);
  EXPECT_EQ(r.RenderPrometheus(),
            "# HELP strata_h h\n# TYPE strata_h histogram\n"
            "strata_h_bucket{le=\"+Inf\"} 1\nstrata_h_sum 2.5\n"
            "strata_h_count 1\n");
}

TEST(MetricsTest, BucketHelpers) {
  std::vector<double> latency = LatencyBuckets();
  ASSERT_FALSE(latency.empty());
  EXPECT_DOUBLE_EQ(latency.front(), 1e-6);
  EXPECT_GE(latency.back(), 16.0);
  EXPECT_LT(latency.back(), 17.0);
  EXPECT_TRUE(std::is_sorted(latency.begin(), latency.end()));
  EXPECT_EQ(std::adjacent_find(latency.begin(), latency.end()), latency.end());

  std::vector<double> counts = CountBuckets();
  ASSERT_EQ(counts.size(), 17u);
  for (size_t i = 0; i < counts.size(); ++i) {
    EXPECT_EQ(counts[i], std::ldexp(1.0, static_cast<int>(i)));
  }
}

TEST(MetricsTest, LatencyBoundsRenderShortest) {
  Registry r;
  r.GetHistogram("strata_lat", "h", LatencyBuckets());
  std::string text = r.RenderPrometheus();
  EXPECT_NE(text.find("strata_lat_bucket{le=\"1e-06\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("strata_lat_bucket{le=\"2e-06\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("strata_lat_bucket{le=\"0.000128\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("strata_lat_bucket{le=\"16.777216\"} 0\n"),
            std::string::npos)
      << text;
}

// ---- programming errors -----------------------------------------------------

class MetricsErrorTest : public ::testing::Test {
 protected:
  // Expects `fn` to log an error mentioning `needle` and render nothing new.
  template <typename Fn>
  void ExpectRejected(Fn fn, std::string_view needle) {
    std::string before = registry_.RenderPrometheus();
    CaptureStderr();
    fn();
    std::string log = GetCapturedStderr();
    EXPECT_NE(log.find(needle), std::string::npos)
        << "log was: " << log << " expected: " << needle;
    EXPECT_EQ(registry_.RenderPrometheus(), before);
  }

  LogLevelGuard level_;
  Registry registry_;
};

TEST_F(MetricsErrorTest, InvalidMetricNames) {
  for (std::string name : {"", "1abc", "a-b", "a b", "caf\xc3\xa9", "a{}"}) {
    ExpectRejected([&] { registry_.GetCounter(name, "h").Increment(); },
                   "invalid metric name \"" + name + "\"");
  }
}

TEST_F(MetricsErrorTest, ValidMetricNames) {
  registry_.GetCounter("a:b_c:d9", "h");
  registry_.GetCounter("_x", "h");
  registry_.GetCounter(":y", "h");
  std::string text = registry_.RenderPrometheus();
  EXPECT_NE(text.find("\na:b_c:d9 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n_x 0\n"), std::string::npos);
  EXPECT_NE(text.find("\n:y 0\n"), std::string::npos);
}

TEST_F(MetricsErrorTest, InvalidLabelNames) {
  for (std::string label : {"", "1x", "a:b", "__reserved", "a-b"}) {
    ExpectRejected(
        [&] {
          registry_.GetCounter("strata_c", "h", {{label, "v"}});
        },
        "invalid label name \"" + label + "\"");
  }
  ExpectRejected(
      [&] {
        registry_.GetGauge("strata_g", "h", {{"a", "1"}, {"a", "2"}}).Set(1);
      },
      "repeated label name \"a\"");
  ExpectRejected(
      [&] {
        registry_.GetHistogram("strata_h", "h", {1}, {{"le", "1"}});
      },
      "\"le\" is reserved");
  // "le" is an ordinary label on other types; odd values are fine.
  registry_.GetCounter("strata_c", "h", {{"le", "x"}, {"_ok", ""}});
  EXPECT_NE(registry_.RenderPrometheus().find("strata_c{_ok=\"\",le=\"x\"} 0"),
            std::string::npos);
}

TEST_F(MetricsErrorTest, TypeClashReturnsDetachedMetric) {
  Counter& c = registry_.GetCounter("strata_x", "h");
  c.Increment(7);
  Gauge* g = nullptr;
  ExpectRejected([&] { g = &registry_.GetGauge("strata_x", "h"); },
                 "strata_x is a counter, not a gauge");
  ASSERT_NE(g, nullptr);
  g->Set(99);  // usable, but never rendered
  EXPECT_EQ(g->value(), 99);
  ExpectRejected([&] { registry_.GetHistogram("strata_x", "h", {1}); },
                 "strata_x is a counter, not a histogram");
  EXPECT_EQ(registry_.RenderPrometheus(),
            "# HELP strata_x h\n# TYPE strata_x counter\nstrata_x 7\n");
}

TEST_F(MetricsErrorTest, HistogramBoundsClash) {
  Histogram& h = registry_.GetHistogram("strata_h", "h", {1, 2});
  EXPECT_EQ(&registry_.GetHistogram("strata_h", "h", {1, 2}), &h);
  Histogram* other = nullptr;
  ExpectRejected(
      [&] {
        other = &registry_.GetHistogram("strata_h", "h", {1, 3});
      },
      "other bounds");
  EXPECT_NE(other, &h);
  // A different label set must use the family's bounds too.
  ExpectRejected(
      [&] {
        registry_.GetHistogram("strata_h", "h", {5}, {{"a", "b"}});
      },
      "other bounds");
}

TEST_F(MetricsErrorTest, DetachedMetricsAreDistinct) {
  CaptureStderr();
  Counter& a = registry_.GetCounter("bad name", "h");
  Counter& b = registry_.GetCounter("bad name", "h");
  GetCapturedStderr();
  a.Increment();
  EXPECT_NE(&a, &b);
  EXPECT_EQ(b.value(), 0u);
}

// ---- concurrency ------------------------------------------------------------

TEST(MetricsConcurrencyTest, IncrementsFromThreadsSum) {
  constexpr int kThreads = 8;
  constexpr int kIterations = 100000;
  Registry r;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&r, t] {
      // Lookups race with each other and with updates.
      Counter& c = r.GetCounter("strata_c", "h", {{"k", "v"}});
      Gauge& g = r.GetGauge("strata_g", "h");
      Histogram& h = r.GetHistogram("strata_h", "h", {0.5, 1.5});
      for (int i = 0; i < kIterations; ++i) {
        c.Increment();
        g.Add(t % 2 == 0 ? 2 : -1);
        h.Observe(1.0);
        if (i % 10000 == 0) (void)r.RenderPrometheus();
      }
    });
  }
  for (auto& t : threads) t.join();
  constexpr uint64_t kTotal = uint64_t{kThreads} * kIterations;
  EXPECT_EQ(r.GetCounter("strata_c", "h", {{"k", "v"}}).value(), kTotal);
  EXPECT_EQ(r.GetGauge("strata_g", "h").value(), int64_t{kTotal} / 2);
  Histogram::Snapshot s = r.GetHistogram("strata_h", "h", {0.5, 1.5}).Read();
  EXPECT_EQ(s.count, kTotal);
  EXPECT_EQ(s.cumulative_counts, (std::vector<uint64_t>{0, kTotal, kTotal}));
  EXPECT_EQ(s.sum, static_cast<double>(kTotal));
}

TEST(MetricsConcurrencyTest, DefaultRegistryIsOneInstance) {
  EXPECT_EQ(&DefaultRegistry(), &DefaultRegistry());
}

}  // namespace
}  // namespace strata::metrics
