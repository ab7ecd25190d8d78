#include "strata/journal/journal.h"

#include <filesystem>

#include "journal/journal_impl.h"
#include "strata/fs/local.h"
#include "strata/fs/registry.h"

namespace strata::journal {
namespace {

Status ValidateOptions(const JournalOptions& options, fs::FileSystem& fs) {
  if (options.segment_bytes < kSegmentDataOffset + kFrameHeaderBytes) {
    return InvalidArgumentError(
        "JournalOptions::segment_bytes must be at least " +
        std::to_string(kSegmentDataOffset + kFrameHeaderBytes));
  }
  if (options.max_batch_entries == 0 || options.max_batch_bytes == 0) {
    return InvalidArgumentError(
        "JournalOptions::max_batch_entries and max_batch_bytes must be > 0");
  }
  const fs::Capabilities caps = fs.capabilities();
  if (!caps.positional_write || !caps.sync) {
    return InvalidArgumentError(
        "a journal needs positional writes and sync; "
        "file system '" +
        std::string(fs.name()) + "' lacks them");
  }
  if (options.direct_io && !caps.direct_io) {
    return InvalidArgumentError("JournalOptions::direct_io: file system '" +
                                std::string(fs.name()) +
                                "' does not support O_DIRECT");
  }
  return Status::OK();
}

Result<std::string> ResolveDir(const std::string& dir, bool local) {
  if (dir.empty()) return InvalidArgumentError("journal directory is empty");
  if (!local) return fs::NormalizePath(dir);
  std::error_code ec;
  auto absolute = std::filesystem::absolute(dir, ec);
  if (ec)
    return InvalidArgumentError("journal directory " + dir + ": " +
                                ec.message());
  return fs::NormalizePath(absolute.string());
}

// Creates `dir` and any missing ancestors one level at a time, syncing
// each new entry's parent so the whole chain survives a crash.
Task<Status> CreateDirChain(fs::FileSystem& fs, const std::string& dir) {
  std::vector<std::string> missing;
  for (std::string d = dir; d != "/"; d = fs::ParentPath(d)) {
    auto info = co_await fs.Stat(d);
    if (info.ok()) break;
    if (info.status().code() != StatusCode::kNotFound) co_return info.status();
    missing.push_back(d);
  }
  const bool sync = fs.capabilities().directory_fsync;
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    Status made = co_await fs.CreateDir(*it, /*recursive=*/false);
    if (!made.ok() && made.code() != StatusCode::kAlreadyExists) co_return made;
    if (sync)
      STRATA_CO_RETURN_IF_ERROR(co_await fs.SyncDir(fs::ParentPath(*it)));
  }
  co_return Status::OK();
}

Task<Status> EnsureDir(fs::FileSystem& fs, const std::string& dir,
                       bool create) {
  auto info = co_await fs.Stat(dir);
  if (info.ok()) {
    if (!info->is_dir) {
      co_return FailedPreconditionError("journal path " + dir +
                                        " is not a directory");
    }
    co_return Status::OK();
  }
  if (info.status().code() != StatusCode::kNotFound || !create) {
    co_return info.status();
  }
  co_return co_await CreateDirChain(fs, dir);
}

// Entries recovery found may not be durable yet (an earlier process can
// die between a rename or mkdir and its directory fsync): sync the journal
// directory and its ancestors before acknowledging anything stored there.
Task<Status> SyncDirChain(fs::FileSystem& fs, const std::string& dir) {
  if (!fs.capabilities().directory_fsync) co_return Status::OK();
  for (std::string d = dir;; d = fs::ParentPath(d)) {
    STRATA_CO_RETURN_IF_ERROR(co_await fs.SyncDir(d));
    if (d == "/") break;
  }
  co_return Status::OK();
}

Task<Status> RemoveTempFiles(fs::FileSystem& fs, const std::string& dir,
                             const std::vector<std::string>& temps) {
  for (const std::string& path : temps) {
    STRATA_CO_RETURN_IF_ERROR(co_await fs.Remove(path));
  }
  if (temps.empty()) co_return Status::OK();
  co_return co_await fs.SyncDir(dir);
}

void FillReport(const JournalScan& scan, RecoveryReport& report) {
  report.first_lsn = scan.first_lsn;
  report.end_lsn = scan.end_lsn;
  report.records = scan.records;
  report.segments = scan.segments.size();
}

}  // namespace

std::string_view RecoveryModeName(RecoveryMode mode) {
  switch (mode) {
    case RecoveryMode::kTolerateTornTail:
      return "tolerate-torn-tail";
    case RecoveryMode::kAbsoluteConsistency:
      return "absolute-consistency";
    case RecoveryMode::kPointInTime:
      return "point-in-time";
  }
  return "?";
}

std::string_view RecoveryOutcomeName(RecoveryOutcome outcome) {
  switch (outcome) {
    case RecoveryOutcome::kCreated:
      return "created";
    case RecoveryOutcome::kClean:
      return "clean";
    case RecoveryOutcome::kRepaired:
      return "repaired";
    case RecoveryOutcome::kTruncated:
      return "truncated";
  }
  return "?";
}

Journal::Journal(std::string dir, JournalOptions options)
    : dir_(std::move(dir)), options_(std::move(options)) {}

Journal::~Journal() = default;

