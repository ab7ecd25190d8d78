// Region/endpoint/addressing resolution and URL building (see endpoint.h).
#include "s3/endpoint.h"

#include <fmt/format.h>

#include <cctype>

#include "strata/http/client.h"

namespace strata::s3 {
namespace {

std::string FirstEnv(const EnvLookup& env,
                     std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (auto v = env(name); v && !v->empty()) return *v;
  }
  return "";
}

Status ResolveRegion(const ClientOptions& options, const EnvLookup& env,
                     const Profile& profile, ResolvedConfig* out) {
  out->region = options.region;
  if (out->region.empty() && options.flavor != Flavor::kGcs) {
    out->region = FirstEnv(env, {"AWS_REGION", "AWS_DEFAULT_REGION"});
    if (out->region.empty()) out->region = profile.region;
  }
  if (out->region.empty()) {
    out->region = options.flavor == Flavor::kGcs ? "auto" : "us-east-1";
  }
  for (char c : out->region) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return InvalidArgumentError(
          fmt::format("s3: invalid region \"{}\"", out->region));
    }
  }
  return Status::OK();
}

Status ResolveEndpoint(const ClientOptions& options, const EnvLookup& env,
                       const Profile& profile, ResolvedConfig* out) {
  std::string url = options.endpoint;
  if (url.empty() && options.flavor != Flavor::kGcs) {
    url = FirstEnv(env, {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"});
    if (url.empty()) url = profile.endpoint_url;
  }
  out->custom_endpoint = !url.empty();
  if (url.empty()) {
    url = options.flavor == Flavor::kGcs
              ? std::string("https://storage.googleapis.com")
              : fmt::format("https://s3.{}.amazonaws.com", out->region);
  }
  STRATA_ASSIGN_OR_RETURN(out->endpoint, ParseEndpoint(url));
  return Status::OK();
}

Status BadEndpoint(std::string_view url, std::string_view why) {
  return InvalidArgumentError(fmt::format("s3: endpoint \"{}\"{}", url, why));
}

}  // namespace

Result<Endpoint> ParseEndpoint(std::string_view url) {
  Endpoint ep;
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    return BadEndpoint(url, " is not an http:// or https:// URL");
  }
  ep.scheme = std::string(url.substr(0, sep));
  for (char& c : ep.scheme) c = static_cast<char>(std::tolower(c));
  if (ep.scheme != "http" && ep.scheme != "https") {
    return BadEndpoint(url, " is not an http:// or https:// URL");
  }
  std::string_view rest = url.substr(sep + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return BadEndpoint(url, " must not have a query or fragment");
  }
  size_t slash = rest.find('/');
  ep.host_port = std::string(rest.substr(0, slash));
  if (ep.host_port.empty() ||
      ep.host_port.find_first_of(" @") != std::string::npos) {
    return BadEndpoint(url, " has no valid host");
  }
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash);
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    ep.path = std::string(path);
  }
  return ep;
}

Result<ResolvedConfig> ResolveConfig(const ClientOptions& options,
                                     const EnvLookup& env) {
  Profile profile;
  if (options.flavor != Flavor::kGcs) {
    auto loaded = LoadProfile(env, options.chain.profile);
    if (loaded.ok()) {
      profile = std::move(loaded).value();
    } else if (loaded.status().code() != StatusCode::kNotFound ||
               !options.chain.profile.empty() ||
               FirstEnv(env, {"AWS_PROFILE"}) != "") {
      return loaded.status();
    }
  }
  ResolvedConfig out;
  STRATA_RETURN_IF_ERROR(ResolveRegion(options, env, profile, &out));
  STRATA_RETURN_IF_ERROR(ResolveEndpoint(options, env, profile, &out));
  out.path_style = options.path_style.value_or(out.custom_endpoint);
  return out;
}

bool IsDnsCompatibleBucket(std::string_view bucket, bool https) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  for (char c : bucket) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
              (c == '.' && !https);
    if (!ok) return false;
  }
  if (bucket.front() == '-' || bucket.front() == '.' || bucket.back() == '-' ||
      bucket.back() == '.') {
    return false;
  }
  return bucket.find("..") == std::string_view::npos;
}

std::string BuildUrl(const Endpoint& endpoint, bool path_style,
                     std::string_view bucket, std::string_view key,
                     const QueryParams& query) {
  bool virtual_host = !bucket.empty() && !path_style &&
                      IsDnsCompatibleBucket(bucket, endpoint.scheme == "https");
  std::string url = endpoint.scheme;
  url += "://";
  if (virtual_host) {
    url += bucket;
    url += '.';
  }
  url += endpoint.host_port;
  url += endpoint.path;
  if (!bucket.empty() && !virtual_host) {
    url += '/';
    url += http::UriEncode(bucket);
  }
  if (!key.empty() || virtual_host || bucket.empty()) {
    url += '/';
    url += http::UriEncode(key, /*keep_slash=*/true);
  }
  char sep = '?';
  for (const auto& [name, value] : query) {
    url += sep;
    url += http::UriEncode(name);
    url += '=';
    url += http::UriEncode(value);
    sep = '&';
  }
  return url;
}

}  // namespace strata::s3
