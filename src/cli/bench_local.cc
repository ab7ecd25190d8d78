// The local-file benchmark engine (see bench_local.h).

#include "cli/bench_local.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <random>
#include <utility>
#include <vector>

#include "cli/latency_histogram.h"
#include "strata/core/buffer.h"
#include "strata/core/when_all.h"
#include "strata/fs/local.h"

namespace strata::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kFillChunk = size_t{1} << 20;
constexpr size_t kMaxQueueDepth = 4096;
constexpr std::array<std::pair<Workload, std::string_view>, 4> kWorkloads = {{
    {Workload::kSeqWrite, "seqwrite"},
    {Workload::kRandWrite, "randwrite"},
    {Workload::kSeqRead, "seqread"},
    {Workload::kRandRead, "randread"},
}};

bool IsWrite(Workload w) {
  return w == Workload::kSeqWrite || w == Workload::kRandWrite;
}

bool IsSequential(Workload w) {
  return w == Workload::kSeqWrite || w == Workload::kSeqRead;
}

// Pseudo-random bytes, so no layer can shortcut zero pages.
void FillRandom(Buffer& buffer, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < buffer.size(); i += sizeof(uint64_t)) {
    uint64_t word = rng();
    std::memcpy(buffer.data() + i, &word,
                std::min(sizeof(word), buffer.size() - i));
  }
}

// Writes [from, to) in 1 MiB pieces, then fdatasyncs.
Task<Status> Fill(fs::LocalFile& file, uint64_t from, uint64_t to) {
  if (from >= to) co_return Status::OK();
  Buffer chunk = Buffer::Allocate(kFillChunk, fs::kDirectIoAlignment);
  FillRandom(chunk, 1);
  for (uint64_t offset = from; offset < to;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(kFillChunk, to - offset));
    STRATA_CO_RETURN_IF_ERROR(
        co_await file.WriteAt(chunk.const_span().first(n), offset));
    offset += n;
  }
  co_return co_await file.Sync();
}

// Creates the file and grows it to config.size if it is shorter.
Task<Status> Prepare(fs::LocalFileSystem& local, const BenchConfig& config) {
  fs::OpenOptions options;
  options.read = false;
  options.write = options.create = true;
  STRATA_CO_ASSIGN_OR_RETURN(auto file,
                             co_await local.OpenLocal(config.path, options));
  // No `?:` around co_await: GCC 12 mis-destroys the temporaries.
  auto size = co_await file->Size();
  Status status = size.status();
  if (size.ok()) status = co_await Fill(*file, *size, config.size);
  Status closed = co_await file->Close();
  co_return status.ok() ? closed : status;
}

// State shared by the workers of one run.
struct Shared {
  fs::LocalFile* file;
  const BenchConfig* config;
  uint64_t blocks;
  Clock::time_point deadline;
  std::atomic<uint64_t> cursor{0};
};

struct WorkerStats {
  uint64_t ops = 0;
  LatencyHistogram latency;
};

uint64_t NextOffset(Shared& shared, std::mt19937_64& rng) {
  uint64_t block;
  if (IsSequential(shared.config->workload)) {
    block =
        shared.cursor.fetch_add(1, std::memory_order_relaxed) % shared.blocks;
  } else {
    block = std::uniform_int_distribution<uint64_t>(0, shared.blocks - 1)(rng);
  }
  return block * shared.config->block_size;
}

Status CheckRead(const Result<size_t>& n, const Shared& shared,
                 uint64_t offset) {
  if (!n.ok()) return n.status();
  if (*n == shared.config->block_size) return Status::OK();
  return DataLossError("short read of " + shared.file->path() + " at offset " +
                       std::to_string(offset) + " (" + std::to_string(*n) +
                       " bytes; did the file shrink?)");
}

