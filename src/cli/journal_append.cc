// `strata journal append`: W writer coroutines append N records each to a
// journal, with a chosen durability discipline, optionally acknowledging
// every durable record on stdout ("ACK <w> <s> <lsn>"). The payloads follow
// journal_payload.h, so `strata journal dump` can verify every record.
//
// --sync each   Append, SyncThrough(lsn), ACK, then the next record.
// --sync batch  AppendBatch of up to 64 records, SyncThrough(last), ACK them.
// --sync none   Append only; Close() syncs, then every record is ACKed.
//
// An ACK line is written with a single write(2) once the record is durable
// and before its writer appends anything else, so a crash test reading the
// pipe knows every ACKed record must survive.

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "cli/command.h"
#include "cli/journal_command.h"
#include "cli/journal_payload.h"
#include "cli/units.h"
#include "strata/journal/journal.h"
#include "strata/runtime/runtime.h"

namespace strata::cli {
namespace {

using journal::Lsn;

constexpr size_t kBatchRecords = 64;

enum class SyncMode { kEach, kBatch, kNone };

struct AppendOptions {
  std::string dir;
  size_t writers = 1;
  uint64_t records = 0;
  std::string size;
  std::string sync = "each";
  bool print_acks = false;
  std::string segment_bytes;
  bool direct = false;
};

struct AppendConfig {
  std::string dir;
  size_t writers = 1;
  uint64_t records = 0;
  size_t size = 0;
  SyncMode sync = SyncMode::kEach;
  bool print_acks = false;
  journal::JournalOptions journal;
};

SyncMode ParseSyncMode(const std::string& name) {
  if (name == "batch") return SyncMode::kBatch;
  if (name == "none") return SyncMode::kNone;
  return SyncMode::kEach;
}

Result<size_t> RecordSize(const std::string& text) {
  std::optional<uint64_t> size = ParseSize(text);
  if (!size || *size < kPayloadHeaderBytes) {
    return InvalidArgumentError(
        "--size must be at least " + std::to_string(kPayloadHeaderBytes) +
        " bytes (each record starts with its writer and sequence number), "
        "got '" +
        text + "'");
  }
  if (*size > journal::kMaxRecordBytes) {
    return InvalidArgumentError("--size must be at most " +
                                std::to_string(journal::kMaxRecordBytes) +
                                " bytes, got '" + text + "'");
  }
  return static_cast<size_t>(*size);
}

Result<AppendConfig> MakeAppendConfig(const AppendOptions& options) {
  AppendConfig config;
  STRATA_ASSIGN_OR_RETURN(config.dir, AbsoluteDir(options.dir));
  STRATA_ASSIGN_OR_RETURN(config.size, RecordSize(options.size));
  config.writers = options.writers;
  config.records = options.records;
  config.sync = ParseSyncMode(options.sync);
  config.print_acks = options.print_acks;
  if (!options.segment_bytes.empty()) {
    config.journal.segment_bytes = ParseSize(options.segment_bytes).value_or(0);
  }
  config.journal.direct_io = options.direct;
  return config;
}

// One "ACK <w> <s> <lsn>\n" line in one write(2), so lines never interleave
// and a reader sees it before the writer appends again.
Status WriteAck(uint64_t writer, uint64_t seq, Lsn lsn) {
  fmt::memory_buffer line;
  fmt::format_to(std::back_inserter(line), "ACK {} {} {}\n", writer, seq, lsn);
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoToStatus(errno, "write ACK to standard output");
    p += n;
    left -= static_cast<size_t>(n);
  }
  return Status::OK();
}

Status RecordError(const Status& status, std::string_view what,
                   const AppendConfig& config, uint64_t writer, uint64_t seq) {
  return JournalError(
      status,
      fmt::format("{} of record (writer {}, seq {}) to", what, writer, seq),
      config.dir);
}

// --sync each: every record is durable (and ACKed) before the next.
Task<Status> AppendEach(journal::Journal* journal, const AppendConfig* config,
                        uint64_t writer) {
  std::vector<std::byte> payload(config->size);
  for (uint64_t seq = 0; seq < config->records; ++seq) {
    FillPayload(payload, writer, seq);
    fs::ConstBytes bytes(payload);
    Result<Lsn> lsn = co_await journal->Append(bytes);
    if (!lsn.ok()) {
      co_return RecordError(lsn.status(), "append", *config, writer, seq);
    }
    Status synced = co_await journal->SyncThrough(*lsn);
    if (!synced.ok()) {
      co_return RecordError(synced, "sync", *config, writer, seq);
    }
    if (config->print_acks) {
      STRATA_CO_RETURN_IF_ERROR(WriteAck(writer, seq, *lsn));
    }
  }
  co_return Status::OK();
}

// ACKs records [first, first + count) of a batch whose last LSN is `last`:
// a batch is contiguous, and every frame is header + `size` bytes.
Status AckBatch(const AppendConfig& config, uint64_t writer, uint64_t first,
                size_t count, Lsn last) {
  const uint64_t frame = journal::kFrameHeaderBytes + config.size;
  for (size_t i = 0; i < count; ++i) {
    Lsn lsn = last - (count - 1 - i) * frame;
    STRATA_RETURN_IF_ERROR(WriteAck(writer, first + i, lsn));
  }
  return Status::OK();
}

// --sync batch: groups of up to 64 records, one AppendBatch and one sync.
Task<Status> AppendBatches(journal::Journal* journal,
                           const AppendConfig* config, uint64_t writer) {
  std::vector<std::vector<std::byte>> payloads(
      kBatchRecords, std::vector<std::byte>(config->size));
  std::vector<fs::ConstBytes> batch;
  for (uint64_t first = 0; first < config->records; first += kBatchRecords) {
    size_t count = static_cast<size_t>(
        std::min<uint64_t>(kBatchRecords, config->records - first));
    batch.clear();
    for (size_t i = 0; i < count; ++i) {
      FillPayload(payloads[i], writer, first + i);
      batch.emplace_back(payloads[i]);
    }
    std::span<const fs::ConstBytes> records(batch);
    Result<Lsn> last = co_await journal->AppendBatch(records);
    if (!last.ok()) {
      co_return RecordError(last.status(), "batch append", *config, writer,
                            first);
    }
    Status synced = co_await journal->SyncThrough(*last);
    if (!synced.ok()) {
      co_return RecordError(synced, "sync", *config, writer, first + count - 1);
    }
    if (config->print_acks) {
      STRATA_CO_RETURN_IF_ERROR(AckBatch(*config, writer, first, count, *last));
    }
  }
  co_return Status::OK();
}

// --sync none: appends only; `lsns` (when ACKs are wanted) gets each LSN.
Task<Status> AppendUnsynced(journal::Journal* journal,
                            const AppendConfig* config, uint64_t writer,
                            std::vector<Lsn>* lsns) {
  std::vector<std::byte> payload(config->size);
  for (uint64_t seq = 0; seq < config->records; ++seq) {
    FillPayload(payload, writer, seq);
    fs::ConstBytes bytes(payload);
    Result<Lsn> lsn = co_await journal->Append(bytes);
    if (!lsn.ok()) {
      co_return RecordError(lsn.status(), "append", *config, writer, seq);
    }
    if (config->print_acks) lsns->push_back(*lsn);
  }
  co_return Status::OK();
}

Task<Status> RunWriter(journal::Journal* journal, const AppendConfig* config,
                       uint64_t writer, std::vector<Lsn>* lsns) {
  switch (config->sync) {
    case SyncMode::kEach:
      co_return co_await AppendEach(journal, config, writer);
    case SyncMode::kBatch:
      co_return co_await AppendBatches(journal, config, writer);
    case SyncMode::kNone:
      break;
  }
  co_return co_await AppendUnsynced(journal, config, writer, lsns);
}

// Runs the writers concurrently (spawned on the runtime, so several
// reactors would share them) and returns the first failure.
Task<Status> RunWriters(journal::Journal* journal, const AppendConfig* config,
                        std::vector<std::vector<Lsn>>* lsns) {
  runtime::Runtime* rt = runtime::Runtime::Current();
  std::vector<JoinHandle<Status>> handles;
  handles.reserve(config->writers);
  for (size_t w = 0; w < config->writers; ++w) {
    handles.push_back(rt->Spawn(RunWriter(journal, config, w, &(*lsns)[w])));
  }
  Status first;
  for (JoinHandle<Status>& handle : handles) {
    Status status = co_await handle;
    if (first.ok()) first = status;
  }
  co_return first;
}

// --sync none: after Close made everything durable, ACK in LSN order.
Status AckDeferred(const std::vector<std::vector<Lsn>>& lsns) {
  std::vector<std::tuple<Lsn, uint64_t, uint64_t>> acks;
  for (uint64_t w = 0; w < lsns.size(); ++w) {
    for (uint64_t s = 0; s < lsns[w].size(); ++s) {
      acks.emplace_back(lsns[w][s], w, s);
    }
  }
  std::sort(acks.begin(), acks.end());
  for (const auto& [lsn, w, s] : acks) {
    STRATA_RETURN_IF_ERROR(WriteAck(w, s, lsn));
  }
  return Status::OK();
}

void PrintSummary(const AppendConfig& config, Lsn durable) {
  fmt::print(
      "appended {} records ({} writers x {}, {} bytes each) to {}; "
      "durable through lsn {}\n",
      config.writers * config.records, config.writers, config.records,
      config.size, config.dir, durable);
}

Task<Status> RunAppend(AppendOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(AppendConfig config, MakeAppendConfig(options));
  auto opened = co_await journal::Journal::Open(config.dir, config.journal);
  if (!opened.ok()) co_return JournalError(opened.status(), "open", config.dir);
  std::unique_ptr<journal::Journal> journal = std::move(*opened);
  std::vector<std::vector<Lsn>> lsns(config.writers);
  Status status = co_await RunWriters(journal.get(), &config, &lsns);
  Status closed = co_await journal->Close();
  if (!status.ok()) co_return status;
  if (!closed.ok()) co_return JournalError(closed, "close", config.dir);
  if (!config.print_acks) {
    PrintSummary(config, journal->durable_lsn());
  } else if (config.sync == SyncMode::kNone) {
    co_return AckDeferred(lsns);
  }
  co_return Status::OK();
}

}  // namespace

