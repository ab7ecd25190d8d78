// The crash simulator's namespace: lookup, open, stat, mkdir, remove and
// SyncDir. Rename, copy and listing live in crash_sim_move.cc; Crash in
// crash_sim_crash.cc.

#include <algorithm>
#include <cerrno>

#include "fs/crash_sim_state.h"
#include "strata/fs/registry.h"

namespace strata::fs {

using crash_sim_internal::Change;
using crash_sim_internal::Node;
using crash_sim_internal::NodePtr;
using crash_sim_internal::NormalPath;

namespace crash_sim_internal {

FileInfo Describe(std::string path, const Node& node) {
  FileInfo info;
  info.path = std::move(path);
  info.is_dir = node.is_dir;
  info.mtime = node.mtime;
  if (!node.is_dir) {
    info.size = node.data.size();
    info.etag = node.Etag();
  }
  return info;
}

Result<std::string> NormalPath(std::string_view path, std::string_view op) {
  Result<std::string> normal = NormalizePath(path);
  if (!normal.ok()) return normal.status().WithContext(op);
  return normal;
}

}  // namespace crash_sim_internal

Status CrashSimPathError(int err, std::string_view op, std::string_view path) {
  std::string context(op);
  context += ' ';
  context += path;
  return ErrnoToStatus(err, context);
}

NodePtr CrashSimFileSystem::State::FindLocked(std::string_view path) const {
  NodePtr node = root_;
  size_t pos = 1;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    if (!node->is_dir) return nullptr;
    auto it = node->children.find(path.substr(pos, slash - pos));
    if (it == node->children.end()) return nullptr;
    node = it->second;
    pos = slash + 1;
  }
  return node;
}

Result<NodePtr> CrashSimFileSystem::State::ParentLocked(
    const std::string& path, std::string_view context) const {
  NodePtr parent = FindLocked(ParentPath(path));
  if (parent == nullptr) return ErrnoToStatus(ENOENT, context);
  if (!parent->is_dir) return ErrnoToStatus(ENOTDIR, context);
  return parent;
}

NodePtr CrashSimFileSystem::State::NewNodeLocked(bool dir) {
  if (nodes_.size() >= compact_at_) {
    std::erase_if(nodes_,
                  [](const std::weak_ptr<Node>& n) { return n.expired(); });
    compact_at_ = std::max<size_t>(64, 2 * nodes_.size());
  }
  auto node = std::make_shared<Node>(dir);
  nodes_.push_back(node);
  return node;
}

void CrashSimFileSystem::State::SetEntryLocked(const NodePtr& dir,
                                               std::string_view name,
                                               NodePtr target, Change& change) {
  if (target == nullptr) {
    auto it = dir->children.find(name);
    if (it != dir->children.end()) dir->children.erase(it);
  } else {
    dir->children.insert_or_assign(std::string(name), target);
  }
  dir->mtime = crash_sim_internal::Clock::now();
  change.push_back({dir, std::string(name), std::move(target)});
}

void CrashSimFileSystem::State::LogLocked(Change change) {
  if (!change.empty()) log_.push_back(std::move(change));
}

void CrashSimFileSystem::State::SyncDirLocked(const NodePtr& dir) {
  dir->durable_children = dir->children;
  for (Change& change : log_) {
    std::erase_if(change, [&](const crash_sim_internal::Edit& edit) {
      return edit.dir == dir;
    });
  }
  std::erase_if(log_, [](const Change& change) { return change.empty(); });
}

Result<CrashSimFileSystem::State::Opened> CrashSimFileSystem::State::Open(
    std::string_view raw, const OpenOptions& options) {
  STRATA_ASSIGN_OR_RETURN(std::string path, NormalPath(raw, "open"));
  std::lock_guard lock(mu);
  NodePtr node = FindLocked(path);
  if (node != nullptr && node->is_dir) {
    return CrashSimPathError(EISDIR, "open", path);
  }
  STRATA_RETURN_IF_ERROR(CheckPreconditions(path, node.get(), options));
  bool create =
      options.create || options.create_new || options.if_none_match == "*";
  bool created = false;
  if (node == nullptr) {
    if (!create) return CrashSimPathError(ENOENT, "open", path);
    STRATA_ASSIGN_OR_RETURN(node, CreateFileLocked(path, options));
    created = true;
  } else if (options.truncate && options.write) {
    crash_sim_internal::TruncateData(*node);
    node->Touch();
  }
  return Opened{std::move(path), std::move(node), created};
}

