// s3://, s3a://, gs:// URIs → ClientOptions.

#include "strata/s3/uri_options.h"

#include <string>

namespace strata::s3 {
namespace {

Result<bool> ParseBool(const fs::Uri& uri, const std::string& name,
                       const std::string& value) {
  if (value == "true" || value == "1" || value.empty()) return true;
  if (value == "false" || value == "0") return false;
  return InvalidArgumentError("query parameter " + name + "=" + value + " of " +
                              uri.ToString() + " is not true or false");
}

Status ApplyParameter(const fs::Uri& uri, const std::string& name,
                      const std::string& value, ClientOptions* options) {
  if (name == "endpoint") {
    if (!value.starts_with("http://") && !value.starts_with("https://")) {
      return InvalidArgumentError("endpoint '" + value + "' of " +
                                  uri.ToString() +
                                  " must start with http:// or https://");
    }
    options->endpoint = value;
  } else if (name == "region") {
    options->region = value;
  } else if (name == "path_style") {
    STRATA_ASSIGN_OR_RETURN(bool b, ParseBool(uri, name, value));
    options->path_style = b;
  } else if (name == "profile") {
    options->chain.profile = value;
  } else if (name == "anonymous") {
    STRATA_ASSIGN_OR_RETURN(options->anonymous, ParseBool(uri, name, value));
  } else if (name == "checksum") {
    STRATA_ASSIGN_OR_RETURN(options->checksum, ParseChecksumAlgorithm(value));
  } else {
    return InvalidArgumentError(
        "unknown query parameter '" + name + "' in " + uri.ToString() +
        " (known: endpoint, region, path_style, profile, anonymous, "
        "checksum)");
  }
  return Status::OK();
}

}  // namespace

Result<ClientOptions> ClientOptionsFromUri(const fs::Uri& uri) {
  ClientOptions options;
  if (uri.scheme == "gs") {
    options.flavor = Flavor::kGcs;
  } else if (uri.scheme != "s3" && uri.scheme != "s3a") {
    return InvalidArgumentError("not an S3 URI: " + uri.ToString() +
                                " (schemes: s3, s3a, gs)");
  }
  for (const auto& [name, value] : uri.query) {
    STRATA_RETURN_IF_ERROR(ApplyParameter(uri, name, value, &options));
  }
  return options;
}

}  // namespace strata::s3
