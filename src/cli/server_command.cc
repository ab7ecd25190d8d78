// `strata server`: serves the unified namespace over gRPC (see
// src/server/server.h). Options come from, in increasing precedence, the
// built-in defaults, a TOML file given with --config, and the flags given
// explicitly on the command line.

#include <algorithm>
#include <memory>
#include <string>
#include <thread>

#include "cli/command.h"
#include "server/server.h"

namespace strata::cli {
namespace {

// Raw flag values; only those the user gave override the config file.
struct ServerFlags {
  std::string config;
  std::string data_dir;
  std::string listen;
  std::string metrics_listen;
  std::string root_uri;
  std::string metadata;
  bool sync_metadata = false;
  std::string sync_interval;
  int threads = 0;
  int reactors = 0;
};

bool Given(const CLI::App& cmd, const char* flag) {
  return cmd.count(flag) > 0;
}

// Defaults, then the config file, then the explicit flags.
Result<server::ServerOptions> BuildOptions(const CLI::App& cmd,
                                           const ServerFlags& flags) {
  server::ServerOptions options;
  if (!flags.config.empty()) {
    STRATA_RETURN_IF_ERROR(server::LoadConfigFile(flags.config, &options));
  }
  if (Given(cmd, "--data-dir")) options.data_dir = flags.data_dir;
  if (Given(cmd, "--listen")) options.listen = flags.listen;
  if (Given(cmd, "--metrics-listen")) {
    options.metrics_listen =
        flags.metrics_listen == "off" ? "" : flags.metrics_listen;
  }
  if (Given(cmd, "--root-uri")) options.root_uri = flags.root_uri;
  if (Given(cmd, "--metadata")) options.metadata = flags.metadata;
  if (Given(cmd, "--sync-metadata")) options.sync_metadata = true;
  if (Given(cmd, "--sync-interval")) {
    STRATA_ASSIGN_OR_RETURN(options.default_sync_interval,
                            server::ParseDuration(flags.sync_interval));
  }
  if (Given(cmd, "--threads")) options.max_threads = flags.threads;
  if (options.metrics_listen == "off") options.metrics_listen.clear();
  return options;
}

// gRPC's threads hand each call to a reactor (Runtime::BlockOn); one reactor
// per CPU keeps namespace work from queueing behind a single thread.
size_t DefaultReactors() {
  unsigned cpus = std::thread::hardware_concurrency();
  return std::clamp<size_t>(cpus == 0 ? 1 : cpus, 1, 8);
}

}  // namespace

void AddServerCommand(CLI::App& app, Invocation* invocation) {
  auto flags = std::make_shared<ServerFlags>();
  CLI::App* cmd =
      app.add_subcommand("server",
                         "Serve the unified namespace over gRPC (MountService, "
                         "FileService, HealthService)");
  cmd->add_option("--config", flags->config,
                  "TOML file with server options (flags override it)");
  cmd->add_option("--data-dir", flags->data_dir,
                  "Metadata and default root directory (default "
                  "./var/strata)");
  cmd->add_option("--listen", flags->listen,
                  "gRPC address (default 127.0.0.1:50051; port 0: any)");
  cmd->add_option("--metrics-listen", flags->metrics_listen,
                  "Prometheus /metrics address (default 127.0.0.1:9464; "
                  "\"off\" or \"\" disables)");
  cmd->add_option("--root-uri", flags->root_uri,
                  "URI mounted at / on first start (default "
                  "file://DATA_DIR/root)");
  cmd->add_option("--metadata", flags->metadata,
                  "Metadata store: rocksdb (default) or memory")
      ->check(CLI::IsMember({"rocksdb", "memory"}));
  cmd->add_flag("--sync-metadata", flags->sync_metadata,
                "fsync the metadata log on every commit");
  cmd->add_option("--sync-interval", flags->sync_interval,
                  "Default metadata refresh interval of mounts (default "
                  "60s; 0 or never)");
  cmd->add_option("--threads", flags->threads,
                  "gRPC threads serving requests (default: gRPC's)")
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--reactors", flags->reactors,
                  "Reactor threads running namespace operations (default: "
                  "one per CPU, at most 8)")
      ->check(CLI::Range(1, 64));
  cmd->callback([cmd, flags, invocation] {
    invocation->runtime_options.reactor_threads =
        flags->reactors > 0 ? static_cast<size_t>(flags->reactors)
                            : DefaultReactors();
    invocation->run = [cmd, flags](runtime::Runtime& rt) -> Status {
      STRATA_ASSIGN_OR_RETURN(server::ServerOptions options,
                              BuildOptions(*cmd, *flags));
      return server::RunUntilSignal(std::move(options), rt);
    };
  });
}

}  // namespace strata::cli
