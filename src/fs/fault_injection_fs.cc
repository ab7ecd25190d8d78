// FaultInjectionFileSystem: rules, counters and the file wrapper.

#include <array>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "strata/fs/fault_injection.h"

namespace strata::fs {

std::string_view FaultOpName(FaultOp op) {
  switch (op) {
    case FaultOp::kOpen:
      return "open";
    case FaultOp::kRead:
      return "read";
    case FaultOp::kWrite:
      return "write";
    case FaultOp::kSync:
      return "sync";
    case FaultOp::kClose:
      return "close";
    case FaultOp::kStat:
      return "stat";
    case FaultOp::kList:
      return "list";
    case FaultOp::kRename:
      return "rename";
    case FaultOp::kCopy:
      return "copy";
    case FaultOp::kRemove:
      return "remove";
    case FaultOp::kMkdir:
      return "mkdir";
    case FaultOp::kAny:
      return "any";
  }
  return "unknown";
}

namespace fault_internal {

// The rules and counters, shared by the wrapper and the files it opened.
class Injector {
 public:
  void Add(FaultRule rule) {
    if (rule.nth == 0) rule.nth = 1;
    if (rule.error <= 0) rule.error = EIO;
    std::lock_guard lock(mu_);
    rules_.push_back(Active{std::move(rule), 0, false});
  }

  void Clear() {
    std::lock_guard lock(mu_);
    rules_.clear();
  }

  uint64_t Seen(FaultOp op) const {
    std::lock_guard lock(mu_);
    return seen_[static_cast<size_t>(op)];
  }

  uint64_t Injected() const {
    std::lock_guard lock(mu_);
    return injected_;
  }

  // Counts one operation and returns the failure to inject, or OK.
  Status Check(FaultOp op, std::string_view path,
               std::string_view other_path = {}) {
    int error = 0;
    {
      std::lock_guard lock(mu_);
      ++seen_[static_cast<size_t>(op)];
      ++seen_[static_cast<size_t>(FaultOp::kAny)];
      for (Active& active : rules_) {
        if (Fires(active, op, path, other_path) && error == 0) {
          error = active.rule.error;
        }
      }
      if (error == 0) return Status::OK();
      ++injected_;
    }
    std::string context(FaultOpName(op));
    context += ' ';
    context += path;
    return ErrnoToStatus(error, context);
  }

 private:
  struct Active {
    FaultRule rule;
    uint64_t matched;  // matching operations seen so far
    bool spent;        // a one-shot rule that fired
  };

  static bool Matches(const FaultRule& rule, FaultOp op, std::string_view path,
                      std::string_view other_path) {
    if (rule.op != FaultOp::kAny && rule.op != op) return false;
    if (rule.path_contains.empty()) return true;
    return path.find(rule.path_contains) != std::string_view::npos ||
           other_path.find(rule.path_contains) != std::string_view::npos;
  }

  // Counts the operation against `active`; true if the rule fails it.
  static bool Fires(Active& active, FaultOp op, std::string_view path,
                    std::string_view other_path) {
    if (active.spent || !Matches(active.rule, op, path, other_path)) {
      return false;
    }
    ++active.matched;
    if (active.rule.repeat) return active.matched >= active.rule.nth;
    if (active.matched != active.rule.nth) return false;
    active.spent = true;
    return true;
  }

  mutable std::mutex mu_;
  std::vector<Active> rules_;
  std::array<uint64_t, static_cast<size_t>(FaultOp::kAny) + 1> seen_{};
  uint64_t injected_ = 0;
};

namespace {

class FaultInjectionFile final : public ForwardingFile {
 public:
  FaultInjectionFile(std::unique_ptr<File> target,
                     std::shared_ptr<Injector> injector)
      : ForwardingFile(std::move(target)), injector_(std::move(injector)) {}

  Task<Result<size_t>> ReadAt(MutableBytes dst, uint64_t offset,
                              const IoOptions& options = {}) override {
    STRATA_CO_RETURN_IF_ERROR(Check(FaultOp::kRead));
    co_return co_await target_->ReadAt(dst, offset, options);
  }
  Task<Result<size_t>> ReadV(std::span<const MutableBytes> dsts,
                             uint64_t offset,
                             const IoOptions& options = {}) override {
    STRATA_CO_RETURN_IF_ERROR(Check(FaultOp::kRead));
    co_return co_await target_->ReadV(dsts, offset, options);
  }
  Task<Status> Write(ConstBytes src, const IoOptions& options = {}) override {
    STRATA_CO_RETURN_IF_ERROR(Check(FaultOp::kWrite));
    co_return co_await target_->Write(src, options);
  }
  Task<Status> WriteV(std::span<const ConstBytes> srcs,
                      const IoOptions& options = {}) override {
    STRATA_CO_RETURN_IF_ERROR(Check(FaultOp::kWrite));
    co_return co_await target_->WriteV(srcs, options);
  }
  Task<Status> WriteAt(ConstBytes src, uint64_t offset,
                       const IoOptions& options = {}) override {
    STRATA_CO_RETURN_IF_ERROR(Check(FaultOp::kWrite));
    co_return co_await target_->WriteAt(src, offset, options);
  }
  Task<Status> Preallocate(uint64_t offset, uint64_t length) override {
    STRATA_CO_RETURN_IF_ERROR(Check(FaultOp::kWrite));
    co_return co_await target_->Preallocate(offset, length);
  }
  Task<Status> Sync() override {
    STRATA_CO_RETURN_IF_ERROR(Check(FaultOp::kSync));
    co_return co_await target_->Sync();
  }
  Task<Result<uint64_t>> Size() override {
    STRATA_CO_RETURN_IF_ERROR(Check(FaultOp::kStat));
    co_return co_await target_->Size();
  }
  // Close and Abort release the file even when a failure is injected.
  Task<Status> Close() override {
    Status fault = Check(FaultOp::kClose);
    Status status = co_await target_->Close();
    co_return fault.ok() ? status : fault;
  }
  Task<Status> Abort() override {
    Status fault = Check(FaultOp::kClose);
    Status status = co_await target_->Abort();
    co_return fault.ok() ? status : fault;
  }

