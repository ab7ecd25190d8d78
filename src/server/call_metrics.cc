// CallRecorder and the server's metric families.

#include "server/call_metrics.h"

#include <string>

namespace strata::server {
namespace {

constexpr std::string_view kCodeNames[] = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};

}  // namespace

std::string_view GrpcCodeName(grpc::StatusCode code) {
  auto index = static_cast<size_t>(code);
  if (index >= std::size(kCodeNames)) return "UNKNOWN";
  return kCodeNames[index];
}

CallRecorder::CallRecorder(std::string_view service, std::string_view method)
    : service_(service),
      method_(method),
      start_(std::chrono::steady_clock::now()) {}

grpc::Status CallRecorder::Finish(grpc::Status status) {
  code_ = status.error_code();
  return status;
}

CallRecorder::~CallRecorder() {
  std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start_;
  metrics::Registry& registry = metrics::DefaultRegistry();
  registry
      .GetCounter("strata_server_requests_total",
                  "gRPC requests served, by service, method and status code",
                  {{"service", std::string(service_)},
                   {"method", std::string(method_)},
                   {"code", std::string(GrpcCodeName(code_))}})
      .Increment();
  registry
      .GetHistogram("strata_server_request_seconds",
                    "gRPC request latency in seconds, by method",
                    metrics::LatencyBuckets(),
                    {{"method", std::string(method_)}})
      .Observe(elapsed.count());
}

metrics::Gauge& MountsGauge() {
  return metrics::DefaultRegistry().GetGauge(
      "strata_server_mounts", "Mounts in the namespace, root included");
}

}  // namespace strata::server
