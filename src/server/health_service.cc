// HealthService: Check (version, uptime, metadata store) and Ping (nothing,
// to measure the transport's own cost).

#include <chrono>

#include "server/call_metrics.h"
#include "server/services.h"
#include "strata/v1/health.grpc.pb.h"

#ifndef STRATA_VERSION
#define STRATA_VERSION "unknown"
#endif

namespace strata::server {
namespace {

class HealthServiceImpl final : public v1::HealthService::Service {
 public:
  explicit HealthServiceImpl(const ServiceContext* context)
      : context_(*context) {}

  grpc::Status Check(grpc::ServerContext*, const v1::HealthCheckRequest*,
                     v1::HealthCheckResponse* response) override {
    CallRecorder call(check_metrics_);
    auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - context_.started);
    response->set_status(v1::HealthCheckResponse::SERVING);
    response->set_version(STRATA_VERSION);
    response->set_uptime_seconds(static_cast<uint64_t>(uptime.count()));
    response->set_metadata_store(context_.metadata_store);
    return call.Finish(grpc::Status::OK);
  }

  grpc::Status Ping(grpc::ServerContext*, const v1::PingRequest*,
                    v1::PingResponse*) override {
    CallRecorder call(ping_metrics_);
    return call.Finish(grpc::Status::OK);
  }

 private:
  const ServiceContext& context_;
  MethodMetrics check_metrics_{"HealthService", "Check"};
  MethodMetrics ping_metrics_{"HealthService", "Ping"};
};

}  // namespace

std::unique_ptr<grpc::Service> NewHealthService(const ServiceContext* context) {
  return std::make_unique<HealthServiceImpl>(context);
}

}  // namespace strata::server
