// EC2 instance metadata (IMDSv2) credentials; see credentials_internal.h.
#include <string>

#include "s3/credentials_internal.h"

namespace strata::s3::credentials_internal {
namespace {

constexpr std::string_view kTokenPath = "/latest/api/token";
constexpr std::string_view kRolesPath =
    "/latest/meta-data/iam/security-credentials/";
constexpr std::string_view kTokenTtlHeader =
    "x-aws-ec2-metadata-token-ttl-seconds";
constexpr std::string_view kTokenHeader = "x-aws-ec2-metadata-token";
constexpr size_t kMaxBody = 64 << 10;

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' ||
                        s.front() == '\r' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' ||
                        s.back() == '\r' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

Status HttpError(std::string_view what, const std::string& method,
                 const std::string& url, int status) {
  std::string msg = "imds: ";
  msg.append(what).append(" (").append(method).append(" ").append(url);
  msg.append(": HTTP ").append(std::to_string(status)).append(")");
  if (status == 404) return NotFoundError(std::move(msg));
  if (status >= 500)
    return UnavailableError(std::move(msg)).WithRetryable(true);
  return PermissionDeniedError(std::move(msg));
}

class ImdsFetcher final : public CredentialsFetcher {
 public:
  ImdsFetcher(std::string endpoint, std::chrono::milliseconds timeout,
              std::shared_ptr<http::Client> client)
      : endpoint_(std::move(endpoint)),
        timeout_(timeout),
        client_(std::move(client)) {
    while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
  }

  Task<Result<Credentials>> Fetch() override;

 private:
  // One metadata request; `what` names it in errors.
  Task<Result<std::string>> Call(std::string method, std::string path,
                                 std::string header, std::string value,
                                 std::string what);

  std::string endpoint_;
  std::chrono::milliseconds timeout_;
  std::shared_ptr<http::Client> client_;
};

Task<Result<std::string>> ImdsFetcher::Call(std::string method,
                                            std::string path,
                                            std::string header,
                                            std::string value,
                                            std::string what) {
  http::Request request;
  request.method = method;
  request.url = endpoint_ + path;
  request.headers.emplace_back(std::move(header), std::move(value));
  request.timeout = timeout_;
  std::string url = request.url;
  Result<http::Response> response = co_await client_->Send(std::move(request));
  if (!response.ok()) {
    co_return response.status().WithContext("imds: " + what);
  }
  if (!response->ok()) {
    co_return HttpError(what, method, url, response->status);
  }
  if (response->body.size() > kMaxBody) {
    co_return InvalidArgumentError("imds: " + what + ": response too large");
  }
  co_return std::move(response->body);
}

Task<Result<Credentials>> ImdsFetcher::Fetch() {
  STRATA_CO_ASSIGN_OR_RETURN(
      std::string token,
      co_await Call("PUT", std::string(kTokenPath),
                    std::string(kTokenTtlHeader), "21600", "session token"));
  token = Trim(token);
  STRATA_CO_ASSIGN_OR_RETURN(
      std::string roles,
      co_await Call("GET", std::string(kRolesPath), std::string(kTokenHeader),
                    token, "IAM role"));
  std::string role = Trim(std::string_view(roles).substr(0, roles.find('\n')));
  if (role.empty() || role.find_first_of("/?#% ") != std::string::npos) {
    co_return NotFoundError("imds: no IAM role attached to this instance (" +
                            endpoint_ + std::string(kRolesPath) + ")");
  }
  STRATA_CO_ASSIGN_OR_RETURN(
      std::string json, co_await Call("GET", std::string(kRolesPath) + role,
                                      std::string(kTokenHeader), token,
                                      "credentials of role " + role));
  co_return ParseImdsCredentials(json);
}

}  // namespace

std::unique_ptr<CredentialsFetcher> NewImdsFetcher(
    std::string endpoint, std::chrono::milliseconds timeout,
    std::shared_ptr<http::Client> client) {
  return std::make_unique<ImdsFetcher>(std::move(endpoint), timeout,
                                       std::move(client));
}

}  // namespace strata::s3::credentials_internal