Task<Result<std::unique_ptr<Journal>>> Journal::Open(std::string dir,
                                                     JournalOptions options) {
  const bool local = options.fs == nullptr;
  if (local) options.fs = std::make_shared<fs::LocalFileSystem>();
  fs::FileSystem& fs = *options.fs;
  STRATA_CO_RETURN_IF_ERROR(ValidateOptions(options, fs));
  STRATA_CO_ASSIGN_OR_RETURN(std::string path, ResolveDir(dir, local));
  STRATA_CO_RETURN_IF_ERROR(
      co_await EnsureDir(fs, path, options.create_if_missing));
  RecordVisitor no_visit;
  STRATA_CO_ASSIGN_OR_RETURN(JournalScan scan,
                             co_await ScanDirectory(fs, path, no_visit));
  if (scan.segments.empty() && scan.unreadable.empty() &&
      !options.create_if_missing) {
    co_return NotFoundError("journal " + path +
                            " does not exist (no segment files; "
                            "create_if_missing is off)");
  }
  std::unique_ptr<Journal> journal(new Journal(path, std::move(options)));
  RecoveryReport& report = journal->recovery_;
  STRATA_CO_RETURN_IF_ERROR(co_await RepairDirectory(
      fs, path, journal->options_.recovery, scan, report));
  if (scan.segments.empty()) report.outcome = RecoveryOutcome::kCreated;
  STRATA_CO_RETURN_IF_ERROR(
      co_await RemoveTempFiles(fs, path, scan.temp_files));
  STRATA_CO_RETURN_IF_ERROR(co_await SyncDirChain(fs, path));
  FillReport(scan, report);
  journal->impl_ =
      std::make_unique<Impl>(journal.get(), &fs, path, &journal->options_);
  STRATA_CO_RETURN_IF_ERROR(co_await journal->impl_->Start(scan));
  auto* rt = runtime::Runtime::Current();
  journal->native_io_uring_ =
      local && rt != nullptr && rt->kind() == runtime::RuntimeKind::kIoUring;
  co_return journal;
}

Task<Result<Lsn>> Journal::Append(fs::ConstBytes record) {
  std::span<const fs::ConstBytes> one(&record, 1);
  co_return co_await AppendBatch(one);
}

Task<Result<Lsn>> Journal::AppendBatch(
    std::span<const fs::ConstBytes> records) {
  if (records.empty()) {
    co_return InvalidArgumentError("AppendBatch needs at least one record");
  }
  for (const auto& r : records) {
    if (r.size() > kMaxRecordBytes) {
      co_return InvalidArgumentError(
          "journal " + dir_ + ": record of " + std::to_string(r.size()) +
          " bytes exceeds the maximum of " + std::to_string(kMaxRecordBytes));
    }
  }
  STRATA_CO_ASSIGN_OR_RETURN(Lsn lsn, impl_->Encode(records));
  if (options_.sync_after_batch) {
    STRATA_CO_RETURN_IF_ERROR(co_await impl_->WaitFor(lsn, true));
  } else if (impl_->backlog_full()) {
    STRATA_CO_RETURN_IF_ERROR(co_await impl_->WaitFor(lsn, false));
  }
  co_return lsn;
}

Task<Status> Journal::SyncThrough(Lsn lsn) {
  const Lsn end = impl_->reserved_end();
  if (lsn > end) {
    co_return InvalidArgumentError(
        "journal " + dir_ + ": SyncThrough(" + std::to_string(lsn) +
        ") is past the last appended LSN " + std::to_string(end));
  }
  Status health = this->health();
  if (!health.ok()) co_return health;
  if (durable_lsn() >= lsn) co_return Status::OK();
  co_return co_await impl_->WaitFor(lsn, true);
}

Task<Status> Journal::Sync() {
  const Lsn end = impl_->reserved_end();
  co_return co_await SyncThrough(end);
}

Lsn Journal::first_lsn() const { return impl_->first_lsn(); }

Status Journal::health() const { return impl_->Health(); }

Task<Status> Journal::TruncateBefore(Lsn lsn) {
  co_return co_await impl_->TruncateBefore(lsn);
}

Task<Status> Journal::Close() {
  if (impl_->closed()) co_return Status::OK();
  Status synced = co_await Sync();
  Status closed = co_await impl_->CloseWriter();
  co_return synced.ok() ? closed : synced;
}

Task<Result<ScanResult>> ScanJournal(
    fs::FileSystem& fs, std::string dir,
    std::function<void(Lsn lsn, std::span<const std::byte> payload)> visit) {
  const bool local = dynamic_cast<fs::LocalFileSystem*>(&fs) != nullptr;
  STRATA_CO_ASSIGN_OR_RETURN(std::string path, ResolveDir(dir, local));
  RecordVisitor visitor = std::move(visit);
  STRATA_CO_ASSIGN_OR_RETURN(JournalScan scan,
                             co_await ScanDirectory(fs, path, visitor));
  ScanResult result;
  FillReport(scan, result.report);
  result.report.outcome = RecoveryOutcome::kClean;
  if (scan.damage) {
    result.torn_tail = !scan.damage->mid_log;
    result.mid_log_corruption = scan.damage->mid_log;
    result.report.outcome = scan.damage->mid_log ? RecoveryOutcome::kTruncated
                                                 : RecoveryOutcome::kRepaired;
    result.report.damage_lsn = scan.damage->position;
    result.error = DamageStatus(path, scan);
    result.report.detail = result.error.message();
  }
  co_return result;
}

}  // namespace strata::journal
