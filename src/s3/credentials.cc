// Static and environment credentials, and the constructors of the remote
// (refreshing) providers.
#include "strata/s3/credentials.h"

#include <chrono>
#include <cstdlib>
#include <string>

#include "s3/credentials_internal.h"

namespace strata::s3 {
namespace {

constexpr std::string_view kDefaultStsEndpoint = "https://sts.amazonaws.com";

class StaticProvider final : public CredentialsProvider {
 public:
  explicit StaticProvider(Credentials c) : creds_(std::move(c)) {}
  Task<Result<Credentials>> Get() override { co_return creds_; }

 private:
  const Credentials creds_;
};

std::string EnvOr(const EnvLookup& env, std::string_view name) {
  auto v = env(name);
  return v ? *v : std::string();
}

EnvLookup OrProcess(const EnvLookup& env) {
  return env ? env : ProcessEnvironment();
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

std::shared_ptr<CredentialsProvider> NewStaticCredentials(Credentials creds) {
  return std::make_shared<StaticProvider>(std::move(creds));
}

std::shared_ptr<CredentialsProvider> NewImdsCredentials(
    ChainOptions options, std::shared_ptr<http::Client> client) {
  EnvLookup env = OrProcess(options.env);
  std::string endpoint = EnvOr(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (endpoint.empty()) endpoint = options.imds_endpoint;
  return credentials_internal::NewRefreshingProvider(
      credentials_internal::NewImdsFetcher(
          std::move(endpoint), options.imds_timeout, std::move(client)),
      options.refresh_before);
}

std::shared_ptr<CredentialsProvider> NewWebIdentityCredentials(
    std::string role_arn, std::string token_file, std::string session_name,
    ChainOptions options, std::shared_ptr<http::Client> client) {
  EnvLookup env = OrProcess(options.env);
  std::string endpoint = options.sts_endpoint;
  // The standard per-service endpoint variable, unless the caller chose one.
  if (endpoint == kDefaultStsEndpoint) {
    if (std::string e = EnvOr(env, "AWS_ENDPOINT_URL_STS"); !e.empty()) {
      endpoint = e;
    }
  }
  if (session_name.empty()) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    session_name = "strata-";
    session_name.append(std::to_string(ms.count()));
  }
  return credentials_internal::NewRefreshingProvider(
      credentials_internal::NewWebIdentityFetcher(
          std::move(endpoint), std::move(role_arn), std::move(token_file),
          std::move(session_name), std::move(client)),
      options.refresh_before);
}

}  // namespace strata::s3
