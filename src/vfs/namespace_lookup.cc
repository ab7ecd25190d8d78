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

Found RootFound(uint64_t root_ino) {
  Found f;
  f.entry.ino = root_ino;
  f.entry.dir = true;
  return f;
}

// The backend's answer when the cache could not take it (ino 0: callers
// do not cache below it).
Found Uncached(const fs::FileInfo& info, uint64_t parent) {
  Found f;
  f.entry = schema::InfoToEntry(info);
  f.parent = parent;
  return f;
}

}  // namespace

Task<Result<bool>> NamespaceCore::DirListedFresh(
    uint64_t ino, std::chrono::milliseconds interval, int64_t now) {
  if (interval.count() == 0 || ino == 0) co_return false;
  const std::string key = schema::DirKey(ino);
  auto kv = co_await store_->Get(key);
  if (!kv.ok()) co_return kv.status();
  if (!kv->has_value()) co_return false;
  auto state = schema::DecodeDirState(key, (*kv)->value);
  if (!state.ok()) co_return state.status();
  co_return ListingFresh(*state, interval, now);
}

Task<Result<std::vector<WalkStep>>> NamespaceCore::Walk(
    uint64_t root, std::vector<std::string> comps) {
  CacheWalk walk(root, std::move(comps), std::nullopt);
  STRATA_CO_RETURN_IF_ERROR(co_await DriveWalk(store_.get(), &walk));
  co_return std::move(walk.steps());
}

// Writes `info` at `comps` (ancestors as directories, existing inodes kept)
// with compare-and-set on what `steps` read, bumping the generation `gate`
// of the deepest cached directory on the way (and comparing it when
// gate.check: `info` was read before); nullopt on a lost race.
Task<Result<std::optional<Found>>> NamespaceCore::TryRecord(
    uint64_t root, std::vector<std::string> comps, std::vector<WalkStep> steps,
    DirGate gate, fs::FileInfo info) {
  const int64_t now = Now();
  Txn txn;
  if (gate.check) txn.compares.push_back(TxnCompare{gate.key, gate.revision});
  txn.ops.push_back(TxnOp::Put(gate.key, gate.value));
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
    VerdictInputs inputs;
    inputs.interval = interval;
    inputs.now = Now();
    inputs.vpath = vpath;
    CacheWalk walk(root, comps, std::move(inputs));
    STRATA_CO_RETURN_IF_ERROR(co_await DriveWalk(store_.get(), &walk));
    auto cached = walk.TakeVerdict();
    if (!cached.ok()) co_return cached.status();
    if (cached->has_value()) co_return std::move(**cached);
    std::vector<WalkStep>& steps = walk.steps();
    // Read before the backend: a concurrent Record/Forget bumps it.
    auto gate = co_await ReadGate(steps.back().parent);
    if (!gate.ok()) co_return gate.status();
    auto info = co_await r.fs->Stat(r.backend_path);
    if (!info.ok()) {
      if (info.status().code() == StatusCode::kNotFound) {
        (co_await Forget(r)).IgnoreError();
      }
      co_return BackendError(info.status(), r.backend_path, vpath);
    }
    gate->check = true;
    const uint64_t parent = steps.back().parent;
    auto rec = co_await TryRecord(root, comps, std::move(steps),
                                  std::move(gate).value(), *info);
    if (!rec.ok()) co_return Uncached(*info, parent);
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
  co_return StatAnswer(std::move(found), vpath);
}

std::optional<Result<fs::FileInfo>> NamespaceCore::TryStatNow(
    std::string_view path) {
  std::string vpath;
  auto r = ResolvePath(path, &vpath);
  if (!r.ok()) return Result<fs::FileInfo>(r.status());
  if (r->relative == "/") {
    return schema::EntryToInfo(RootFound(r->mount->root_ino).entry, vpath);
  }
  VerdictInputs inputs;
  inputs.interval = IntervalOf(*r->mount);
  // kSyncAlways: the backend is always asked; do not walk twice.
  if (inputs.interval.count() == 0) return std::nullopt;
  inputs.now = Now();
  inputs.vpath = vpath;
  CacheWalk walk(r->mount->root_ino, SplitPath(r->relative), std::move(inputs));
  std::optional<Status> walked = DriveWalkNow(*store_, walk);
  if (!walked.has_value()) return std::nullopt;  // the store would wait
  if (!walked->ok()) return Result<fs::FileInfo>(*walked);
  auto cached = walk.TakeVerdict();
  if (!cached.ok()) return StatAnswer(cached.status(), vpath);
  if (!cached->has_value()) return std::nullopt;  // ask the backend
  return StatAnswer(std::move(**cached), vpath);
}

Result<fs::FileInfo> NamespaceCore::StatAnswer(Result<Found> found,
                                               const std::string& vpath) const {
  if (!found.ok()) {
    if (found.status().code() == StatusCode::kNotFound &&
        !mounts_->MountedNamesUnder(vpath).empty()) {
      // Exists only as the way to a mount point: a directory.
      return schema::EntryToInfo(RootFound(0).entry, vpath);
    }
    return found.status();
  }
  return schema::EntryToInfo(found->entry, vpath);
}

