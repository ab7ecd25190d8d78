// Untorn single writes: pwritev2(RWF_ATOMIC) where the device promises it.
//
// A write with RWF_ATOMIC either lands whole or not at all across a power
// loss — no torn sectors — so a journal block written that way needs no
// double-write. Linux (6.11+) offers it on O_DIRECT files and block devices
// whose device advertises atomic writes (NVMe AWUPF, SCSI WRITE ATOMIC, ...)
// and whose file system passes them through (ext4, XFS); statx with
// STATX_WRITE_ATOMIC reports the limits. Elsewhere the kernel still answers
// statx, with zero units: that is "unsupported", never "supported".
//
// ProbeAtomicWrite reads the limits once; AtomicWriteSupport::supported is
// the capability flag. WriteAtomic issues exactly one RWF_ATOMIC write and
// refuses — before any syscall — every write the probe did not promise to
// be atomic: there is no silent fallback to an ordinary, tearable write.
//
// Constraints the kernel enforces, checked here first: the length is a
// power of two in [unit_min, unit_max]; the file offset is a multiple of the
// length; one buffer (segments_max is 1 on every current kernel) aligned to
// mem_align; the fd opened with O_DIRECT.
//
// Thread-safety: ProbeAtomicWrite and ValidateAtomicWrite are pure functions
// of their arguments and the kernel's answer; WriteAtomic may run
// concurrently on any runtime threads (concurrent overlapping writes are the
// caller's concern, as with pwrite).
#pragma once

#include <cstdint>
#include <stop_token>
#include <string>

#include "strata/core/status.h"
#include "strata/core/task.h"
#include "strata/fs/types.h"

namespace strata::journal {

// What statx(STATX_WRITE_ATOMIC) reported for one file or block device.
struct AtomicWriteSupport {
  AtomicWriteSupport() {}  // non-aggregate: see strata/fs/types.h
  // The capability flag: RWF_ATOMIC writes within the limits below are
  // untorn. False unless the kernel returned STATX_WRITE_ATOMIC with
  // 0 < unit_min <= unit_max (both powers of two).
  bool supported = false;
  uint32_t unit_min = 0;      // smallest atomic write, bytes
  uint32_t unit_max = 0;      // largest atomic write, bytes
  uint32_t segments_max = 0;  // iovecs per atomic write
  uint32_t mem_align = 0;     // O_DIRECT buffer alignment (STATX_DIOALIGN)
  std::string path;           // what was probed, for messages
  // Why unsupported ("statx /x: ...: no atomic write units (device or file
  // system lacks atomic write support)"); empty when supported.
  std::string reason;
};

// statx(STATX_WRITE_ATOMIC | STATX_DIOALIGN) on a local path (a regular
// file or a block device). Never fails: a statx error is an unsupported
// result whose reason carries it. A blocking syscall (cheap; a metadata
// lookup): call it when opening, not per write.
AtomicWriteSupport ProbeAtomicWrite(const std::string& local_path);

// OK if an RWF_ATOMIC write of `size` bytes from `data` at `offset` is within
// what `support` promises. kFailedPrecondition (naming support.reason) when
// !support.supported; kInvalidArgument naming the violated limit otherwise.
Status ValidateAtomicWrite(const AtomicWriteSupport& support, const void* data,
                           uint64_t size, uint64_t offset);

// One pwritev2(fd, src, offset, RWF_ATOMIC). `fd` must be the file (or
// device) `support` was probed for, opened with O_DIRECT and for writing.
// Success: all of `src` written, untorn (durable only after fdatasync,
// unless the fd is O_DSYNC). Failure: ValidateAtomicWrite's status, or
// kInvalidArgument if `fd` lacks O_DIRECT — both before any write — or the
// kernel's error as ErrnoToStatus ("atomic write <path> at <offset>: ...");
// a stop request on `stop` yields kCancelled. Must be awaited on a runtime
// thread; `src` must stay valid until the task completes.
Task<Status> WriteAtomic(int fd, fs::ConstBytes src, uint64_t offset,
                         AtomicWriteSupport support, std::stop_token stop = {});

}  // namespace strata::journal
