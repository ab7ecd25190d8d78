// strata server: the unified namespace served over gRPC.
//
// A Server owns a Runtime-independent gRPC server (sync API; gRPC's own
// threads call into the namespace through Runtime::BlockOn), the Namespace
// with its MetaStore (RocksDB under <data_dir>/meta, or memory), and a
// Prometheus endpoint (HTTP GET /metrics) on metrics_listen. Services:
// strata.v1.MountService, FileService, HealthService (proto/strata/v1/).
// strata's StatusCode values map one-to-one onto gRPC codes of the same name.
//
// Thread-safety: Start, Shutdown and Wait may be called from any thread
// except the runtime's reactor threads; Shutdown is idempotent and may be
// called concurrently.
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "strata/core/result.h"
#include "strata/runtime/runtime.h"

namespace strata::server {

struct ServerOptions {
  ServerOptions() {}  // non-aggregate (see fs/types.h)
  // Where metadata (meta/) and the default root mount (root/) live.
  std::string data_dir = "./var/strata";
  // gRPC address; port 0 picks a free port (see Server::listen_address).
  std::string listen = "127.0.0.1:50051";
  // Prometheus text endpoint; empty: off; port 0 picks a free port.
  std::string metrics_listen = "127.0.0.1:9464";
  // URI mounted at "/" on first start; empty: file://<data_dir>/root
  // (created if missing).
  std::string root_uri;
  // "rocksdb" (persistent, under <data_dir>/meta) or "memory".
  std::string metadata = "rocksdb";
  // fsync the metadata WAL on every commit.
  bool sync_metadata = false;
  // For mounts without their own sync_interval.
  std::chrono::milliseconds default_sync_interval{std::chrono::seconds(60)};
  // gRPC threads serving requests; 0: the gRPC default.
  int max_threads = 0;
};

// Reads a TOML file into `options` (only keys present override):
//   data_dir, listen, metrics_listen, root_uri, metadata = "rocksdb",
//   sync_metadata = false, sync_interval = "60s", max_threads = 0.
// kInvalidArgument names the file, line and key for unknown keys or bad
// values; kNotFound for a missing file.
Status LoadConfigFile(const std::string& path, ServerOptions* options);

// Parses a duration: "0", "never" (returns -1 ms), or a non-negative number
// with a unit ms, s, m or h ("250ms", "60s", "5m"). kInvalidArgument names
// the text otherwise.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

class Server {
 public:
  // Opens the metadata store and namespace, binds both listeners and starts
  // serving. kUnavailable names the address when a port is taken or the
  // metadata store is locked by another process.
  static Result<std::unique_ptr<Server>> Start(ServerOptions options,
                                               runtime::Runtime& runtime);
  ~Server();  // Shutdown()

  // Bound addresses ("127.0.0.1:50051"); metrics is empty when off.
  const std::string& listen_address() const;
  const std::string& metrics_address() const;

  // Stops accepting new calls and lets in-flight ones finish for up to
  // `grace`; then cancels the rest and waits for their handlers to return,
  // and closes the metadata store. Cancellation is cooperative: streaming
  // calls stop at their next message, but long-running handlers (recursive
  // Copy, Sync, recursive Delete) finish the backend operation in progress
  // first, so Shutdown can take longer than `grace`. Concurrent callers all
  // return once the shutdown has completed.
  void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(5));
  // Blocks until Shutdown has completed (called from another thread).
  void Wait();

 private:
  class Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// `strata server`: starts a Server, prints one line to stdout
//   strata server listening on ADDR; metrics on http://MADDR/metrics; data in
//   DIR
// ("; metrics off;" in the middle when disabled) and flushes it, then serves
// until SIGINT or SIGTERM and shuts down cleanly. Returns the startup error, if
// any.
Status RunUntilSignal(ServerOptions options, runtime::Runtime& runtime);

}  // namespace strata::server
