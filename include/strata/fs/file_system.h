// FileSystem: a namespace of files and directories on one backend.
//
// Paths are absolute and normalised within the backend ("/dir/name").
// Errors name the path: kNotFound for a missing path, kAlreadyExists for a
// create-only conflict, kInvalidArgument for a directory opened as a file
// (and vice versa), kFailedPrecondition for a failed if_match or a non-empty
// directory removed without `recursive`.
//
// Thread-safety: every method may be called concurrently from any reactor
// thread. Lifetime: a FileSystem must outlive the Files and ListStreams it
// returned.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/file.h"
#include "strata/fs/types.h"

namespace strata::fs {

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Short backend name used in metrics labels and messages: "local", ...
  virtual std::string_view name() const = 0;
  virtual Capabilities capabilities() const = 0;

  virtual Task<Result<std::unique_ptr<File>>> Open(std::string path,
                                                   OpenOptions options) = 0;
  virtual Task<Result<FileInfo>> Stat(std::string path) = 0;
  // Entries below directory `path`, in pages, sorted by path. A missing
  // directory yields one kNotFound error; a file yields kInvalidArgument.
  virtual ListStream List(std::string path, ListOptions options) = 0;
  // kAlreadyExists if `path` exists (and !recursive, or it is a file).
  virtual Task<Status> CreateDir(std::string path, bool recursive) = 0;
  // Removes a file; a directory is kInvalidArgument.
  virtual Task<Status> Remove(std::string path) = 0;
  // Removes a directory (and, when recursive, everything below it).
  virtual Task<Status> RemoveDir(std::string path, bool recursive) = 0;
  // Moves `from` to `to`, replacing a file at `to`.
  virtual Task<Status> Rename(std::string from, std::string to) = 0;
  // Copies file `from` to `to`, replacing `to`.
  virtual Task<Status> Copy(std::string from, std::string to) = 0;
  // Makes the directory's entries durable (no-op where
  // !capabilities().directory_fsync).
  virtual Task<Status> SyncDir(std::string path) = 0;
};

}  // namespace strata::fs
