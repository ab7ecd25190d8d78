// Namespace listing: a directory's entries from the cache while fresh, else
// from the backend (rewriting the cache), merged with mount points; then
// prefix, start_after, recursion and paging.
#include <algorithm>
#include <map>
#include <utility>

#include "strata/fs/registry.h"
#include "strata/vfs/path.h"
#include "vfs/namespace_core.h"

namespace strata::vfs::internal {
namespace {

using schema::Entry;

// Keys written per Commit when a listing rewrites the cache.
constexpr size_t kRewriteBatch = 256;

struct Cached {
  std::optional<Entry> entry;  // nullopt: undecodable, to be replaced
  uint64_t mod_revision = 0;
};

fs::FileInfo MountDirInfo(std::string path) {
  fs::FileInfo info;
  info.path = std::move(path);
  info.is_dir = true;
  return info;
}

// Replaces or adds a directory entry for every mount name; keeps the order.
void MergeMountNames(std::string_view dir,
                     const std::vector<std::string>& names,
                     std::vector<fs::FileInfo>* entries) {
  if (names.empty()) return;
  for (const std::string& name : names) {
    std::string path = fs::JoinPath(dir, name);
    auto it =
        std::find_if(entries->begin(), entries->end(),
                     [&](const fs::FileInfo& e) { return e.path == path; });
    if (it != entries->end()) {
      *it = MountDirInfo(std::move(path));
    } else {
      entries->push_back(MountDirInfo(std::move(path)));
    }
  }
  std::sort(entries->begin(), entries->end(),
            [](const fs::FileInfo& a, const fs::FileInfo& b) {
              return a.path < b.path;
            });
}

bool Matches(std::string_view rel, const fs::ListOptions& o) {
  return rel.starts_with(o.prefix) &&
         (o.start_after.empty() || rel > std::string_view(o.start_after));
}

// Whether anything below directory `rel` can match the options.
bool MayDescend(const std::string& rel, const fs::ListOptions& o) {
  const std::string below = rel + "/";
  if (!o.prefix.empty() && !o.prefix.starts_with(below) &&
      !below.starts_with(o.prefix)) {
    return false;
  }
  return !(o.start_after > below && !o.start_after.starts_with(below));
}

// The cached entries of one directory by name (undecodable ones included,
// to be replaced).
Task<Result<std::map<std::string, Cached, std::less<>>>> ScanCached(
    MetaStore* store, std::string prefix) {
  auto kvs = co_await store->Scan(prefix, ScanOptions());
  if (!kvs.ok()) co_return kvs.status();
  std::map<std::string, Cached, std::less<>> cached;
  for (const KeyValue& kv : *kvs) {
    Cached c;
    auto e = schema::DecodeEntry(kv.key, kv.value);
    if (e.ok()) c.entry = *e;
    c.mod_revision = kv.mod_revision;
    cached.emplace(kv.key.substr(prefix.size()), std::move(c));
  }
  co_return cached;
}

// Deletes (compare-and-set) every entry left in `vanished`; collects the
// inodes of vanished directories. Returns how many.
uint64_t PlanRemovals(
    const std::string& prefix,
    const std::map<std::string, Cached, std::less<>>& vanished, Txn* txn,
    std::vector<uint64_t>* orphans) {
  for (const auto& [name, c] : vanished) {
    if (c.entry && c.entry->dir) orphans->push_back(c.entry->ino);
    txn->compares.push_back(TxnCompare{prefix + name, c.mod_revision});
    txn->ops.push_back(TxnOp::Delete(prefix + name));
  }
  return vanished.size();
}

// Applies `txn` kRewriteBatch ops at a time, each batch also comparing the
// directory's generation `gate`, marking directory `ino` listed at `now`
// with the last batch. False when a batch lost a race (the rest is not
// applied and the directory stays stale).
Task<Result<bool>> CommitInBatches(MetaStore* store, Txn txn, uint64_t ino,
                                   DirGate gate, int64_t now) {
  schema::DirState state;
  state.listed_ns = now;
  size_t done = 0;
  do {
    const size_t end = std::min(txn.ops.size(), done + kRewriteBatch);
    Txn batch;
    batch.compares.assign(txn.compares.begin() + done,
                          txn.compares.begin() + end);
    batch.compares.push_back(TxnCompare{gate.key, gate.revision});
    batch.ops.assign(txn.ops.begin() + done, txn.ops.begin() + end);
    if (end == txn.ops.size()) {
      batch.ops.push_back(
          TxnOp::Put(schema::DirKey(ino), schema::EncodeDirState(state)));
    }
    auto committed = co_await store->Commit(std::move(batch));
    if (!committed.ok()) co_return committed.status();
    if (!committed->succeeded) co_return false;
    done = end;
  } while (done < txn.ops.size());
  co_return true;
}

}  // namespace

Task<Result<std::vector<fs::FileInfo>>> NamespaceCore::CachedChildren(
    uint64_t ino, std::string vpath) {
  const std::string prefix = schema::DentPrefix(ino);
  auto kvs = co_await store_->Scan(prefix, ScanOptions());
  if (!kvs.ok()) co_return kvs.status();
  std::vector<fs::FileInfo> out;
  out.reserve(kvs->size());
  for (const KeyValue& kv : *kvs) {
    auto e = schema::DecodeEntry(kv.key, kv.value);
    if (!e.ok()) co_return e.status();
    out.push_back(schema::EntryToInfo(
        *e,
        fs::JoinPath(vpath, std::string_view(kv.key).substr(prefix.size()))));
  }
  co_return out;
}

Task<Result<std::vector<fs::FileInfo>>> NamespaceCore::BackendChildren(
    Resolved r, uint64_t ino, std::string vpath, SyncResult* counts) {
  std::vector<fs::FileInfo> listing;
  DirGate gate;
  if (ino != 0) {
    // Read before the backend lists: a concurrent Record/Forget bumps it.
    auto read = co_await ReadGate(ino);
    if (!read.ok()) co_return read.status();
    gate = std::move(read).value();
    gate.check = true;
  }
  fs::ListStream stream = r.fs->List(r.backend_path, fs::ListOptions());
  while (auto page = co_await stream.Next()) {
    if (!page->ok()) {
      if (page->status().code() == StatusCode::kNotFound) {
        (co_await Forget(r)).IgnoreError();
      }
      co_return BackendError(page->status(), r.backend_path, vpath);
    }
    for (fs::FileInfo& info : **page) {
      if (fs::BaseName(info.path).starts_with(kTempPrefix)) continue;
      info.path = fs::JoinPath(vpath, fs::BaseName(info.path));
      listing.push_back(std::move(info));
    }
  }
  if (ino != 0) {
    STRATA_CO_RETURN_IF_ERROR(
        co_await RewriteDir(ino, std::move(gate), listing, counts));
  }
  co_return listing;
}

// Makes dent/<ino>/ match `listing` (deletes, puts of new or changed
// entries) and marks the directory listed, in batches; a batch that loses a
// race (an entry or the generation `gate`, read before the listing, changed)
// stops the rewrite: the listing is returned uncached and the directory stays
// stale, to be listed again.
Task<Status> NamespaceCore::RewriteDir(uint64_t ino, DirGate gate,
                                       std::vector<fs::FileInfo> listing,
                                       SyncResult* counts) {
  SyncResult local;
  if (counts == nullptr) counts = &local;
  const std::string prefix = schema::DentPrefix(ino);
  auto cached = co_await ScanCached(store_.get(), prefix);
  if (!cached.ok()) co_return cached.status();
  const int64_t now = Now();
  std::vector<uint64_t> orphans;
  Txn txn;
  for (const fs::FileInfo& info : listing) {
    const std::string name(fs::BaseName(info.path));
    Entry want = schema::InfoToEntry(info);
    auto it = cached->find(name);
    const bool seen = it != cached->end();
    const bool had = seen && it->second.entry.has_value();
    if (had && schema::SameObject(*it->second.entry, want)) {
      cached->erase(it);
      continue;
    }
    if (had && it->second.entry->dir == want.dir) {
      want.ino = it->second.entry->ino;
      if (!want.dir) ++counts->updated;
    } else {
      auto fresh_ino = co_await inodes_->Allocate();
      if (!fresh_ino.ok()) co_return fresh_ino.status();
      want.ino = *fresh_ino;
      if (had && it->second.entry->dir)
        orphans.push_back(it->second.entry->ino);
      ++(seen ? counts->updated : counts->added);
    }
    want.synced_ns = now;
    txn.compares.push_back(
        TxnCompare{prefix + name, seen ? it->second.mod_revision : 0});
    txn.ops.push_back(TxnOp::Put(prefix + name, schema::EncodeEntry(want)));
    if (seen) cached->erase(it);
  }
  counts->removed += PlanRemovals(prefix, *cached, &txn, &orphans);
  auto applied = co_await CommitInBatches(store_.get(), std::move(txn), ino,
                                          std::move(gate), now);
  if (!applied.ok() || !*applied) co_return applied.status();
  for (uint64_t orphan : orphans) {
    STRATA_CO_RETURN_IF_ERROR(co_await DeleteSubtree(orphan));
  }
  co_return Status::OK();
}

Task<Result<std::vector<fs::FileInfo>>> NamespaceCore::ListDir(
    std::string vpath, bool force, SyncResult* counts) {
  auto r = mounts_->Resolve(vpath);
  if (!r.ok()) co_return r.status();
  std::vector<std::string> names = mounts_->MountedNamesUnder(vpath);
  std::vector<fs::FileInfo> entries;
  auto found = co_await Lookup(*r, vpath);
  if (!found.ok()) {
    if (found.status().code() != StatusCode::kNotFound || names.empty()) {
      co_return found.status();
    }
  } else if (!found->entry.dir) {
    co_return InvalidArgumentError(vpath + ": not a directory");
  } else {
    const uint64_t ino = found->entry.ino;
    bool fresh = false;
    if (!force) {
      auto listed = co_await DirListedFresh(ino, IntervalOf(*r->mount), Now());
      if (!listed.ok()) co_return listed.status();
      fresh = *listed;
    }
    // (No co_await inside ?: — GCC 12 miscompiles it.)
    Result<std::vector<fs::FileInfo>> children = std::vector<fs::FileInfo>();
    if (fresh) {
      children = co_await CachedChildren(ino, vpath);
    } else {
      children = co_await BackendChildren(*r, ino, vpath, counts);
    }
    if (!children.ok()) co_return children.status();
    entries = std::move(children).value();
  }
  MergeMountNames(vpath, names, &entries);
  co_return entries;
}

Task<Status> NamespaceCore::CollectTree(std::string dir, std::string rel,
                                        const fs::ListOptions* options,
                                        std::vector<fs::FileInfo>* out) {
  auto entries = co_await ListDir(dir, false, nullptr);
  if (!entries.ok()) co_return entries.status();
  for (fs::FileInfo& e : *entries) {
    std::string name(fs::BaseName(e.path));
    std::string child = rel.empty() ? name : rel + "/" + name;
    const bool descend = e.is_dir && MayDescend(child, *options);
    std::string path = e.path;
    if (Matches(child, *options)) out->push_back(std::move(e));
    if (descend) {
      STRATA_CO_RETURN_IF_ERROR(co_await CollectTree(
          std::move(path), std::move(child), options, out));
    }
  }
  co_return Status::OK();
}

fs::ListStream NamespaceCore::List(std::string path, fs::ListOptions options) {
  return ListImpl(std::move(path), std::move(options));
}

Task<Status> NamespaceCore::CollectListing(std::string vpath,
                                           const fs::ListOptions* options,
                                           std::vector<fs::FileInfo>* out) {
  if (options->recursive) {
    STRATA_CO_RETURN_IF_ERROR(co_await CollectTree(vpath, "", options, out));
    std::sort(out->begin(), out->end(),
              [](const fs::FileInfo& a, const fs::FileInfo& b) {
                return a.path < b.path;
              });
    co_return Status::OK();
  }
  auto entries = co_await ListDir(vpath, false, nullptr);
  if (!entries.ok()) co_return entries.status();
  for (fs::FileInfo& e : *entries) {
    if (Matches(fs::BaseName(e.path), *options)) out->push_back(std::move(e));
  }
  co_return Status::OK();
}

fs::ListStream NamespaceCore::ListImpl(std::string path,
                                       fs::ListOptions options) {
  auto vpath = NormalizeVirtualPath(path);
  Status st = vpath.status();
  std::vector<fs::FileInfo> all;
  if (st.ok()) st = co_await CollectListing(*vpath, &options, &all);
  if (!st.ok()) {
    co_yield Result<fs::ListPage>(st);
    co_return;
  }
  const size_t page_size = std::max<size_t>(1, options.page_size);
  for (size_t i = 0; i < all.size(); i += page_size) {
    const size_t end = std::min(all.size(), i + page_size);
    fs::ListPage page(std::make_move_iterator(all.begin() + i),
                      std::make_move_iterator(all.begin() + end));
    co_yield Result<fs::ListPage>(std::move(page));
  }
}

}  // namespace strata::vfs::internal
