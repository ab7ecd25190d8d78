// Namespace path lookup: walk the cached entries from the mount's root
// inode, trust them while fresh, else ask the backend and cache the answer.
#include <utility>

#include "vfs/namespace_core.h"

namespace strata::vfs::internal {
namespace {

using schema::DecodeEntry;
using schema::DentKey;
using schema::Entry;

// Attempts at a cache write that lost a compare-and-set race.
constexpr int kRecordAttempts = 8;
// Deletes per Commit when dropping a subtree.
constexpr size_t kDeleteBatch = 256;

Status NotFoundPath(std::string_view vpath) {
  return NotFoundError(std::string(vpath) + ": no such file or directory");
}

Found RootFound(uint64_t root_ino) {
  Found f;
  f.entry.ino = root_ino;
  f.entry.dir = true;
  return f;
}

}  // namespace

bool NamespaceCore::Fresh(int64_t synced_ns, std::chrono::milliseconds interval,
                          int64_t now) const {
  if (interval < std::chrono::milliseconds(0)) return true;  // kSyncNever
  if (interval.count() == 0) return false;                   // kSyncAlways
  const int64_t window =
      std::chrono::duration_cast<std::chrono::nanoseconds>(interval).count();
  return now - synced_ns < window;
}

Task<Result<bool>> NamespaceCore::DirListedFresh(
    uint64_t ino, std::chrono::milliseconds interval, int64_t now) {
  if (interval.count() == 0 || ino == 0) co_return false;
  const std::string key = schema::DirKey(ino);
  auto kv = co_await store_->Get(key);
  if (!kv.ok()) co_return kv.status();
  if (!kv->has_value()) co_return false;
  auto state = schema::DecodeDirState(key, (*kv)->value);
  if (!state.ok()) co_return state.status();
  co_return state->listed_ns != 0 && Fresh(state->listed_ns, interval, now);
}

Task<Result<std::vector<WalkStep>>> NamespaceCore::Walk(
    uint64_t root, std::vector<std::string> comps) {
  std::vector<WalkStep> steps;
  uint64_t parent = root;
  for (const std::string& name : comps) {
    WalkStep step;
    step.key = DentKey(parent, name);
    step.parent = parent;
    auto kv = co_await store_->Get(step.key);
    if (!kv.ok()) co_return kv.status();
    if (!kv->has_value()) {
      steps.push_back(std::move(step));
      break;
    }
    auto entry = DecodeEntry(step.key, (*kv)->value);
    if (!entry.ok()) co_return entry.status();
    step.mod_revision = (*kv)->mod_revision;
    step.entry = *entry;
    parent = entry->ino;
    steps.push_back(std::move(step));
    if (!entry->dir) break;
  }
  co_return steps;
}

// Found from the cache, kNotFound when the cache knows the path is absent,
// nullopt when the backend must be asked.
Task<Result<std::optional<Found>>> NamespaceCore::LookupCached(
    const std::vector<WalkStep>& steps, size_t n,
    std::chrono::milliseconds interval, std::string vpath) {
  const int64_t now = schema::NowUnixNanos();
  for (size_t i = 0; i < steps.size(); ++i) {
    const WalkStep& s = steps[i];
    if (!s.entry || !Fresh(s.entry->synced_ns, interval, now)) {
      auto listed = co_await DirListedFresh(s.parent, interval, now);
      if (!listed.ok()) co_return listed.status();
      if (!*listed) co_return std::optional<Found>();
      if (!s.entry) co_return NotFoundPath(vpath);
    }
    if (i + 1 < n && !s.entry->dir) co_return NotFoundPath(vpath);
  }
  if (steps.size() < n || !steps.back().entry) co_return std::optional<Found>();
  const WalkStep& last = steps.back();
  Found found;
  found.entry = *last.entry;
  found.parent = last.parent;
  found.key = last.key;
  found.mod_revision = last.mod_revision;
  co_return std::optional<Found>(std::move(found));
}

// Writes `info` at `comps` (ancestors as directories, existing inodes kept)
// with compare-and-set on what `steps` read; nullopt on a lost race.
Task<Result<std::optional<Found>>> NamespaceCore::TryRecord(
    uint64_t root, std::vector<std::string> comps, std::vector<WalkStep> steps,
    fs::FileInfo info) {
  const int64_t now = schema::NowUnixNanos();
  Txn txn;
  Found found;
  uint64_t parent = root;
  for (size_t i = 0; i < comps.size(); ++i) {
    const bool last = i + 1 == comps.size();
    std::string key = DentKey(parent, comps[i]);
    const WalkStep* s =
        i < steps.size() && steps[i].key == key ? &steps[i] : nullptr;
    const bool had = s != nullptr && s->entry.has_value();
    Entry e;
    e.dir = true;
    if (last) e = schema::InfoToEntry(info);
    if (!last && had && s->entry->dir) e = *s->entry;
    if (had && s->entry->dir == e.dir) {
      e.ino = s->entry->ino;
    } else {
      auto ino = co_await inodes_->Allocate();
      if (!ino.ok()) co_return ino.status();
      e.ino = *ino;
    }
    e.synced_ns = now;
    txn.compares.push_back(TxnCompare{key, s ? s->mod_revision : 0});
    txn.ops.push_back(TxnOp::Put(key, schema::EncodeEntry(e)));
    if (last) {
      found.entry = e;
      found.parent = parent;
      found.key = key;
    }
    parent = e.ino;
  }
  auto done = co_await store_->Commit(std::move(txn));
  if (!done.ok()) co_return done.status();
  if (!done->succeeded) co_return std::optional<Found>();
  found.mod_revision = done->revision;
  co_return std::optional<Found>(std::move(found));
}

Task<Result<Found>> NamespaceCore::Lookup(Resolved r, std::string vpath) {
  const uint64_t root = r.mount->root_ino;
  std::vector<std::string> comps = SplitPath(r.relative);
  if (comps.empty()) co_return RootFound(root);
  const std::chrono::milliseconds interval = IntervalOf(*r.mount);
  for (int attempt = 0; attempt < kRecordAttempts; ++attempt) {
    auto steps = co_await Walk(root, comps);
    if (!steps.ok()) co_return steps.status();
    auto cached = co_await LookupCached(*steps, comps.size(), interval, vpath);
    if (!cached.ok()) co_return cached.status();
    if (cached->has_value()) co_return std::move(**cached);
    auto info = co_await r.fs->Stat(r.backend_path);
    if (!info.ok()) {
      if (info.status().code() == StatusCode::kNotFound) {
        (co_await Forget(r)).IgnoreError();
      }
      co_return NameVirtual(info.status(), vpath);
    }
    auto rec = co_await TryRecord(root, comps, std::move(steps).value(), *info);
    if (!rec.ok()) co_return rec.status();
    if (rec->has_value()) co_return std::move(**rec);
  }
  co_return AbortedError(vpath + ": metadata cache busy (too many conflicts)");
}

Task<Result<fs::FileInfo>> NamespaceCore::Stat(std::string path) {
  std::string vpath;
  auto r = ResolvePath(path, &vpath);
  if (!r.ok()) co_return r.status();
  if (r->relative == "/") {
    co_return schema::EntryToInfo(RootFound(r->mount->root_ino).entry, vpath);
  }
  auto found = co_await Lookup(*r, vpath);
  if (!found.ok()) {
    if (found.status().code() == StatusCode::kNotFound &&
        !mounts_->MountedNamesUnder(vpath).empty()) {
      // Exists only as the way to a mount point: a directory.
      co_return schema::EntryToInfo(RootFound(0).entry, vpath);
    }
    co_return found.status();
  }
  co_return schema::EntryToInfo(found->entry, vpath);
}

Task<Result<Found>> NamespaceCore::Record(Resolved r, fs::FileInfo info) {
  const uint64_t root = r.mount->root_ino;
  std::vector<std::string> comps = SplitPath(r.relative);
  if (comps.empty()) co_return RootFound(root);
  for (int attempt = 0; attempt < kRecordAttempts; ++attempt) {
    auto steps = co_await Walk(root, comps);
    if (!steps.ok()) co_return steps.status();
    auto rec = co_await TryRecord(root, comps, std::move(steps).value(), info);
    if (!rec.ok()) co_return rec.status();
    if (rec->has_value()) co_return std::move(**rec);
  }
  co_return AbortedError(r.mount->path + r.relative +
                         ": metadata cache busy (too many conflicts)");
}

Task<Result<Found>> NamespaceCore::Refresh(Resolved r, std::string vpath) {
  if (r.relative == "/") co_return RootFound(r.mount->root_ino);
  auto info = co_await r.fs->Stat(r.backend_path);
  if (!info.ok()) {
    if (info.status().code() == StatusCode::kNotFound) {
      STRATA_CO_RETURN_IF_ERROR(co_await Forget(r));
    }
    co_return NameVirtual(info.status(), vpath);
  }
  co_return co_await Record(std::move(r), std::move(info).value());
}

Task<Status> NamespaceCore::Forget(Resolved r) {
  std::vector<std::string> comps = SplitPath(r.relative);
  if (comps.empty()) co_return Status::OK();
  auto steps = co_await Walk(r.mount->root_ino, comps);
  if (!steps.ok()) co_return steps.status();
  if (steps->size() != comps.size() || !steps->back().entry) {
    co_return Status::OK();
  }
  const WalkStep& last = steps->back();
  Txn txn;
  txn.compares.push_back(TxnCompare{last.key, last.mod_revision});
  txn.ops.push_back(TxnOp::Delete(last.key));
  auto done = co_await store_->Commit(std::move(txn));
  if (!done.ok()) co_return done.status();
  if (done->succeeded && last.entry->dir) {
    co_return co_await DeleteSubtree(last.entry->ino);
  }
  co_return Status::OK();
}

Task<Status> NamespaceCore::DeleteSubtree(uint64_t ino) {
  std::vector<uint64_t> pending{ino};
  Txn txn;
  while (!pending.empty()) {
    const uint64_t dir = pending.back();
    pending.pop_back();
    auto kvs = co_await store_->Scan(schema::DentPrefix(dir), ScanOptions());
    if (!kvs.ok()) co_return kvs.status();
    for (const KeyValue& kv : *kvs) {
      auto e = DecodeEntry(kv.key, kv.value);
      if (e.ok() && e->dir) pending.push_back(e->ino);
      txn.ops.push_back(TxnOp::Delete(kv.key));
    }
    txn.ops.push_back(TxnOp::Delete(schema::DirKey(dir)));
    if (txn.ops.size() >= kDeleteBatch || pending.empty()) {
      auto done = co_await store_->Commit(std::move(txn));
      if (!done.ok()) co_return done.status();
      txn = Txn();
    }
  }
  co_return Status::OK();
}

}  // namespace strata::vfs::internal
