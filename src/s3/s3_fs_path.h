// Path mapping of S3FileSystem: "/<bucket>/<key>" (or "/<key>" inside a
// bucket-rooted file system) ↔ bucket and key, plus the names used in
// messages ("s3://bucket/key").
//
// Thread-safety: stateless functions and values.
#pragma once

#include <string>
#include <string_view>

#include "strata/core/result.h"

namespace strata::s3 {

struct ObjectPath {
  std::string bucket;  // empty only for the root of an unrooted file system
  std::string key;     // no leading or trailing '/'; empty for a bucket root
  // The key as a directory prefix: "key/" (or "" for a bucket root).
  std::string DirPrefix() const { return key.empty() ? key : key + "/"; }
};

// How paths map for one file system.
class PathMapper {
 public:
  // `root_bucket` empty: "/<bucket>/<key>"; else "/<key>" in that bucket.
  PathMapper(std::string scheme, std::string root_bucket)
      : scheme_(std::move(scheme)), root_bucket_(std::move(root_bucket)) {}

  // Normalises `path` and splits it. kInvalidArgument names a malformed path.
  Result<ObjectPath> Parse(std::string_view path) const;
  // The file-system path of bucket/key ("/b/k", or "/k" when rooted).
  std::string PathOf(std::string_view bucket, std::string_view key) const;
  // "s3://bucket/key" for messages (contains PathOf when unrooted).
  std::string UriOf(std::string_view bucket, std::string_view key) const;
  // "<path> (s3://bucket/key)": names both the path and the object.
  std::string Describe(const ObjectPath& p) const;

  const std::string& scheme() const { return scheme_; }

 private:
  std::string scheme_;
  std::string root_bucket_;
};

// "a/b/c" → "a/b"; "a" → "".
std::string ParentKey(std::string_view key);

}  // namespace strata::s3
