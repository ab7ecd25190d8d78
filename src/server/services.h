// The gRPC services of `strata server` (proto/strata/v1/): factories for the
// sync-API implementations of MountService, FileService and HealthService,
// and the helpers they share.
//
// Handlers run on gRPC's threads, never on the runtime's reactors, so each
// calls the Namespace through Runtime::BlockOn, except that Stat first tries
// Namespace::TryStatNow (a fresh cache hit answered on the gRPC thread,
// without the hand-off). Every handler validates its
// input (paths are normalised; a relative path is INVALID_ARGUMENT), maps
// errors with ToGrpcStatus and records CallRecorder metrics.
//
// Thread-safety: the services are stateless apart from the ServiceContext,
// which must outlive them; handlers run concurrently.
#pragma once
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/service_type.h>

#include <chrono>
#include <memory>
#include <string>

#include "strata/core/result.h"
#include "strata/fs/types.h"
#include "strata/runtime/runtime.h"
#include "strata/v1/common.pb.h"
#include "strata/v1/file.pb.h"
#include "strata/vfs/namespace.h"

namespace strata::server {

// What every service needs; owned by the Server.
struct ServiceContext {
  ServiceContext() {}  // non-aggregate (see fs/types.h)
  runtime::Runtime* runtime = nullptr;
  vfs::Namespace* ns = nullptr;
  std::string metadata_store;  // "memory" or "rocksdb"
  std::chrono::milliseconds default_sync_interval{std::chrono::seconds(60)};
  std::chrono::steady_clock::time_point started;
};

std::unique_ptr<grpc::Service> NewMountService(const ServiceContext* context);
std::unique_ptr<grpc::Service> NewFileService(const ServiceContext* context);
std::unique_ptr<grpc::Service> NewHealthService(const ServiceContext* context);

// The normalised form of request field `field`; kInvalidArgument names the
// field and the path when it is empty, relative or otherwise invalid.
Result<std::string> ValidatePath(std::string_view field,
                                 const std::string& path);

// Fills `out` from a namespace FileInfo; is_mount_point from `ns`'s table.
void ToProto(const fs::FileInfo& info, bool is_mount_point, v1::FileInfo* out);

// Read and Write, implemented in file_service_io.cc.
grpc::Status ServeRead(const ServiceContext& context,
                       grpc::ServerContext* server_context,
                       const v1::ReadRequest& request,
                       grpc::ServerWriter<v1::ReadResponse>* writer);
grpc::Status ServeWrite(const ServiceContext& context,
                        grpc::ServerContext* server_context,
                        grpc::ServerReader<v1::WriteRequest>* reader,
                        v1::WriteResponse* response);

}  // namespace strata::server
