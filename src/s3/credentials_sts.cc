// STS AssumeRoleWithWebIdentity credentials; see credentials_internal.h.
#include <cerrno>
#include <fstream>
#include <sstream>
#include <string>

#include "s3/credentials_internal.h"
#include "s3/sigv4_canonical.h"

namespace strata::s3::credentials_internal {
namespace {

constexpr size_t kMaxTokenSize = 64 << 10;
constexpr std::chrono::seconds kStsTimeout{30};

std::string Encode(std::string_view s) {
  return sigv4_internal::AwsUriEncode(s, false);
}

Result<std::string> ReadToken(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return ErrnoToStatus(errno, "web-identity: read token file " + path);
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  std::string token = std::move(buf).str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' ||
                            token.back() == ' ')) {
    token.pop_back();
  }
  if (token.empty() || token.size() > kMaxTokenSize) {
    return InvalidArgumentError(
        "web-identity: token file " + path +
        (token.empty() ? " is empty" : " is too large"));
  }
  return token;
}

Status StsError(const std::string& url, const http::Response& response) {
  std::string detail = ParseStsError(response.body);
  std::string msg = "web-identity: STS AssumeRoleWithWebIdentity (POST " + url;
  msg.append(") failed: HTTP ").append(std::to_string(response.status));
  if (!detail.empty()) msg += " " + detail;
  bool throttled = detail.rfind("Throttling", 0) == 0 ||
                   detail.rfind("IDPCommunicationError", 0) == 0;
  if (response.status >= 500 || throttled) {
    return UnavailableError(std::move(msg)).WithRetryable(true);
  }
  return PermissionDeniedError(std::move(msg));
}

class WebIdentityFetcher final : public CredentialsFetcher {
 public:
  WebIdentityFetcher(std::string sts_endpoint, std::string role_arn,
                     std::string token_file, std::string session_name,
                     std::shared_ptr<http::Client> client)
      : url_(std::move(sts_endpoint)),
        role_arn_(std::move(role_arn)),
        token_file_(std::move(token_file)),
        session_name_(std::move(session_name)),
        client_(std::move(client)) {
    while (!url_.empty() && url_.back() == '/') url_.pop_back();
    url_ += "/";
  }

  Task<Result<Credentials>> Fetch() override;

 private:
  std::string url_;
  std::string role_arn_;
  std::string token_file_;
  std::string session_name_;
  std::shared_ptr<http::Client> client_;
};

Task<Result<Credentials>> WebIdentityFetcher::Fetch() {
  // Re-read every time: the token is rotated on disk (e.g. by Kubernetes).
  STRATA_CO_ASSIGN_OR_RETURN(std::string token, ReadToken(token_file_));
  std::string body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15";
  body += "&RoleArn=" + Encode(role_arn_);
  body += "&RoleSessionName=" + Encode(session_name_);
  body += "&WebIdentityToken=" + Encode(token);
  http::Request request;
  request.method = "POST";
  request.url = url_;
  request.headers.emplace_back("content-type",
                               "application/x-www-form-urlencoded");
  request.headers.emplace_back("accept", "application/xml");
  request.body = std::as_bytes(std::span(body.data(), body.size()));
  request.timeout = kStsTimeout;
  Result<http::Response> response = co_await client_->Send(std::move(request));
  if (!response.ok()) {
    co_return response.status().WithContext(
        "web-identity: STS AssumeRoleWithWebIdentity");
  }
  if (!response->ok()) co_return StsError(url_, *response);
  co_return ParseStsWebIdentityResponse(response->body);
}

}  // namespace

std::unique_ptr<CredentialsFetcher> NewWebIdentityFetcher(
    std::string sts_endpoint, std::string role_arn, std::string token_file,
    std::string session_name, std::shared_ptr<http::Client> client) {
  return std::make_unique<WebIdentityFetcher>(
      std::move(sts_endpoint), std::move(role_arn), std::move(token_file),
      std::move(session_name), std::move(client));
}

}  // namespace strata::s3::credentials_internal
