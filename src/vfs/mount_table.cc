// MountTable: an immutable snapshot of the mounts, swapped atomically by the
// (serialised) writers, and persisted in the MetaStore before each swap.

#include "strata/vfs/mount_table.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <utility>

#include "strata/runtime/semaphore.h"
#include "strata/vfs/path.h"
#include "vfs/mount_record.h"
#include "vfs/mount_store.h"
#include "vfs/mount_table_rules.h"

namespace strata::vfs {
namespace {

// Attempts to create the root when other openers race to create it.
constexpr int kMaxRootAttempts = 8;

struct MountEntry {
  std::shared_ptr<const MountPoint> mount;
  fs::FileSystemRef backend;
  uint64_t mod_revision = 0;  // of the mount's record
};

// Mount point → entry. Never modified once published.
using Snapshot = std::map<std::string, MountEntry, std::less<>>;

// The entry serving normalised `path`: its longest mounted prefix.
const MountEntry* LongestPrefix(const Snapshot& snap, std::string_view path) {
  std::string candidate(path);
  while (true) {
    auto it = snap.find(candidate);
    if (it != snap.end()) return &it->second;
    if (candidate == "/") return nullptr;
    candidate = fs::ParentPath(candidate);
  }
}

// kFailedPrecondition when a mount lies strictly below `path`: mounting
// above it would hide it from resolution and bypass the rules it passed.
Status CheckNothingMountedBelow(const std::string& path, const Snapshot& snap) {
  for (auto it = snap.upper_bound(path); it != snap.end(); ++it) {
    if (!IsWithin(it->first, path)) continue;
    return FailedPreconditionError("mount point " + path + ": mount " +
                                   it->first + " lies below it; unmount " +
                                   it->first + " first");
  }
  return Status::OK();
}

Resolved ResolveIn(const MountEntry& entry, std::string_view path) {
  Resolved out;
  out.mount = entry.mount;
  out.fs = entry.backend.fs;
  out.relative = RelativeTo(path, entry.mount->path);
  out.backend_path = fs::JoinPath(entry.backend.path, out.relative);
  return out;
}

}  // namespace

class MountTable::Impl final {
 public:
  Impl(std::shared_ptr<MetaStore> store,
       std::function<Task<Result<uint64_t>>()> allocate_ino,
       FileSystemOpener opener)
      : store_(std::move(store)),
        allocate_ino_(std::move(allocate_ino)),
        opener_(opener ? std::move(opener) : &mount_rules::DefaultOpen),
        snapshot_(std::make_shared<const Snapshot>()) {}

  std::shared_ptr<const Snapshot> snapshot() const {
    return snapshot_.load(std::memory_order_acquire);
  }

  void Publish(std::shared_ptr<const Snapshot> next) {
    snapshot_.store(std::move(next), std::memory_order_release);
  }

  Result<fs::FileSystemRef> OpenBackend(const MountPoint& mount) const {
    Result<fs::FileSystemRef> r = opener_(mount.uri, mount.options);
    if (r.ok() && r->fs == nullptr) {
      return InternalError("mount " + mount.uri + ": opener gave no backend");
    }
    if (r.ok()) return r;
    return mount_rules::ScrubSecrets(r.status(), mount.options)
        .WithContext("mount " + mount.path + " (" +
                     mount_rules::UriForMessages(mount.uri) + ")");
  }

  Task<Status> Load();
  Task<Status> EnsureRoot(std::string root_uri);
  Task<Result<MountPoint>> Mount(std::string path, std::string uri,
                                 MountOptions options);
  Task<Status> Unmount(std::string path);

 private:
  Task<Result<MountPoint>> MountLocked(std::string path, std::string uri,
                                       MountOptions options);
  Task<Status> CheckMountRules(const MountPoint& candidate,
                               const fs::Uri& parsed, const Snapshot& snap);
  Status CheckUnmountRules(const std::string& path, const Snapshot& snap);
  Task<Result<MountEntry>> Persist(MountPoint mount, fs::FileSystemRef backend);
  uint64_t IdFloor() const;

