// Shared fixture for the server tests: a runtime, a scratch directory, an
// in-process Server (metadata in memory unless a test asks otherwise) and
// client stubs over an insecure channel, plus helpers that drive the
// streaming RPCs to completion.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "server/server.h"
#include "strata/runtime/runtime.h"
#include "strata/v1/file.grpc.pb.h"
#include "strata/v1/health.grpc.pb.h"
#include "strata/v1/mount.grpc.pb.h"

namespace strata::server::testing {

// Deterministic bytes for content checks.
inline std::string Pattern(size_t size, uint32_t seed) {
  std::string out(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < size; ++i) {
    x = x * 1103515245u + 12345u;
    out[i] = static_cast<char>(x >> 24);
  }
  return out;
}

struct ReadResult {
  grpc::Status status;
  std::string data;
  uint64_t file_size = 0;
  int messages = 0;
};

struct ListResult {
  grpc::Status status;
  std::vector<v1::FileInfo> entries;
  int pages = 0;
};

struct WriteResult {
  grpc::Status status;
  v1::WriteResponse response;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/strata_server_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto rt = runtime::Runtime::Create();
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    rt_ = std::move(*rt);
  }

  void TearDown() override {
    StopServer();
    rt_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Options for a server in this test's directory: memory metadata, free
  // ports, root at <dir>/data/root.
  ServerOptions DefaultOptions() const {
    ServerOptions options;
    options.data_dir = dir_ + "/data";
    options.listen = "127.0.0.1:0";
    options.metrics_listen = "127.0.0.1:0";
    options.metadata = "memory";
    return options;
  }

  void StartServer(ServerOptions options) {
    auto server = Server::Start(std::move(options), *rt_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    channel_ = grpc::CreateChannel(server_->listen_address(),
                                   grpc::InsecureChannelCredentials());
    mounts_ = v1::MountService::NewStub(channel_);
    files_ = v1::FileService::NewStub(channel_);
    health_ = v1::HealthService::NewStub(channel_);
  }

  void StartServer() { StartServer(DefaultOptions()); }

  void StopServer() {
    mounts_.reset();
    files_.reset();
    health_.reset();
    channel_.reset();
    if (server_ != nullptr) server_->Shutdown();
    server_.reset();
  }

  grpc::Status Mount(const std::string& path, const std::string& uri,
                     const std::map<std::string, std::string>& options = {},
                     v1::MountInfo* info = nullptr) {
    grpc::ClientContext ctx;
    v1::MountRequest request;
    request.set_path(path);
    request.set_uri(uri);
    for (const auto& [k, v] : options) (*request.mutable_options())[k] = v;
    v1::MountResponse response;
    grpc::Status status = mounts_->Mount(&ctx, request, &response);
    if (info != nullptr) *info = response.mount();
    return status;
  }

  grpc::Status Unmount(const std::string& path) {
    grpc::ClientContext ctx;
    v1::UnmountRequest request;
    request.set_path(path);
    v1::UnmountResponse response;
    return mounts_->Unmount(&ctx, request, &response);
  }

  std::vector<v1::MountInfo> ListMounts() {
    grpc::ClientContext ctx;
    v1::ListMountsResponse response;
    grpc::Status status =
        mounts_->ListMounts(&ctx, v1::ListMountsRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.mounts().begin(), response.mounts().end()};
  }

  grpc::Status Mkdir(const std::string& path, bool parents = false) {
    grpc::ClientContext ctx;
    v1::MkdirRequest request;
    request.set_path(path);
    request.set_parents(parents);
    v1::MkdirResponse response;
    return files_->Mkdir(&ctx, request, &response);
  }

  grpc::Status Stat(const std::string& path, v1::FileInfo* info = nullptr) {
    grpc::ClientContext ctx;
    v1::StatRequest request;
    request.set_path(path);
    v1::StatResponse response;
    grpc::Status status = files_->Stat(&ctx, request, &response);
    if (info != nullptr) *info = response.info();
    return status;
  }

  grpc::Status Delete(const std::string& path, bool recursive = false) {
    grpc::ClientContext ctx;
    v1::DeleteRequest request;
    request.set_path(path);
    request.set_recursive(recursive);
    v1::DeleteResponse response;
    return files_->Delete(&ctx, request, &response);
  }

  grpc::Status Rename(const std::string& src, const std::string& dst,
                      bool* atomic = nullptr) {
    grpc::ClientContext ctx;
    v1::RenameRequest request;
    request.set_src(src);
    request.set_dst(dst);
    v1::RenameResponse response;
    grpc::Status status = files_->Rename(&ctx, request, &response);
    if (atomic != nullptr) *atomic = response.atomic();
    return status;
  }

  grpc::Status Copy(const std::string& src, const std::string& dst,
                    bool recursive = false, v1::CopyResponse* out = nullptr) {
    grpc::ClientContext ctx;
    v1::CopyRequest request;
    request.set_src(src);
    request.set_dst(dst);
    request.set_recursive(recursive);
    v1::CopyResponse response;
    grpc::Status status = files_->Copy(&ctx, request, &response);
    if (out != nullptr) *out = response;
    return status;
  }

  ListResult List(const std::string& path, uint32_t page_size = 0,
                  bool recursive = false) {
    grpc::ClientContext ctx;
    v1::ListRequest request;
    request.set_path(path);
    request.set_page_size(page_size);
    request.set_recursive(recursive);
    ListResult out;
    auto reader = files_->List(&ctx, request);
    v1::ListResponse page;
    while (reader->Read(&page)) {
      ++out.pages;
      for (const auto& e : page.entries()) out.entries.push_back(e);
    }
    out.status = reader->Finish();
    return out;
  }

  ReadResult Read(const std::string& path, uint64_t offset = 0,
                  uint64_t length = 0) {
    grpc::ClientContext ctx;
    v1::ReadRequest request;
    request.set_path(path);
    request.set_offset(offset);
    request.set_length(length);
    ReadResult out;
    auto reader = files_->Read(&ctx, request);
    v1::ReadResponse chunk;
    while (reader->Read(&chunk)) {
      if (out.messages++ == 0) out.file_size = chunk.file_size();
      out.data += chunk.data();
    }
    out.status = reader->Finish();
    return out;
  }

  // Writes `data` in messages of `chunk` bytes after a header.
  WriteResult Write(const std::string& path, const std::string& data,
                    v1::WriteHeader::Mode mode = v1::WriteHeader::OVERWRITE,
                    bool parents = false, size_t chunk = 256 << 10) {
    grpc::ClientContext ctx;
    WriteResult out;
    auto writer = files_->Write(&ctx, &out.response);
    v1::WriteRequest header;
    header.mutable_header()->set_path(path);
    header.mutable_header()->set_mode(mode);
    header.mutable_header()->set_parents(parents);
    bool ok = writer->Write(header);
    for (size_t pos = 0; ok && pos < data.size(); pos += chunk) {
      v1::WriteRequest message;
      message.set_data(data.substr(pos, chunk));
      ok = writer->Write(message);
    }
    writer->WritesDone();
    out.status = writer->Finish();
    return out;
  }

  std::string dir_;
  std::unique_ptr<runtime::Runtime> rt_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::MountService::Stub> mounts_;
  std::unique_ptr<v1::FileService::Stub> files_;
  std::unique_ptr<v1::HealthService::Stub> health_;
};

}  // namespace strata::server::testing
