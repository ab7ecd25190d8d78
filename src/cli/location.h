// Location: a URI given on the command line, resolved through the fs
// registry to a FileSystem and a path inside it, plus the text used to name
// it in output and error messages.
//
// Thread-safety: a Location is a value; its FileSystem is safe for
// concurrent use.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "strata/core/result.h"
#include "strata/fs/file_system.h"
#include "strata/fs/registry.h"

namespace strata::cli {

struct Location {
  fs::Uri uri;                         // parsed (path normalised)
  std::shared_ptr<fs::FileSystem> fs;  // the backend serving it
  // True when the user wrote a trailing '/' ("copy into this directory").
  bool trailing_slash = false;
  // The part of the backend path that the URI's authority stands for: an
  // object store serves "s3://b/k" as "/b/k" (prefix "/b"); empty elsewhere.
  std::string path_prefix;

  const std::string& path() const { return uri.path; }
  // An absolute host path for file://, else the normalised URI.
  std::string Display() const;
  // The location of `relative` (a path below this one).
  Location Child(std::string_view relative) const;
  // True if both name the same path on the same FileSystem.
  bool SameAs(const Location& other) const;
  // True if this location is `ancestor` itself or lies below it.
  bool Within(const Location& ancestor) const;
};

// Parses `text` (a URI or a bare path) and opens its FileSystem. Fails with
// kInvalidArgument for malformed URIs and unknown schemes (listing the
// known ones). Object-store URIs get the global --endpoint/--region/
// --path-style flags (see object_store_flags.h) unless they carry their own.
Result<Location> ResolveLocation(std::string_view text);

// `status`, prefixed with the location's name unless the message already
// names it, so every error tells which path failed.
Status Annotate(const Status& status, const Location& location);

// `path` relative to directory `dir` ("/a", "/a/b/c" → "b/c").
std::string RelativePath(std::string_view dir, std::string_view path);

// "2024-05-01T12:34:56Z".
std::string FormatTime(std::chrono::system_clock::time_point time);

}  // namespace strata::cli
