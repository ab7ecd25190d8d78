// Region, endpoint and addressing resolution for the S3 client, and URL
// building (path-style "https://host/bucket/key" or virtual-hosted
// "https://bucket.host/key").
//
// Resolution order (first non-empty wins):
//   region:   options.region, AWS_REGION, AWS_DEFAULT_REGION, the profile's
//             region, then "us-east-1" ("auto" for Flavor::kGcs);
//   endpoint: options.endpoint, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the
//             profile's endpoint_url, then https://s3.<region>.amazonaws.com
//             (kGcs: options.endpoint, else https://storage.googleapis.com);
//   path_style: options.path_style, else true for a custom endpoint and
//             false for AWS and GCS. Virtual-hosted addressing falls back to
//             path-style per bucket when the bucket name is not DNS-safe.
//
// Thread-safety: stateless functions; Endpoint is a value.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/core/result.h"
#include "strata/s3/client.h"
#include "strata/s3/credentials.h"

namespace strata::s3 {

// A parsed endpoint URL.
struct Endpoint {
  std::string scheme;     // "http" or "https"
  std::string host_port;  // "host[:port]"
  std::string path;       // prefix path without trailing '/', often empty

  std::string ToString() const { return scheme + "://" + host_port + path; }
};

// Parses "http(s)://host[:port][/path]"; kInvalidArgument otherwise.
Result<Endpoint> ParseEndpoint(std::string_view url);

struct ResolvedConfig {
  std::string region;
  Endpoint endpoint;
  bool path_style = true;
  bool custom_endpoint = false;
};

// Applies the resolution order above. `env` is consulted for AWS_* and the
// profile (through LoadProfile with options.chain.profile).
Result<ResolvedConfig> ResolveConfig(const ClientOptions& options,
                                     const EnvLookup& env);

// Whether `bucket` can be a DNS label prefix ("my-bucket": yes; "My_Bucket"
// or, over https, "a.b": no).
bool IsDnsCompatibleBucket(std::string_view bucket, bool https);

// Query parameters in send order; names and values unencoded.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// The URL of bucket/key (key URI-encoded keeping '/'); bucket "" is the
// service root; key "" the bucket itself. `query` is appended encoded.
std::string BuildUrl(const Endpoint& endpoint, bool path_style,
                     std::string_view bucket, std::string_view key,
                     const QueryParams& query = {});

}  // namespace strata::s3