void AddJournalAppendCommand(CLI::App& journal, Invocation* invocation) {
  auto o = std::make_shared<AppendOptions>();
  CLI::App* cmd = journal.add_subcommand(
      "append", "Append W x N test records (optionally printing ACKs)");
  cmd->footer(
      "Writer w (0-based) appends records s = 0..N-1. Record (w, s) is w and s "
      "(8 bytes little-endian each), then BYTES-16 bytes where byte i is "
      "(w*31 + s*17 + i) & 0xff. With --print-acks, 'ACK <w> <s> <lsn>' is "
      "printed (one write per line) once the record is durable and before "
      "that writer appends again; <lsn> is the LSN Append returned (the end "
      "of the record's frame). --sync none ACKs everything after Close().");
  const CLI::Validator size_check(CheckSize, "SIZE");
  cmd->add_option("--dir", o->dir, "Journal directory (created if missing)")
      ->required();
  cmd->add_option("--writers", o->writers, "Concurrent writers (W)")
      ->required()
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--records", o->records, "Records per writer (N)")
      ->required()
      ->check(CLI::Validator(CheckNotNegative, "N"));
  cmd->add_option("--size", o->size,
                  "Bytes per record, at least 16 (e.g. 100, 4k)")
      ->required()
      ->check(size_check);
  cmd->add_option("--sync", o->sync,
                  "each: Append+SyncThrough per record; batch: AppendBatch "
                  "of up to 64 then SyncThrough; none: only Close() syncs")
      ->required()
      ->check(CLI::IsMember({"each", "batch", "none"}));
  cmd->add_flag("--print-acks", o->print_acks,
                "Print 'ACK <w> <s> <lsn>' per durable record (instead of "
                "the summary)");
  cmd->add_option("--segment-bytes", o->segment_bytes,
                  "Segment size (default 64m)")
      ->check(size_check);
  cmd->add_flag("--direct", o->direct, "O_DIRECT segment files");
  cmd->callback([o, invocation] {
    invocation->run = [o](runtime::Runtime& rt) {
      return rt.BlockOn(RunAppend(*o));
    };
  });
}

}  // namespace strata::cli
