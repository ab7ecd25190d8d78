// Namespace: one tree of virtual paths over many backends (the VFS).
//
// Every file under a mount is the backend's file at the mapped path; the
// backend stays the source of truth (as in Alluxio). The namespace keeps, in
// a MetaStore, the mount table and a cache of backend metadata: directory
// entries keyed by (parent inode, name), so listing a directory reads only
// its entries and renaming a directory moves one key (format:
// docs/metadata-schema.md). Cached entries are trusted for the mount's
// sync_interval; after that, or on Sync(), the backend is asked again.
// Writes through the namespace update the cache as they complete.
//
// Namespace implements fs::FileSystem over virtual paths, so everything that
// takes a FileSystem (the conformance suite, copy helpers) takes it too:
//   - List merges backend entries with mount points below the directory;
//   - Rename within a mount uses the backend's rename where Capabilities
//     allow, else copy + delete; across mounts it copies then deletes
//     (Move() reports which happened);
//   - writes under a read-only mount are kPermissionDenied naming the mount;
//   - removing or renaming a mount point (or a directory above one) is
//     kFailedPrecondition: unmount first.
// capabilities() are those every mount offers (the intersection of the
// mounts' flags, so a flag holds at any path); a caller that needs a
// sub-tree's own capabilities asks CapabilitiesAt().
// Files returned by Open report the virtual path from path(), and their
// errors name it; so do all errors (backend paths are rewritten to virtual
// ones). Open for Overwrite (truncate, no append/create_new) on a backend
// with atomic rename writes a hidden temporary sibling (".strata-tmp.*",
// never listed) and renames it over the target on Close, so an aborted or
// failed write leaves the old content intact.
//
// Thread-safety: every method may be called concurrently from any reactor
// thread. The Namespace must outlive the Files and ListStreams it returns.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/file_system.h"
#include "strata/vfs/meta_store.h"
#include "strata/vfs/mount_table.h"

namespace strata::vfs {

struct NamespaceOptions {
  NamespaceOptions() {}  // non-aggregate (see fs/types.h)
  // Mounted at "/" when the store has no root mount yet.
  std::string root_uri = "mem://strata-root/";
  // For mounts that do not set sync_interval.
  std::chrono::milliseconds default_sync_interval{std::chrono::seconds(60)};
  // Test hook: where a mount's backend comes from (default:
  // fs::OpenFileSystem on the URI with the backend options as query).
  FileSystemOpener opener;
  // Test hook: the wall clock that cache freshness is measured against
  // (default: std::chrono::system_clock::now). Called concurrently from any
  // thread (reactors, and gRPC threads through TryStatNow).
  std::function<std::chrono::system_clock::time_point()> clock;
};

// What Move did.
struct MoveResult {
  // True when the backend renamed in one step; false for copy + delete
  // (across mounts, or a backend without rename): a crash in between can
  // leave both copies, never neither.
  bool atomic = false;
};

// What Sync found.
struct SyncResult {
  uint64_t added = 0;        // entries new in the backend
  uint64_t removed = 0;      // cached entries the backend no longer has
  uint64_t updated = 0;      // entries whose size, mtime or etag changed
  uint64_t directories = 0;  // directories listed
};

class Namespace final : public fs::FileSystem {
 public:
  // Loads (or initialises) the mount table and metadata in `store`.
  static Task<Result<std::unique_ptr<Namespace>>> Create(
      std::shared_ptr<MetaStore> store, NamespaceOptions options);
  ~Namespace() override;

  // --- mount table (see MountTable for the rules) ---
  // Mount returns the new mount and ListMounts every mount, sorted by path;
  // in both, the values of secret backend options (IsSecretOption) read
  // "<redacted>" (the table keeps the real ones for the backends).
  Task<Result<MountPoint>> Mount(std::string path, std::string uri,
                                 MountOptions options);
  Task<Status> Unmount(std::string path);
  std::vector<MountPoint> ListMounts() const;
  // True when `path` (normalised first) is exactly a mount point ("/"
  // included); false for other paths, including ancestors of mount points,
  // and for invalid paths. Cheap (one mount-table lookup, no copies), so
  // callers may use it per Stat.
  bool IsMountPoint(std::string_view path) const;

  // Refreshes the cached metadata of `path` (a file, or a directory and
  // everything below it, nested mounts included) from the backend, and
  // reports what changed (`updated` counts files; a directory's own mtime
  // is refreshed silently). kNotFound when `path` is neither cached nor in
  // the backend; a cached path the backend lost is dropped (removed = 1).
  Task<Result<SyncResult>> Sync(std::string path);

  // Stat answered on the calling thread, without waiting, from the metadata
  // cache: when every component of `path` is cached and fresh (or the cache
  // knows the path is absent) and the MetaStore reads locally
  // (MetaStore::TryGetNow). Usable from any thread, reactor or not; it never
  // calls a backend. nullopt when Stat must ask the backend or a remote
  // store. Same answers and errors as Stat.
  std::optional<Result<fs::FileInfo>> TryStatNow(std::string_view path);

  // Rename, reporting atomicity. Same errors as Rename.
  Task<Result<MoveResult>> Move(std::string from, std::string to);

  // The capabilities of the mount serving `path`.
  Result<fs::Capabilities> CapabilitiesAt(std::string_view path) const;

  // --- fs::FileSystem over virtual paths ---
  std::string_view name() const override { return "vfs"; }
  fs::Capabilities capabilities() const override;
  Task<Result<std::unique_ptr<fs::File>>> Open(
      std::string path, fs::OpenOptions options) override;
  Task<Result<fs::FileInfo>> Stat(std::string path) override;
  fs::ListStream List(std::string path, fs::ListOptions options) override;
  Task<Status> CreateDir(std::string path, bool recursive) override;
  Task<Status> Remove(std::string path) override;
  Task<Status> RemoveDir(std::string path, bool recursive) override;
  Task<Status> Rename(std::string from, std::string to) override;
  Task<Status> Copy(std::string from, std::string to) override;
  Task<Status> SyncDir(std::string path) override;

 private:
  class Impl;
  explicit Namespace(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::vfs
