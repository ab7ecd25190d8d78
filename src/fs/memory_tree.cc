// The memory backend's namespace: open/stat/mkdir/remove over a sorted map.
// Rename, copy and listing live in memory_tree_move.cc.

#include "fs/memory_tree.h"

#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cstdio>

#include "strata/fs/registry.h"

namespace strata::fs::memory_internal {
namespace {

std::atomic<uint64_t> next_generation{1};

}  // namespace

Status PathError(int err, std::string_view op, std::string_view path) {
  std::string context(op);
  context += ' ';
  context += path;
  return ErrnoToStatus(err, context);
}

Result<std::string> NormalPath(std::string_view path, std::string_view op) {
  Result<std::string> normal = NormalizePath(path);
  if (!normal.ok()) return normal.status().WithContext(op);
  return normal;
}

void Data::Touch() {
  generation = next_generation.fetch_add(1, std::memory_order_relaxed);
  mtime = Clock::now();
}

std::string Data::Etag() const {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "m%016" PRIx64, generation);
  return buf;
}

std::shared_ptr<Data> NewData() {
  auto data = std::make_shared<Data>();
  data->Touch();
  return data;
}

FileInfo Describe(const std::string& path, const Entry& entry) {
  FileInfo info;
  info.path = path;
  info.is_dir = entry.is_dir;
  if (entry.is_dir) {
    info.mtime = entry.mtime;
    return info;
  }
  std::shared_lock data_lock(entry.data->mu);
  info.size = entry.data->bytes.size();
  info.mtime = entry.data->mtime;
  info.etag = entry.data->Etag();
  return info;
}

Tree::Tree() { entries_["/"] = Entry{true, nullptr, Clock::now()}; }

Result<Opened> Tree::Open(std::string_view raw, const OpenOptions& options) {
  STRATA_ASSIGN_OR_RETURN(std::string path, NormalPath(raw, "open"));
  std::lock_guard lock(mu_);
  auto it = entries_.find(path);
  Entry* entry = it == entries_.end() ? nullptr : &it->second;
  if (entry != nullptr && entry->is_dir) return PathError(EISDIR, "open", path);
  STRATA_RETURN_IF_ERROR(CheckPreconditions(path, entry, options));
  bool create =
      options.create || options.create_new || options.if_none_match == "*";
  bool created = false;
  if (entry == nullptr) {
    if (!create) return PathError(ENOENT, "open", path);
    STRATA_ASSIGN_OR_RETURN(entry, CreateFileLocked(path));
    created = true;
  } else if (options.truncate && options.write) {
    std::unique_lock data_lock(entry->data->mu);
    std::vector<std::byte>().swap(entry->data->bytes);  // frees the buffer
    entry->data->Touch();
  }
  return Opened{std::move(path), entry->data, created};
}

void Tree::RemoveIfSame(const std::string& path,
                        const std::shared_ptr<Data>& data) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(path);
  if (it != entries_.end() && !it->second.is_dir && it->second.data == data) {
    entries_.erase(it);
  }
}

Status Tree::CheckPreconditions(const std::string& path, const Entry* entry,
                                const OpenOptions& options) const {
  bool exclusive = options.create_new || options.if_none_match == "*";
  if (entry != nullptr && exclusive) return PathError(EEXIST, "open", path);
  if (!options.if_match && !options.if_none_match) return Status::OK();
  if (entry == nullptr) {
    if (options.if_match) return PathError(ENOENT, "open", path);
    return Status::OK();
  }
  std::string etag;
  {
    std::shared_lock data_lock(entry->data->mu);
    etag = entry->data->Etag();
  }
  if (options.if_match && *options.if_match != etag) {
    return FailedPreconditionError("open " + path + ": etag " + etag +
                                   " does not match if_match " +
                                   *options.if_match);
  }
  if (options.if_none_match && *options.if_none_match == etag) {
    return FailedPreconditionError("open " + path + ": etag " + etag +
                                   " matches if_none_match");
  }
  return Status::OK();
}

Result<Entry*> Tree::CreateFileLocked(const std::string& path) {
  STRATA_RETURN_IF_ERROR(CheckParentLocked(path, "open " + path));
  auto it = entries_.emplace(path, Entry{false, NewData(), {}}).first;
  TouchParentLocked(path);
  return &it->second;
}

