// LocalFile: the local side of `strata fs copy-from-local/copy-to-local` —
// a blocking POSIX file that is either a source being read or a temporary
// file that becomes the destination only on CommitAs().
//
// A temporary file that was not committed is removed by the destructor, so
// a failed download never leaves a half-written file behind.
//
// Thread-safety: none (one thread uses a LocalFile).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "strata/core/result.h"
#include "strata/core/status.h"

namespace strata::cli {

class LocalFile {
 public:
  // Opens an existing regular file for reading. Errors name `path`
  // (kNotFound, kInvalidArgument for a directory, ...).
  static Result<LocalFile> OpenForRead(const std::string& path);
  // Creates an empty temporary file in the directory of `target`
  // (".<name>.strata-XXXXXX"). Errors name that directory.
  static Result<LocalFile> CreateTempNextTo(const std::string& target);

  LocalFile(LocalFile&& other) noexcept;
  LocalFile& operator=(LocalFile&&) = delete;
  LocalFile(const LocalFile&) = delete;
  ~LocalFile();

  // Size when opened (OpenForRead).
  uint64_t size() const { return size_; }
  // Reads up to `n` bytes; 0 at end of file. Errors name the path.
  Result<size_t> Read(char* buffer, size_t n);
  // Appends all of `data`. Errors name the path.
  Status Write(std::string_view data);
  // Makes the temporary file `target`, crash-safely: permissions as a new
  // file under the umask, fsync of the data, an atomic rename, then fsync
  // of the parent directory. Errors name `target` (or its directory); a
  // temporary file that was not renamed is then removed.
  Status CommitAs(const std::string& target);

 private:
  LocalFile(int fd, std::string path, bool temporary, uint64_t size);

  int fd_ = -1;
  std::string path_;
  bool temporary_ = false;  // removed unless committed
  uint64_t size_ = 0;
};

}  // namespace strata::cli
