// Atomic file replacement: write a temporary file, make it durable, rename it
// over the target, make the rename durable.
//
// AtomicReplace(fs, path, bytes) leaves `path` holding exactly `bytes`. A
// crash at any moment — the process killed, or the machine losing power —
// leaves `path` with either its old content or the new content: never a mix
// of the two, never a missing file (when one existed before). The steps, in
// order, each checked:
//   1. open "<path>.tmp-<16 hex digits>" in the same directory (create_new)
//   2. write `bytes`                      (skipped when empty)
//   3. File::Sync: fdatasync the temporary file
//   4. File::Close
//   5. FileSystem::Rename temporary → path (atomic, replaces the old file)
//   6. FileSystem::SyncDir of the parent  (when Capabilities::directory_fsync)
// OK means step 6 finished: the new content survives a power loss.
//
// Failure:
// - kInvalidArgument: `path` is not an absolute path below the root.
// - kFailedPrecondition: the file system lacks Capabilities::atomic_rename
//   (object stores); nothing is written.
// - Otherwise the status of the failing step (code and errno kept), its
//   message prefixed with "atomic replace <path> (<step>)", where <step> is
//   one of "create temp", "write", "fdatasync", "close", "rename",
//   "fsync directory"; the step's own message names the file it acted on.
//   Before the rename, `path` is untouched and the temporary file is
//   removed (best effort: File::Abort, else Remove; their errors are not
//   reported, the step's error is). A failed "fsync directory" means the
//   rename happened — `path` reads the new content — but may not survive a
//   power loss: after one, `path` holds the old or the new content.
//
// A crash can leave a stray "<path>.tmp-*" file behind (never the target in
// a mixed state). RemoveAtomicTemps deletes such files; call it at start-up
// or recovery, while nothing is replacing `path`.
//
// The new file has the backend's default mode; the old file's mode, owner
// and extended attributes are not carried over. Hard links to the old file
// keep the old content.
//
// Thread-safety: the functions hold no state of their own; they may run
// concurrently on any runtime threads, as `fs` allows. Concurrent
// AtomicReplace calls on the same path are safe — each uses its own
// temporary file — and the last rename wins; RemoveAtomicTemps concurrent
// with an AtomicReplace of the same path may make that call fail (the
// target is never harmed). Lifetime: `fs` and the memory behind `bytes`
// must stay valid until the returned task completes. Await on a runtime
// thread when `fs` needs one (the local backend does).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/file_system.h"
#include "strata/fs/types.h"

namespace strata::journal {

// Replaces `path` in `fs` with `bytes` atomically and durably (see above).
Task<Status> AtomicReplace(fs::FileSystem& fs, std::string path,
                           fs::ConstBytes bytes);

// Removes the temporary files AtomicReplace(fs, path, ...) may have left in
// `path`'s directory after a crash; returns how many it removed. Only names
// of the exact form "<path>.tmp-<16 lowercase hex digits>" are touched.
// Failure: kInvalidArgument as for AtomicReplace; else the listing's or a
// removal's status (a file already gone is not an error), prefixed with
// "remove atomic temps <path>".
Task<Result<size_t>> RemoveAtomicTemps(fs::FileSystem& fs, std::string path);

// True if `candidate` is a temporary file name AtomicReplace uses for
// `path` ("<path>.tmp-" followed by 16 lowercase hex digits).
bool IsAtomicTempFor(std::string_view path, std::string_view candidate);

}  // namespace strata::journal
