// Server: opens the metadata store and namespace, then starts the gRPC
// server and the metrics endpoint; Shutdown tears them down in reverse.

#include "server/server.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/resource_quota.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <system_error>

#include "core/logging.h"
#include "server/call_metrics.h"
#include "server/metrics_http.h"
#include "server/services.h"
#include "strata/vfs/meta_store.h"
#include "strata/vfs/namespace.h"

namespace strata::server {
namespace {

constexpr int kMaxMessageBytes = 16 << 20;

Status MakeDir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return ErrnoToStatus(ec.value(), "create directory " + dir.string());
  return Status::OK();
}

Result<std::shared_ptr<vfs::MetaStore>> OpenStore(
    const ServerOptions& options, const std::filesystem::path& data_dir) {
  if (options.metadata == "memory") return vfs::NewMemoryMetaStore();
  if (options.metadata != "rocksdb") {
    return InvalidArgumentError("unknown metadata store \"" + options.metadata +
                                "\" (want rocksdb or memory)");
  }
  std::filesystem::path meta = data_dir / "meta";
  STRATA_RETURN_IF_ERROR(MakeDir(meta));
  vfs::RocksDbMetaStoreOptions store_options;
  store_options.sync_writes = options.sync_metadata;
  return vfs::OpenRocksDbMetaStore(meta.string(), store_options);
}

Task<Result<std::unique_ptr<vfs::Namespace>>> CreateNamespace(
    std::shared_ptr<vfs::MetaStore> store, vfs::NamespaceOptions options) {
  co_return co_await vfs::Namespace::Create(std::move(store),
                                            std::move(options));
}

// "127.0.0.1:0" bound to port 41234 → "127.0.0.1:41234".
std::string WithPort(const std::string& listen, int port) {
  return listen.substr(0, listen.rfind(':')) + ":" + std::to_string(port);
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, runtime::Runtime& runtime)
      : options_(std::move(options)), runtime_(runtime) {}
  ~Impl() { Shutdown(std::chrono::seconds(5)); }

  Status Start();
  void Shutdown(std::chrono::milliseconds grace);
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [this] { return done_; });
  }

  std::string listen_address;
  std::string metrics_address;

 private:
  Status OpenNamespace();
  Status StartGrpc();

  ServerOptions options_;
  runtime::Runtime& runtime_;
  std::filesystem::path data_dir_;
  std::shared_ptr<vfs::MetaStore> store_;
  std::unique_ptr<vfs::Namespace> ns_;
  ServiceContext context_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> grpc_;
  std::unique_ptr<MetricsHttpServer> metrics_;

  std::mutex mu_;
  std::condition_variable done_cv_;
  bool started_ = false;
  bool shutting_down_ = false;  // set by the first Shutdown caller
  bool done_ = false;
};

Status Server::Impl::OpenNamespace() {
  std::error_code ec;
  data_dir_ = std::filesystem::absolute(options_.data_dir, ec);
  if (ec) return ErrnoToStatus(ec.value(), "resolve " + options_.data_dir);
  data_dir_ = data_dir_.lexically_normal();
  STRATA_RETURN_IF_ERROR(MakeDir(data_dir_));
  STRATA_ASSIGN_OR_RETURN(store_, OpenStore(options_, data_dir_));
  vfs::NamespaceOptions ns_options;
  ns_options.default_sync_interval = options_.default_sync_interval;
  ns_options.root_uri = options_.root_uri;
  if (ns_options.root_uri.empty()) {
    std::filesystem::path root = data_dir_ / "root";
    STRATA_RETURN_IF_ERROR(MakeDir(root));
    ns_options.root_uri = "file://" + root.string();
  }
  STRATA_ASSIGN_OR_RETURN(
      ns_, runtime_.BlockOn(CreateNamespace(store_, std::move(ns_options))));
  MountsGauge().Set(static_cast<int64_t>(ns_->ListMounts().size()));
  context_.runtime = &runtime_;
  context_.ns = ns_.get();
  context_.metadata_store = std::string(store_->name());
  context_.default_sync_interval = options_.default_sync_interval;
  context_.started = std::chrono::steady_clock::now();
  return Status::OK();
}

Status Server::Impl::StartGrpc() {
  services_.push_back(NewMountService(&context_));
  services_.push_back(NewFileService(&context_));
  services_.push_back(NewHealthService(&context_));
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options_.listen, grpc::InsecureServerCredentials(),
                           &port);
  // Without this, a second server could bind the same port (SO_REUSEPORT).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  if (options_.max_threads > 0) {
    grpc::ResourceQuota quota("strata-server");
    quota.SetMaxThreads(options_.max_threads);
    builder.SetResourceQuota(quota);
  }
  for (auto& service : services_) builder.RegisterService(service.get());
  grpc_ = builder.BuildAndStart();
  if (grpc_ == nullptr || port == 0) {
    if (grpc_ != nullptr) grpc_->Shutdown();
    grpc_.reset();
    return UnavailableError("cannot listen on " + options_.listen +
                            " (address in use or invalid)");
  }
  listen_address = WithPort(options_.listen, port);
  return Status::OK();
}

Status Server::Impl::Start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    started_ = true;
  }
  STRATA_RETURN_IF_ERROR(OpenNamespace());
  STRATA_RETURN_IF_ERROR(StartGrpc());
  if (!options_.metrics_listen.empty()) {
    STRATA_ASSIGN_OR_RETURN(
        metrics_, MetricsHttpServer::Start(options_.metrics_listen,
                                           metrics::DefaultRegistry()));
    metrics_address = metrics_->address();
  }
  Logger().info("strata server listening on {}; data in {}", listen_address,
                data_dir_.string());
  return Status::OK();
}

void Server::Impl::Shutdown(std::chrono::milliseconds grace) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!started_) return;
    if (shutting_down_) {  // another caller is (or was) shutting down
      done_cv_.wait(lock, [this] { return done_; });
      return;
    }
    shutting_down_ = true;
  }
  if (grpc_ != nullptr) {
    grpc_->Shutdown(std::chrono::system_clock::now() + grace);
    grpc_->Wait();
  }
  if (metrics_ != nullptr) metrics_->Shutdown();
  grpc_.reset();
  services_.clear();
  ns_.reset();
  store_.reset();  // closes RocksDB, releasing its lock
  std::lock_guard<std::mutex> lock(mu_);
  done_ = true;
  done_cv_.notify_all();
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Shutdown(); }

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options,
                                              runtime::Runtime& runtime) {
  auto impl = std::make_unique<Impl>(std::move(options), runtime);
  STRATA_RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

const std::string& Server::listen_address() const {
  return impl_->listen_address;
}

const std::string& Server::metrics_address() const {
  return impl_->metrics_address;
}

void Server::Shutdown(std::chrono::milliseconds grace) {
  impl_->Shutdown(grace);
}

void Server::Wait() { impl_->Wait(); }

}  // namespace strata::server
