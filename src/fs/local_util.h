// Shared helpers of the local backend (private).
#pragma once

#include <sys/stat.h>

#include <string>

#include "strata/core/status.h"
#include "strata/fs/types.h"
#include "strata/runtime/semaphore.h"

namespace strata::fs::local {

// The calling runtime's cap on in-flight file operations (a process-wide
// fallback outside a runtime, where the I/O itself then fails cleanly).
runtime::Semaphore& FileOpsLimit();

// "<op> <path>: <strerror>" for a negative syscall result.
Status PathError(int64_t neg_errno, const char* op, const std::string& path);

// FileInfo from a statx result. The etag combines inode, size, mtime and
// ctime (nanoseconds): it changes with every write the file system
// timestamps, which on coarse-clock file systems means every write that
// lands in a new clock tick or changes the size.
FileInfo InfoFromStatx(const std::string& path, const struct statx& st);

}  // namespace strata::fs::local