Task<Result<Found>> NamespaceCore::Record(Resolved r, fs::FileInfo info) {
  const uint64_t root = r.mount->root_ino;
  std::vector<std::string> comps = SplitPath(r.relative);
  if (comps.empty()) co_return RootFound(root);
  for (int attempt = 0; attempt < kRecordAttempts; ++attempt) {
    auto steps = co_await Walk(root, comps);
    if (!steps.ok()) co_return steps.status();
    auto gate = co_await ReadGate(steps->back().parent);
    if (!gate.ok()) co_return gate.status();
    auto rec = co_await TryRecord(root, comps, std::move(steps).value(),
                                  std::move(gate).value(), info);
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
    co_return BackendError(info.status(), r.backend_path, vpath);
  }
  co_return co_await Record(std::move(r), std::move(info).value());
}

Task<Result<DirGate>> NamespaceCore::ReadGate(uint64_t ino) {
  DirGate gate;
  gate.key = schema::DirKey(ino);
  auto kv = co_await store_->Get(gate.key);
  if (!kv.ok()) co_return kv.status();
  if (kv->has_value()) {
    gate.revision = (*kv)->mod_revision;
    gate.value = std::move((*kv)->value);
  } else {
    gate.value = schema::EncodeDirState(schema::DirState());
  }
  co_return gate;
}

// Bumps the generation of the deepest cached directory on the way to `comps`
// (even when the entry is absent, so that a backend answer taken before
// cannot bring it back) and deletes the entry if cached. False on a lost
// race; true with `*dir_ino` set when a cached directory was dropped.
Task<Result<bool>> NamespaceCore::TryForget(uint64_t root,
                                            std::vector<std::string> comps) {
  auto steps = co_await Walk(root, comps);
  if (!steps.ok()) co_return steps.status();
  const WalkStep& last = steps->back();
  auto gate = co_await ReadGate(last.parent);
  if (!gate.ok()) co_return gate.status();
  Txn txn;
  txn.ops.push_back(TxnOp::Put(gate->key, gate->value));
  const bool drop = steps->size() == comps.size() && last.entry.has_value();
  if (drop) {
    txn.compares.push_back(TxnCompare{last.key, last.mod_revision});
    txn.ops.push_back(TxnOp::Delete(last.key));
  }
  auto done = co_await store_->Commit(std::move(txn));
  if (!done.ok()) co_return done.status();
  if (!done->succeeded) co_return false;
  if (drop && last.entry->dir) {
    STRATA_CO_RETURN_IF_ERROR(co_await DeleteSubtree(last.entry->ino));
  }
  co_return true;
}

Task<Status> NamespaceCore::Forget(Resolved r) {
  std::vector<std::string> comps = SplitPath(r.relative);
  if (comps.empty()) co_return Status::OK();
  for (int attempt = 0; attempt < kRecordAttempts; ++attempt) {
    auto done = co_await TryForget(r.mount->root_ino, comps);
    if (!done.ok()) co_return done.status();
    if (*done) co_return Status::OK();
  }
  co_return AbortedError(r.mount->path + r.relative +
                         ": metadata cache busy (too many conflicts)");
}

// Deletes one page of directory `dir`'s entries after `*after` (and, on the
// last page, its dir record); queues subdirectories. True when done.
Task<Result<bool>> NamespaceCore::DeletePage(uint64_t dir, std::string* after,
                                             std::vector<uint64_t>* pending) {
  ScanOptions options;
  options.limit = kDeleteBatch;
  options.start_after = *after;
  auto kvs = co_await store_->Scan(schema::DentPrefix(dir), options);
  if (!kvs.ok()) co_return kvs.status();
  const bool last_page = kvs->size() < kDeleteBatch;
  Txn txn;
  for (const KeyValue& kv : *kvs) {
    auto e = DecodeEntry(kv.key, kv.value);
    if (e.ok() && e->dir) pending->push_back(e->ino);
    txn.ops.push_back(TxnOp::Delete(kv.key));
  }
  if (last_page) txn.ops.push_back(TxnOp::Delete(schema::DirKey(dir)));
  if (!kvs->empty()) *after = kvs->back().key;
  auto done = co_await store_->Commit(std::move(txn));
  if (!done.ok()) co_return done.status();
  co_return last_page;
}

Task<Status> NamespaceCore::DeleteSubtree(uint64_t ino) {
  std::vector<uint64_t> pending{ino};
  while (!pending.empty()) {
    const uint64_t dir = pending.back();
    pending.pop_back();
    std::string after;
    for (;;) {
      auto last = co_await DeletePage(dir, &after, &pending);
      if (!last.ok()) co_return last.status();
      if (*last) break;
    }
  }
  co_return Status::OK();
}

}  // namespace strata::vfs::internal
