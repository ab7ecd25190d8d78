// AWS Signature Version 4: request signing in the Authorization header and
// query-string presigning.
//
// Pure functions of their inputs (the time is a parameter), so they are
// tested against AWS's published examples. The canonical request follows
// the S3 rules: the path is used as given (already URI-encoded once, not
// normalised), query parameters are sorted by encoded name, headers are
// lower-cased, trimmed and sorted; Host comes from the URL.
//
// Thread-safety: stateless.
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <string_view>

#include "strata/core/result.h"
#include "strata/http/client.h"
#include "strata/s3/credentials.h"

namespace strata::s3 {

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct SigningScope {
  std::string region;          // "us-east-1"
  std::string service = "s3";  // "s3", "sts"
  std::chrono::system_clock::time_point now;
};

// Lower-case hex SHA-256 of `data` (the x-amz-content-sha256 value).
std::string Sha256Hex(std::span<const std::byte> data);
std::string Sha256Hex(std::string_view data);

// Adds x-amz-date, x-amz-content-sha256 (= payload_hash), x-amz-security-token
// (when the credentials have one) and Authorization to `request`. Every
// header already on the request is signed. kInvalidArgument for a URL it
// cannot parse.
Status SignRequest(http::Request& request, const Credentials& credentials,
                   const SigningScope& scope, std::string_view payload_hash);

// A presigned URL for `method` on `url` valid for `expires` (1 s .. 7 days,
// else kInvalidArgument). The payload is UNSIGNED-PAYLOAD; only host is
// signed.
Result<std::string> PresignUrl(std::string_view method, std::string_view url,
                               const Credentials& credentials,
                               const SigningScope& scope,
                               std::chrono::seconds expires);

// The intermediate strings, exposed for tests and debugging.
struct SigningDebug {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
};
Result<SigningDebug> ComputeSignature(const http::Request& request,
                                      const Credentials& credentials,
                                      const SigningScope& scope,
                                      std::string_view payload_hash);

}  // namespace strata::s3
