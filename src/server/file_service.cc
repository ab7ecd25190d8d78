// FileService: the metadata RPCs (Stat, List, Mkdir, Delete, Rename, Copy,
// Sync) over the Namespace; Read and Write live in file_service_io.cc.

#include <algorithm>
#include <string>
#include <utility>

#include "server/call_metrics.h"
#include "server/services.h"
#include "server/status_mapping.h"
#include "strata/v1/file.grpc.pb.h"
#include "strata/vfs/copy_tree.h"
#include "strata/vfs/path.h"

namespace strata::server {
namespace {

constexpr std::string_view kService = "FileService";
constexpr uint32_t kDefaultPageSize = 1000;
constexpr uint32_t kMaxPageSize = 10000;

Task<Result<fs::FileInfo>> DoStat(vfs::Namespace* ns, std::string path) {
  co_return co_await ns->Stat(std::move(path));
}

Task<Status> DoMkdir(vfs::Namespace* ns, std::string path, bool parents) {
  co_return co_await ns->CreateDir(std::move(path), parents);
}

Task<Status> DoDelete(vfs::Namespace* ns, std::string path, bool recursive) {
  STRATA_CO_ASSIGN_OR_RETURN(fs::FileInfo info, co_await ns->Stat(path));
  if (!info.is_dir) co_return co_await ns->Remove(std::move(path));
  co_return co_await ns->RemoveDir(std::move(path), recursive);
}

Task<Result<vfs::MoveResult>> DoMove(vfs::Namespace* ns, std::string from,
                                     std::string to) {
  co_return co_await ns->Move(std::move(from), std::move(to));
}

Task<Result<vfs::SyncResult>> DoSync(vfs::Namespace* ns, std::string path) {
  co_return co_await ns->Sync(std::move(path));
}

Task<std::optional<Result<fs::ListPage>>> NextPage(fs::ListStream* stream) {
  co_return co_await stream->Next();
}

// Copies a file, or a directory tree when `recursive`.
Task<Status> DoCopy(vfs::Namespace* ns, std::string from, std::string to,
                    bool recursive, v1::CopyResponse* out) {
  STRATA_CO_ASSIGN_OR_RETURN(fs::FileInfo info, co_await ns->Stat(from));
  if (info.is_dir && !recursive) {
    co_return InvalidArgumentError("copy " + from +
                                   ": is a directory (use recursive)");
  }
  STRATA_CO_ASSIGN_OR_RETURN(
      vfs::CopyStats stats,
      co_await vfs::CopyTree(*ns, std::move(from), std::move(to)));
  out->set_files(stats.files);
  out->set_bytes(stats.bytes);
  co_return Status::OK();
}

class FileServiceImpl final : public v1::FileService::Service {
 public:
  explicit FileServiceImpl(const ServiceContext* context)
      : context_(*context) {}

  grpc::Status Stat(grpc::ServerContext*, const v1::StatRequest* request,
                    v1::StatResponse* response) override {
    CallRecorder call(stat_metrics_);
    return call.Finish(ToGrpcStatus(StatImpl(*request, response)));
  }

  grpc::Status List(grpc::ServerContext* server_context,
                    const v1::ListRequest* request,
                    grpc::ServerWriter<v1::ListResponse>* writer) override {
    CallRecorder call(list_metrics_);
    return call.Finish(
        ToGrpcStatus(ListImpl(server_context, *request, writer)));
  }

  grpc::Status Mkdir(grpc::ServerContext*, const v1::MkdirRequest* request,
                     v1::MkdirResponse*) override {
    CallRecorder call(mkdir_metrics_);
    return call.Finish(ToGrpcStatus(MkdirImpl(*request)));
  }

  grpc::Status Delete(grpc::ServerContext*, const v1::DeleteRequest* request,
                      v1::DeleteResponse*) override {
    CallRecorder call(delete_metrics_);
    return call.Finish(ToGrpcStatus(DeleteImpl(*request)));
  }

  grpc::Status Rename(grpc::ServerContext*, const v1::RenameRequest* request,
                      v1::RenameResponse* response) override {
    CallRecorder call(rename_metrics_);
    return call.Finish(ToGrpcStatus(RenameImpl(*request, response)));
  }

  grpc::Status Copy(grpc::ServerContext*, const v1::CopyRequest* request,
                    v1::CopyResponse* response) override {
    CallRecorder call(copy_metrics_);
    return call.Finish(ToGrpcStatus(CopyImpl(*request, response)));
  }

  grpc::Status Sync(grpc::ServerContext*, const v1::SyncRequest* request,
                    v1::SyncResponse* response) override {
    CallRecorder call(sync_metrics_);
    return call.Finish(ToGrpcStatus(SyncImpl(*request, response)));
  }

  grpc::Status Read(grpc::ServerContext* server_context,
                    const v1::ReadRequest* request,
                    grpc::ServerWriter<v1::ReadResponse>* writer) override {
    CallRecorder call(read_metrics_);
    return call.Finish(ServeRead(context_, server_context, *request, writer));
  }

  grpc::Status Write(grpc::ServerContext* server_context,
                     grpc::ServerReader<v1::WriteRequest>* reader,
                     v1::WriteResponse* response) override {
    CallRecorder call(write_metrics_);
    return call.Finish(ServeWrite(context_, server_context, reader, response));
  }

 private:
  template <typename T>
  T Block(Task<T> task) {
    return context_.runtime->BlockOn(std::move(task));
  }

