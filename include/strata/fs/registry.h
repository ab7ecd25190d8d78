// URI registry: from "file:///a/b", "/a/b", "mem://name/a" or a third party's
// "myfs://..." to a FileSystem and a path inside it.
//
// Built-in schemes: `file` (and bare paths, relative ones resolved against the
// working directory) and `mem` (named in-process stores: every
// "mem://name/..." in a process shares the store "name"). Third parties call
// RegisterScheme() explicitly — there is no static-initialiser magic.
//
// Thread-safety: all functions are safe to call concurrently.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.h"
#include "strata/fs/file_system.h"

namespace strata::fs {

// A parsed URI: scheme://authority/path?query. A bare path has scheme "file".
struct Uri {
  std::string scheme;     // lower-cased
  std::string authority;  // bucket, container, memory store name, ...
  std::string path;       // normalised absolute path ("/" at least)
  std::map<std::string, std::string> query;

  // kInvalidArgument (naming the URI) for an empty string, a malformed
  // scheme, percent-escapes that do not decode, or `..` escaping the root.
  static Result<Uri> Parse(std::string_view text);
  std::string ToString() const;
};

// "/a/./b//c/../d" → "/a/b/d". Relative paths are taken from the root.
// `..` above the root is kInvalidArgument; NUL bytes are kInvalidArgument.
Result<std::string> NormalizePath(std::string_view path);

// Joins a normalised directory and a relative name: ("/a", "b/c") → "/a/b/c".
std::string JoinPath(std::string_view dir, std::string_view name);
// "/a/b" → "/a"; "/" → "/".
std::string ParentPath(std::string_view path);
// "/a/b" → "b"; "/" → "".
std::string_view BaseName(std::string_view path);

using FileSystemFactory =
    std::function<Result<std::shared_ptr<FileSystem>>(const Uri& uri)>;

struct SchemeOptions {
  SchemeOptions() {}
  // The FileSystem serves a whole service (every bucket or container) and
  // the URI's authority is the first path component inside it:
  // "s3://bucket/key" → path "/bucket/key". Otherwise the path is the URI's.
  bool authority_in_path = false;
};

// Registers a scheme. kAlreadyExists if taken; kInvalidArgument for a
// scheme that is not [a-z][a-z0-9+.-]*.
Status RegisterScheme(const std::string& scheme, FileSystemFactory factory,
                      SchemeOptions options = SchemeOptions());
// Registered schemes, sorted.
std::vector<std::string> RegisteredSchemes();

struct FileSystemRef {
  std::shared_ptr<FileSystem> fs;
  std::string path;  // normalised path inside fs
};

// Parses `uri` and builds its FileSystem. An unknown scheme is
// kInvalidArgument listing the known ones.
Result<FileSystemRef> OpenFileSystem(std::string_view uri);

}  // namespace strata::fs
