// `strata journal bench`: durable-append throughput and ack latency. W
// writer coroutines each loop Append + SyncThrough (one durable record at a
// time, as a database commit would) for a warm-up, then for --seconds; the
// report covers the measured window only:
//
//   ops_per_s   durable appends per second (all writers)
//   lat_p*_us   latency of Append + SyncThrough per record
//   syncs       fdatasyncs the journal issued (strata_journal_syncs_total);
//               ops / syncs is the group-commit factor
//
// The journal lives in a fresh sub-directory DIR/journal-bench-XXXXXX
// (DIR is created if missing), removed afterwards; nothing else in DIR is
// touched.

#include <fmt/format.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "cli/command.h"
#include "cli/journal_command.h"
#include "cli/journal_payload.h"
#include "cli/latency_histogram.h"
#include "cli/units.h"
#include "strata/core/metrics.h"
#include "strata/journal/journal.h"
#include "strata/runtime/runtime.h"

namespace strata::cli {
namespace {

using Clock = std::chrono::steady_clock;
using journal::Lsn;

constexpr std::chrono::milliseconds kWarmup{300};
constexpr std::string_view kSyncsName = "strata_journal_syncs_total";
constexpr std::string_view kSyncsHelp = "fdatasync calls issued by journals";

struct BenchOptions {
  std::string dir;
  size_t writers = 1;
  std::string size = "4k";
  double seconds = 5;
  bool direct = false;
  bool json = false;
  std::string segment_bytes;  // empty: the journal's default
  double window_us = 0;       // JournalOptions::group_commit_window
};

// State shared by the writers of one run.
struct BenchShared {
  journal::Journal* journal = nullptr;
  size_t size = 0;
  Clock::time_point measure_start;
  Clock::time_point deadline;
  metrics::Counter* syncs = nullptr;
  std::atomic<bool> measuring{false};
  std::atomic<uint64_t> syncs_at_start{0};
};

struct WriterStats {
  uint64_t ops = 0;
  LatencyHistogram latency;
};

struct BenchReport {
  size_t writers = 0;
  size_t size = 0;
  double ops_per_s = 0;
  double mib_per_s = 0;
  double lat_p50_us = 0;
  double lat_p99_us = 0;
  std::string_view runtime_kind;
  uint64_t syncs = 0;
};

// The first writer to enter the measured window snapshots the sync count.
void EnterWindow(BenchShared& shared) {
  if (shared.measuring.load(std::memory_order_relaxed)) return;
  if (!shared.measuring.exchange(true)) {
    shared.syncs_at_start.store(shared.syncs->value());
  }
}

std::vector<std::byte> BenchPayload(size_t size, uint64_t writer) {
  if (size >= kPayloadHeaderBytes) return MakePayload(writer, 0, size);
  std::vector<std::byte> payload(size);
  for (size_t i = 0; i < size; ++i)
    payload[i] = PayloadFillerByte(writer, 0, i);
  return payload;
}

Task<Result<WriterStats>> BenchWriter(BenchShared* shared, uint64_t writer) {
  std::vector<std::byte> payload = BenchPayload(shared->size, writer);
  fs::ConstBytes bytes(payload);
  WriterStats stats;
  for (Clock::time_point t0 = Clock::now(); t0 < shared->deadline;
       t0 = Clock::now()) {
    const bool measured = t0 >= shared->measure_start;
    if (measured) EnterWindow(*shared);
    Result<Lsn> lsn = co_await shared->journal->Append(bytes);
    if (!lsn.ok()) co_return lsn.status();
    Status synced = co_await shared->journal->SyncThrough(*lsn);
    if (!synced.ok()) co_return synced;
    if (!measured) continue;
    stats.latency.Record(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0)
            .count()));
    ++stats.ops;
  }
  co_return stats;
}

