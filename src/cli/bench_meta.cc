// `strata bench meta --server ADDR --clients C --ops N [--json]` (see
// bench_meta.h): a text table, or with --json one object keyed by
// operation: {"ping":{"ops_per_sec":..,"p50_us":..,"p99_us":..},
// "stat":{...,"ratio_to_ping":..},...}.

#include "cli/bench_meta.h"

#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/fs_client.h"

namespace strata::cli {
namespace {

struct BenchMetaOptions {
  std::string server;
  int clients = 16;
  int ops = 1000;
  int channels = 0;  // 0: one per 4 clients
  bool json = false;
};

double RatioToPing(const std::vector<MetaOpResult>& results,
                   const MetaOpResult& r) {
  double ping = results.empty() ? 0 : results.front().ops_per_sec;
  return ping > 0 ? r.ops_per_sec / ping : 0;
}

void PrintJson(const std::vector<MetaOpResult>& results,
               const BenchMetaOptions& options, size_t channels) {
  nlohmann::ordered_json j;
  j["clients"] = options.clients;
  j["ops_per_client"] = options.ops;
  j["channels"] = channels;
  for (const MetaOpResult& r : results) {
    nlohmann::ordered_json op;
    op["ops"] = r.ops;
    op["seconds"] = r.seconds;
    op["ops_per_sec"] = r.ops_per_sec;
    op["p50_us"] = r.p50_us;
    op["p99_us"] = r.p99_us;
    if (r.name != "ping") op["ratio_to_ping"] = RatioToPing(results, r);
    j[r.name] = op;
  }
  fmt::print("{}\n", j.dump());
}

void PrintTable(const std::vector<MetaOpResult>& results,
                const BenchMetaOptions& options, size_t channels,
                const std::string& address) {
  fmt::print("server {} clients={} ops/client={} channels={}\n", address,
             options.clients, options.ops, channels);
  fmt::print("{:<8}{:>12}{:>12}{:>12}{:>10}\n", "op", "ops/s", "p50 us",
             "p99 us", "vs ping");
  for (const MetaOpResult& r : results) {
    std::string ratio = r.name == "ping"
                            ? "1.00"
                            : fmt::format("{:.2f}", RatioToPing(results, r));
    fmt::print("{:<8}{:>12.0f}{:>12.1f}{:>12.1f}{:>10}\n", r.name,
               r.ops_per_sec, r.p50_us, r.p99_us, ratio);
  }
}

Status RunBenchMeta(const BenchMetaOptions& options) {
  int channels =
      options.channels > 0 ? options.channels : (options.clients + 3) / 4;
  STRATA_ASSIGN_OR_RETURN(
      std::unique_ptr<FsClient> client,
      FsClient::Connect(ResolveServerAddress(options.server), channels));
  MetaBenchConfig config;
  config.clients = options.clients;
  config.ops = options.ops;
  STRATA_ASSIGN_OR_RETURN(std::vector<MetaOpResult> results,
                          RunMetaBench(*client, config));
  if (options.json) {
    PrintJson(results, options, client->channel_count());
  } else {
    PrintTable(results, options, client->channel_count(), client->address());
  }
  return Status::OK();
}

}  // namespace

void AddBenchMetaCommand(CLI::App& bench, Invocation* invocation) {
  auto o = std::make_shared<BenchMetaOptions>();
  CLI::App* cmd = bench.add_subcommand(
      "meta",
      "Metadata operation rates (stat, mkdir, list, create, read) through a "
      "strata server, beside the empty-call (ping) rate. Ping runs after "
      "an untimed warm-up, first and again last; the higher of the two "
      "rates is the reference");
  cmd->add_option("-s,--server", o->server,
                  "Server address (default $STRATA_SERVER or " +
                      std::string(kDefaultServer) + ")");
  cmd->add_option("--clients", o->clients, "Concurrent clients (default 16)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--ops", o->ops,
                  "Operations per client and kind (default 1000)")
      ->check(CLI::Range(1, 100000000));
  cmd->add_option("--channels", o->channels,
                  "gRPC connections shared by the clients (default: one per "
                  "4 clients)")
      ->check(CLI::Range(0, 1024));
  cmd->add_flag("--json", o->json, "Print one JSON object");
  cmd->callback([o, invocation] {
    invocation->run = [o](runtime::Runtime&) { return RunBenchMeta(*o); };
  });
}

}  // namespace strata::cli
