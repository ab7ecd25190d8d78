// CacheWalk: the metadata-cache half of a path lookup, written as a
// sequence of key reads so that one piece of logic runs both as a coroutine
// over any MetaStore (DriveWalk) and synchronously on the caller's thread
// over a store that reads locally (DriveWalkNow, MetaStore::TryGetNow).
//
// Phase 1 reads dent/<parent>/<name> from the mount root down and stops at
// the first absent entry or non-directory (the steps). Phase 2, only when a
// Verdict is asked for, decides whether the cache can answer: a step whose
// entry is stale (by the sync interval) or absent is vouched for only by a
// fresh full listing of its directory (dir/<parent>), read on demand.
// The outcome is the object (Found), kNotFound (the cache knows the path is
// absent) or nullopt (the backend must be asked).
//
// Thread-safety: none; one walk per caller.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/vfs/meta_store.h"
#include "vfs/schema.h"

namespace strata::vfs::internal {

// One cached component of a path walk.
struct WalkStep {
  std::string key;            // dent/<parent>/<name>
  uint64_t parent = 0;        // the directory holding it
  uint64_t mod_revision = 0;  // 0: absent
  std::optional<schema::Entry> entry;
};

// A path resolved to an object (from the cache or the backend).
struct Found {
  schema::Entry entry;  // for a mount root: dir, ino = root_ino
  uint64_t parent = 0;  // 0 for a mount root
  std::string key;      // its dent key ("" for a mount root)
  uint64_t mod_revision = 0;
};

// Whether something confirmed at `synced_ns` is still trusted at `now`
// under sync interval `interval` (negative: never refresh; 0: always).
// Overflowing arithmetic (corrupt or crafted times) reads as stale.
bool IsFresh(int64_t synced_ns, std::chrono::milliseconds interval,
             int64_t now);
// Whether directory record `state` vouches for its directory's entries: a
// full listing was taken (listed != 0) and is fresh.
bool ListingFresh(const schema::DirState& state,
                  std::chrono::milliseconds interval, int64_t now);

// What phase 2 needs: the mount's sync interval, the clock reading and the
// virtual path (for kNotFound).
struct VerdictInputs {
  std::chrono::milliseconds interval{0};
  int64_t now = 0;
  std::string vpath;
};

class CacheWalk {
 public:
  // Walks `comps` below mount root `root`; with `verdict`, judges too.
  CacheWalk(uint64_t root, std::vector<std::string> comps,
            std::optional<VerdictInputs> verdict);

  // The key to read next; nullptr once the walk (and verdict) is done.
  const std::string* next_key() const { return done_ ? nullptr : &key_; }
  // Takes the value read at next_key() (nullopt: absent). kDataLoss naming
  // the key for a corrupt record; the walk is then over. kFailedPrecondition
  // once the walk has ended.
  Status Feed(const std::optional<KeyValue>& kv);

  std::vector<WalkStep>& steps() { return steps_; }
  // After a judged walk: the object, kNotFound, or nullopt (ask the backend).
  Result<std::optional<Found>> TakeVerdict();

 private:
  void WalkFrom(uint64_t parent);
  void Judge();
  void Finish(Result<std::optional<Found>> verdict);

  const uint64_t root_;
  const std::vector<std::string> comps_;
  std::optional<VerdictInputs> inputs_;
  std::vector<WalkStep> steps_;
  bool walking_ = true;
  size_t judged_ = 0;  // steps confirmed by phase 2 so far
  std::string key_;
  bool done_ = false;
  Result<std::optional<Found>> verdict_ = std::optional<Found>();
};

// Runs `walk` to its end with Gets on `store`. The walk must outlive the
// returned task (callers co_await it at once); pointers, not references,
// because a lazy task's reference parameters are easy to leave dangling.
Task<Status> DriveWalk(MetaStore* store, CacheWalk* walk);
// Runs `walk` on the calling thread with MetaStore::TryGetNow; nullopt when
// the store cannot read without waiting (the walk is then unfinished).
std::optional<Status> DriveWalkNow(MetaStore& store, CacheWalk& walk);

}  // namespace strata::vfs::internal
