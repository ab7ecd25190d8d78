// RegisterSchemes: s3://, s3a:// and gs:// in the URI registry.
#include "s3/s3_registry.h"

#include "strata/s3/s3_fs.h"

namespace strata::s3 {
namespace {

// The URI without its query: safe to put in messages.
std::string Describe(const fs::Uri& uri) {
  return uri.scheme + "://" + uri.authority + uri.path;
}

Result<bool> ParseBool(const fs::Uri& uri, const std::string& name,
                       const std::string& value) {
  if (value == "true") return true;
  if (value == "false") return false;
  return InvalidArgumentError(Describe(uri) + ": " + name +
                              " must be true or false");
}

// Explicit credentials; false if `name` is not one of their parameters.
bool ApplyCredential(const std::string& name, const std::string& value,
                     FileSystemOptions* o) {
  std::string Credentials::*field = nullptr;
  if (name == "access_key_id") field = &Credentials::access_key_id;
  if (name == "secret_access_key") field = &Credentials::secret_access_key;
  if (name == "session_token") field = &Credentials::session_token;
  if (field == nullptr) return false;
  if (!o->client.credentials.has_value()) {
    o->client.credentials.emplace();
    o->client.credentials->source = "options";
  }
  (*o->client.credentials).*field = value;
  return true;
}

Status ApplyParameter(const fs::Uri& uri, const std::string& name,
                      const std::string& value, FileSystemOptions* o) {
  if (ApplyCredential(name, value, o)) return Status::OK();
  if (name == "endpoint") {
    o->client.endpoint = value;
  } else if (name == "region") {
    o->client.region = value;
  } else if (name == "profile") {
    o->client.chain.profile = value;
  } else if (name == "path_style") {
    STRATA_ASSIGN_OR_RETURN(bool b, ParseBool(uri, name, value));
    o->client.path_style = b;
  } else if (name == "dir_check") {
    STRATA_ASSIGN_OR_RETURN(o->check_directory_on_write,
                            ParseBool(uri, name, value));
  } else if (name == "anonymous") {
    STRATA_ASSIGN_OR_RETURN(o->client.anonymous, ParseBool(uri, name, value));
  } else if (name == "checksum") {
    Result<ChecksumAlgorithm> algorithm = ParseChecksumAlgorithm(value);
    if (!algorithm.ok()) {
      return algorithm.status().WithContext(Describe(uri) + ": checksum");
    }
    o->client.checksum = *algorithm;
  } else {
    return InvalidArgumentError(
        Describe(uri) + ": unknown query parameter '" + name +
        "' (known: endpoint, region, path_style, profile, dir_check, "
        "anonymous, checksum, access_key_id, secret_access_key, "
        "session_token)");
  }
  return Status::OK();
}

Status CheckCredentials(const fs::Uri& uri, const FileSystemOptions& o) {
  if (!o.client.credentials.has_value()) return Status::OK();
  const Credentials& c = *o.client.credentials;
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return InvalidArgumentError(
        Describe(uri) +
        ": access_key_id and secret_access_key must be given together "
        "(session_token is optional)");
  }
  return Status::OK();
}

Result<std::shared_ptr<fs::FileSystem>> Create(const std::string& scheme,
                                               const fs::Uri& uri) {
  STRATA_ASSIGN_OR_RETURN(FileSystemOptions o,
                          FileSystemOptionsFromUri(scheme, uri));
  return NewS3FileSystem(std::move(o));
}

}  // namespace

Result<FileSystemOptions> FileSystemOptionsFromUri(const std::string& scheme,
                                                   const fs::Uri& uri) {
  if (uri.authority.empty()) {
    return InvalidArgumentError(Describe(uri) + ": " + scheme +
                                ":// needs a bucket (" + scheme +
                                "://bucket/key)");
  }
  FileSystemOptions o;
  o.scheme = scheme;
  if (scheme == "gs") o.client.flavor = Flavor::kGcs;
  for (const auto& [name, value] : uri.query) {
    STRATA_RETURN_IF_ERROR(ApplyParameter(uri, name, value, &o));
  }
  STRATA_RETURN_IF_ERROR(CheckCredentials(uri, o));
  return o;
}

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
