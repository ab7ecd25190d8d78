// Test helpers shared by the CacheWalk tests (cache_walk_test.cc and
// cache_walk_drive_test.cc): a fixed clock, the mount root inode, and
// builders for cached entries and verdict inputs.
//
// Thread-safety: plain functions and constants; safe from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

#include "vfs/cache_walk.h"
#include "vfs/schema.h"

namespace strata::vfs::testing {

inline constexpr uint64_t kRoot = 0x10;
inline constexpr int64_t kSecond = 1'000'000'000;
inline constexpr int64_t kNow = 1'790'000'000 * kSecond;
inline constexpr std::chrono::milliseconds kMinute{60'000};

// A directory entry with inode `ino`, synced at `synced_ns`.
inline schema::Entry Dir(uint64_t ino, int64_t synced_ns) {
  schema::Entry e;
  e.ino = ino;
  e.dir = true;
  e.synced_ns = synced_ns;
  return e;
}

// A file entry of `size` bytes with an etag derived from `ino`.
inline schema::Entry File(uint64_t ino, uint64_t size, int64_t synced_ns) {
  schema::Entry e;
  e.ino = ino;
  e.size = size;
  e.mtime_ns = kNow - 100 * kSecond;
  e.etag = "\"e" + std::to_string(ino) + "\"";
  e.synced_ns = synced_ns;
  return e;
}

// Verdict inputs for a walk of `vpath` at kNow under `interval`.
inline internal::VerdictInputs Judged(std::chrono::milliseconds interval,
                                      std::string vpath) {
  internal::VerdictInputs in;
  in.interval = interval;
  in.now = kNow;
  in.vpath = std::move(vpath);
  return in;
}

}  // namespace strata::vfs::testing
