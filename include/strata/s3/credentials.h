// AWS credentials and the provider chain that finds them.
//
// The default chain tries, in order, and uses the first source that is
// configured (a source that is configured but broken is an error naming it,
// not a silent fall-through):
//   1. explicit credentials in the options;
//   2. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN);
//   3. the shared files: ~/.aws/credentials and ~/.aws/config (or
//      AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE), profile AWS_PROFILE
//      or "default";
//   4. a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, or
//      the profile's web_identity_token_file/role_arn) exchanged with STS
//      AssumeRoleWithWebIdentity;
//   5. EC2 instance metadata (IMDSv2: PUT /latest/api/token, then the role's
//      credentials), unless AWS_EC2_METADATA_DISABLED=true.
// Temporary credentials (STS, IMDS) are cached and refreshed ahead of their
// expiry (`refresh_before`); concurrent callers share one refresh.
//
// Thread-safety: providers are safe for concurrent use from any reactor
// thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/http/client.h"

namespace strata::s3 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  // Unset for credentials that do not expire.
  std::optional<std::chrono::system_clock::time_point> expiration;
  // Where they came from: "options", "environment", "profile:NAME",
  // "web-identity", "imds".
  std::string source;
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Current credentials, refreshing them first when they are within the
  // refresh window of expiry. Errors name the source (e.g. "imds: ...").
  virtual Task<Result<Credentials>> Get() = 0;
};

// Reads an environment variable; tests substitute a map.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
// The process environment.
EnvLookup ProcessEnvironment();

// One profile from the shared config/credentials files, merged (credentials
// file wins for keys). Missing files are fine; a missing named profile that
// was asked for explicitly (AWS_PROFILE / options) is kNotFound.
struct Profile {
  std::string name;
  std::optional<Credentials> credentials;  // aws_access_key_id & co
  std::string region;
  std::string endpoint_url;  // endpoint_url, or the s3 section's endpoint_url
  std::string role_arn;
  std::string web_identity_token_file;
  std::string role_session_name;
  // Role chaining through another profile or an instance/container
  // credential source (recorded so the chain can say it is unsupported).
  std::string source_profile;
  std::string credential_source;
  // The s3 section's addressing_style ("path", "virtual", "auto"), if set.
  std::string s3_addressing_style;
  // Whether the profile exists in either file.
  bool found = false;
};
// Files: AWS_SHARED_CREDENTIALS_FILE (default $HOME/.aws/credentials) and
// AWS_CONFIG_FILE (default $HOME/.aws/config); "~/" expands to $HOME. The
// profile is `name`, else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else
// "default". A file that exists but cannot be read (or exceeds 1 MiB) is an
// error naming it; so is an access key without its secret.
Result<Profile> LoadProfile(const EnvLookup& env, std::string_view name = "");

struct ChainOptions {
  ChainOptions() {}
  std::optional<Credentials> explicit_credentials;
  std::string profile;  // empty: AWS_PROFILE or "default"
  EnvLookup env;        // empty: the process environment
  // Endpoints (tests point them at local fakes).
  std::string sts_endpoint = "https://sts.amazonaws.com";
  std::string imds_endpoint = "http://169.254.169.254";
  std::chrono::seconds refresh_before{300};
  std::chrono::milliseconds imds_timeout{1000};
};

// The chain above. Finding no source at all is kPermissionDenied listing
// what was tried (callers wanting anonymous access say so explicitly).
Result<std::shared_ptr<CredentialsProvider>> NewDefaultCredentialChain(
    ChainOptions options, std::shared_ptr<http::Client> client);
std::shared_ptr<CredentialsProvider> NewStaticCredentials(Credentials creds);
// Individual sources, for callers that want only one.
std::shared_ptr<CredentialsProvider> NewImdsCredentials(
    ChainOptions options, std::shared_ptr<http::Client> client);
std::shared_ptr<CredentialsProvider> NewWebIdentityCredentials(
    std::string role_arn, std::string token_file, std::string session_name,
    ChainOptions options, std::shared_ptr<http::Client> client);

}  // namespace strata::s3
