// RegisterSchemes: s3://, s3a:// and gs:// in the URI registry.
#include "strata/fs/registry.h"
#include "strata/s3/s3_fs.h"

namespace strata::s3 {
namespace {

Status ApplyQuery(const fs::Uri& uri, FileSystemOptions* o) {
  for (const auto& [name, value] : uri.query) {
    if (name == "endpoint") {
      o->client.endpoint = value;
    } else if (name == "region") {
      o->client.region = value;
    } else if (name == "profile") {
      o->client.chain.profile = value;
    } else if (name == "path_style") {
      if (value != "true" && value != "false") {
        return InvalidArgumentError(uri.ToString() +
                                    ": path_style must be true or false");
      }
      o->client.path_style = value == "true";
    } else if (name == "dir_check") {
      if (value != "true" && value != "false") {
        return InvalidArgumentError(uri.ToString() +
                                    ": dir_check must be true or false");
      }
      o->check_directory_on_write = value == "true";
    } else {
      return InvalidArgumentError(
          uri.ToString() + ": unknown query parameter '" + name +
          "' (known: endpoint, region, path_style, profile, dir_check)");
    }
  }
  return Status::OK();
}

Result<std::shared_ptr<fs::FileSystem>> Create(const std::string& scheme,
                                               const fs::Uri& uri) {
  if (uri.authority.empty()) {
    return InvalidArgumentError(uri.ToString() + ": " + scheme +
                                ":// needs a bucket (" + scheme +
                                "://bucket/key)");
  }
  FileSystemOptions o;
  o.scheme = scheme;
  if (scheme == "gs") o.client.flavor = Flavor::kGcs;
  STRATA_RETURN_IF_ERROR(ApplyQuery(uri, &o));
  return NewS3FileSystem(std::move(o));
}

}  // namespace

Status RegisterSchemes() {
  for (const char* scheme : {"s3", "s3a", "gs"}) {
    std::string name = scheme;
    fs::SchemeOptions options;
    options.authority_in_path = true;  // "s3://b/k" → path "/b/k"
    Status st = fs::RegisterScheme(
        name, [name](const fs::Uri& uri) { return Create(name, uri); },
        options);
    if (!st.ok() && st.code() != StatusCode::kAlreadyExists) return st;
  }
  return Status::OK();
}

}  // namespace strata::s3
