// Server-side RPC metrics: strata_server_requests_total{service,method,code}
// and strata_server_request_seconds{method}, recorded by a CallRecorder that
// each handler creates on entry, plus the strata_server_mounts gauge.
//
// Thread-safety: a CallRecorder belongs to one call (one thread); the
// metrics it updates are in metrics::DefaultRegistry() and thread-safe.
#pragma once
#include <grpcpp/support/status.h>

#include <chrono>
#include <string_view>

#include "strata/core/metrics.h"

namespace strata::server {

// Times one RPC from construction to destruction and counts it under the
// code given to Finish (UNKNOWN if Finish was never called).
class CallRecorder {
 public:
  CallRecorder(std::string_view service, std::string_view method);
  ~CallRecorder();
  CallRecorder(const CallRecorder&) = delete;
  CallRecorder& operator=(const CallRecorder&) = delete;

  // Records `status`'s code and returns `status` unchanged, so a handler
  // ends with `return call.Finish(...)`.
  grpc::Status Finish(grpc::Status status);

 private:
  std::string_view service_;
  std::string_view method_;
  grpc::StatusCode code_ = grpc::StatusCode::UNKNOWN;
  std::chrono::steady_clock::time_point start_;
};

// "OK", "NOT_FOUND", ... (the canonical upper-case names).
std::string_view GrpcCodeName(grpc::StatusCode code);

// strata_server_mounts: the number of mounts, root included.
metrics::Gauge& MountsGauge();

}  // namespace strata::server
