// Streaming copies between any two FileSystems, for `strata cp`.
//
// A file is copied through the File interface in 1 MiB chunks, reading the
// next chunk while the previous one is written, so memory stays bounded
// (2 MiB per file in flight) whatever the file size. On failure the
// destination is Abort()ed and, where partial bytes are already in place
// (backends with positional writes: local, memory), removed, so a failed
// copy never leaves a destination that looks complete.
//
// Thread-safety: each function must be awaited on a runtime reactor thread;
// `progress` must outlive the returned task and may be shared by copies.
#pragma once

#include <cstddef>

#include "cli/location.h"
#include "cli/progress.h"
#include "strata/core/status.h"
#include "strata/core/task.h"

namespace strata::cli {

// What a copy does to an existing destination file.
enum class CopyMode {
  kReplace,    // replace it (the default)
  kNoClobber,  // fail with kAlreadyExists, leaving it untouched (create-only,
               // atomic where the backend has conditional puts)
  kAppend,     // append the source's bytes to it (creating it if missing)
};

// Copies file `from` to `to` as `mode` says. Errors name the failing path.
Task<Status> CopyFile(Location from, Location to, Progress* progress,
                      CopyMode mode = CopyMode::kReplace);

// Copies directory `from` recursively to directory `to` (created, with
// missing parents, if absent): directories first, then files with at most
// `jobs` (>= 1) copies in flight. After the first failure no new copy
// starts; the first error is returned once the running ones finish.
// Adds the total size of the tree to `progress`.
Task<Status> CopyTree(Location from, Location to, size_t jobs,
                      Progress* progress, CopyMode mode = CopyMode::kReplace);

}  // namespace strata::cli
