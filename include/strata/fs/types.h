// Plain option and description structs shared by every File and FileSystem.
//
// Paths inside a FileSystem are absolute and normalised ("/a/b", never "a",
// "/a/./b" or "/a/../b"); strata::NormalizePath produces that form and
// OpenFileSystem() hands it out. All structs are values; thread-safety is
// that of their owner.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "strata/core/async_stream.h"
#include "strata/core/result.h"

namespace strata::fs {

// The option structs below declare a default constructor on purpose: that
// makes them non-aggregates, which sidesteps a GCC 12 miscompile that
// destroys aggregate temporaries (`{}`, `Options{...}`, and defaulted `= {}`
// arguments) twice when they are passed to a coroutine inside co_await.
// Build them by setting fields, or with the named factories.

// Per-call options (RocksDB's IOOptions): cancellation for now.
struct IoOptions {
  IoOptions() {}  // non-aggregate: see above
  explicit IoOptions(std::stop_token stop_token)
      : stop(std::move(stop_token)) {}
  // A stop request cancels the operation; it then fails with kCancelled.
  // An operation already handed to the kernel may still complete.
  std::stop_token stop;
  // Write/WriteV/WriteAt: the call returns only once the bytes it wrote (and
  // the metadata needed to read them back) are durable, like pwritev2's
  // RWF_DSYNC. Other unsynced data in the file is not covered; Sync is still
  // needed for that. Meaningful where Capabilities::sync.
  bool dsync = false;
  // Local files: make the system call on the calling (reactor) thread,
  // blocking it, instead of submitting it asynchronously. Saves the hand-off
  // to a kernel or pool worker (tens of microseconds) on latency-critical,
  // uncontended paths such as a lone journal appender's write+sync; every
  // other coroutine on that reactor waits meanwhile. Other backends ignore it.
  bool inline_blocking = false;
};

struct OpenOptions {
  OpenOptions() {}  // non-aggregate: see above
  bool read = true;
  bool write = false;
  // Create the file if missing.
  bool create = false;
  // Create, failing with kAlreadyExists if it exists (O_EXCL).
  bool create_new = false;
  // Discard existing content.
  bool truncate = false;
  // Writes go to the end of the existing content.
  bool append = false;
  // O_DIRECT: buffers, offsets and lengths must be aligned
  // (kDirectIoAlignment), else kInvalidArgument names the requirement.
  bool direct = false;
  // After creating the file, fsync its parent directory so the entry
  // survives a crash (requires Capabilities::directory_fsync).
  bool durable_create = false;
  // Preconditions (object-store style). if_none_match == "*" is create-only;
  // if_match opens only if the current etag equals the given one, else
  // kFailedPrecondition.
  std::optional<std::string> if_none_match;
  std::optional<std::string> if_match;

  static OpenOptions ReadOnly() { return {}; }
  // Write, create, truncate: "replace or create".
  static OpenOptions Overwrite() {
    OpenOptions o;
    o.read = false;
    o.write = o.create = o.truncate = true;
    return o;
  }
  // Write, create_new: "create, never replace".
  static OpenOptions CreateNew() {
    OpenOptions o;
    o.read = false;
    o.write = o.create_new = true;
    return o;
  }
  // Write at the end, creating the file if needed.
  static OpenOptions Append() {
    OpenOptions o;
    o.read = false;
    o.write = o.create = o.append = true;
    return o;
  }
};

// Alignment O_DIRECT requires of buffers, offsets and lengths.
inline constexpr size_t kDirectIoAlignment = 4096;

struct FileInfo {
  std::string path;  // absolute within its FileSystem
  uint64_t size = 0;
  std::chrono::system_clock::time_point mtime{};
  bool is_dir = false;
  // Changes whenever content changes; opaque; may be empty for directories.
  std::string etag;
};

struct ListOptions {
  ListOptions() {}  // non-aggregate: see above
  // Descend into sub-directories; entries then carry full paths at any depth.
  bool recursive = false;
  // Only entries whose path relative to the listed directory starts with it.
  std::string prefix;
  // Only entries whose relative path sorts strictly after it (byte order).
  std::string start_after;
  // Entries per yielded page (>= 1).
  size_t page_size = 1000;
};

// What a backend can do. Callers branch on these before calling; a missing
// capability is never a surprise kUnimplemented.
struct Capabilities {
  bool atomic_rename = false;     // Rename is atomic and replaces the target
  bool rename_dir = false;        // Rename works on directories
  bool append = false;            // OpenOptions::append on existing files
  bool conditional_put = false;   // if_none_match / if_match honoured
  bool directory_fsync = false;   // SyncDir / durable_create are meaningful
  bool real_directories = false;  // empty directories exist on their own
  bool direct_io = false;         // OpenOptions::direct
  bool positional_write = false;  // File::WriteAt
  bool sync = false;              // File::Sync makes data durable
  bool preallocate = false;       // File::Preallocate reserves space
};

// A page of listing results; listings yield pages in path order.
using ListPage = std::vector<FileInfo>;
using ListStream = AsyncStream<Result<ListPage>>;

using MutableBytes = std::span<std::byte>;
using ConstBytes = std::span<const std::byte>;

}  // namespace strata::fs
