// `strata bench local`: fio-style local file benchmarks (see bench_local.h)
// printed as a readable summary or, with --json, as one JSON object.

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>
#include <utility>

#include "cli/bench_local.h"
#include "cli/bench_streams.h"
#include "cli/command.h"
#include "cli/units.h"
#include "strata/runtime/runtime.h"

namespace strata::cli {
namespace {

struct BenchLocalOptions {
  std::string file;
  std::string workload;
  std::string block_size;
  size_t queue_depth = 1;
  bool direct = false;
  std::string size = "1g";
  double seconds = 5;
  bool json = false;
};

Result<BenchConfig> MakeConfig(const BenchLocalOptions& options) {
  BenchConfig config;
  std::error_code ec;
  std::filesystem::path path = std::filesystem::absolute(options.file, ec);
  if (ec) return ErrnoToStatus(ec.value(), "resolve " + options.file);
  config.path = path.lexically_normal().string();
  std::optional<Workload> workload = ParseWorkload(options.workload);
  if (!workload) {
    return InvalidArgumentError("unknown workload '" + options.workload + "'");
  }
  config.workload = *workload;
  config.block_size = ParseSize(options.block_size).value_or(0);
  config.size = ParseSize(options.size).value_or(0);
  config.queue_depth = options.queue_depth;
  config.direct = options.direct;
  config.seconds = options.seconds;
  STRATA_RETURN_IF_ERROR(ValidateBenchConfig(config));
  return config;
}

void PrintJson(const BenchConfig& config, const BenchResult& result,
               runtime::RuntimeKind kind) {
  nlohmann::ordered_json j;
  j["workload"] = WorkloadName(config.workload);
  j["bs"] = config.block_size;
  j["qd"] = config.queue_depth;
  j["direct"] = config.direct;
  j["runtime_kind"] = runtime::RuntimeKindName(kind);
  j["ops"] = result.ops;
  j["seconds"] = result.seconds;
  j["iops"] = result.iops;
  j["mib_per_s"] = result.mib_per_s;
  j["lat_p50_us"] = result.lat_p50_us;
  j["lat_p99_us"] = result.lat_p99_us;
  fmt::print("{}\n", j.dump());
}

void PrintSummary(const BenchConfig& config, const BenchResult& result,
                  runtime::RuntimeKind kind) {
  fmt::print("{} bs={} qd={} direct={} runtime={} file={}\n",
             WorkloadName(config.workload), config.block_size,
             config.queue_depth, config.direct ? "yes" : "no",
             runtime::RuntimeKindName(kind), config.path);
  fmt::print("  ops      {} in {:.2f} s\n", result.ops, result.seconds);
  fmt::print("  iops     {:.0f}\n", result.iops);
  fmt::print("  MiB/s    {:.1f}\n", result.mib_per_s);
  fmt::print("  latency  p50 {:.1f} us, p99 {:.1f} us\n", result.lat_p50_us,
             result.lat_p99_us);
}

Task<Status> RunBenchLocal(BenchLocalOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(BenchConfig config, MakeConfig(options));
  STRATA_CO_ASSIGN_OR_RETURN(BenchResult result,
                             co_await RunLocalBench(config));
  runtime::RuntimeKind kind = runtime::Runtime::Current()->kind();
  if (options.json) {
    PrintJson(config, result, kind);
  } else {
    PrintSummary(config, result, kind);
  }
  co_return Status::OK();
}

void AddBenchLocalCommand(CLI::App& bench, Invocation* invocation) {
  auto o = std::make_shared<BenchLocalOptions>();
  CLI::App* cmd = bench.add_subcommand(
      "local", "Benchmark reads/writes on a local file (compare with fio)");
  const CLI::Validator size_check(CheckSize, "SIZE");
  cmd->add_option("--file", o->file, "File to benchmark (created/filled)")
      ->required();
  cmd->add_option("--workload", o->workload, "Access pattern")
      ->required()
      ->check(CLI::IsMember({"seqwrite", "randwrite", "seqread", "randread"}));
  cmd->add_option("--bs", o->block_size, "Block size, e.g. 4k, 1m, 1MiB")
      ->required()
      ->check(size_check);
  cmd->add_option("--qd", o->queue_depth, "Operations in flight")
      ->required()
      ->check(CLI::Range(1, 4096));
  cmd->add_flag("--direct", o->direct, "O_DIRECT (bypass the page cache)");
  cmd->add_option("--size", o->size, "Working-set size (default 1g)")
      ->check(size_check);
  cmd->add_option("--runtime", o->seconds, "Seconds to run (default 5)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", o->json, "Print one JSON object");
  cmd->callback([o, invocation] {
    // The poll runtime does file I/O on its worker pool: size it so that
    // --qd operations can really be in flight at once.
    invocation->runtime_options.blocking_threads =
        std::max<size_t>(16, o->queue_depth);
    invocation->run = [o](runtime::Runtime& rt) {
      return rt.BlockOn(RunBenchLocal(*o));
    };
  });
}

}  // namespace

void AddBenchCommands(CLI::App& app, Invocation* invocation) {
  CLI::App* bench = app.add_subcommand("bench", "Benchmarks");
  bench->require_subcommand(1);
  AddBenchLocalCommand(*bench, invocation);
  AddBenchStreamsCommand(*bench, invocation);
#if STRATA_HAVE_SERVER
  AddBenchMetaCommand(*bench, invocation);
#endif
}

}  // namespace strata::cli
