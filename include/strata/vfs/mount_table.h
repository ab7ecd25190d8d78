// MountTable: which backend serves which part of the virtual tree.
//
// A mount maps a virtual directory (the mount point) to a backend URI; the
// whole URI is kept, so "s3://bucket/some/prefix" mounts that prefix. The
// root "/" is always mounted. Resolution picks the mount with the longest
// matching mount point. The rules (Alluxio's):
//   - a mount point is a normalised virtual path; mounting on an existing
//     mount point is kAlreadyExists;
//   - a mount may not be placed above an existing one (mount /data while
//     /data/raw is mounted): kFailedPrecondition naming both;
//   - a mount point must not exist as a file in the mount that holds it
//     (kFailedPrecondition);
//   - a mount point may not lie inside a read-only mount (kPermissionDenied)
//   - a new mount's URI may not contain, or be contained in, an existing
//     mount's URI on the same store (same scheme and authority; same
//     endpoint option): kFailedPrecondition naming both;
//   - unmounting refuses while another mount is nested below it
//     (kFailedPrecondition), and "/" cannot be unmounted (kInvalidArgument);
//   - the URI must have a "scheme://" (a bare path is kInvalidArgument),
//     parse, and its scheme be registered (kInvalidArgument listing the
//     known schemes); options the backend does not know are refused by it
//     (file:// and mem:// take none); the backend must be reachable at
//     mount time (its error is returned, naming the URI). A missing base
//     directory is refused only for local files (file://); elsewhere it is
//     an object store prefix with no objects yet.
// Error messages never quote the URI's query string nor a secret option.
// The table persists in a MetaStore (keys "mount/<path>", see
// docs/metadata-schema.md); Open() reloads it, so a restart keeps every
// mount. Secrets among the options are stored (the backend needs them) but
// never returned by Redacted() and never logged.
//
// Thread-safety: all methods may be called concurrently; Mount and Unmount
// are serialised internally; Resolve, List and the other readers take no
// mutex: they load an immutable snapshot through a
// std::atomic<std::shared_ptr> and never wait for a writer's backend I/O.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/file_system.h"
#include "strata/fs/registry.h"  // fs::FileSystemRef
#include "strata/vfs/meta_store.h"

namespace strata::vfs {

// How often a mount's cached listings are refreshed from the backend:
// kSyncAlways consults the backend on every stat and list; kSyncNever only
// on an explicit Sync.
inline constexpr std::chrono::milliseconds kSyncAlways{0};
inline constexpr std::chrono::milliseconds kSyncNever{-1};

struct MountOptions {
  MountOptions() {}  // non-aggregate (see fs/types.h)
  bool readonly = false;
  // Other clients may change the backend behind the namespace's back; a
  // hint recorded and reported (Alluxio's --shared); it does not change
  // caching beyond sync_interval.
  bool shared = false;
  // Unset: the namespace default (NamespaceOptions::default_sync_interval).
  std::optional<std::chrono::milliseconds> sync_interval;
  // Everything else: backend options, passed to the backend as URI query
  // parameters (endpoint, region, path_style, access_key_id, ...).
  std::map<std::string, std::string> backend;

  // From `-o key=value` pairs: "readonly" (also spelt "read_only" or
  // "read-only") and "shared" take true/false (or no value: true); these
  // names and "sync_interval" match case-insensitively, as do the values;
  // "sync_interval" takes "0", "never", or a number with a unit (ms, s, m, h).
  // kInvalidArgument names the bad key or value.
  static Result<MountOptions> Parse(
      const std::map<std::string, std::string>& pairs);
  // The pairs again (Parse(ToPairs()) round-trips), secrets included.
  std::map<std::string, std::string> ToPairs() const;
  // ToPairs() with every secret value replaced by "<redacted>".
  std::map<std::string, std::string> Redacted() const;
};

// True for option keys whose values are secrets: any containing "secret",
// "key", "token", "password", "credential", "sas" or "signature"
// (case-insensitive), except a few known non-secret ones ("key_prefix").
bool IsSecretOption(std::string_view key);

struct MountPoint {
  std::string path;  // virtual mount point, normalised
  std::string uri;   // as given (no secrets belong here)
  MountOptions options;
  uint64_t id = 0;        // unique, never reused
  uint64_t root_ino = 0;  // the mount's root directory in the metadata
  // The URI's scheme: "file", "mem", "s3", "az", ...
  std::string type() const;
};

// A virtual path resolved to the backend that serves it.
struct Resolved {
  std::shared_ptr<const MountPoint> mount;
  std::shared_ptr<fs::FileSystem> fs;
  // The path inside `fs` (the mount's base path joined with `relative`).
  std::string backend_path;
  // The path relative to the mount point, absolute: "/" for the point.
  std::string relative;
};

// Builds the FileSystem for a mount (URI with backend options applied as
// query parameters). The default uses fs::OpenFileSystem.
using FileSystemOpener = std::function<Result<fs::FileSystemRef>(
    const std::string& uri, const MountOptions& options)>;

class MountTable {
 public:
  // Loads the persisted table from `store`; mounts `root_uri` at "/" when
  // the store has no root yet (a stored root wins over `root_uri`).
  // `allocate_ino` gives each new mount its root directory inode.
  static Task<Result<std::unique_ptr<MountTable>>> Open(
      std::shared_ptr<MetaStore> store, std::string root_uri,
      std::function<Task<Result<uint64_t>>()> allocate_ino,
      FileSystemOpener opener = nullptr);
  ~MountTable();

  // Applies the rules above; persisted before it returns. Returns the new
  // mount.
  Task<Result<MountPoint>> Mount(std::string path, std::string uri,
                                 MountOptions options);
  Task<Status> Unmount(std::string path);

  // Every mount, sorted by path.
  std::vector<MountPoint> List() const;

  // The mount serving normalised virtual `path` (longest prefix).
  Result<Resolved> Resolve(std::string_view path) const;

  // Names of the entries that mounts add to directory `dir`: for every mount
  // point strictly below `dir`, its first component below `dir` (mount
  // "/data/raw" adds "data" to "/"), sorted, de-duplicated.
  std::vector<std::string> MountedNamesUnder(std::string_view dir) const;

  // True if `path` is a mount point, or a directory that only exists
  // because a mount lies below it.
  bool IsMountPointOrAncestor(std::string_view path) const;

 private:
  class Impl;
  explicit MountTable(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::vfs
