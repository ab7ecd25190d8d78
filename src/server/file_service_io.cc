// FileService.Read (server-streaming, ranged) and FileService.Write
// (client-streaming). Each chunk is one BlockOn on the runtime, so the gRPC
// thread never blocks a reactor while it waits on the network.

#include <algorithm>
#include <string>

#include "core/logging.h"
#include "server/services.h"
#include "server/status_mapping.h"
#include "strata/fs/file.h"
#include "strata/v1/file.grpc.pb.h"

namespace strata::server {
namespace {

constexpr uint64_t kChunkBytes = 1 << 20;

using FilePtr = std::unique_ptr<fs::File>;

Task<Result<FilePtr>> DoOpen(vfs::Namespace* ns, std::string path,
                             fs::OpenOptions options) {
  co_return co_await ns->Open(std::move(path), std::move(options));
}

Task<Result<uint64_t>> DoSize(fs::File* file) {
  co_return co_await file->Size();
}

Task<Result<size_t>> DoReadAt(fs::File* file, fs::MutableBytes dst,
                              uint64_t offset) {
  co_return co_await file->ReadAt(dst, offset);
}

Task<Status> DoWrite(fs::File* file, fs::ConstBytes src) {
  co_return co_await file->Write(src);
}

Task<Status> DoClose(fs::File* file) { co_return co_await file->Close(); }

Task<Status> DoAbort(fs::File* file) { co_return co_await file->Abort(); }

Task<Status> DoMkdir(vfs::Namespace* ns, std::string path) {
  co_return co_await ns->CreateDir(std::move(path), true);
}

Task<Result<fs::FileInfo>> DoStat(vfs::Namespace* ns, std::string path) {
  co_return co_await ns->Stat(std::move(path));
}

// Streams [offset, end) of an open file in chunks of kChunkBytes; the first
// message carries the file size (and is sent even for an empty range).
Status StreamRange(const ServiceContext& context,
                   grpc::ServerContext* server_context, fs::File* file,
                   const std::string& path, uint64_t offset, uint64_t end,
                   uint64_t size,
                   grpc::ServerWriter<v1::ReadResponse>* writer) {
  std::string buffer;
  bool first = true;
  for (uint64_t pos = offset; first || pos < end;) {
    if (server_context->IsCancelled()) {
      return CancelledError("read " + path + ": cancelled by the client");
    }
    size_t want = static_cast<size_t>(std::min(kChunkBytes, end - pos));
    buffer.resize(want);
    size_t got = 0;
    if (want > 0) {
      fs::MutableBytes dst(reinterpret_cast<std::byte*>(buffer.data()), want);
      STRATA_ASSIGN_OR_RETURN(
          got, context.runtime->BlockOn(DoReadAt(file, dst, pos)));
    }
    buffer.resize(got);
    v1::ReadResponse response;
    if (first) response.set_file_size(size);
    response.set_data(std::move(buffer));
    first = false;
    if (!writer->Write(response)) {
      return CancelledError("read " + path + ": the client went away");
    }
    if (got == 0) break;  // the file shrank under us
    pos += got;
  }
  return Status::OK();
}

Status ReadImpl(const ServiceContext& context,
                grpc::ServerContext* server_context,
                const v1::ReadRequest& request,
                grpc::ServerWriter<v1::ReadResponse>* writer) {
  STRATA_ASSIGN_OR_RETURN(std::string path,
                          ValidatePath("path", request.path()));
  STRATA_ASSIGN_OR_RETURN(
      FilePtr file, context.runtime->BlockOn(
                        DoOpen(context.ns, path, fs::OpenOptions::ReadOnly())));
  Result<uint64_t> size = context.runtime->BlockOn(DoSize(file.get()));
  Status status = size.status();
  if (status.ok() && request.offset() > *size) {
    status = OutOfRangeError(
        "read " + path + ": offset " + std::to_string(request.offset()) +
        " is past the end of the file (size " + std::to_string(*size) + ")");
  }
  if (status.ok()) {
    uint64_t available = *size - request.offset();
    uint64_t length = request.length() == 0
                          ? available
                          : std::min<uint64_t>(request.length(), available);
    status =
        StreamRange(context, server_context, file.get(), path, request.offset(),
                    request.offset() + length, *size, writer);
  }
  context.runtime->BlockOn(DoClose(file.get())).IgnoreError();  // read-only
  return status;
}

fs::OpenOptions OpenOptionsFor(v1::WriteHeader::Mode mode) {
  switch (mode) {
    case v1::WriteHeader::CREATE_NEW:
      return fs::OpenOptions::CreateNew();
    case v1::WriteHeader::APPEND:
      return fs::OpenOptions::Append();
    default:
      return fs::OpenOptions::Overwrite();
  }
}

// Opens the file the header names, creating parents first if asked.
Result<FilePtr> OpenForWrite(const ServiceContext& context,
                             const v1::WriteHeader& header,
                             const std::string& path) {
  if (header.parents()) {
    std::string parent = path.substr(0, path.rfind('/'));
    if (!parent.empty()) {
      STRATA_RETURN_IF_ERROR(
          context.runtime->BlockOn(DoMkdir(context.ns, parent)));
    }
  }
  return context.runtime->BlockOn(
      DoOpen(context.ns, path, OpenOptionsFor(header.mode())));
}

// Writes every data message; stops at the first error, a second header or
// a cancellation. `*bytes` counts what was written.
Status CopyStream(const ServiceContext& context,
                  grpc::ServerContext* server_context,
                  grpc::ServerReader<v1::WriteRequest>* reader, fs::File* file,
                  const std::string& path, uint64_t* bytes) {
  v1::WriteRequest request;
  while (reader->Read(&request)) {
    if (request.has_header()) {
      return InvalidArgumentError("write " + path +
                                  ": a header after the first message");
    }
    const std::string& data = request.data();
    fs::ConstBytes src(reinterpret_cast<const std::byte*>(data.data()),
                       data.size());
    if (!data.empty()) {
      STRATA_RETURN_IF_ERROR(context.runtime->BlockOn(DoWrite(file, src)));
    }
    *bytes += data.size();
  }
  if (server_context->IsCancelled()) {
    return CancelledError("write " + path +
                          ": cancelled by the client; nothing written");
  }
  return Status::OK();
}

// DATA_LOSS unless the header's expected_size (when set) matches `bytes`.
Status CheckExpectedSize(const v1::WriteHeader& header, const std::string& path,
                         uint64_t bytes) {
  if (!header.has_expected_size() || header.expected_size() == bytes) {
    return Status::OK();
  }
  return DataLossError("write " + path + ": expected " +
                       std::to_string(header.expected_size()) +
                       " bytes but the stream ended after " +
                       std::to_string(bytes) + "; nothing written");
}

// Fills the response after a successful Close. A failing Stat does not fail
// the write (the data is committed): the info then carries what is known.
void FillWriteResponse(const ServiceContext& context, const std::string& path,
                       uint64_t bytes, v1::WriteResponse* response) {
  response->set_bytes_written(bytes);
  Result<fs::FileInfo> info =
      context.runtime->BlockOn(DoStat(context.ns, path));
  if (info.ok()) {
    ToProto(*info, false, response->mutable_info());
    return;
  }
  Logger().warn("write {}: committed, but stat failed: {}", path,
                info.status().ToString());
  response->mutable_info()->set_path(path);
  response->mutable_info()->set_size(bytes);
}

Status WriteImpl(const ServiceContext& context,
                 grpc::ServerContext* server_context,
                 grpc::ServerReader<v1::WriteRequest>* reader,
                 v1::WriteResponse* response) {
  v1::WriteRequest first;
  if (!reader->Read(&first)) {
    return InvalidArgumentError("write: the stream ended before its header");
  }
  if (!first.has_header()) {
    return InvalidArgumentError(
        "write: the first message must be a header naming the path");
  }
  const v1::WriteHeader& header = first.header();
  STRATA_ASSIGN_OR_RETURN(std::string path,
                          ValidatePath("path", header.path()));
  STRATA_ASSIGN_OR_RETURN(FilePtr file, OpenForWrite(context, header, path));
  uint64_t bytes = 0;
  Status status =
      CopyStream(context, server_context, reader, file.get(), path, &bytes);
  if (status.ok()) status = CheckExpectedSize(header, path, bytes);
  if (!status.ok()) {
    context.runtime->BlockOn(DoAbort(file.get())).IgnoreError();
    return status;
  }
  STRATA_RETURN_IF_ERROR(context.runtime->BlockOn(DoClose(file.get())));
  FillWriteResponse(context, path, bytes, response);
  return Status::OK();
}

}  // namespace

grpc::Status ServeRead(const ServiceContext& context,
                       grpc::ServerContext* server_context,
                       const v1::ReadRequest& request,
                       grpc::ServerWriter<v1::ReadResponse>* writer) {
  return ToGrpcStatus(ReadImpl(context, server_context, request, writer));
}

grpc::Status ServeWrite(const ServiceContext& context,
                        grpc::ServerContext* server_context,
                        grpc::ServerReader<v1::WriteRequest>* reader,
                        v1::WriteResponse* response) {
  return ToGrpcStatus(WriteImpl(context, server_context, reader, response));
}

}  // namespace strata::server
