// ToGrpcStatus / FromGrpcStatus: the codes share numbers by design (both
// follow google.rpc.Code), so the mapping is a checked cast.

#include "server/status_mapping.h"

#include <string>

namespace strata::server {
namespace {

constexpr int kLastCode = 16;  // UNAUTHENTICATED

}  // namespace

grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  int code = static_cast<int>(status.code());
  if (code <= 0 || code > kLastCode) code = grpc::StatusCode::UNKNOWN;
  return grpc::Status(static_cast<grpc::StatusCode>(code),
                      std::string(status.message()));
}

Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return Status::OK();
  StatusCode code;
  switch (status.error_code()) {
    case grpc::StatusCode::UNKNOWN:
      code = StatusCode::kInternal;
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
      code = StatusCode::kPermissionDenied;
      break;
    default:
      code = static_cast<StatusCode>(status.error_code());
  }
  return Status(code, status.error_message(), 0,
                code == StatusCode::kUnavailable);
}

}  // namespace strata::server
