// FaultInjectionFileSystem: a wrapper that makes chosen operations fail, to
// test error paths (RocksDB's FaultInjectionTestFS, without the crash
// simulation yet).
//
// A FaultRule names a kind of operation, optionally a path substring, and
// which matching operation fails: the nth one after the rule was added
// (one-shot), or the nth and every one after it (`repeat`). A failing
// operation is not forwarded; it returns ErrnoToStatus(error, "<op> <path>"),
// e.g. "write /db/log: Input/output error". (Close and Abort still release
// the wrapped file before reporting the failure, as close(2) does.) Every
// operation is counted per kind, failed or not.
//
// Operation kinds: Open → kOpen; ReadAt/ReadV → kRead; Write/WriteV/WriteAt
// and Preallocate → kWrite; File::Sync and SyncDir → kSync; Close/Abort →
// kClose; Stat and File::Size → kStat; List → kList (its stream yields the
// failure once); Rename → kRename (the path is `from`; `path_contains` also
// matches `to`); Copy → kCopy (likewise); Remove and RemoveDir → kRemove;
// CreateDir → kMkdir.
//
// Thread-safety: safe for concurrent use (rules and counters share one
// mutex); files follow File's rules. Lifetime: files opened through the
// wrapper share its rules and counters and may outlive it.
#pragma once

#include <cerrno>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "strata/fs/forwarding.h"

namespace strata::fs {

enum class FaultOp {
  kOpen,
  kRead,
  kWrite,
  kSync,
  kClose,
  kStat,
  kList,
  kRename,
  kCopy,
  kRemove,
  kMkdir,
  kAny,  // in a rule: every kind; in OpsSeen: the total
};

// "open", "read", ..., "any": the <op> of injected messages.
std::string_view FaultOpName(FaultOp op);

struct FaultRule {
  FaultOp op = FaultOp::kAny;
  // Which matching operation fails, counting from 1 when the rule is added.
  uint64_t nth = 1;
  // Fail the nth matching operation and every later one (else only the nth).
  bool repeat = false;
  // The errno the failure carries.
  int error = EIO;
  // Only operations whose path contains this; empty matches every path.
  std::string path_contains;
};

namespace fault_internal {
class Injector;
}  // namespace fault_internal

class FaultInjectionFileSystem : public ForwardingFileSystem {
 public:
  explicit FaultInjectionFileSystem(std::shared_ptr<FileSystem> target);
  ~FaultInjectionFileSystem() override;

  // Adds a rule. Every rule counts the operations it matches; when several
  // fire on one operation, the earliest added decides the errno.
  void AddFault(FaultRule rule);
  // Shorthand: the next `n` operations (of any kind) succeed, every later one
  // fails with `error`.
  void FailAfter(uint64_t n, int error = EIO);
  // Removes every rule (counters keep counting).
  void ClearFaults();
  // Operations of `op` seen since creation, failed or not; kAny: all kinds.
  uint64_t OpsSeen(FaultOp op) const;
  // Failures injected since creation.
  uint64_t FaultsInjected() const;

  Task<Result<std::unique_ptr<File>>> Open(std::string path,
                                           OpenOptions options) override;
  Task<Result<FileInfo>> Stat(std::string path) override;
  ListStream List(std::string path, ListOptions options) override;
  Task<Status> CreateDir(std::string path, bool recursive) override;
  Task<Status> Remove(std::string path) override;
  Task<Status> RemoveDir(std::string path, bool recursive) override;
  Task<Status> Rename(std::string from, std::string to) override;
  Task<Status> Copy(std::string from, std::string to) override;
  Task<Status> SyncDir(std::string path) override;

 protected:
  // The shared rules and counters (files hold a reference too).
  const std::shared_ptr<fault_internal::Injector>& injector() const {
    return injector_;
  }

 private:
  std::shared_ptr<fault_internal::Injector> injector_;
};

}  // namespace strata::fs
