// Namespace Sync: refresh the cached metadata of a path (recursively for a
// directory, into nested mounts) from the backends, counting the changes.
#include <utility>

#include "vfs/namespace_core.h"

namespace strata::vfs::internal {
Task<Result<SyncResult>> NamespaceCore::Sync(std::string path) {
  std::string vpath;
  auto r = ResolvePath(path, &vpath);
  if (!r.ok()) co_return r.status();
  SyncResult result;
  STRATA_CO_RETURN_IF_ERROR(co_await SyncTree(vpath, &result));
  co_return result;
}

// Refreshes the entry of `vpath` itself (not the mount root). Returns
// whether to go on listing it as a directory.
Task<Result<bool>> NamespaceCore::SyncEntry(Resolved r, std::string vpath,
                                            bool holds_mounts,
                                            SyncResult* result) {
  std::vector<std::string> comps = SplitPath(r.relative);
  auto steps = co_await Walk(r.mount->root_ino, comps);
  if (!steps.ok()) co_return steps.status();
  std::optional<schema::Entry> prior;
  if (steps->size() == comps.size()) prior = steps->back().entry;
  auto info = co_await r.fs->Stat(r.backend_path);
  if (!info.ok()) {
    if (info.status().code() != StatusCode::kNotFound) {
      co_return BackendError(info.status(), r.backend_path, vpath);
    }
    STRATA_CO_RETURN_IF_ERROR(co_await Forget(r));
    if (prior) ++result->removed;
    if (!prior && !holds_mounts)
      co_return BackendError(info.status(), r.backend_path, vpath);
    co_return holds_mounts;
  }
  schema::Entry now = schema::InfoToEntry(*info);
  if (!prior) {
    ++result->added;
  } else if (!now.dir && !schema::SameObject(*prior, now)) {
    ++result->updated;
  }
  auto recorded = co_await Record(std::move(r), *info);
  if (!recorded.ok()) co_return recorded.status();
  co_return info->is_dir;
}

Task<Status> NamespaceCore::SyncTree(std::string vpath, SyncResult* result) {
  auto r = mounts_->Resolve(vpath);
  if (!r.ok()) co_return r.status();
  if (r->relative != "/") {
    const bool holds_mounts = !mounts_->MountedNamesUnder(vpath).empty();
    auto is_dir = co_await SyncEntry(*r, vpath, holds_mounts, result);
    if (!is_dir.ok()) co_return is_dir.status();
    if (!*is_dir) co_return Status::OK();
  }
  ++result->directories;
  auto entries = co_await ListDir(vpath, /*force=*/true, result);
  if (!entries.ok()) co_return entries.status();
  for (const fs::FileInfo& e : *entries) {
    if (e.is_dir) STRATA_CO_RETURN_IF_ERROR(co_await SyncTree(e.path, result));
  }
  co_return Status::OK();
}

}  // namespace strata::vfs::internal
