// MountService: Mount, Unmount and ListMounts over the namespace's mount
// table. Options are parsed by vfs::MountOptions::Parse; replies carry the
// redacted options only.

#include <algorithm>
#include <map>
#include <string>

#include "server/call_metrics.h"
#include "server/services.h"
#include "server/status_mapping.h"
#include "strata/v1/mount.grpc.pb.h"

namespace strata::server {
namespace {

constexpr std::string_view kService = "MountService";

void ToProto(const vfs::MountPoint& mount,
             std::chrono::milliseconds default_sync_interval,
             v1::MountInfo* out) {
  out->set_path(mount.path);
  out->set_type(mount.type());
  out->set_uri(mount.uri);
  for (const auto& [key, value] : mount.options.Redacted()) {
    (*out->mutable_options())[key] = value;
  }
  out->set_readonly(mount.options.readonly);
  out->set_shared(mount.options.shared);
  std::chrono::milliseconds interval =
      mount.options.sync_interval.value_or(default_sync_interval);
  out->set_sync_interval_ms(interval < std::chrono::milliseconds(0)
                                ? -1
                                : static_cast<int64_t>(interval.count()));
  out->set_id(mount.id);
}

Result<vfs::MountOptions> ParseOptions(const v1::MountRequest& request) {
  std::map<std::string, std::string> pairs(request.options().begin(),
                                           request.options().end());
  if (request.readonly()) pairs["readonly"] = "true";
  Result<vfs::MountOptions> options = vfs::MountOptions::Parse(pairs);
  if (!options.ok()) {
    return options.status().WithContext("mount " + request.path());
  }
  return options;
}

Task<Result<vfs::MountPoint>> DoMount(vfs::Namespace* ns, std::string path,
                                      std::string uri,
                                      vfs::MountOptions options) {
  co_return co_await ns->Mount(std::move(path), std::move(uri),
                               std::move(options));
}

Task<Status> DoUnmount(vfs::Namespace* ns, std::string path) {
  co_return co_await ns->Unmount(std::move(path));
}

class MountServiceImpl final : public v1::MountService::Service {
 public:
  explicit MountServiceImpl(const ServiceContext* context)
      : context_(*context) {}

  grpc::Status Mount(grpc::ServerContext*, const v1::MountRequest* request,
                     v1::MountResponse* response) override {
    CallRecorder call(mount_metrics_);
    return call.Finish(ToGrpcStatus(MountImpl(*request, response)));
  }

  grpc::Status Unmount(grpc::ServerContext*, const v1::UnmountRequest* request,
                       v1::UnmountResponse*) override {
    CallRecorder call(unmount_metrics_);
    return call.Finish(ToGrpcStatus(UnmountImpl(*request)));
  }

  grpc::Status ListMounts(grpc::ServerContext*, const v1::ListMountsRequest*,
                          v1::ListMountsResponse* response) override {
    CallRecorder call(list_mounts_metrics_);
    std::vector<vfs::MountPoint> mounts = context_.ns->ListMounts();
    std::sort(mounts.begin(), mounts.end(),
              [](const vfs::MountPoint& a, const vfs::MountPoint& b) {
                return a.path < b.path;
              });
    for (const vfs::MountPoint& mount : mounts) {
      ToProto(mount, context_.default_sync_interval, response->add_mounts());
    }
    return call.Finish(grpc::Status::OK);
  }

 private:
  Status MountImpl(const v1::MountRequest& request,
                   v1::MountResponse* response) {
    STRATA_ASSIGN_OR_RETURN(std::string path,
                            ValidatePath("path", request.path()));
    if (request.uri().empty()) {
      return InvalidArgumentError("mount " + path + ": the URI is empty");
    }
    STRATA_ASSIGN_OR_RETURN(vfs::MountOptions options, ParseOptions(request));
    STRATA_ASSIGN_OR_RETURN(
        vfs::MountPoint mount,
        context_.runtime->BlockOn(DoMount(context_.ns, std::move(path),
                                          request.uri(), std::move(options))));
    MountsGauge().Set(static_cast<int64_t>(context_.ns->ListMounts().size()));
    ToProto(mount, context_.default_sync_interval, response->mutable_mount());
    return Status::OK();
  }

  Status UnmountImpl(const v1::UnmountRequest& request) {
    STRATA_ASSIGN_OR_RETURN(std::string path,
                            ValidatePath("path", request.path()));
    STRATA_RETURN_IF_ERROR(
        context_.runtime->BlockOn(DoUnmount(context_.ns, std::move(path))));
    MountsGauge().Set(static_cast<int64_t>(context_.ns->ListMounts().size()));
    return Status::OK();
  }

  const ServiceContext& context_;
  MethodMetrics mount_metrics_{kService, "Mount"};
  MethodMetrics unmount_metrics_{kService, "Unmount"};
  MethodMetrics list_mounts_metrics_{kService, "ListMounts"};
};

}  // namespace

std::unique_ptr<grpc::Service> NewMountService(const ServiceContext* context) {
  return std::make_unique<MountServiceImpl>(context);
}

}  // namespace strata::server