Result<BenchReport> Summarize(std::vector<Result<WriterStats>>& writers,
                              const BenchShared& shared, double seconds) {
  BenchReport report;
  LatencyHistogram latency;
  uint64_t ops = 0;
  for (Result<WriterStats>& writer : writers) {
    if (!writer.ok()) return writer.status();
    ops += writer->ops;
    latency.Merge(writer->latency);
  }
  report.writers = writers.size();
  report.size = shared.size;
  report.ops_per_s = static_cast<double>(ops) / seconds;
  report.mib_per_s = report.ops_per_s * static_cast<double>(shared.size) /
                     static_cast<double>(1 << 20);
  report.lat_p50_us = latency.Quantile(0.50) / 1000;
  report.lat_p99_us = latency.Quantile(0.99) / 1000;
  if (shared.measuring.load()) {  // else no append started in the window
    report.syncs = shared.syncs->value() - shared.syncs_at_start.load();
  }
  return report;
}

// Runs the writers (spawned on the runtime) through warm-up and window.
Task<Result<BenchReport>> Measure(journal::Journal* journal,
                                  metrics::Counter* syncs, size_t writers,
                                  size_t size, double seconds) {
  BenchShared shared;
  shared.journal = journal;
  shared.size = size;
  shared.syncs = syncs;
  shared.measure_start = Clock::now() + kWarmup;
  shared.deadline =
      shared.measure_start + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(seconds));
  runtime::Runtime* rt = runtime::Runtime::Current();
  std::vector<JoinHandle<Result<WriterStats>>> handles;
  handles.reserve(writers);
  for (size_t w = 0; w < writers; ++w) {
    handles.push_back(rt->Spawn(BenchWriter(&shared, w)));
  }
  std::vector<Result<WriterStats>> stats;
  stats.reserve(writers);
  for (auto& handle : handles) stats.push_back(co_await handle);
  double elapsed =
      std::chrono::duration<double>(Clock::now() - shared.measure_start)
          .count();
  co_return Summarize(stats, shared, std::max(elapsed, 1e-9));
}

Result<size_t> BenchRecordSize(const std::string& text) {
  std::optional<uint64_t> size = ParseSize(text);
  if (!size || *size > journal::kMaxRecordBytes) {
    return InvalidArgumentError("--size must be in [1, " +
                                std::to_string(journal::kMaxRecordBytes) +
                                "] bytes, got '" + text + "'");
  }
  return static_cast<size_t>(*size);
}

// Benchmarks a fresh journal in `dir` (which the caller created).
Task<Result<BenchReport>> RunBench(BenchOptions options, std::string dir) {
  STRATA_CO_ASSIGN_OR_RETURN(size_t size, BenchRecordSize(options.size));
  metrics::Registry registry;  // outlives the journal
  metrics::Counter& syncs = registry.GetCounter(kSyncsName, kSyncsHelp);
  journal::JournalOptions journal_options;
  journal_options.direct_io = options.direct;
  journal_options.metrics = &registry;
  journal_options.group_commit_window =
      std::chrono::microseconds(static_cast<int64_t>(options.window_us));
  if (!options.segment_bytes.empty()) {
    std::optional<uint64_t> bytes = ParseSize(options.segment_bytes);
    if (!bytes) {
      co_return InvalidArgumentError("--segment-bytes: not a size: '" +
                                     options.segment_bytes + "'");
    }
    journal_options.segment_bytes = *bytes;
  }
  auto opened = co_await journal::Journal::Open(dir, journal_options);
  if (!opened.ok()) co_return JournalError(opened.status(), "open", dir);
  std::unique_ptr<journal::Journal> journal = std::move(*opened);
  Result<BenchReport> report = co_await Measure(
      journal.get(), &syncs, options.writers, size, options.seconds);
  Status closed = co_await journal->Close();
  if (report.ok() && !closed.ok()) co_return JournalError(closed, "close", dir);
  if (!report.ok()) co_return JournalError(report.status(), "append to", dir);
  report->runtime_kind =
      runtime::RuntimeKindName(runtime::Runtime::Current()->kind());
  co_return report;
}

