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
static_assert(std::size(kCodeNames) == 17);

}  // namespace

std::string_view GrpcCodeName(grpc::StatusCode code) {
  auto index = static_cast<size_t>(code);
  if (index >= std::size(kCodeNames)) return "UNKNOWN";
  return kCodeNames[index];
}

MethodMetrics::MethodMetrics(std::string_view service, std::string_view method)
    : service_(service), method_(method) {}

metrics::Counter& MethodMetrics::CounterFor(grpc::StatusCode code) {
  auto index = static_cast<size_t>(code);
  if (index >= kCodes) index = static_cast<size_t>(grpc::StatusCode::UNKNOWN);
  metrics::Counter* counter = by_code_[index].load(std::memory_order_acquire);
  if (counter != nullptr) return *counter;
  counter = &metrics::DefaultRegistry().GetCounter(
      "strata_server_requests_total",
      "gRPC requests served, by service, method and status code",
      {{"service", service_},
       {"method", method_},
       {"code", std::string(kCodeNames[index])}});
  by_code_[index].store(counter, std::memory_order_release);
  return *counter;
}

metrics::Histogram& MethodMetrics::Latency() {
  metrics::Histogram* histogram = latency_.load(std::memory_order_acquire);
  if (histogram != nullptr) return *histogram;
  histogram = &metrics::DefaultRegistry().GetHistogram(
      "strata_server_request_seconds",
      "gRPC request latency in seconds, by method", metrics::LatencyBuckets(),
      {{"method", method_}});
  latency_.store(histogram, std::memory_order_release);
  return *histogram;
}

void MethodMetrics::Record(grpc::StatusCode code, double seconds) {
  CounterFor(code).Increment();
  Latency().Observe(seconds);
}

CallRecorder::CallRecorder(MethodMetrics& metrics)
    : metrics_(metrics), start_(std::chrono::steady_clock::now()) {}

grpc::Status CallRecorder::Finish(grpc::Status status) {
  code_ = status.error_code();
  return status;
}

CallRecorder::~CallRecorder() {
  std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start_;
  metrics_.Record(code_, elapsed.count());
}

metrics::Gauge& MountsGauge() {
  return metrics::DefaultRegistry().GetGauge(
      "strata_server_mounts", "Mounts in the namespace, root included");
}

}  // namespace strata::server
