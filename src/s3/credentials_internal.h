// Building blocks of the credential providers (private to the s3 layer):
// a fetcher interface for remote sources, the caching/refreshing wrapper,
// the IMDSv2 and STS web-identity fetchers, and the decoders of their
// responses (safe on arbitrary bytes; fuzzed by credentials_fuzz.cc).
//
// Thread-safety: decoders are pure. A fetcher is called by one refresh at a
// time (the refreshing wrapper serialises them); the wrapper itself is safe
// for concurrent use from any reactor thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/http/client.h"
#include "strata/s3/credentials.h"

namespace strata::s3::credentials_internal {

// Fetches fresh credentials from a remote source, every call.
class CredentialsFetcher {
 public:
  virtual ~CredentialsFetcher() = default;
  virtual Task<Result<Credentials>> Fetch() = 0;
};

// Caches what `fetcher` returns; refreshes when the credentials are within
// `refresh_before` of their expiration (concurrent callers share one
// refresh). A failed refresh while the cached credentials are still valid
// logs a warning and keeps serving them (retrying after a short backoff).
std::shared_ptr<CredentialsProvider> NewRefreshingProvider(
    std::unique_ptr<CredentialsFetcher> fetcher,
    std::chrono::seconds refresh_before);

// IMDSv2 against `endpoint` ("http://169.254.169.254"). Errors: transport
// failures keep the client's code (kUnavailable, kDeadlineExceeded), no
// attached role is kNotFound; all messages start with "imds: ".
std::unique_ptr<CredentialsFetcher> NewImdsFetcher(
    std::string endpoint, std::chrono::milliseconds timeout,
    std::shared_ptr<http::Client> client);

// STS AssumeRoleWithWebIdentity; the token file is re-read on every fetch.
// An STS error document is kPermissionDenied (kUnavailable and retryable
// for 5xx / throttling); messages start with "web-identity: ".
std::unique_ptr<CredentialsFetcher> NewWebIdentityFetcher(
    std::string sts_endpoint, std::string role_arn, std::string token_file,
    std::string session_name, std::shared_ptr<http::Client> client);

// ---- decoders -------------------------------------------------------------

// "2019-11-20T23:13:56Z", with optional fractional seconds and a "Z" or
// "+hh:mm"/"-hh:mm" offset. kInvalidArgument otherwise.
Result<std::chrono::system_clock::time_point> ParseIso8601(
    std::string_view text);

// The IMDS role-credentials JSON ({"Code": "Success", "AccessKeyId", ...,
// "Expiration"}); source "imds".
Result<Credentials> ParseImdsCredentials(std::string_view json);

// <AssumeRoleWithWebIdentityResponse>...<Credentials>; source
// "web-identity".
Result<Credentials> ParseStsWebIdentityResponse(std::string_view xml);

// "Code: Message" from an STS <ErrorResponse>, or "" when it is not one.
std::string ParseStsError(std::string_view xml);

}  // namespace strata::s3::credentials_internal