// One operation in flight until the deadline.
Task<Result<WorkerStats>> Worker(Shared* shared, uint64_t seed) {
  const BenchConfig& config = *shared->config;
  Buffer buffer = Buffer::Allocate(config.block_size, fs::kDirectIoAlignment);
  FillRandom(buffer, seed);
  std::mt19937_64 rng(seed);
  const bool write = IsWrite(config.workload);
  WorkerStats stats;
  for (Clock::time_point t0 = Clock::now(); t0 < shared->deadline;) {
    uint64_t offset = NextOffset(*shared, rng);
    if (write) {
      Status status =
          co_await shared->file->WriteAt(buffer.const_span(), offset);
      if (!status.ok()) co_return status;
    } else {
      Result<size_t> n = co_await shared->file->ReadAt(buffer.span(), offset);
      STRATA_CO_RETURN_IF_ERROR(CheckRead(n, *shared, offset));
    }
    Clock::time_point t1 = Clock::now();
    stats.latency.Record(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
    ++stats.ops;
    t0 = t1;
  }
  co_return stats;
}

Result<BenchResult> Summarize(std::vector<Result<WorkerStats>>& workers,
                              const BenchConfig& config, double seconds) {
  BenchResult result;
  LatencyHistogram latency;
  for (Result<WorkerStats>& worker : workers) {
    if (!worker.ok()) return worker.status();
    result.ops += worker->ops;
    latency.Merge(worker->latency);
  }
  result.bytes = result.ops * config.block_size;
  result.seconds = seconds;
  result.iops = static_cast<double>(result.ops) / seconds;
  result.mib_per_s = static_cast<double>(result.bytes) / seconds / (1 << 20);
  result.lat_p50_us = latency.Quantile(0.50) / 1000;
  result.lat_p99_us = latency.Quantile(0.99) / 1000;
  return result;
}

Task<Result<BenchResult>> Measure(fs::LocalFile& file,
                                  const BenchConfig& config) {
  Shared shared{&file, &config, config.size / config.block_size, {}};
  Clock::time_point start = Clock::now();
  shared.deadline = start + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(config.seconds));
  std::vector<Task<Result<WorkerStats>>> tasks;
  for (size_t i = 0; i < config.queue_depth; ++i) {
    tasks.push_back(Worker(&shared, 0x5eed0000 + i));
  }
  std::vector<Result<WorkerStats>> workers = co_await WhenAll(std::move(tasks));
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  co_return Summarize(workers, config, seconds);
}

}  // namespace

std::string_view WorkloadName(Workload workload) {
  for (const auto& [w, name] : kWorkloads) {
    if (w == workload) return name;
  }
  return "unknown";
}

std::optional<Workload> ParseWorkload(std::string_view name) {
  for (const auto& [w, n] : kWorkloads) {
    if (n == name) return w;
  }
  return std::nullopt;
}

Status ValidateBenchConfig(const BenchConfig& c) {
  auto fail = [](const std::string& m) { return InvalidArgumentError(m); };
  if (c.path.empty()) return fail("--file must name a file");
  if (c.block_size == 0) return fail("--bs must be at least 1 byte");
  if (c.queue_depth == 0 || c.queue_depth > kMaxQueueDepth) {
    return fail("--qd must be in [1, " + std::to_string(kMaxQueueDepth) +
                "], got " + std::to_string(c.queue_depth));
  }
  if (c.size < c.block_size) {
    return fail("--size (" + std::to_string(c.size) +
                ") must be at least --bs (" + std::to_string(c.block_size) +
                ")");
  }
  if (!(c.seconds > 0) || !std::isfinite(c.seconds)) {
    return fail("--runtime must be a positive number of seconds");
  }
  if (c.direct && c.block_size % fs::kDirectIoAlignment != 0) {
    return fail("--direct needs --bs to be a multiple of " +
                std::to_string(fs::kDirectIoAlignment) + ", got " +
                std::to_string(c.block_size));
  }
  return Status::OK();
}

Task<Result<BenchResult>> RunLocalBench(BenchConfig config) {
  STRATA_CO_RETURN_IF_ERROR(ValidateBenchConfig(config));
  std::shared_ptr<fs::LocalFileSystem> local = fs::NewLocalFileSystem();
  STRATA_CO_RETURN_IF_ERROR(co_await Prepare(*local, config));
  fs::OpenOptions options;
  options.write = IsWrite(config.workload);
  options.direct = config.direct;
  STRATA_CO_ASSIGN_OR_RETURN(auto file,
                             co_await local->OpenLocal(config.path, options));
  Result<BenchResult> result = co_await Measure(*file, config);
  Status closed = co_await file->Close();
  if (result.ok() && !closed.ok()) co_return closed;
  co_return result;
}

}  // namespace strata::cli
