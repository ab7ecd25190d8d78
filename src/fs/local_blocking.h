// Blocking helpers of the local backend, run on the runtime's worker pool
// (operations with no io_uring equivalent). Errors name the path.
#pragma once

#include <string>
#include <vector>

#include "strata/core/result.h"
#include "strata/fs/types.h"

namespace strata::fs::local {

// Entries below `dir` per ListOptions (recursion, prefix, start_after),
// sorted by relative path. Symlinked directories are listed, not entered.
Result<std::vector<FileInfo>> ScanDirectory(const std::string& dir,
                                            const ListOptions& options);
// mkdir -p; kAlreadyExists when a component exists as a file.
Status MakeDirs(const std::string& path);
// rm -r of a directory; kInvalidArgument if `path` is not a directory.
Status RemoveTree(const std::string& path);
// Copies a regular file (copy_file_range, falling back to read/write).
Status CopyFile(const std::string& from, const std::string& to);

}  // namespace strata::fs::local
