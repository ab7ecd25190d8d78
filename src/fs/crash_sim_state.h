// Private to the crash-simulating backend (include/strata/fs/crash_sim.h).
//
// The model: every file and directory is a Node. A file keeps `data` (what
// reads see), `durable` (what a crash leaves) and the ordered `pending` ops
// that lead from one to the other (invariant: replaying all of `pending` on
// `durable` gives `data`). A directory keeps `children` (the current
// entries) and `durable_children` (the entries a crash leaves, before the
// unsynced-change log is replayed). Unsynced namespace changes are kept, in
// order, as a log of Changes; each Change is one or more Edits (a rename
// edits two directories at once).
//
// Thread-safety: State::mu guards the State and every Node.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.h"
#include "strata/fs/crash_sim.h"
#include "strata/fs/types.h"

namespace strata::fs {
namespace crash_sim_internal {

using Clock = std::chrono::system_clock;
using Bytes = std::vector<std::byte>;

// Larger files are refused with EFBIG (as in the memory backend).
inline constexpr uint64_t kMaxFileSize = uint64_t{1} << 40;

// One unsynced change to a file's content.
struct PendingOp {
  enum class Kind { kWrite, kExtend, kTruncate };
  Kind kind = Kind::kWrite;
  // kWrite: where `bytes` go. kExtend: the size the file grows to (if
  // smaller). kTruncate: the size the file is cut to.
  uint64_t offset = 0;
  Bytes bytes;  // kWrite only
};

struct Node;
using NodePtr = std::shared_ptr<Node>;
using Children = std::map<std::string, NodePtr, std::less<>>;

struct Node {
  explicit Node(bool dir);

  // A new generation (etag) and mtime: the content changed.
  void Touch();
  std::string Etag() const;

  const bool is_dir;
  uint64_t generation = 0;
  Clock::time_point mtime;
  // Directories.
  Children children;
  Children durable_children;
  // Files.
  Bytes data;
  Bytes durable;
  std::vector<PendingOp> pending;
};

// Entry `name` of directory `dir` set to `target` (nullptr: removed).
struct Edit {
  NodePtr dir;
  std::string name;
  NodePtr target;
};
// An unsynced namespace change; its edits survive a crash together.
using Change = std::vector<Edit>;

// The FileInfo of `node` at `path` (crash_sim_tree.cc).
FileInfo Describe(std::string path, const Node& node);
// NormalizePath(path), failures prefixed with `op`.
Result<std::string> NormalPath(std::string_view path, std::string_view op);

// ---- file content (crash_sim_data.cc) ------------------------------------

// Grows `bytes` to at least `size` with zeros; false if memory runs out.
bool GrowTo(Bytes& bytes, uint64_t size);
// Writes `src` at `offset` of `image`, growing it with zeros as needed.
void WriteBytes(Bytes& image, uint64_t offset, const std::byte* src, size_t n);
void ApplyOp(const PendingOp& op, Bytes& image);
// Records a write; the caller has grown file.data to cover it (GrowTo).
// With `dsync` the bytes become durable at once.
void WriteData(Node& file, uint64_t offset, Bytes bytes, bool dsync);
// Grows the file to `size` (unsynced) if it is smaller; false if memory
// runs out.
bool ExtendData(Node& file, uint64_t size);
// Cuts the file to size 0 (unsynced).
void TruncateData(Node& file);
// File::Sync: everything pending becomes durable.
void SyncData(Node& file);
// Bytes of unsynced writes.
uint64_t PendingBytes(const Node& file);
// The content a crash leaves, drawing from `rng`; counts into `report`.
Bytes ReplayPending(const Node& file, CrashMode mode, std::mt19937_64& rng,
                    CrashReport& report);

}  // namespace crash_sim_internal

class CrashSimFileSystem::State {
 public:
  using Node = crash_sim_internal::Node;
  using NodePtr = crash_sim_internal::NodePtr;
  using Change = crash_sim_internal::Change;

  // What Open hands to the file it creates.
  struct Opened {
    std::string path;  // normalised
    NodePtr node;
    bool created = false;
  };

  State();
  ~State();

  Result<Opened> Open(std::string_view path, const OpenOptions& options);
  Result<FileInfo> Stat(std::string_view path);
  Result<std::vector<FileInfo>> List(std::string_view path,
                                     const ListOptions& options);
  Status CreateDir(std::string_view path, bool recursive);
  Status Remove(std::string_view path);
  // Removes the file at `path` if it is still `node` (an aborted create).
  void RemoveIfSame(const std::string& path, const NodePtr& node);
  Status RemoveDir(std::string_view path, bool recursive);
  Status Rename(std::string_view from, std::string_view to);
  Status Copy(std::string_view from, std::string_view to);
  Status SyncDir(std::string_view path);
  CrashReport Crash(CrashMode mode, uint64_t seed);

  uint64_t UnsyncedBytes() const;
  uint64_t UnsyncedEntries() const;
  // Crashes so far; a handle opened at another epoch is dead.
  uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }

  // Guards everything, including every Node. Files lock it too.
  mutable std::mutex mu;

 private:
  struct Crasher;

  // The node at `path`, or nullptr (missing, or below a file).
  NodePtr FindLocked(std::string_view path) const;
  // The directory that holds `path`: ENOENT/ENOTDIR naming `context`.
  Result<NodePtr> ParentLocked(const std::string& path,
                               std::string_view context) const;
  NodePtr NewNodeLocked(bool dir);
  // Sets an entry and records it in `change`.
  void SetEntryLocked(const NodePtr& dir, std::string_view name, NodePtr target,
                      Change& change);
  void LogLocked(Change change);
  void SyncDirLocked(const NodePtr& dir);
  Status CheckPreconditions(const std::string& path, const Node* node,
                            const OpenOptions& options) const;
  Result<NodePtr> CreateFileLocked(const std::string& path,
                                   const OpenOptions& options);
  Status MakeDirsLocked(const std::string& path);
  // Unlinks everything below `dir`, one change per entry (as rm -r does).
  void RemoveTreeLocked(const NodePtr& dir);
  Status CheckRenameTarget(const Node& src, const NodePtr& dst,
                           const std::string& context) const;
  void CollectLocked(const NodePtr& dir, const std::string& path,
                     const std::string& rel, bool recursive,
                     std::vector<std::pair<std::string, FileInfo>>& out) const;

  NodePtr root_;
  std::vector<Change> log_;  // unsynced namespace changes, oldest first
  // Every node created (for unsynced_bytes and to break cycles at a crash).
  std::vector<std::weak_ptr<Node>> nodes_;
  size_t compact_at_ = 64;
  std::atomic<uint64_t> epoch_{0};
};

// The File handle of a CrashSimFileSystem (crash_sim_file.cc).
std::unique_ptr<File> NewCrashSimFile(
    std::shared_ptr<CrashSimFileSystem::State> state,
    CrashSimFileSystem::State::Opened opened, const OpenOptions& options);

// "<op> <path>: No such file ..." (ErrnoToStatus).
Status CrashSimPathError(int err, std::string_view op, std::string_view path);

}  // namespace strata::fs
