// The crash simulator's rename, copy and listing.

#include <algorithm>
#include <cerrno>

#include "fs/crash_sim_state.h"
#include "strata/fs/registry.h"

namespace strata::fs {

using crash_sim_internal::Change;
using crash_sim_internal::Node;
using crash_sim_internal::NodePtr;
using crash_sim_internal::NormalPath;

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

Status CrashSimFileSystem::State::Rename(std::string_view raw_from,
                                         std::string_view raw_to) {
  STRATA_ASSIGN_OR_RETURN(std::string from, NormalPath(raw_from, "rename"));
  STRATA_ASSIGN_OR_RETURN(std::string to, NormalPath(raw_to, "rename"));
  std::string context = MoveContext("rename", from, to);
  std::lock_guard lock(mu);
  NodePtr src = FindLocked(from);
  if (src == nullptr) return ErrnoToStatus(ENOENT, context);
  if (from == to) return Status::OK();
  if (from == "/") {
    return Status(StatusCode::kInvalidArgument,
                  context + ": the root directory cannot be moved", EBUSY);
  }
  if (src->is_dir && IsBelow(to, from)) {
    return Status(StatusCode::kInvalidArgument,
                  context + ": cannot move a directory into itself", EINVAL);
  }
  STRATA_ASSIGN_OR_RETURN(NodePtr to_parent, ParentLocked(to, context));
  STRATA_RETURN_IF_ERROR(CheckRenameTarget(*src, FindLocked(to), context));
  NodePtr from_parent = FindLocked(ParentPath(from));
  // One change: a journaling file system commits a rename atomically.
  Change change;
  SetEntryLocked(from_parent, BaseName(from), nullptr, change);
  SetEntryLocked(to_parent, BaseName(to), std::move(src), change);
  LogLocked(std::move(change));
  return Status::OK();
}

Status CrashSimFileSystem::State::CheckRenameTarget(
    const Node& src, const NodePtr& dst, const std::string& context) const {
  if (dst == nullptr) return Status::OK();
  if (!src.is_dir) {
    if (dst->is_dir) return ErrnoToStatus(EISDIR, context);
    return Status::OK();
  }
  if (!dst->is_dir) return ErrnoToStatus(ENOTDIR, context);
  if (!dst->children.empty()) return ErrnoToStatus(ENOTEMPTY, context);
  return Status::OK();
}

Status CrashSimFileSystem::State::Copy(std::string_view raw_from,
                                       std::string_view raw_to) {
  STRATA_ASSIGN_OR_RETURN(std::string from, NormalPath(raw_from, "copy"));
  STRATA_ASSIGN_OR_RETURN(std::string to, NormalPath(raw_to, "copy"));
  std::string context = MoveContext("copy", from, to);
  std::lock_guard lock(mu);
  NodePtr src = FindLocked(from);
  if (src == nullptr) return ErrnoToStatus(ENOENT, context);
  if (src->is_dir) return ErrnoToStatus(EISDIR, context);
  if (from == to) return Status::OK();
  NodePtr dst = FindLocked(to);
  if (dst != nullptr && dst->is_dir) return ErrnoToStatus(EISDIR, context);
  STRATA_ASSIGN_OR_RETURN(NodePtr parent, ParentLocked(to, context));
  NodePtr copy = NewNodeLocked(false);
  if (!crash_sim_internal::GrowTo(copy->data, src->data.size())) {
    return ErrnoToStatus(ENOMEM, context);
  }
  // The copy's bytes are unsynced, like those of any new file.
  crash_sim_internal::WriteData(*copy, 0, src->data, /*dsync=*/false);
  Change change;
  SetEntryLocked(parent, BaseName(to), std::move(copy), change);
  LogLocked(std::move(change));
  return Status::OK();
}

void CrashSimFileSystem::State::CollectLocked(
    const NodePtr& dir, const std::string& path, const std::string& rel,
    bool recursive, std::vector<std::pair<std::string, FileInfo>>& out) const {
  for (const auto& [name, child] : dir->children) {
    std::string child_path = path == "/" ? "/" + name : path + "/" + name;
    std::string child_rel = rel.empty() ? name : rel + "/" + name;
    out.emplace_back(child_rel,
                     crash_sim_internal::Describe(child_path, *child));
    if (recursive && child->is_dir) {
      CollectLocked(child, child_path, child_rel, recursive, out);
    }
  }
}

Result<std::vector<FileInfo>> CrashSimFileSystem::State::List(
    std::string_view raw, const ListOptions& options) {
  STRATA_ASSIGN_OR_RETURN(std::string path, NormalPath(raw, "list"));
  if (options.page_size == 0) {
    return InvalidArgumentError("list " + path + ": page_size must be >= 1");
  }
  std::vector<std::pair<std::string, FileInfo>> all;
  {
    std::lock_guard lock(mu);
    NodePtr dir = FindLocked(path);
    if (dir == nullptr) return CrashSimPathError(ENOENT, "list", path);
    if (!dir->is_dir) return CrashSimPathError(ENOTDIR, "list", path);
    CollectLocked(dir, path, "", options.recursive, all);
  }
  // Byte order of the relative (hence the full) paths: "b-x" < "b/c".
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<FileInfo> out;
  for (auto& [rel, info] : all) {
    if (!rel.starts_with(options.prefix)) continue;
    if (!options.start_after.empty() && rel <= options.start_after) continue;
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace strata::fs
