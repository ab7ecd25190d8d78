// Namespace Move/Rename: backend rename within a mount where Capabilities
// allow, else copy + delete; across mounts copy then delete. In the cache a
// renamed directory moves one dent key (its children, keyed by its inode,
// stay where they are).
#include <utility>

#include "strata/fs/registry.h"
#include "strata/vfs/copy_tree.h"
#include "strata/vfs/path.h"
#include "vfs/namespace_core.h"

namespace strata::vfs::internal {

Task<Result<MoveResult>> NamespaceCore::Move(std::string from, std::string to) {
  std::string vfrom;
  std::string vto;
  auto rf = ResolvePath(from, &vfrom);
  if (!rf.ok()) co_return rf.status();
  auto rt = ResolvePath(to, &vto);
  if (!rt.ok()) co_return rt.status();
  STRATA_CO_RETURN_IF_ERROR(CheckNotMountPath(vfrom, *rf));
  STRATA_CO_RETURN_IF_ERROR(CheckNotMountPath(vto, *rt));
  STRATA_CO_RETURN_IF_ERROR(CheckWritable(*rf, vfrom));
  STRATA_CO_RETURN_IF_ERROR(CheckWritable(*rt, vto));
  auto found = co_await Lookup(*rf, vfrom);
  if (!found.ok()) co_return found.status();
  MoveResult result;
  if (vfrom == vto) {
    result.atomic = true;
    co_return result;
  }
  const bool is_dir = found->entry.dir;
  if (is_dir && IsWithin(vto, vfrom)) {
    co_return InvalidArgumentError("cannot move directory " + vfrom +
                                   " into itself (" + vto + ")");
  }
  if (rf->mount->id == rt->mount->id) {
    co_return co_await MoveWithin(std::move(rf).value(), std::move(rt).value(),
                                  vfrom, vto, is_dir);
  }
  co_return co_await MoveAcross(vfrom, vto, is_dir);
}

Task<Result<MoveResult>> NamespaceCore::MoveWithin(Resolved from, Resolved to,
                                                   std::string vfrom,
                                                   std::string vto,
                                                   bool is_dir) {
  const fs::Capabilities caps = from.fs->capabilities();
  MoveResult result;
  if (is_dir && !caps.rename_dir)
    co_return co_await MoveAcross(vfrom, vto, true);
  Status st = co_await from.fs->Rename(from.backend_path, to.backend_path);
  if (!st.ok()) {
    // The error may name either side.
    co_return BackendError(BackendError(st, to.backend_path, vto),
                           from.backend_path, vfrom);
  }
  result.atomic = caps.atomic_rename;
  if (is_dir) {
    Status cached = co_await MoveCacheEntry(from, to, vto);
    if (!cached.ok()) {
      co_await CacheUpdateFailed(from, vfrom, cached);
      co_await CacheUpdateFailed(to, vto, cached);
    }
    co_return result;
  }
  STRATA_CO_RETURN_IF_ERROR(co_await ForgetAfterWrite(from, vfrom));
  STRATA_CO_RETURN_IF_ERROR(co_await RefreshAfterWrite(to, vto));
  co_return result;
}

// Copy (recursive for a directory) then delete: not atomic.
Task<Result<MoveResult>> NamespaceCore::MoveAcross(std::string vfrom,
                                                   std::string vto,
                                                   bool is_dir) {
  if (owner_ == nullptr) co_return InternalError("namespace has no owner");
  auto copied = co_await CopyTree(*owner_, vfrom, vto);
  if (!copied.ok()) co_return copied.status();
  if (is_dir) {
    STRATA_CO_RETURN_IF_ERROR(co_await RemoveDir(vfrom, true));
  } else {
    STRATA_CO_RETURN_IF_ERROR(co_await Remove(vfrom));
  }
  MoveResult result;
  result.atomic = false;
  co_return result;
}

// Moves the directory's one dent key to its new parent and name (same
// inode); falls back to forgetting + re-reading when the cache lacks it.
Task<Status> NamespaceCore::MoveCacheEntry(Resolved from, Resolved to,
                                           std::string vto) {
  auto steps = co_await Walk(from.mount->root_ino, SplitPath(from.relative));
  if (!steps.ok()) co_return steps.status();
  const std::string vparent = fs::ParentPath(vto);
  auto rparent = mounts_->Resolve(vparent);
  if (!rparent.ok()) co_return rparent.status();
  auto parent = co_await Lookup(*rparent, vparent);
  if (!parent.ok()) co_return parent.status();
  const bool cached = !steps->empty() && steps->back().entry.has_value() &&
                      steps->back().entry->dir;
  if (!cached || parent->entry.ino == 0) {
    STRATA_CO_RETURN_IF_ERROR(co_await Forget(from));
    co_return (co_await Refresh(to, vto)).status();
  }
  const WalkStep& src = steps->back();
  const std::string dst_key =
      schema::DentKey(parent->entry.ino, fs::BaseName(vto));
  auto old = co_await store_->Get(dst_key);
  if (!old.ok()) co_return old.status();
  schema::Entry moved = *src.entry;
  moved.synced_ns = Now();
  Txn txn;
  // Both directories' generations move on (see DirGate).
  for (uint64_t dir : {src.parent, parent->entry.ino}) {
    auto gate = co_await ReadGate(dir);
    if (!gate.ok()) co_return gate.status();
    txn.ops.push_back(TxnOp::Put(gate->key, gate->value));
  }
  txn.compares.push_back(TxnCompare{src.key, src.mod_revision});
  txn.compares.push_back(
      TxnCompare{dst_key, old->has_value() ? (*old)->mod_revision : 0});
  txn.ops.push_back(TxnOp::Delete(src.key));
  txn.ops.push_back(TxnOp::Put(dst_key, schema::EncodeEntry(moved)));
  auto done = co_await store_->Commit(std::move(txn));
  if (!done.ok()) co_return done.status();
  if (!done->succeeded) {
    STRATA_CO_RETURN_IF_ERROR(co_await Forget(from));
    co_return (co_await Refresh(to, vto)).status();
  }
  if (old->has_value()) {
    auto prev = schema::DecodeEntry(dst_key, (*old)->value);
    if (prev.ok() && prev->dir && prev->ino != moved.ino) {
      STRATA_CO_RETURN_IF_ERROR(co_await DeleteSubtree(prev->ino));
    }
  }
  co_return Status::OK();
}

}  // namespace strata::vfs::internal
