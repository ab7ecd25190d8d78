// Conversions between strata's Status and grpc::Status.
//
// strata's StatusCode values are the canonical codes, so each maps onto the
// gRPC code of the same name and back; the message is kept unchanged.
// Retryability is not carried over the wire: a client treats UNAVAILABLE as
// retryable, as gRPC does.
//
// Thread-safety: pure functions.
#pragma once
#include <grpcpp/support/status.h>

#include "strata/core/status.h"

namespace strata::server {

// OK → grpc::Status::OK; any other code → the same-named gRPC code with the
// same message.
grpc::Status ToGrpcStatus(const Status& status);

// grpc::Status::OK → Status::OK(); otherwise the same-named strata code
// (kUnavailable is marked retryable).
Status FromGrpcStatus(const grpc::Status& status);

}  // namespace strata::server
