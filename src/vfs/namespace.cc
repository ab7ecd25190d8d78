// Namespace: creation, the mount-table passthrough and shared helpers.
#include "strata/vfs/namespace.h"

#include <utility>

#include "core/logging.h"
#include "strata/vfs/path.h"
#include "vfs/namespace_core.h"

namespace strata::vfs {
namespace internal {
namespace {

bool LeftDelim(char c) {
  return c == ' ' || c == '\t' || c == '\'' || c == '"' || c == '(' ||
         c == '[' || c == '=';
}
bool RightDelim(char c) {
  return LeftDelim(c) || c == ':' || c == ',' || c == ')' || c == ']';
}

// Replaces every delimited token ending in `from` by `to`; true if any.
bool ReplacePathTokens(std::string* msg, std::string_view from,
                       std::string_view to) {
  bool replaced = false;
  size_t pos = 0;
  while ((pos = msg->find(from, pos)) != std::string::npos) {
    const size_t end = pos + from.size();
    if (end < msg->size() && !RightDelim((*msg)[end])) {
      pos = end;
      continue;
    }
    size_t begin = pos;
    while (begin > 0 && !LeftDelim((*msg)[begin - 1])) --begin;
    msg->replace(begin, end - begin, to);
    pos = begin + to.size();
    replaced = true;
  }
  return replaced;
}

// A MountPoint fit to return: secret backend option values redacted.
MountPoint Redact(MountPoint m) {
  for (auto& [key, value] : m.options.backend) {
    if (IsSecretOption(key)) value = "<redacted>";
  }
  return m;
}

}  // namespace

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

Status NameVirtual(const Status& status, std::string_view vpath) {
  if (status.ok() || status.message().find(vpath) != std::string_view::npos) {
    return status;
  }
  return status.WithContext(vpath);
}

Status BackendError(const Status& status, std::string_view backend_path,
                    std::string_view vpath) {
  if (status.ok()) return status;
  std::string msg(status.message());
  if (backend_path.size() > 1 && backend_path != vpath &&
      ReplacePathTokens(&msg, backend_path, vpath)) {
    return NameVirtual(Status(status.code(), std::move(msg), status.sys_errno(),
                              status.retryable()),
                       vpath);
  }
  return NameVirtual(status, vpath);
}

int64_t NamespaceCore::Now() const {
  if (options_.clock) return schema::ToUnixNanos(options_.clock());
  return schema::NowUnixNanos();
}

Task<void> NamespaceCore::CacheUpdateFailed(Resolved r, std::string vpath,
                                            Status why) {
  Logger().warn(
      "vfs: {} changed in the backend but its cache update failed: "
      "{}; dropping the cached entry",
      vpath, why.ToString());
  std::vector<std::string> comps = SplitPath(r.relative);
  if (comps.empty()) co_return;
  auto steps = co_await Walk(r.mount->root_ino, std::move(comps));
  if (!steps.ok() || steps->empty()) co_return;
  const WalkStep& last = steps->back();
  if (last.entry) (co_await store_->Delete(last.key)).status().IgnoreError();
  schema::DirState unlisted;
  (co_await store_->Put(schema::DirKey(last.parent),
                        schema::EncodeDirState(unlisted)))
      .status()
      .IgnoreError();
}

NamespaceCore::NamespaceCore(std::shared_ptr<MetaStore> store,
                             NamespaceOptions options)
    : store_(std::move(store)),
      options_(std::move(options)),
      inodes_(std::make_shared<schema::InodeAllocator>(store_)) {}

Task<Status> NamespaceCore::Init() {
  STRATA_CO_RETURN_IF_ERROR(co_await schema::EnsureSchemaVersion(store_));
  std::shared_ptr<schema::InodeAllocator> inodes = inodes_;
  // Not a coroutine: returns the allocator's task, so capturing is safe.
  std::function<Task<Result<uint64_t>>()> allocate = [inodes]() {
    return inodes->Allocate();
  };
  auto table = co_await MountTable::Open(store_, options_.root_uri,
                                         std::move(allocate), options_.opener);
  if (!table.ok()) co_return table.status();
  mounts_ = std::move(table).value();
  co_return Status::OK();
}

Result<Resolved> NamespaceCore::ResolvePath(std::string_view vpath,
                                            std::string* normal) {
  STRATA_ASSIGN_OR_RETURN(*normal, NormalizeVirtualPath(vpath));
  return mounts_->Resolve(*normal);
}

std::chrono::milliseconds NamespaceCore::IntervalOf(
    const MountPoint& mount) const {
  return mount.options.sync_interval.value_or(options_.default_sync_interval);
}

Status NamespaceCore::CheckWritable(const Resolved& r, std::string_view vpath) {
  if (!r.mount->options.readonly) return Status::OK();
  return PermissionDeniedError(std::string(vpath) + ": mount " + r.mount->path +
                               " is read-only");
}

Status NamespaceCore::CheckNotMountPath(std::string_view vpath,
                                        const Resolved& r) const {
  if (r.relative == "/") {
    return FailedPreconditionError(std::string(vpath) +
                                   " is a mount point; unmount it first");
  }
  if (!mounts_->MountedNamesUnder(vpath).empty()) {
    return FailedPreconditionError(std::string(vpath) +
                                   " holds a mount point; unmount it first");
  }
  return Status::OK();
}

// The capabilities every mount offers: true only where any path would do.
fs::Capabilities NamespaceCore::Capabilities() const {
  fs::Capabilities all;
  bool first = true;
  for (const MountPoint& m : mounts_->List()) {
    auto r = mounts_->Resolve(m.path);
    if (!r.ok() || r->fs == nullptr) continue;
    fs::Capabilities c = r->fs->capabilities();
    if (first) {
      all = c;
      first = false;
      continue;
    }
    all.atomic_rename &= c.atomic_rename;
    all.rename_dir &= c.rename_dir;
    all.append &= c.append;
    all.conditional_put &= c.conditional_put;
    all.directory_fsync &= c.directory_fsync;
    all.real_directories &= c.real_directories;
    all.direct_io &= c.direct_io;
    all.positional_write &= c.positional_write;
    all.sync &= c.sync;
    all.preallocate &= c.preallocate;
  }
  return all;
}

Task<Status> NamespaceCore::SyncDir(std::string path) {
  std::string vpath;
  auto r = ResolvePath(path, &vpath);
  if (!r.ok()) co_return r.status();
  co_return BackendError(co_await r->fs->SyncDir(r->backend_path),
                         r->backend_path, vpath);
}

// Unmounts and drops the mount's cached metadata (best effort: orphaned
// keys are harmless).
Task<Status> NamespaceCore::Unmount(std::string path) {
  std::string vpath;
  auto r = ResolvePath(path, &vpath);
  if (!r.ok()) co_return r.status();
  const bool is_point = r->mount->path == vpath;
  const uint64_t root = r->mount->root_ino;
  STRATA_CO_RETURN_IF_ERROR(co_await mounts_->Unmount(vpath));
  if (is_point && root != 0) (co_await DeleteSubtree(root)).IgnoreError();
  co_return Status::OK();
}

}  // namespace internal

class Namespace::Impl {
 public:
  Impl(std::shared_ptr<MetaStore> store, NamespaceOptions options)
      : core(std::move(store), std::move(options)) {}
  internal::NamespaceCore core;
};

Namespace::Namespace(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  impl_->core.set_owner(this);
}
Namespace::~Namespace() = default;

Task<Result<std::unique_ptr<Namespace>>> Namespace::Create(
    std::shared_ptr<MetaStore> store, NamespaceOptions options) {
  if (store == nullptr) co_return InvalidArgumentError("Namespace: no store");
  auto impl = std::make_unique<Impl>(std::move(store), std::move(options));
  STRATA_CO_RETURN_IF_ERROR(co_await impl->core.Init());
  co_return std::unique_ptr<Namespace>(new Namespace(std::move(impl)));
}

Task<Result<MountPoint>> Namespace::Mount(std::string path, std::string uri,
                                          MountOptions options) {
  auto mounted = co_await impl_->core.mounts().Mount(
      std::move(path), std::move(uri), std::move(options));
  if (!mounted.ok()) co_return mounted.status();
  co_return internal::Redact(std::move(mounted).value());
}

Task<Status> Namespace::Unmount(std::string path) {
  return impl_->core.Unmount(std::move(path));
}

std::vector<MountPoint> Namespace::ListMounts() const {
  std::vector<MountPoint> mounts = impl_->core.mounts().List();
  for (MountPoint& m : mounts) m = internal::Redact(std::move(m));
  return mounts;
}

bool Namespace::IsMountPoint(std::string_view path) const {
  std::string vpath;
  Result<Resolved> r = impl_->core.ResolvePath(path, &vpath);
  return r.ok() && r->mount != nullptr && r->mount->path == vpath;
}

Task<Result<SyncResult>> Namespace::Sync(std::string path) {
  return impl_->core.Sync(std::move(path));
}

Task<Result<MoveResult>> Namespace::Move(std::string from, std::string to) {
  return impl_->core.Move(std::move(from), std::move(to));
}

Result<fs::Capabilities> Namespace::CapabilitiesAt(
    std::string_view path) const {
  std::string vpath;
  STRATA_ASSIGN_OR_RETURN(Resolved r, impl_->core.ResolvePath(path, &vpath));
  return r.fs->capabilities();
}

fs::Capabilities Namespace::capabilities() const {
  return impl_->core.Capabilities();
}

Task<Result<std::unique_ptr<fs::File>>> Namespace::Open(
    std::string path, fs::OpenOptions options) {
  return impl_->core.Open(std::move(path), std::move(options));
}

std::optional<Result<fs::FileInfo>> Namespace::TryStatNow(
    std::string_view path) {
  return impl_->core.TryStatNow(path);
}

Task<Result<fs::FileInfo>> Namespace::Stat(std::string path) {
  return impl_->core.Stat(std::move(path));
}

fs::ListStream Namespace::List(std::string path, fs::ListOptions options) {
  return impl_->core.List(std::move(path), std::move(options));
}

Task<Status> Namespace::CreateDir(std::string path, bool recursive) {
  return impl_->core.CreateDir(std::move(path), recursive);
}

Task<Status> Namespace::Remove(std::string path) {
  return impl_->core.Remove(std::move(path));
}

Task<Status> Namespace::RemoveDir(std::string path, bool recursive) {
  return impl_->core.RemoveDir(std::move(path), recursive);
}

Task<Status> Namespace::Rename(std::string from, std::string to) {
  auto moved = co_await impl_->core.Move(std::move(from), std::move(to));
  co_return moved.status();
}

Task<Status> Namespace::Copy(std::string from, std::string to) {
  return impl_->core.Copy(std::move(from), std::move(to));
}

Task<Status> Namespace::SyncDir(std::string path) {
  return impl_->core.SyncDir(std::move(path));
}

}  // namespace strata::vfs
