// The `strata bench local` engine: fio-style workloads on one local file
// through fs::LocalFile (static dispatch), with N operations in flight.
//
// The file is first filled to `size` if it is shorter (sequential 1 MiB
// writes, then fdatasync). Then `queue_depth` worker coroutines, each with
// its own 4096-aligned buffer, issue ReadAt/WriteAt of `block_size` bytes
// until `seconds` have passed. Sequential workloads share one offset cursor
// that wraps at `size`; random ones pick uniform block-aligned offsets in
// [0, size). Each operation's latency goes into a log-linear histogram.
//
// Thread-safety: RunLocalBench must be awaited on a runtime reactor thread;
// its workers run on that reactor.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "strata/core/result.h"
#include "strata/core/task.h"

namespace strata::cli {

enum class Workload { kSeqWrite, kRandWrite, kSeqRead, kRandRead };

// "seqwrite", "randwrite", "seqread", "randread".
std::string_view WorkloadName(Workload workload);
std::optional<Workload> ParseWorkload(std::string_view name);

struct BenchConfig {
  std::string path;  // absolute host path
  Workload workload = Workload::kRandRead;
  uint64_t block_size = 4096;
  size_t queue_depth = 1;
  bool direct = false;
  uint64_t size = uint64_t{1} << 30;
  double seconds = 5;
};

struct BenchResult {
  uint64_t ops = 0;
  uint64_t bytes = 0;
  double seconds = 0;  // measured wall time of the timed phase
  double iops = 0;
  double mib_per_s = 0;
  double lat_p50_us = 0;
  double lat_p99_us = 0;
};

// kInvalidArgument (naming the option) for a zero block size or queue
// depth, a size smaller than one block, a non-positive duration, or O_DIRECT
// with a block size that is not a multiple of 4096.
Status ValidateBenchConfig(const BenchConfig& config);

// Prepares the file and runs the workload. Errors name the file.
Task<Result<BenchResult>> RunLocalBench(BenchConfig config);

}  // namespace strata::cli