 private:
  Status Check(FaultOp op) { return injector_->Check(op, path()); }

  std::shared_ptr<Injector> injector_;
};

}  // namespace
}  // namespace fault_internal

FaultInjectionFileSystem::FaultInjectionFileSystem(
    std::shared_ptr<FileSystem> target)
    : ForwardingFileSystem(std::move(target)),
      injector_(std::make_shared<fault_internal::Injector>()) {}

FaultInjectionFileSystem::~FaultInjectionFileSystem() = default;

void FaultInjectionFileSystem::AddFault(FaultRule rule) {
  injector_->Add(std::move(rule));
}

void FaultInjectionFileSystem::FailAfter(uint64_t n, int error) {
  FaultRule rule;
  rule.op = FaultOp::kAny;
  rule.nth = n + 1;
  rule.repeat = true;
  rule.error = error;
  injector_->Add(std::move(rule));
}

void FaultInjectionFileSystem::ClearFaults() { injector_->Clear(); }

uint64_t FaultInjectionFileSystem::OpsSeen(FaultOp op) const {
  return injector_->Seen(op);
}

uint64_t FaultInjectionFileSystem::FaultsInjected() const {
  return injector_->Injected();
}

Task<Result<std::unique_ptr<File>>> FaultInjectionFileSystem::Open(
    std::string path, OpenOptions options) {
  STRATA_CO_RETURN_IF_ERROR(injector_->Check(FaultOp::kOpen, path));
  Result<std::unique_ptr<File>> file =
      co_await target_->Open(std::move(path), std::move(options));
  if (!file.ok()) co_return file.status();
  co_return std::unique_ptr<File>(
      std::make_unique<fault_internal::FaultInjectionFile>(
          std::move(file).value(), injector_));
}

Task<Result<FileInfo>> FaultInjectionFileSystem::Stat(std::string path) {
  STRATA_CO_RETURN_IF_ERROR(injector_->Check(FaultOp::kStat, path));
  co_return co_await target_->Stat(std::move(path));
}

ListStream FaultInjectionFileSystem::List(std::string path,
                                          ListOptions options) {
  Status fault = injector_->Check(FaultOp::kList, path);
  if (!fault.ok()) {
    co_yield Result<ListPage>(fault);
    co_return;
  }
  ListStream inner = target_->List(std::move(path), std::move(options));
  while (std::optional<Result<ListPage>> page = co_await inner.Next()) {
    co_yield std::move(*page);
  }
}

Task<Status> FaultInjectionFileSystem::CreateDir(std::string path,
                                                 bool recursive) {
  STRATA_CO_RETURN_IF_ERROR(injector_->Check(FaultOp::kMkdir, path));
  co_return co_await target_->CreateDir(std::move(path), recursive);
}

Task<Status> FaultInjectionFileSystem::Remove(std::string path) {
  STRATA_CO_RETURN_IF_ERROR(injector_->Check(FaultOp::kRemove, path));
  co_return co_await target_->Remove(std::move(path));
}

Task<Status> FaultInjectionFileSystem::RemoveDir(std::string path,
                                                 bool recursive) {
  STRATA_CO_RETURN_IF_ERROR(injector_->Check(FaultOp::kRemove, path));
  co_return co_await target_->RemoveDir(std::move(path), recursive);
}

Task<Status> FaultInjectionFileSystem::Rename(std::string from,
                                              std::string to) {
  STRATA_CO_RETURN_IF_ERROR(injector_->Check(FaultOp::kRename, from, to));
  co_return co_await target_->Rename(std::move(from), std::move(to));
}

Task<Status> FaultInjectionFileSystem::Copy(std::string from, std::string to) {
  STRATA_CO_RETURN_IF_ERROR(injector_->Check(FaultOp::kCopy, from, to));
  co_return co_await target_->Copy(std::move(from), std::move(to));
}

Task<Status> FaultInjectionFileSystem::SyncDir(std::string path) {
  STRATA_CO_RETURN_IF_ERROR(injector_->Check(FaultOp::kSync, path));
  co_return co_await target_->SyncDir(std::move(path));
}

}  // namespace strata::fs
