// Internals shared by S3FileSystem, its files and its listings: the shared
// context (client, options, path mapping), the file factories and the
// helpers that turn client results into FileSystem semantics.
//
// Thread-safety: S3Context is immutable after construction and shared by
// const pointer; the functions are safe to call concurrently.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "s3/s3_fs_path.h"
#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/file.h"
#include "strata/fs/file_system.h"
#include "strata/s3/client.h"
#include "strata/s3/s3_fs.h"

namespace strata::runtime {
class Runtime;
}

namespace strata::s3 {

struct S3Context {
  S3Context(std::shared_ptr<Client> c, FileSystemOptions o)
      : client(std::move(c)),
        options(std::move(o)),
        paths(options.scheme, options.bucket) {}
  std::shared_ptr<Client> client;
  FileSystemOptions options;
  PathMapper paths;
};
using ContextRef = std::shared_ptr<const S3Context>;

// Builds the file system over an existing client (no option validation;
// tests use it with a fake client and small part sizes).
std::shared_ptr<fs::FileSystem> MakeS3FileSystem(std::shared_ptr<Client> client,
                                                 FileSystemOptions options);

// A file open for reading; `info` is what Open learned (size, etag) and
// `head` the object's first bytes when Open fetched them (possibly empty):
// they become the file's first cached readahead window, at offset 0.
std::unique_ptr<fs::File> NewS3ReadFile(ContextRef ctx, ObjectPath obj,
                                        ObjectInfo info,
                                        std::vector<std::byte> head);

// How a write-mode file commits.
struct WriteSetup {
  WriteSetup() {}
  ObjectPath obj;
  bool create_only = false;  // create_new / if_none_match "*"
  std::string if_match;      // etag the object must still have at Close
  // Append to an existing object: its HEAD, and (when under the 5 MiB part
  // minimum) its bytes, which become the head of the new content.
  bool append_existing = false;
  ObjectInfo existing;
  std::vector<std::byte> head;
  runtime::Runtime* runtime = nullptr;  // for the background abort
};
std::unique_ptr<fs::File> NewS3WriteFile(ContextRef ctx, WriteSetup setup);

// Lists directory `path` (see FileSystem::List).
fs::ListStream ListS3(ContextRef ctx, std::string path,
                      fs::ListOptions options);

// Whether a directory exists at obj: a "key/" marker or any object below.
// kOk with true/false; errors from the client otherwise.
Task<Result<bool>> DirExists(ContextRef ctx, ObjectPath obj);

// Namespace operations (s3_fs_ops.cc), as FileSystem's methods.
Task<Result<fs::FileInfo>> StatS3(ContextRef ctx, std::string path);
Task<Status> CreateDirS3(ContextRef ctx, std::string path, bool recursive);
Task<Status> RemoveS3(ContextRef ctx, std::string path);
Task<Status> RemoveDirS3(ContextRef ctx, std::string path, bool recursive);
Task<Status> CopyS3(ContextRef ctx, std::string from, std::string to,
                    bool remove_source);

// The error for a file that is not there: kInvalidArgument when a
// directory is there instead, else kNotFound (both naming it).
Task<Status> MissingFileError(ContextRef ctx, ObjectPath obj);

// HEAD of a file; kNotFound (naming it) when missing, kInvalidArgument when
// a directory is there instead.
Task<Result<ObjectInfo>> HeadFile(ContextRef ctx, ObjectPath obj);

// Fails with the path named when `st` does not name it yet.
Status NameObject(const Status& st, const std::string& desc);

}  // namespace strata::s3