void PrintJson(const BenchReport& r) {
  nlohmann::ordered_json j;
  j["writers"] = r.writers;
  j["size"] = r.size;
  j["ops_per_s"] = r.ops_per_s;
  j["mib_per_s"] = r.mib_per_s;
  j["lat_p50_us"] = r.lat_p50_us;
  j["lat_p99_us"] = r.lat_p99_us;
  j["runtime_kind"] = r.runtime_kind;
  j["syncs"] = r.syncs;
  fmt::print("{}\n", j.dump());
}

void PrintHuman(const BenchReport& r) {
  fmt::print(
      "journal bench: {} writers x {} B: {:.0f} durable appends/s ({:.2f} "
      "MiB/s), ack latency p50 {:.1f} us p99 {:.1f} us, {} syncs, runtime "
      "{}\n",
      r.writers, r.size, r.ops_per_s, r.mib_per_s, r.lat_p50_us, r.lat_p99_us,
      r.syncs, r.runtime_kind);
}

// Creates DIR if needed and a fresh DIR/journal-bench-XXXXXX in it.
Result<std::string> MakeScratchDir(const std::string& dir) {
  STRATA_ASSIGN_OR_RETURN(std::string parent, AbsoluteDir(dir));
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) return ErrnoToStatus(ec.value(), "create directory " + parent);
  std::string scratch = parent + "/journal-bench-XXXXXX";
  if (::mkdtemp(scratch.data()) == nullptr) {
    return ErrnoToStatus(errno, "create a directory in " + parent);
  }
  return scratch;
}

Status RunBenchCommand(runtime::Runtime& rt, const BenchOptions& options) {
  if (!(options.seconds > 0) || !std::isfinite(options.seconds)) {
    return InvalidArgumentError("--seconds must be a positive number");
  }
  STRATA_ASSIGN_OR_RETURN(std::string scratch, MakeScratchDir(options.dir));
  Result<BenchReport> report = rt.BlockOn(RunBench(options, scratch));
  std::error_code ec;
  std::filesystem::remove_all(scratch, ec);
  if (!report.ok()) return report.status();
  if (ec) return ErrnoToStatus(ec.value(), "remove " + scratch);
  if (options.json) {
    PrintJson(*report);
  } else {
    PrintHuman(*report);
  }
  return Status::OK();
}

}  // namespace

void AddJournalBenchCommand(CLI::App& journal, Invocation* invocation) {
  auto o = std::make_shared<BenchOptions>();
  CLI::App* cmd = journal.add_subcommand(
      "bench", "Benchmark durable appends (Append + SyncThrough)");
  cmd->footer(
      "W writers each loop Append + SyncThrough for --seconds after a 0.3 s "
      "warm-up that is not counted. Reports durable appends/s, MiB/s, the "
      "ack latency (Append + SyncThrough) p50/p99 and the fdatasyncs the "
      "journal issued in the window. The journal is created in a fresh "
      "sub-directory DIR/journal-bench-XXXXXX and removed afterwards; DIR is "
      "created if missing and nothing else in it is touched.");
  cmd->add_option("--dir", o->dir, "Directory to create the journal in")
      ->required();
  cmd->add_option("--writers", o->writers, "Concurrent writers (default 1)")
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--size", o->size, "Bytes per record (default 4k)")
      ->check(CLI::Validator(CheckSize, "SIZE"));
  cmd->add_option("--seconds", o->seconds,
                  "Measured seconds (default 5), after the warm-up")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--direct", o->direct, "O_DIRECT segment files");
  cmd->add_option("--segment-bytes", o->segment_bytes,
                  "Segment size (default 64m)");
  cmd->add_option("--window-us", o->window_us,
                  "Group-commit window in microseconds (default 0)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", o->json,
                "Print one JSON object: writers, size, ops_per_s, mib_per_s, "
                "lat_p50_us, lat_p99_us, runtime_kind, syncs");
  cmd->callback([o, invocation] {
    invocation->run = [o](runtime::Runtime& rt) {
      return RunBenchCommand(rt, *o);
    };
  });
}

}  // namespace strata::cli