Status Tree::CheckParentLocked(const std::string& path,
                               std::string_view context) const {
  auto it = entries_.find(ParentPath(path));
  if (it == entries_.end()) return ErrnoToStatus(ENOENT, context);
  if (!it->second.is_dir) return ErrnoToStatus(ENOTDIR, context);
  return Status::OK();
}

void Tree::TouchParentLocked(const std::string& path) {
  auto it = entries_.find(ParentPath(path));
  if (it != entries_.end()) it->second.mtime = Clock::now();
}

Result<FileInfo> Tree::Stat(std::string_view raw) const {
  STRATA_ASSIGN_OR_RETURN(std::string path, NormalPath(raw, "stat"));
  std::lock_guard lock(mu_);
  auto it = entries_.find(path);
  if (it == entries_.end()) return PathError(ENOENT, "stat", path);
  return Describe(it->first, it->second);
}

Status Tree::CreateDir(std::string_view raw, bool recursive) {
  STRATA_ASSIGN_OR_RETURN(std::string path, NormalPath(raw, "mkdir"));
  std::lock_guard lock(mu_);
  auto it = entries_.find(path);
  if (it != entries_.end()) {
    if (it->second.is_dir && recursive) return Status::OK();
    return PathError(EEXIST, "mkdir", path);
  }
  if (recursive) return MakeDirsLocked(path);
  STRATA_RETURN_IF_ERROR(CheckParentLocked(path, "mkdir " + path));
  entries_.emplace(path, Entry{true, nullptr, Clock::now()});
  TouchParentLocked(path);
  return Status::OK();
}

Status Tree::MakeDirsLocked(const std::string& path) {
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    std::string dir = path.substr(0, pos);
    auto it = entries_.find(dir);
    if (it == entries_.end()) {
      entries_.emplace(dir, Entry{true, nullptr, Clock::now()});
      TouchParentLocked(dir);
    } else if (!it->second.is_dir) {
      return PathError(ENOTDIR, "mkdir", path);
    }
  }
  return Status::OK();
}

Status Tree::Remove(std::string_view raw) {
  STRATA_ASSIGN_OR_RETURN(std::string path, NormalPath(raw, "remove"));
  std::lock_guard lock(mu_);
  auto it = entries_.find(path);
  if (it == entries_.end()) return PathError(ENOENT, "remove", path);
  if (it->second.is_dir) return PathError(EISDIR, "remove", path);
  entries_.erase(it);
  TouchParentLocked(path);
  return Status::OK();
}

Status Tree::RemoveDir(std::string_view raw, bool recursive) {
  STRATA_ASSIGN_OR_RETURN(std::string path, NormalPath(raw, "rmdir"));
  if (path == "/") {
    return Status(StatusCode::kInvalidArgument,
                  "rmdir /: the root directory cannot be removed", EBUSY);
  }
  std::lock_guard lock(mu_);
  auto it = entries_.find(path);
  if (it == entries_.end()) return PathError(ENOENT, "rmdir", path);
  if (!it->second.is_dir) return PathError(ENOTDIR, "rmdir", path);
  if (!recursive && HasChildrenLocked(path)) {
    return PathError(ENOTEMPTY, "rmdir", path);
  }
  EraseTreeLocked(path);
  TouchParentLocked(path);
  return Status::OK();
}

bool Tree::HasChildrenLocked(const std::string& path) const {
  std::string prefix = path == "/" ? path : path + "/";
  auto it = entries_.upper_bound(prefix);
  if (path == "/") return it != entries_.end();
  return it != entries_.end() && it->first.starts_with(prefix);
}

void Tree::EraseTreeLocked(const std::string& path) {
  std::string prefix = path + "/";
  auto it = entries_.lower_bound(prefix);
  while (it != entries_.end() && it->first.starts_with(prefix)) {
    it = entries_.erase(it);
  }
  entries_.erase(path);
}

Status Tree::SyncDir(std::string_view raw) const {
  STRATA_ASSIGN_OR_RETURN(std::string path, NormalPath(raw, "syncdir"));
  std::lock_guard lock(mu_);
  auto it = entries_.find(path);
  if (it == entries_.end()) return PathError(ENOENT, "syncdir", path);
  if (!it->second.is_dir) return PathError(ENOTDIR, "syncdir", path);
  return Status::OK();
}

}  // namespace strata::fs::memory_internal
