// NewDefaultCredentialChain: the documented order of credential sources.
#include <cctype>
#include <string>
#include <vector>

#include "s3/credentials_internal.h"
#include "strata/s3/credentials.h"

namespace strata::s3 {
namespace {

std::string EnvOr(const EnvLookup& env, std::string_view name) {
  auto v = env(name);
  return v ? *v : std::string();
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

Status NoneFound(const std::vector<std::string>& tried, std::string_view why) {
  std::string msg = "no AWS credentials found; tried: " + Join(tried);
  msg.append("; ").append(why);
  return PermissionDeniedError(std::move(msg));
}

// IMDS as the last source: "not there" (unreachable, no role) becomes the
// chain's kPermissionDenied listing every source tried; anything else (a
// reachable IMDS answering nonsense) is reported as the IMDS error it is.
class LastResortProvider final : public CredentialsProvider {
 public:
  LastResortProvider(std::shared_ptr<CredentialsProvider> imds,
                     std::vector<std::string> tried)
      : imds_(std::move(imds)), tried_(std::move(tried)) {}

  Task<Result<Credentials>> Get() override {
    Result<Credentials> r = co_await imds_->Get();
    if (r.ok()) co_return r;
    StatusCode code = r.status().code();
    if (code == StatusCode::kUnavailable ||
        code == StatusCode::kDeadlineExceeded ||
        code == StatusCode::kNotFound) {
      co_return NoneFound(tried_, r.status().message());
    }
    co_return r;
  }

 private:
  std::shared_ptr<CredentialsProvider> imds_;
  std::vector<std::string> tried_;
};

// AWS_ACCESS_KEY_ID & co; nullopt when unset; an error when half set.
Result<std::optional<Credentials>> FromEnvironment(const EnvLookup& env) {
  Credentials c;
  c.access_key_id = EnvOr(env, "AWS_ACCESS_KEY_ID");
  c.secret_access_key = EnvOr(env, "AWS_SECRET_ACCESS_KEY");
  c.session_token = EnvOr(env, "AWS_SESSION_TOKEN");
  c.source = "environment";
  if (c.access_key_id.empty() && c.secret_access_key.empty()) {
    return std::optional<Credentials>();
  }
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return InvalidArgumentError(
        "environment credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
        "must both be set");
  }
  return std::optional<Credentials>(std::move(c));
}

Result<std::shared_ptr<http::Client>> NeedClient(
    std::shared_ptr<http::Client> client) {
  if (client) return client;
  return http::Client::Create();
}

// The profile as a source: nullptr when it provides no credentials.
Result<std::shared_ptr<CredentialsProvider>> FromProfile(
    const Profile& p, const ChainOptions& options,
    std::shared_ptr<http::Client>& client) {
  if (p.credentials) return NewStaticCredentials(*p.credentials);
  if (p.role_arn.empty()) return std::shared_ptr<CredentialsProvider>();
  if (p.web_identity_token_file.empty()) {
    return UnimplementedError(
        "profile '" + p.name +
        "': role_arn with source_profile/"
        "credential_source is not supported (only web_identity_token_file)");
  }
  STRATA_ASSIGN_OR_RETURN(client, NeedClient(client));
  return NewWebIdentityCredentials(p.role_arn, p.web_identity_token_file,
                                   p.role_session_name, options, client);
}

bool IsTrue(std::string v) {
  for (char& c : v)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "true" || v == "1";
}

}  // namespace

Result<std::shared_ptr<CredentialsProvider>> NewDefaultCredentialChain(
    ChainOptions options, std::shared_ptr<http::Client> client) {
  if (!options.env) options.env = ProcessEnvironment();
  const EnvLookup& env = options.env;
  if (options.explicit_credentials) {
    Credentials c = *options.explicit_credentials;
    if (c.source.empty()) c.source = "options";
    return NewStaticCredentials(std::move(c));
  }
  std::vector<std::string> tried = {"options"};
  STRATA_ASSIGN_OR_RETURN(std::optional<Credentials> from_env,
                          FromEnvironment(env));
  if (from_env) return NewStaticCredentials(std::move(*from_env));
  tried.push_back("environment (AWS_ACCESS_KEY_ID)");

  STRATA_ASSIGN_OR_RETURN(Profile profile, LoadProfile(env, options.profile));
  STRATA_ASSIGN_OR_RETURN(std::shared_ptr<CredentialsProvider> from_profile,
                          FromProfile(profile, options, client));
  if (from_profile) return from_profile;
  tried.push_back("profile '" + profile.name + "' (" +
                  (profile.found ? "no credentials" : "not found") + ")");

  std::string token_file = EnvOr(env, "AWS_WEB_IDENTITY_TOKEN_FILE");
  std::string role_arn = EnvOr(env, "AWS_ROLE_ARN");
  if (!token_file.empty() || !role_arn.empty()) {
    if (token_file.empty() || role_arn.empty()) {
      return InvalidArgumentError(
          "web identity: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN must "
          "both be set");
    }
    STRATA_ASSIGN_OR_RETURN(client, NeedClient(client));
    return NewWebIdentityCredentials(role_arn, token_file,
                                     EnvOr(env, "AWS_ROLE_SESSION_NAME"),
                                     options, client);
  }
  tried.push_back("web identity (AWS_WEB_IDENTITY_TOKEN_FILE)");

  if (IsTrue(EnvOr(env, "AWS_EC2_METADATA_DISABLED"))) {
    return NoneFound(tried,
                     "EC2 instance metadata disabled by "
                     "AWS_EC2_METADATA_DISABLED");
  }
  tried.push_back("EC2 instance metadata");
  STRATA_ASSIGN_OR_RETURN(client, NeedClient(client));
  return std::shared_ptr<CredentialsProvider>(
      std::make_shared<LastResortProvider>(NewImdsCredentials(options, client),
                                           std::move(tried)));
}

}  // namespace strata::s3
