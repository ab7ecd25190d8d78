// Server-side RPC metrics: strata_server_requests_total{service,method,code}
// and strata_server_request_seconds{method}, recorded by a CallRecorder that
// each handler creates on entry, plus the strata_server_mounts gauge.
//
// Each RPC method owns a MethodMetrics (a member of its service), which
// caches the registry's Counter per status code and the latency Histogram
// the first time each is used, so a call costs no registry lookup (and no
// lock) after that.
//
// Thread-safety: a CallRecorder belongs to one call (one thread); a
// MethodMetrics may be shared by any number of concurrent calls; the
// metrics they update are in metrics::DefaultRegistry() and thread-safe.
#pragma once
#include <grpcpp/support/status.h>

#include <array>
#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

#include "strata/core/metrics.h"

namespace strata::server {

// The metrics of one RPC method of one service.
class MethodMetrics {
 public:
  MethodMetrics(std::string_view service, std::string_view method);
  MethodMetrics(const MethodMetrics&) = delete;
  MethodMetrics& operator=(const MethodMetrics&) = delete;

  // Counts one call that ended with `code` and records its latency.
  void Record(grpc::StatusCode code, double seconds);

 private:
  static constexpr size_t kCodes = 17;  // OK .. UNAUTHENTICATED
  metrics::Counter& CounterFor(grpc::StatusCode code);
  metrics::Histogram& Latency();

  std::string service_;
  std::string method_;
  // Filled on first use; racing fillers store the same registry pointer.
  std::array<std::atomic<metrics::Counter*>, kCodes> by_code_{};
  std::atomic<metrics::Histogram*> latency_{nullptr};
};

// Times one RPC from construction to destruction and counts it under the
// code given to Finish (UNKNOWN if Finish was never called).
class CallRecorder {
 public:
  // `metrics` must outlive the recorder.
  explicit CallRecorder(MethodMetrics& metrics);
  ~CallRecorder();
  CallRecorder(const CallRecorder&) = delete;
  CallRecorder& operator=(const CallRecorder&) = delete;

  // Records `status`'s code and returns `status` unchanged, so a handler
  // ends with `return call.Finish(...)`.
  grpc::Status Finish(grpc::Status status);

 private:
  MethodMetrics& metrics_;
  grpc::StatusCode code_ = grpc::StatusCode::UNKNOWN;
  std::chrono::steady_clock::time_point start_;
};

// "OK", "NOT_FOUND", ... (the canonical upper-case names).
std::string_view GrpcCodeName(grpc::StatusCode code);

// strata_server_mounts: the number of mounts, root included.
metrics::Gauge& MountsGauge();

}  // namespace strata::server
