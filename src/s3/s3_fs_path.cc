#include "s3/s3_fs_path.h"

#include "strata/fs/registry.h"

namespace strata::s3 {

Result<ObjectPath> PathMapper::Parse(std::string_view path) const {
  STRATA_ASSIGN_OR_RETURN(std::string norm, fs::NormalizePath(path));
  ObjectPath out;
  std::string_view rest(norm);
  rest.remove_prefix(1);  // the leading '/'
  if (!root_bucket_.empty()) {
    out.bucket = root_bucket_;
    out.key = std::string(rest);
    return out;
  }
  size_t slash = rest.find('/');
  out.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) {
    out.key = std::string(rest.substr(slash + 1));
  }
  return out;
}

std::string PathMapper::PathOf(std::string_view bucket,
                               std::string_view key) const {
  std::string out = "/";
  if (root_bucket_.empty()) {
    out += bucket;
    if (!key.empty()) out += '/';
  }
  out += key;
  return out;
}

std::string PathMapper::UriOf(std::string_view bucket,
                              std::string_view key) const {
  std::string out = scheme_;
  out += "://";
  out += bucket;
  out += '/';
  out += key;
  return out;
}

std::string PathMapper::Describe(const ObjectPath& p) const {
  std::string out = PathOf(p.bucket, p.key);
  if (root_bucket_.empty()) {
    // "s3://b/k" already contains "/b/k".
    return UriOf(p.bucket, p.key);
  }
  out += " (";
  out += UriOf(p.bucket, p.key);
  out += ')';
  return out;
}

std::string ParentKey(std::string_view key) {
  size_t slash = key.rfind('/');
  if (slash == std::string_view::npos) return "";
  return std::string(key.substr(0, slash));
}

}  // namespace strata::s3
