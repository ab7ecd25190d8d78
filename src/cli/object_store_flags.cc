// Global object-store flags and scheme registration for the CLI.

#include "cli/object_store_flags.h"

#include <string>
#include <utility>
#include <vector>

#include "strata/azure/azure_fs.h"
#include "strata/fs/registry.h"
#include "strata/http/client.h"
#include "strata/s3/s3_fs.h"

namespace strata::cli {

ObjectStoreFlags& GlobalObjectStoreFlags() {
  static ObjectStoreFlags flags;
  return flags;
}

void AddObjectStoreFlags(CLI::App& app) {
  ObjectStoreFlags& flags = GlobalObjectStoreFlags();
  app.add_option("--endpoint", flags.endpoint,
                 "Object-store endpoint URL (S3-compatible or Azure blob "
                 "endpoint), e.g. http://127.0.0.1:7480")
      ->group("Object stores");
  app.add_option("--region", flags.region,
                 "S3 region (default: AWS_REGION, the profile, us-east-1)")
      ->group("Object stores");
  app.add_flag("--path-style", flags.path_style,
               "S3 path-style addressing (http://endpoint/bucket/key)")
      ->group("Object stores");
  app.add_option("--profile", flags.profile,
                 "AWS profile from ~/.aws/config and ~/.aws/credentials")
      ->group("Object stores");
}

bool IsObjectStoreScheme(std::string_view scheme) {
  return scheme == "s3" || scheme == "s3a" || scheme == "gs" || scheme == "az";
}

namespace {

std::string_view SchemeOf(std::string_view uri) {
  size_t colon = uri.find("://");
  return colon == std::string_view::npos ? std::string_view()
                                         : uri.substr(0, colon);
}

// True if the query part of `uri` already sets `name`.
bool HasParameter(std::string_view uri, std::string_view name) {
  size_t q = uri.find('?');
  if (q == std::string_view::npos) return false;
  std::string_view query = uri.substr(q + 1);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    if (item.substr(0, item.find('=')) == name) return true;
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return false;
}

void AddParameter(std::string* uri, std::string_view name,
                  std::string_view value) {
  *uri += uri->find('?') == std::string::npos ? '?' : '&';
  *uri += name;
  *uri += '=';
  *uri += http::UriEncode(value);
}

std::string LowerScheme(std::string_view uri) {
  std::string scheme(SchemeOf(uri));
  for (char& c : scheme) c = static_cast<char>(std::tolower(c));
  return scheme;
}

}  // namespace

std::string ForCopyDestination(std::string_view uri) {
  std::string out(uri);
  std::string scheme = LowerScheme(uri);
  bool s3 = scheme == "s3" || scheme == "s3a" || scheme == "gs";
  if (s3 && !HasParameter(out, "dir_check")) {
    AddParameter(&out, "dir_check", "false");
  }
  return out;
}

std::string ApplyObjectStoreFlags(std::string_view uri) {
  std::string out(uri);
  std::string scheme = LowerScheme(uri);
  if (!IsObjectStoreScheme(scheme)) return out;
  const ObjectStoreFlags& flags = GlobalObjectStoreFlags();
  std::vector<std::pair<std::string_view, std::string>> params;
  if (!flags.endpoint.empty()) params.emplace_back("endpoint", flags.endpoint);
  if (scheme != "az") {
    if (!flags.region.empty()) params.emplace_back("region", flags.region);
    if (flags.path_style) params.emplace_back("path_style", "true");
    if (!flags.profile.empty()) params.emplace_back("profile", flags.profile);
  }
  for (const auto& [name, value] : params) {
    if (!HasParameter(out, name)) AddParameter(&out, name, value);
  }
  return out;
}

Status RegisterObjectStoreSchemes() {
  STRATA_RETURN_IF_ERROR(s3::RegisterSchemes());
  return azure::RegisterSchemes();
}

}  // namespace strata::cli
