// MethodMetrics and CallRecorder: counts by code and latency land in the
// same registry series as before (names and labels unchanged), from cached
// metric pointers, also under concurrent calls.

#include "server/call_metrics.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace strata::server {
namespace {

// The strata_server_requests_total series of one method and code.
uint64_t Requests(const std::string& service, const std::string& method,
                  const std::string& code) {
  return metrics::DefaultRegistry()
      .GetCounter("strata_server_requests_total",
                  "gRPC requests served, by service, method and status code",
                  {{"service", service}, {"method", method}, {"code", code}})
      .value();
}

TEST(CallMetricsTest, RecordsCodesUnderTheCanonicalNames) {
  MethodMetrics metrics("TestService", "CodesMethod");
  { CallRecorder call(metrics); }  // no Finish: UNKNOWN
  for (int i = 0; i < 3; ++i) {
    CallRecorder call(metrics);
    EXPECT_TRUE(call.Finish(grpc::Status::OK).ok());
  }
  {
    CallRecorder call(metrics);
    grpc::Status status(grpc::StatusCode::NOT_FOUND, "missing");
    EXPECT_EQ(call.Finish(status).error_message(), "missing");
  }
  {
    CallRecorder call(metrics);
    call.Finish(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "x"));
  }
  EXPECT_EQ(Requests("TestService", "CodesMethod", "OK"), 3u);
  EXPECT_EQ(Requests("TestService", "CodesMethod", "NOT_FOUND"), 1u);
  EXPECT_EQ(Requests("TestService", "CodesMethod", "UNKNOWN"), 1u);
  EXPECT_EQ(Requests("TestService", "CodesMethod", "UNAUTHENTICATED"), 1u);
  EXPECT_EQ(Requests("TestService", "CodesMethod", "CANCELLED"), 0u);
}

TEST(CallMetricsTest, LatencyHistogramKeepsItsNameAndMethodLabel) {
  MethodMetrics metrics("TestService", "LatencyMethod");
  for (int i = 0; i < 5; ++i) {
    CallRecorder call(metrics);
    call.Finish(grpc::Status::OK);
  }
  std::string text = metrics::DefaultRegistry().RenderPrometheus();
  EXPECT_NE(text.find("strata_server_request_seconds_count{method="
                      "\"LatencyMethod\"} 5"),
            std::string::npos)
      << text;
  EXPECT_EQ(Requests("TestService", "LatencyMethod", "OK"), 5u);
}

TEST(CallMetricsTest, TwoInstancesShareTheSeries) {
  MethodMetrics a("TestService", "SharedMethod");
  MethodMetrics b("TestService", "SharedMethod");
  a.Record(grpc::StatusCode::OK, 0.001);
  b.Record(grpc::StatusCode::OK, 0.001);
  EXPECT_EQ(Requests("TestService", "SharedMethod", "OK"), 2u);
}

TEST(CallMetricsTest, OutOfRangeCodeCountsAsUnknown) {
  MethodMetrics metrics("TestService", "OddCodeMethod");
  // 20: past the last code (16) yet inside the enum's value range (5 bits),
  // so the cast itself is defined.
  metrics.Record(static_cast<grpc::StatusCode>(20), 0.0);
  EXPECT_EQ(Requests("TestService", "OddCodeMethod", "UNKNOWN"), 1u);
}

TEST(CallMetricsTest, ConcurrentCallsAreAllCounted) {
  MethodMetrics metrics("TestService", "ConcurrentMethod");
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < 1000; ++i) {
        CallRecorder call(metrics);
        call.Finish(t % 2 == 0 ? grpc::Status::OK
                               : grpc::Status(grpc::StatusCode::ABORTED, ""));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(Requests("TestService", "ConcurrentMethod", "OK"), 4000u);
  EXPECT_EQ(Requests("TestService", "ConcurrentMethod", "ABORTED"), 4000u);
}

}  // namespace
}  // namespace strata::server