  std::shared_ptr<MetaStore> store_;
  std::function<Task<Result<uint64_t>>()> allocate_ino_;
  FileSystemOpener opener_;
  runtime::Semaphore writer_{1};  // serialises Mount and Unmount
  // Readers load it without a mutex; only the writer (holding writer_, or
  // Open before the table is shared) stores.
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;
};

// Reads every record and opens every backend (no backend I/O).
Task<Status> MountTable::Impl::Load() {
  STRATA_CO_ASSIGN_OR_RETURN(
      std::vector<KeyValue> kvs,
      co_await store_->Scan(std::string(mount_record::kKeyPrefix),
                            ScanOptions()));
  auto snap = std::make_shared<Snapshot>();
  for (const KeyValue& kv : kvs) {
    STRATA_CO_ASSIGN_OR_RETURN(MountPoint mount, mount_record::Decode(kv));
    STRATA_CO_ASSIGN_OR_RETURN(fs::FileSystemRef backend, OpenBackend(mount));
    std::string path = mount.path;
    (*snap)[path] =
        MountEntry{std::make_shared<const MountPoint>(std::move(mount)),
                   std::move(backend), kv.mod_revision};
  }
  Publish(std::move(snap));
  co_return Status::OK();
}

uint64_t MountTable::Impl::IdFloor() const {
  uint64_t floor = 1;
  // Held for the whole loop: a temporary in a range-for's initialiser dies
  // before the body runs (until C++23), and a writer may drop the last
  // other reference meanwhile.
  std::shared_ptr<const Snapshot> snap = snapshot();
  for (const auto& [path, entry] : *snap) {
    floor = std::max(floor, entry.mount->id + 1);
  }
  return floor;
}

Task<Status> MountTable::Impl::EnsureRoot(std::string root_uri) {
  for (int attempt = 0; attempt < kMaxRootAttempts; ++attempt) {
    STRATA_CO_RETURN_IF_ERROR(co_await Load());
    if (snapshot()->contains("/")) co_return Status::OK();
    MountPoint root;
    root.path.assign(1, '/');
    root.uri = root_uri;
    Result<fs::Uri> parsed = fs::Uri::Parse(root_uri);
    if (!parsed.ok()) {
      co_return mount_rules::ScrubMountError(parsed.status(), root_uri,
                                             MountOptions());
    }
    STRATA_CO_RETURN_IF_ERROR(mount_rules::CheckNoSecretsInUri(*parsed));
    STRATA_CO_ASSIGN_OR_RETURN(fs::FileSystemRef backend, OpenBackend(root));
    STRATA_CO_RETURN_IF_ERROR(
        co_await mount_rules::PrepareRoot(backend, root_uri));
    Result<MountEntry> entry = co_await Persist(root, backend);
    if (entry.ok() || entry.status().code() != StatusCode::kAlreadyExists) {
      co_return entry.status();
    }
    // Another opener created the root meanwhile: load it.
  }
  co_return AbortedError("mount table: could not create the root mount");
}

// Allocates the root inode, commits the record and publishes the entry.
Task<Result<MountEntry>> MountTable::Impl::Persist(MountPoint mount,
                                                   fs::FileSystemRef backend) {
  STRATA_CO_ASSIGN_OR_RETURN(mount.root_ino, co_await allocate_ino_());
  STRATA_CO_ASSIGN_OR_RETURN(
      mount_store::Committed done,
      co_await mount_store::CommitNewMount(store_, mount, IdFloor()));
  mount.id = done.id;
  MountEntry entry{std::make_shared<const MountPoint>(mount),
                   std::move(backend), done.mod_revision};
  auto next = std::make_shared<Snapshot>(*snapshot());
  (*next)[mount.path] = entry;
  Publish(std::move(next));
  co_return entry;
}

Task<Result<MountPoint>> MountTable::Impl::Mount(std::string path,
                                                 std::string uri,
                                                 MountOptions options) {
  runtime::Semaphore::Permit permit = co_await writer_.Acquire();
  Result<MountPoint> mounted = co_await MountLocked(path, uri, options);
  if (mounted.ok()) co_return mounted;
  // Whatever failed, the message must not echo the URI's query string or a
  // secret option.
  co_return mount_rules::ScrubMountError(mounted.status(), uri, options);
}

Task<Result<MountPoint>> MountTable::Impl::MountLocked(std::string path,
                                                       std::string uri,
                                                       MountOptions options) {
  MountPoint candidate;
  STRATA_CO_ASSIGN_OR_RETURN(candidate.path, NormalizeVirtualPath(path));
  candidate.uri = std::move(uri);
  candidate.options = std::move(options);
  STRATA_CO_ASSIGN_OR_RETURN(fs::Uri parsed,
                             mount_rules::ParseMountUri(candidate.uri));
  std::shared_ptr<const Snapshot> snap = snapshot();
  STRATA_CO_RETURN_IF_ERROR(co_await CheckMountRules(candidate, parsed, *snap));
  STRATA_CO_ASSIGN_OR_RETURN(fs::FileSystemRef backend, OpenBackend(candidate));
  STRATA_CO_RETURN_IF_ERROR(mount_rules::ScrubSecrets(
      co_await mount_rules::CheckReachable(
          backend, mount_rules::UriForMessages(candidate.uri)),
      candidate.options));
  Resolved parent =
      ResolveIn(*LongestPrefix(*snap, candidate.path), candidate.path);
  STRATA_CO_RETURN_IF_ERROR(
      co_await mount_rules::CheckNotAFile(parent, candidate.path));
  STRATA_CO_ASSIGN_OR_RETURN(MountEntry entry,
                             co_await Persist(candidate, std::move(backend)));
  co_return *entry.mount;
}

// The rules that need no backend I/O.
Task<Status> MountTable::Impl::CheckMountRules(const MountPoint& candidate,
                                               const fs::Uri& parsed,
                                               const Snapshot& snap) {
  STRATA_CO_RETURN_IF_ERROR(mount_rules::CheckNoSecretsInUri(parsed));
  auto existing = snap.find(candidate.path);
  if (existing != snap.end()) {
    co_return AlreadyExistsError("mount point " + candidate.path +
                                 " is already mounted (" +
                                 existing->second.mount->uri + ")");
  }
  STRATA_CO_RETURN_IF_ERROR(CheckNothingMountedBelow(candidate.path, snap));
  const MountEntry* parent = LongestPrefix(snap, candidate.path);
  if (parent == nullptr) co_return InternalError("mount table has no root");
  if (parent->mount->options.readonly) {
    co_return PermissionDeniedError(
        "mount point " + candidate.path + " lies inside the read-only mount " +
        parent->mount->path + " (" + parent->mount->uri + ")");
  }
  std::vector<std::shared_ptr<const MountPoint>> mounts;
  for (const auto& [p, entry] : snap) mounts.push_back(entry.mount);
  co_return mount_rules::CheckNoUriOverlap(parsed, candidate.options, mounts);
}

Task<Status> MountTable::Impl::Unmount(std::string path) {
  runtime::Semaphore::Permit permit = co_await writer_.Acquire();
  STRATA_CO_ASSIGN_OR_RETURN(std::string normal, NormalizeVirtualPath(path));
  std::shared_ptr<const Snapshot> snap = snapshot();
  STRATA_CO_RETURN_IF_ERROR(CheckUnmountRules(normal, *snap));
  Txn txn;
  std::string key = mount_record::Key(normal);
  txn.compares.push_back(TxnCompare{key, snap->at(normal).mod_revision});
  txn.ops.push_back(TxnOp::Delete(key));
  STRATA_CO_ASSIGN_OR_RETURN(TxnResult r, co_await store_->Commit(txn));
  if (!r.succeeded) {
    co_return AbortedError("unmount " + normal +
                           ": its record changed in the metadata store "
                           "meanwhile; try again");
  }
  auto next = std::make_shared<Snapshot>(*snap);
  next->erase(normal);
  Publish(std::move(next));
  co_return Status::OK();
}

Status MountTable::Impl::CheckUnmountRules(const std::string& path,
                                           const Snapshot& snap) {
  if (path == "/") {
    return InvalidArgumentError("the root mount / cannot be unmounted");
  }
  if (!snap.contains(path)) {
    return NotFoundError("unmount " + path + ": not a mount point");
  }
  for (auto it = snap.upper_bound(path); it != snap.end(); ++it) {
    if (it->first != path && IsWithin(it->first, path)) {
      return FailedPreconditionError("unmount " + path + ": mount " +
                                     it->first +
                                     " is nested below it; unmount it first");
    }
  }
  return Status::OK();
}

// ---- MountTable ----

MountTable::MountTable(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MountTable::~MountTable() = default;

Task<Result<std::unique_ptr<MountTable>>> MountTable::Open(
    std::shared_ptr<MetaStore> store, std::string root_uri,
    std::function<Task<Result<uint64_t>>()> allocate_ino,
    FileSystemOpener opener) {
  if (store == nullptr || !allocate_ino) {
    co_return InvalidArgumentError(
        "MountTable::Open needs a store and an inode allocator");
  }
  auto impl = std::make_unique<Impl>(std::move(store), std::move(allocate_ino),
                                     std::move(opener));
  STRATA_CO_RETURN_IF_ERROR(co_await impl->EnsureRoot(std::move(root_uri)));
  co_return std::unique_ptr<MountTable>(new MountTable(std::move(impl)));
}

Task<Result<MountPoint>> MountTable::Mount(std::string path, std::string uri,
                                           MountOptions options) {
  return impl_->Mount(std::move(path), std::move(uri), std::move(options));
}

Task<Status> MountTable::Unmount(std::string path) {
  return impl_->Unmount(std::move(path));
}

std::vector<MountPoint> MountTable::List() const {
  std::vector<MountPoint> out;
  std::shared_ptr<const Snapshot> snap = impl_->snapshot();  // see IdFloor
  for (const auto& [path, entry] : *snap) {
    out.push_back(*entry.mount);
  }
  return out;
}

Result<Resolved> MountTable::Resolve(std::string_view path) const {
  STRATA_ASSIGN_OR_RETURN(std::string normal, NormalizeVirtualPath(path));
  std::shared_ptr<const Snapshot> snap = impl_->snapshot();
  const MountEntry* entry = LongestPrefix(*snap, normal);
  if (entry == nullptr) return InternalError("mount table has no root mount");
  return ResolveIn(*entry, normal);
}

std::vector<std::string> MountTable::MountedNamesUnder(
    std::string_view dir) const {
  std::vector<std::string> out;
  std::shared_ptr<const Snapshot> snap = impl_->snapshot();  // see IdFloor
  for (const auto& [path, entry] : *snap) {
    if (path == dir || !IsWithin(path, dir)) continue;
    std::string relative = RelativeTo(path, dir);  // "/name/..."
    std::string name = relative.substr(1, relative.find('/', 1) - 1);
    if (out.empty() || out.back() != name) out.push_back(std::move(name));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool MountTable::IsMountPointOrAncestor(std::string_view path) const {
  std::shared_ptr<const Snapshot> snap = impl_->snapshot();  // see IdFloor
  for (const auto& [mount_path, entry] : *snap) {
    if (IsWithin(mount_path, path)) return true;
  }
  return false;
}

std::string MountPoint::type() const {
  size_t sep = uri.find("://");
  if (sep == std::string::npos) return "file";
  std::string scheme = uri.substr(0, sep);
  for (char& c : scheme) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return scheme;
}

}  // namespace strata::vfs
