// Private to the memory backend: the file data shared by the tree and open
// files, and the tree itself (every entry keyed by its normalised path).
//
// Thread-safety: Tree is safe for concurrent use (one mutex). Data is guarded
// by its own reader/writer lock. Lock order: Tree::mu_ before Data::mu.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.h"
#include "strata/fs/types.h"

namespace strata::fs::memory_internal {

using Clock = std::chrono::system_clock;

// A file's content. Every content change takes a new process-wide generation,
// so the etag (the generation in hex) changes with it and never repeats.
struct Data {
  mutable std::shared_mutex mu;
  std::vector<std::byte> bytes;  // guarded by mu
  uint64_t generation = 0;       // guarded by mu
  Clock::time_point mtime;       // guarded by mu

  // Records a content change; the caller holds `mu` exclusively.
  void Touch();
  // The caller holds `mu` (shared or exclusive).
  std::string Etag() const;
};

// A new, empty file's data (already touched).
std::shared_ptr<Data> NewData();

struct Entry {
  bool is_dir = false;
  std::shared_ptr<Data> data;  // files only
  Clock::time_point mtime;     // directories only
};

// The FileInfo of `entry` at `path` (locks the file's data).
FileInfo Describe(const std::string& path, const Entry& entry);

// ErrnoToStatus(err, "<op> <path>").
Status PathError(int err, std::string_view op, std::string_view path);

// NormalizePath(path), failures prefixed with `op`.
Result<std::string> NormalPath(std::string_view path, std::string_view op);

// What Tree::Open hands to the file it creates.
struct Opened {
  std::string path;  // normalised
  std::shared_ptr<Data> data;
  bool created = false;  // this open created the file
};

class Tree {
 public:
  Tree();

  Result<Opened> Open(std::string_view path, const OpenOptions& options);
  Result<FileInfo> Stat(std::string_view path) const;
  // Every entry List() would yield, in order (the caller pages them).
  Result<std::vector<FileInfo>> List(std::string_view path,
                                     const ListOptions& options) const;
  Status CreateDir(std::string_view path, bool recursive);
  Status Remove(std::string_view path);
  // Removes the file at `path` if it still holds `data` (an aborted create);
  // does nothing if it was replaced or removed meanwhile.
  void RemoveIfSame(const std::string& path, const std::shared_ptr<Data>& data);
  Status RemoveDir(std::string_view path, bool recursive);
  Status Rename(std::string_view from, std::string_view to);
  Status Copy(std::string_view from, std::string_view to);
  Status SyncDir(std::string_view path) const;

 private:
  using EntryMap = std::map<std::string, Entry, std::less<>>;

  Status CheckPreconditions(const std::string& path, const Entry* entry,
                            const OpenOptions& options) const;
  Result<Entry*> CreateFileLocked(const std::string& path);
  Status CheckParentLocked(const std::string& path,
                           std::string_view context) const;
  Status MakeDirsLocked(const std::string& path);
  Status RenameFileLocked(EntryMap::iterator src, const std::string& to,
                          const std::string& context);
  Status RenameDirLocked(EntryMap::iterator src, const std::string& to,
                         const std::string& context);
  void EraseTreeLocked(const std::string& path);
  bool HasChildrenLocked(const std::string& path) const;
  void TouchParentLocked(const std::string& path);

  mutable std::mutex mu_;
  EntryMap entries_;  // "/" is always present
};

}  // namespace strata::fs::memory_internal
