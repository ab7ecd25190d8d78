// NamespaceCore: the implementation behind vfs::Namespace (private header).
//
// It resolves virtual paths through the MountTable, serves stat and list
// from the metadata cache while it is fresh (by the mount's sync interval),
// falls back to the backend otherwise, and keeps the cache up to date on
// every write that goes through it. The methods are split over
// namespace_{lookup,list,mutate,move,file,sync}.cc.
//
// Thread-safety: every method may be called concurrently; shared state is
// the MetaStore (linearizable) and the MountTable (internally synchronised).
// Coroutine methods take their inputs by value.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "strata/core/async_stream.h"
#include "strata/fs/file_system.h"
#include "strata/vfs/mount_table.h"
#include "strata/vfs/namespace.h"
#include "vfs/cache_walk.h"
#include "vfs/schema.h"

namespace strata::vfs::internal {

// Splits a normalised absolute path into its components ("/" → none).
std::vector<std::string> SplitPath(std::string_view path);
// `status` with the virtual path named when the message does not already.
Status NameVirtual(const Status& status, std::string_view vpath);
// A backend's error as the namespace reports it: every path token ending in
// `backend_path` (the backend may prefix its root, e.g. a local directory)
// becomes `vpath`; then NameVirtual. OK stays OK.
Status BackendError(const Status& status, std::string_view backend_path,
                    std::string_view vpath);
// Names beginning with this are a write's temporary siblings (never listed).
inline constexpr std::string_view kTempPrefix = ".strata-tmp.";

// A directory's dir/<ino> record as read before a backend call: every
// cache write that adds or drops one of its entries rewrites it (bumping its
// mod_revision), so a commit comparing `revision` fails when an entry
// changed since (a per-directory generation).
struct DirGate {
  std::string key;
  uint64_t revision = 0;  // 0: absent
  std::string value;      // the record to write back (listed time kept)
  // Whether a commit compares `revision` (a backend answer read after the
  // gate is cached) or only bumps it (after a backend write: writers in one
  // directory then do not conflict).
  bool check = false;
};

class NamespaceCore final {
 public:
  NamespaceCore(std::shared_ptr<MetaStore> store, NamespaceOptions options);

  // --- set-up (namespace.cc) ---
  Task<Status> Init();
  MountTable& mounts() { return *mounts_; }
  const MountTable& mounts() const { return *mounts_; }
  MetaStore& store() { return *store_; }
  schema::InodeAllocator& inodes() { return *inodes_; }

  // --- shared helpers (namespace.cc) ---
  // Normalises and resolves a virtual path.
  Result<Resolved> ResolvePath(std::string_view vpath, std::string* normal);
  std::chrono::milliseconds IntervalOf(const MountPoint& mount) const;
  // kPermissionDenied naming the mount when it is read-only.
  static Status CheckWritable(const Resolved& r, std::string_view vpath);
  // kFailedPrecondition when `vpath` is a mount point or lies above one.
  Status CheckNotMountPath(std::string_view vpath, const Resolved& r) const;
  fs::Capabilities Capabilities() const;
  // The namespace clock (NamespaceOptions::clock), in Unix nanoseconds.
  int64_t Now() const;
  // After the backend changed `r` but the cache update failed: logs a
  // warning and, best effort, drops the cached entry and marks its parent
  // directory unlisted (so the backend is asked again).
  Task<void> CacheUpdateFailed(Resolved r, std::string vpath, Status why);
  // Forget / Refresh after a backend write succeeded: OK whatever the cache
  // says (a failure goes to CacheUpdateFailed).
  Task<Status> ForgetAfterWrite(Resolved r, std::string vpath);
  Task<Status> RefreshAfterWrite(Resolved r, std::string vpath);
  // The Namespace that owns this core (recursive copies go through it).
  void set_owner(Namespace* owner) { owner_ = owner; }

