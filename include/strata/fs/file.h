// File: an open file or object — random reads, sequential (and, where the
// backend says so, positional) writes.
//
// Contracts shared by every backend:
// - ReadAt fills `dst` from `offset` and returns the count; it is short only
//   at end of file (0 at or past EOF). ReadV scatters one contiguous range
//   into several buffers with the same rule.
// - Write/WriteV append at the file's write position (0 after create or
//   truncate, the end when opened with append) and either write everything
//   or fail. WriteAt writes at an offset without moving the write position
//   (only when Capabilities::positional_write).
// - Sync makes written data durable where Capabilities::sync.
// - Close commits and releases the file; Abort releases it discarding what
//   the backend can discard: a file this Open created is removed (an object
//   upload is abandoned); a file that existed before keeps what was written
//   to it, unsynced. After either, every call
//   fails with kFailedPrecondition. Close/Abort are idempotent. A File
//   destroyed without Close releases its resources without blocking and
//   without committing object uploads.
// - Errors name the path.
//
// Thread-safety: reads (ReadAt/ReadV/Size) may run concurrently with each
// other; writes, Sync, Close and Abort need external synchronization.
// Lifetime: buffers passed in must stay valid until the returned task
// completes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/types.h"

namespace strata::fs {

// One range of a multi-range read.
struct ReadRange {
  uint64_t offset = 0;
  MutableBytes dst;
};

class File {
 public:
  virtual ~File() = default;

  virtual const std::string& path() const = 0;

  virtual Task<Result<size_t>> ReadAt(MutableBytes dst, uint64_t offset,
                                      const IoOptions& options = {}) = 0;
  virtual Task<Result<size_t>> ReadV(std::span<const MutableBytes> dsts,
                                     uint64_t offset,
                                     const IoOptions& options = {}) = 0;
  // Reads several ranges (any order, may overlap) and returns each one's
  // byte count (short only at EOF). The default issues one ReadAt per range
  // in turn; object-store files coalesce nearby ranges into fewer requests
  // and run them in parallel. The first failure fails the call.
  virtual Task<Result<std::vector<size_t>>> ReadRanges(
      std::span<const ReadRange> ranges, const IoOptions& options = {}) {
    std::vector<size_t> counts;
    counts.reserve(ranges.size());
    for (const ReadRange& range : ranges) {
      Result<size_t> n = co_await ReadAt(range.dst, range.offset, options);
      if (!n.ok()) co_return n.status();
      counts.push_back(*n);
    }
    co_return counts;
  }
  virtual Task<Status> Write(ConstBytes src, const IoOptions& options = {}) = 0;
  virtual Task<Status> WriteV(std::span<const ConstBytes> srcs,
                              const IoOptions& options = {}) = 0;
  virtual Task<Status> WriteAt(ConstBytes src, uint64_t offset,
                               const IoOptions& options = {}) = 0;
  virtual Task<Status> Sync() = 0;
  // Reserves space for [offset, offset + length) and extends the file to at
  // least offset + length with zeros (fallocate mode 0), so later writes
  // there need no allocation. Like a write, the new size is durable only
  // after Sync. Backends without Capabilities::preallocate do nothing and
  // return OK: it is a performance hint, never needed for correctness.
  virtual Task<Status> Preallocate(uint64_t offset, uint64_t length) {
    (void)offset;
    (void)length;
    co_return Status::OK();
  }
  virtual Task<Result<uint64_t>> Size() = 0;
  virtual Task<Status> Close() = 0;
  virtual Task<Status> Abort() = 0;
};

}  // namespace strata::fs
