// AtomicReplace: temporary file, fdatasync, rename, directory fsync.

#include "strata/journal/atomic_file.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "core/logging.h"
#include "strata/fs/file.h"
#include "strata/fs/registry.h"

namespace strata::journal {
namespace {

constexpr std::string_view kTempTag = ".tmp-";
constexpr size_t kTempHexDigits = 16;

std::string RandomHex() {
  thread_local std::mt19937_64 rng([] {
    std::random_device device;
    uint64_t seed = (uint64_t{device()} << 32) ^ device();
    return seed ^
           static_cast<uint64_t>(
               std::chrono::steady_clock::now().time_since_epoch().count());
  }());
  char hex[kTempHexDigits + 1];
  std::snprintf(hex, sizeof(hex), "%016llx",
                static_cast<unsigned long long>(rng()));
  return std::string(hex, kTempHexDigits);
}

bool IsLowerHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// One AtomicReplace call: the steps, and what to clean up if one fails.
// Lives in the AtomicReplace frame.
class Replacer {
 public:
  Replacer(fs::FileSystem& fs, std::string path, fs::ConstBytes bytes)
      : fs_(fs),
        path_(std::move(path)),
        temp_(path_ + std::string(kTempTag) + RandomHex()),
        bytes_(bytes) {}

  Task<Status> Run() {
    Status status = co_await WriteTemp();
    if (status.ok()) status = co_await Publish();
    if (!status.ok()) co_await Cleanup();
    co_return status;
  }

 private:
  Status Failed(std::string_view step, const Status& status) const {
    std::string context = "atomic replace " + path_ + " (";
    context += step;
    context += ')';
    return status.WithContext(context);
  }

  // Steps 1-4: the temporary file holds `bytes_`, durably, and is closed.
  Task<Status> WriteTemp() {
    fs::OpenOptions options = fs::OpenOptions::CreateNew();
    Result<std::unique_ptr<fs::File>> file =
        co_await fs_.Open(temp_, std::move(options));
    if (!file.ok()) {
      // Someone else's file is never ours to remove; otherwise a backend may
      // have created the file before failing.
      temp_may_exist_ = file.status().code() != StatusCode::kAlreadyExists;
      co_return Failed("create temp", file.status());
    }
    file_ = std::move(file).value();
    temp_may_exist_ = true;
    if (!bytes_.empty()) {
      Status written = co_await file_->Write(bytes_);
      if (!written.ok()) co_return Failed("write", written);
    }
    Status synced = co_await file_->Sync();
    if (!synced.ok()) co_return Failed("fdatasync", synced);
    // Close releases the file even when it fails.
    std::unique_ptr<fs::File> closing = std::move(file_);
    Status closed = co_await closing->Close();
    if (!closed.ok()) co_return Failed("close", closed);
    co_return Status::OK();
  }

  // Steps 5-6: the rename, made durable.
  Task<Status> Publish() {
    Status renamed = co_await fs_.Rename(temp_, path_);
    if (!renamed.ok()) co_return Failed("rename", renamed);
    temp_may_exist_ = false;
    if (!fs_.capabilities().directory_fsync) co_return Status::OK();
    Status synced = co_await fs_.SyncDir(fs::ParentPath(path_));
    if (!synced.ok()) co_return Failed("fsync directory", synced);
    co_return Status::OK();
  }

  // Best effort: the caller reports the step's error, not these.
  Task<void> Cleanup() {
    if (file_ != nullptr) {
      std::unique_ptr<fs::File> file = std::move(file_);
      // Abort removes a file this Open created.
      Status aborted = co_await file->Abort();
      if (aborted.ok()) temp_may_exist_ = false;
    }
    if (!temp_may_exist_) co_return;
    Status removed = co_await fs_.Remove(temp_);
    if (!removed.ok() && removed.code() != StatusCode::kNotFound) {
      Logger().info(
          "atomic replace {}: left {} behind ({}); RemoveAtomicTemps "
          "removes it",
          path_, temp_, removed.ToString());
    }
  }

  fs::FileSystem& fs_;
  const std::string path_;
  const std::string temp_;
  const fs::ConstBytes bytes_;
  std::unique_ptr<fs::File> file_;  // open between steps 1 and 4
  bool temp_may_exist_ = false;
};

Status CheckPath(std::string_view op, const std::string& path) {
  if (path.empty() || path.front() != '/' || fs::BaseName(path).empty()) {
    return InvalidArgumentError(std::string(op) + " " + path +
                                ": not an absolute path below the root");
  }
  return Status::OK();
}

Status CheckReplaceable(const fs::FileSystem& fs, const std::string& path) {
  STRATA_RETURN_IF_ERROR(CheckPath("atomic replace", path));
  if (!fs.capabilities().atomic_rename) {
    return FailedPreconditionError("atomic replace " + path + ": the " +
                                   std::string(fs.name()) +
                                   " file system has no atomic rename");
  }
  return Status::OK();
}

}  // namespace

bool IsAtomicTempFor(std::string_view path, std::string_view candidate) {
  if (candidate.size() != path.size() + kTempTag.size() + kTempHexDigits ||
      !candidate.starts_with(path) ||
      candidate.substr(path.size(), kTempTag.size()) != kTempTag) {
    return false;
  }
  for (char c : candidate.substr(path.size() + kTempTag.size())) {
    if (!IsLowerHex(c)) return false;
  }
  return true;
}

Task<Status> AtomicReplace(fs::FileSystem& fs, std::string path,
                           fs::ConstBytes bytes) {
  STRATA_CO_RETURN_IF_ERROR(CheckReplaceable(fs, path));
  Replacer replacer(fs, std::move(path), bytes);
  co_return co_await replacer.Run();
}

Task<Result<size_t>> RemoveAtomicTemps(fs::FileSystem& fs, std::string path) {
  const std::string context = "remove atomic temps " + path;
  STRATA_CO_RETURN_IF_ERROR(CheckPath("remove atomic temps", path));
  fs::ListOptions options;
  options.prefix = std::string(fs::BaseName(path)) + std::string(kTempTag);
  fs::ListStream list = fs.List(fs::ParentPath(path), std::move(options));
  std::vector<std::string> temps;
  while (std::optional<Result<fs::ListPage>> page = co_await list.Next()) {
    if (!page->ok()) co_return page->status().WithContext(context);
    for (const fs::FileInfo& info : **page) {
      if (!info.is_dir && IsAtomicTempFor(path, info.path)) {
        temps.push_back(info.path);
      }
    }
  }
  size_t removed_count = 0;
  for (const std::string& temp : temps) {
    Status removed = co_await fs.Remove(temp);
    if (removed.ok()) ++removed_count;
    if (!removed.ok() && removed.code() != StatusCode::kNotFound) {
      co_return removed.WithContext(context);
    }
  }
  co_return removed_count;
}

}  // namespace strata::journal
