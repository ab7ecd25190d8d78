// I/O helpers of the `strata stream` commands: opening the input, writing
// the output so that it only ever appears complete, and pumping every byte
// of one File into another in bounded memory.
//
// StagedOutput: where the FileSystem renames atomically (local, memory), the
// bytes go to a hidden temporary beside OUT (".OUT.strata-tmp-<pid>") that
// Commit renames over OUT; elsewhere (object stores) they go to OUT itself,
// whose upload only becomes visible on Close. Discard removes whatever was
// staged, so a failed command leaves nothing at OUT.
//
// Thread-safety: the coroutines must be awaited on a runtime reactor
// thread; a StagedOutput is single-owner.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "cli/location.h"
#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/file.h"

namespace strata::cli {

// Bytes moved per ReadAt/Write by PumpAll.
inline constexpr size_t kStreamChunkSize = size_t{1} << 20;

// Opens `location` for reading; errors name it.
Task<Result<std::unique_ptr<fs::File>>> OpenInput(const Location& location);

class StagedOutput {
 public:
  // Opens the staging file for OUT. Errors name OUT.
  static Task<Result<StagedOutput>> Open(Location out);

  const Location& location() const { return out_; }
  // The staging file; the caller wraps it (it is moved out once).
  std::unique_ptr<fs::File> TakeFile() { return std::move(file_); }
  // After the file (or the layer owning it) was closed: moves it to OUT.
  Task<Status> Commit();
  // After the file (or the layer owning it) was aborted: removes it.
  Task<void> Discard();

 private:
  Location out_;
  std::string staging_path_;
  std::unique_ptr<fs::File> file_;
};

// Closes `top` (a layer over the StagedOutput's file) and commits when
// `status` is OK; otherwise aborts `top` and discards the output. Returns
// the first error.
Task<Status> FinishOutput(fs::File& top, StagedOutput& staged, Status status);

// Reads `in` sequentially from offset 0 to its end and writes it to `out`,
// kStreamChunkSize at a time. Errors name `in_name` / `out_name` unless the
// message already names a path.
Task<Status> PumpAll(fs::File& in, fs::File& out, const Location& in_name,
                     const Location& out_name);

// Writes every byte of `in` to `out` through a StagedOutput: OUT appears
// only when complete; on failure nothing is left there.
Task<Status> PumpToOutput(fs::File& in, const Location& in_name,
                          const Location& out);

}  // namespace strata::cli