Status CrashSimFileSystem::State::CheckPreconditions(
    const std::string& path, const Node* node,
    const OpenOptions& options) const {
  bool exclusive = options.create_new || options.if_none_match == "*";
  if (node != nullptr && exclusive) {
    return CrashSimPathError(EEXIST, "open", path);
  }
  if (!options.if_match && !options.if_none_match) return Status::OK();
  if (node == nullptr) {
    if (options.if_match) return CrashSimPathError(ENOENT, "open", path);
    return Status::OK();
  }
  std::string etag = node->Etag();
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

Result<NodePtr> CrashSimFileSystem::State::CreateFileLocked(
    const std::string& path, const OpenOptions& options) {
  STRATA_ASSIGN_OR_RETURN(NodePtr parent, ParentLocked(path, "open " + path));
  NodePtr node = NewNodeLocked(false);
  Change change;
  SetEntryLocked(parent, BaseName(path), node, change);
  LogLocked(std::move(change));
  if (options.durable_create) SyncDirLocked(parent);
  return node;
}

Result<FileInfo> CrashSimFileSystem::State::Stat(std::string_view raw) {
  STRATA_ASSIGN_OR_RETURN(std::string path, NormalPath(raw, "stat"));
  std::lock_guard lock(mu);
  NodePtr node = FindLocked(path);
  if (node == nullptr) return CrashSimPathError(ENOENT, "stat", path);
  return crash_sim_internal::Describe(std::move(path), *node);
}

Status CrashSimFileSystem::State::CreateDir(std::string_view raw,
                                            bool recursive) {
  STRATA_ASSIGN_OR_RETURN(std::string path, NormalPath(raw, "mkdir"));
  std::lock_guard lock(mu);
  NodePtr node = FindLocked(path);
  if (node != nullptr) {
    if (node->is_dir && recursive) return Status::OK();
    return CrashSimPathError(EEXIST, "mkdir", path);
  }
  if (recursive) return MakeDirsLocked(path);
  STRATA_ASSIGN_OR_RETURN(NodePtr parent, ParentLocked(path, "mkdir " + path));
  Change change;
  SetEntryLocked(parent, BaseName(path), NewNodeLocked(true), change);
  LogLocked(std::move(change));
  return Status::OK();
}

Status CrashSimFileSystem::State::MakeDirsLocked(const std::string& path) {
  NodePtr dir = root_;
  size_t pos = 0;
  while (pos != std::string::npos) {
    size_t next = path.find('/', pos + 1);
    std::string name = path.substr(pos + 1, next - pos - 1);
    pos = next;
    auto it = dir->children.find(name);
    if (it != dir->children.end()) {
      if (!it->second->is_dir) return CrashSimPathError(ENOTDIR, "mkdir", path);
      dir = it->second;
      continue;
    }
    NodePtr child = NewNodeLocked(true);
    Change change;
    SetEntryLocked(dir, name, child, change);
    LogLocked(std::move(change));
    dir = std::move(child);
  }
  return Status::OK();
}

Status CrashSimFileSystem::State::Remove(std::string_view raw) {
  STRATA_ASSIGN_OR_RETURN(std::string path, NormalPath(raw, "remove"));
  std::lock_guard lock(mu);
  NodePtr node = FindLocked(path);
  if (node == nullptr) return CrashSimPathError(ENOENT, "remove", path);
  if (node->is_dir) return CrashSimPathError(EISDIR, "remove", path);
  STRATA_ASSIGN_OR_RETURN(NodePtr parent, ParentLocked(path, "remove " + path));
  Change change;
  SetEntryLocked(parent, BaseName(path), nullptr, change);
  LogLocked(std::move(change));
  return Status::OK();
}

void CrashSimFileSystem::State::RemoveIfSame(const std::string& path,
                                             const NodePtr& node) {
  std::lock_guard lock(mu);
  if (FindLocked(path) != node) return;
  NodePtr parent = FindLocked(ParentPath(path));
  Change change;
  SetEntryLocked(parent, BaseName(path), nullptr, change);
  LogLocked(std::move(change));
}

Status CrashSimFileSystem::State::RemoveDir(std::string_view raw,
                                            bool recursive) {
  STRATA_ASSIGN_OR_RETURN(std::string path, NormalPath(raw, "rmdir"));
  if (path == "/") {
    return Status(StatusCode::kInvalidArgument,
                  "rmdir /: the root directory cannot be removed", EBUSY);
  }
  std::lock_guard lock(mu);
  NodePtr node = FindLocked(path);
  if (node == nullptr) return CrashSimPathError(ENOENT, "rmdir", path);
  if (!node->is_dir) return CrashSimPathError(ENOTDIR, "rmdir", path);
  if (!recursive && !node->children.empty()) {
    return CrashSimPathError(ENOTEMPTY, "rmdir", path);
  }
  RemoveTreeLocked(node);
  NodePtr parent = FindLocked(ParentPath(path));
  Change change;
  SetEntryLocked(parent, BaseName(path), nullptr, change);
  LogLocked(std::move(change));
  return Status::OK();
}

void CrashSimFileSystem::State::RemoveTreeLocked(const NodePtr& dir) {
  while (!dir->children.empty()) {
    auto it = dir->children.begin();
    if (it->second->is_dir) RemoveTreeLocked(it->second);
    std::string name = it->first;  // the entry (and its key) goes away
    Change change;
    SetEntryLocked(dir, name, nullptr, change);
    LogLocked(std::move(change));
  }
}

Status CrashSimFileSystem::State::SyncDir(std::string_view raw) {
  STRATA_ASSIGN_OR_RETURN(std::string path, NormalPath(raw, "syncdir"));
  std::lock_guard lock(mu);
  NodePtr node = FindLocked(path);
  if (node == nullptr) return CrashSimPathError(ENOENT, "syncdir", path);
  if (!node->is_dir) return CrashSimPathError(ENOTDIR, "syncdir", path);
  SyncDirLocked(node);
  return Status::OK();
}

}  // namespace strata::fs
