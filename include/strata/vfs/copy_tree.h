// CopyTree: copies a file, or a directory and everything below it, from one
// virtual path of a Namespace to another (possibly on another mount).
//
// The copy goes through the Namespace (CreateDir, Copy), so read-only mounts,
// mount-point rules and the metadata cache apply as for single calls. It is
// not atomic: a failure part-way leaves what was already copied (the source
// is never changed).
//
// Thread-safety: as the Namespace's methods; concurrent changes to either
// tree during the copy give an unspecified (but never corrupt) result.
#pragma once
#include <cstdint>
#include <string>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/vfs/namespace.h"

namespace strata::vfs {

struct CopyStats {
  CopyStats() {}             // non-aggregate (see fs/types.h)
  uint64_t files = 0;        // files copied
  uint64_t directories = 0;  // directories created (the top one included)
  uint64_t bytes = 0;        // bytes of the files copied
};

// Copies `from` to `to`. A file replaces a file at `to`; a directory is
// merged into `to` (created as needed). Errors: kNotFound (naming `from`)
// when the source is missing; kInvalidArgument when `to` lies inside
// `from`; otherwise the first failing operation's error, naming its path.
Task<Result<CopyStats>> CopyTree(Namespace& ns, std::string from,
                                 std::string to);

}  // namespace strata::vfs