  // --- lookup (namespace_lookup.cc) ---
  // The object at `vpath` (resolved as `r`), from the cache while fresh,
  // else from the backend (and cached). kNotFound names `vpath`.
  Task<Result<Found>> Lookup(Resolved r, std::string vpath);
  // Stat of a virtual path, mount points and their ancestors included.
  Task<Result<fs::FileInfo>> Stat(std::string path);
  // Stat answered from the cache on the calling thread (Namespace::TryStatNow).
  std::optional<Result<fs::FileInfo>> TryStatNow(std::string_view path);
  // Records `info` as the object at `r` (ancestors as directories) in the
  // cache; returns the entry written.
  Task<Result<Found>> Record(Resolved r, fs::FileInfo info);
  // Backend Stat of `r` then Record; kNotFound (naming `vpath`) drops the
  // cached entry.
  Task<Result<Found>> Refresh(Resolved r, std::string vpath);
  // Drops the cached entry of `r` (and, for a directory, its subtree).
  Task<Status> Forget(Resolved r);
  // The cached steps along `components` below `root` (stops at the first
  // absent entry or non-directory).
  Task<Result<std::vector<WalkStep>>> Walk(uint64_t root,
                                           std::vector<std::string> comps);
  // Deletes every cached key below directory `ino` (entries and dir state),
  // one bounded transaction per scanned page.
  Task<Status> DeleteSubtree(uint64_t ino);
  // Reads directory `ino`'s generation record (see DirGate).
  Task<Result<DirGate>> ReadGate(uint64_t ino);
  Task<Result<bool>> DirListedFresh(uint64_t ino,
                                    std::chrono::milliseconds interval,
                                    int64_t now);

  // --- listing (namespace_list.cc) ---
  fs::ListStream List(std::string path, fs::ListOptions options);
  // One directory's entries (virtual paths), mount points merged, sorted by
  // name. `counts` (optional) receives what a refresh changed; `force`
  // refreshes from the backend regardless of freshness.
  Task<Result<std::vector<fs::FileInfo>>> ListDir(std::string vpath, bool force,
                                                  SyncResult* counts);

  // --- mutations (namespace_mutate.cc, namespace_move.cc) ---
  Task<Status> CreateDir(std::string path, bool recursive);
  Task<Status> Remove(std::string path);
  Task<Status> RemoveDir(std::string path, bool recursive);
  Task<Result<MoveResult>> Move(std::string from, std::string to);
  Task<Status> Copy(std::string from, std::string to);
  Task<Status> SyncDir(std::string path);

  // --- files and sync (namespace_file.cc, namespace_sync.cc) ---
  Task<Result<std::unique_ptr<fs::File>>> Open(std::string path,
                                               fs::OpenOptions options);
  Task<Result<SyncResult>> Sync(std::string path);
  Task<Status> Unmount(std::string path);

 private:
  // namespace_lookup.cc
  // Stat's answer once the lookup is done: a path that is absent but leads
  // to a mount point is a directory.
  Result<fs::FileInfo> StatAnswer(Result<Found> found,
                                  const std::string& vpath) const;
  Task<Result<std::optional<Found>>> TryRecord(uint64_t root,
                                               std::vector<std::string> comps,
                                               std::vector<WalkStep> steps,
                                               DirGate gate, fs::FileInfo info);
  Task<Result<bool>> TryForget(uint64_t root, std::vector<std::string> comps);
  Task<Result<bool>> DeletePage(uint64_t dir, std::string* after,
                                std::vector<uint64_t>* pending);
  // namespace_list.cc
  Task<Result<std::vector<fs::FileInfo>>> BackendChildren(Resolved r,
                                                          uint64_t ino,
                                                          std::string vpath,
                                                          SyncResult* counts);
  Task<Result<std::vector<fs::FileInfo>>> CachedChildren(uint64_t ino,
                                                         std::string vpath);
  Task<Status> RewriteDir(uint64_t ino, DirGate gate,
                          std::vector<fs::FileInfo> listing,
                          SyncResult* counts);
  fs::ListStream ListImpl(std::string path, fs::ListOptions options);
  Task<Status> CollectListing(std::string vpath, const fs::ListOptions* options,
                              std::vector<fs::FileInfo>* out);
  Task<Status> CollectTree(std::string dir, std::string rel,
                           const fs::ListOptions* options,
                           std::vector<fs::FileInfo>* out);
  // namespace_move.cc
  Task<Result<MoveResult>> MoveWithin(Resolved from, Resolved to,
                                      std::string vfrom, std::string vto,
                                      bool is_dir);
  Task<Result<MoveResult>> MoveAcross(std::string vfrom, std::string vto,
                                      bool is_dir);
  Task<Status> MoveCacheEntry(Resolved from, Resolved to, std::string vto);
  Task<Status> CopyAcross(Resolved from, Resolved to, std::string vto);
  // namespace_sync.cc
  Task<Status> SyncTree(std::string vpath, SyncResult* result);
  Task<Result<bool>> SyncEntry(Resolved r, std::string vpath, bool holds_mounts,
                               SyncResult* result);

  std::shared_ptr<MetaStore> store_;
  NamespaceOptions options_;
  std::shared_ptr<schema::InodeAllocator> inodes_;
  std::unique_ptr<MountTable> mounts_;
  Namespace* owner_ = nullptr;
};

}  // namespace strata::vfs::internal