  Status StatImpl(const v1::StatRequest& request, v1::StatResponse* response) {
    STRATA_ASSIGN_OR_RETURN(std::string path,
                            ValidatePath("path", request.path()));
    // A cache hit is answered on this gRPC thread; only a miss pays the
    // hand-off to a reactor.
    std::optional<Result<fs::FileInfo>> now = context_.ns->TryStatNow(path);
    STRATA_ASSIGN_OR_RETURN(
        fs::FileInfo info,
        now.has_value() ? std::move(*now) : Block(DoStat(context_.ns, path)));
    ToProto(info, context_.ns->IsMountPoint(path), response->mutable_info());
    return Status::OK();
  }

  Status ListImpl(grpc::ServerContext* server_context,
                  const v1::ListRequest& request,
                  grpc::ServerWriter<v1::ListResponse>* writer);

  Status MkdirImpl(const v1::MkdirRequest& request) {
    STRATA_ASSIGN_OR_RETURN(std::string path,
                            ValidatePath("path", request.path()));
    return Block(DoMkdir(context_.ns, std::move(path), request.parents()));
  }

  Status DeleteImpl(const v1::DeleteRequest& request) {
    STRATA_ASSIGN_OR_RETURN(std::string path,
                            ValidatePath("path", request.path()));
    return Block(DoDelete(context_.ns, std::move(path), request.recursive()));
  }

  Status RenameImpl(const v1::RenameRequest& request,
                    v1::RenameResponse* response) {
    STRATA_ASSIGN_OR_RETURN(std::string src,
                            ValidatePath("src", request.src()));
    STRATA_ASSIGN_OR_RETURN(std::string dst,
                            ValidatePath("dst", request.dst()));
    STRATA_ASSIGN_OR_RETURN(vfs::MoveResult moved,
                            Block(DoMove(context_.ns, src, dst)));
    response->set_atomic(moved.atomic);
    return Status::OK();
  }

  Status CopyImpl(const v1::CopyRequest& request, v1::CopyResponse* response) {
    STRATA_ASSIGN_OR_RETURN(std::string src,
                            ValidatePath("src", request.src()));
    STRATA_ASSIGN_OR_RETURN(std::string dst,
                            ValidatePath("dst", request.dst()));
    return Block(DoCopy(context_.ns, src, dst, request.recursive(), response));
  }

  Status SyncImpl(const v1::SyncRequest& request, v1::SyncResponse* response) {
    STRATA_ASSIGN_OR_RETURN(std::string path,
                            ValidatePath("path", request.path()));
    STRATA_ASSIGN_OR_RETURN(vfs::SyncResult synced,
                            Block(DoSync(context_.ns, std::move(path))));
    response->set_added(synced.added);
    response->set_removed(synced.removed);
    response->set_updated(synced.updated);
    response->set_directories(synced.directories);
    return Status::OK();
  }

  const ServiceContext& context_;
  MethodMetrics stat_metrics_{kService, "Stat"};
  MethodMetrics list_metrics_{kService, "List"};
  MethodMetrics mkdir_metrics_{kService, "Mkdir"};
  MethodMetrics delete_metrics_{kService, "Delete"};
  MethodMetrics rename_metrics_{kService, "Rename"};
  MethodMetrics copy_metrics_{kService, "Copy"};
  MethodMetrics sync_metrics_{kService, "Sync"};
  MethodMetrics read_metrics_{kService, "Read"};
  MethodMetrics write_metrics_{kService, "Write"};
};

Status FileServiceImpl::ListImpl(grpc::ServerContext* server_context,
                                 const v1::ListRequest& request,
                                 grpc::ServerWriter<v1::ListResponse>* writer) {
  STRATA_ASSIGN_OR_RETURN(std::string path,
                          ValidatePath("path", request.path()));
  fs::ListOptions options;
  options.recursive = request.recursive();
  options.prefix = request.prefix();
  options.start_after = request.start_after();
  options.page_size = request.page_size() == 0
                          ? kDefaultPageSize
                          : std::min(request.page_size(), kMaxPageSize);
  std::vector<vfs::MountPoint> mounts = context_.ns->ListMounts();
  fs::ListStream stream = context_.ns->List(path, options);
  while (std::optional<Result<fs::ListPage>> page = Block(NextPage(&stream))) {
    STRATA_RETURN_IF_ERROR(page->status());
    if (server_context->IsCancelled()) {
      return CancelledError("list " + path + ": cancelled by the client");
    }
    v1::ListResponse response;
    for (const fs::FileInfo& entry : **page) {
      bool is_mount = false;
      for (const vfs::MountPoint& mount : mounts) {
        is_mount = is_mount || mount.path == entry.path;
      }
      ToProto(entry, is_mount, response.add_entries());
    }
    if (!writer->Write(response)) {
      if (server_context->IsCancelled()) {
        return CancelledError("list " + path + ": the client went away");
      }
      return ResourceExhaustedError(
          "list " + path + ": response too large (" +
          std::to_string(response.ByteSizeLong()) +
          " bytes in one page); use a smaller page_size");
    }
  }
  return Status::OK();
}

}  // namespace

Result<std::string> ValidatePath(std::string_view field,
                                 const std::string& path) {
  if (path.empty()) {
    return InvalidArgumentError("the request's " + std::string(field) +
                                " is empty");
  }
  return vfs::NormalizeVirtualPath(path);
}

void ToProto(const fs::FileInfo& info, bool is_mount_point, v1::FileInfo* out) {
  out->set_path(info.path);
  out->set_size(info.is_dir ? 0 : info.size);
  out->set_mtime_unix_nanos(
      std::chrono::duration_cast<std::chrono::nanoseconds>(
          info.mtime.time_since_epoch())
          .count());
  out->set_is_dir(info.is_dir);
  out->set_etag(info.etag);
  out->set_is_mount_point(is_mount_point);
}

std::unique_ptr<grpc::Service> NewFileService(const ServiceContext* context) {
  return std::make_unique<FileServiceImpl>(context);
}

}  // namespace strata::server
