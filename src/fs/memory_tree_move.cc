// The memory backend's rename, copy and listing.

#include <algorithm>
#include <cerrno>

#include "fs/memory_tree.h"
#include "strata/fs/registry.h"

namespace strata::fs::memory_internal {
namespace {

// True if `path` is strictly below directory `dir`.
bool IsBelow(std::string_view path, std::string_view dir) {
  if (dir == "/") return path.size() > 1;
  return path.size() > dir.size() && path.starts_with(dir) &&
         path[dir.size()] == '/';
}

std::string MoveContext(std::string_view op, const std::string& from,
                        const std::string& to) {
  return std::string(op) + " " + from + " -> " + to;
}

}  // namespace

Status Tree::Rename(std::string_view raw_from, std::string_view raw_to) {
  STRATA_ASSIGN_OR_RETURN(std::string from, NormalPath(raw_from, "rename"));
  STRATA_ASSIGN_OR_RETURN(std::string to, NormalPath(raw_to, "rename"));
  std::string context = MoveContext("rename", from, to);
  std::lock_guard lock(mu_);
  auto src = entries_.find(from);
  if (src == entries_.end()) return ErrnoToStatus(ENOENT, context);
  if (from == to) return Status::OK();
  if (from == "/") {
    return Status(StatusCode::kInvalidArgument,
                  context + ": the root directory cannot be moved", EBUSY);
  }
  if (src->second.is_dir && IsBelow(to, from)) {
    return Status(StatusCode::kInvalidArgument,
                  context + ": cannot move a directory into itself", EINVAL);
  }
  STRATA_RETURN_IF_ERROR(CheckParentLocked(to, context));
  if (src->second.is_dir) return RenameDirLocked(src, to, context);
  return RenameFileLocked(src, to, context);
}

Status Tree::RenameFileLocked(EntryMap::iterator src, const std::string& to,
                              const std::string& context) {
  auto dst = entries_.find(to);
  if (dst != entries_.end() && dst->second.is_dir) {
    return ErrnoToStatus(EISDIR, context);
  }
  std::string from = src->first;
  Entry moved = std::move(src->second);
  entries_.erase(src);
  entries_[to] = std::move(moved);
  TouchParentLocked(from);
  TouchParentLocked(to);
  return Status::OK();
}

Status Tree::RenameDirLocked(EntryMap::iterator src, const std::string& to,
                             const std::string& context) {
  auto dst = entries_.find(to);
  if (dst != entries_.end()) {
    if (!dst->second.is_dir) return ErrnoToStatus(ENOTDIR, context);
    if (HasChildrenLocked(to)) return ErrnoToStatus(ENOTEMPTY, context);
    entries_.erase(dst);
  }
  std::string from = src->first;
  std::string prefix = from + "/";
  std::vector<EntryMap::node_type> nodes;
  nodes.push_back(entries_.extract(src));
  auto it = entries_.lower_bound(prefix);
  while (it != entries_.end() && it->first.starts_with(prefix)) {
    nodes.push_back(entries_.extract(it++));
  }
  for (auto& node : nodes) {
    node.key() = to + node.key().substr(from.size());
    entries_.insert(std::move(node));
  }
  TouchParentLocked(from);
  TouchParentLocked(to);
  return Status::OK();
}

Status Tree::Copy(std::string_view raw_from, std::string_view raw_to) {
  STRATA_ASSIGN_OR_RETURN(std::string from, NormalPath(raw_from, "copy"));
  STRATA_ASSIGN_OR_RETURN(std::string to, NormalPath(raw_to, "copy"));
  std::string context = MoveContext("copy", from, to);
  std::lock_guard lock(mu_);
  auto src = entries_.find(from);
  if (src == entries_.end()) return ErrnoToStatus(ENOENT, context);
  if (src->second.is_dir) return ErrnoToStatus(EISDIR, context);
  if (from == to) return Status::OK();
  auto dst = entries_.find(to);
  if (dst != entries_.end() && dst->second.is_dir) {
    return ErrnoToStatus(EISDIR, context);
  }
  STRATA_RETURN_IF_ERROR(CheckParentLocked(to, context));
  auto copy = std::make_shared<Data>();
  {
    std::shared_lock data_lock(src->second.data->mu);
    copy->bytes = src->second.data->bytes;
  }
  copy->Touch();
  entries_[to] = Entry{false, std::move(copy), {}};
  TouchParentLocked(to);
  return Status::OK();
}

Result<std::vector<FileInfo>> Tree::List(std::string_view raw,
                                         const ListOptions& options) const {
  STRATA_ASSIGN_OR_RETURN(std::string path, NormalPath(raw, "list"));
  if (options.page_size == 0) {
    return InvalidArgumentError("list " + path + ": page_size must be >= 1");
  }
  std::lock_guard lock(mu_);
  auto dir = entries_.find(path);
  if (dir == entries_.end()) return PathError(ENOENT, "list", path);
  if (!dir->second.is_dir) return PathError(ENOTDIR, "list", path);
  std::string base = path == "/" ? path : path + "/";
  std::string first = base + options.prefix;
  std::vector<FileInfo> out;
  for (auto it = entries_.lower_bound(first);
       it != entries_.end() && it->first.starts_with(first); ++it) {
    std::string_view rel = std::string_view(it->first).substr(base.size());
    if (rel.empty()) continue;  // the root itself
    if (!options.recursive && rel.find('/') != std::string_view::npos) {
      continue;
    }
    if (!options.start_after.empty() && rel <= options.start_after) continue;
    out.push_back(Describe(it->first, it->second));
  }
  return out;
}

}  // namespace strata::fs::memory_internal
