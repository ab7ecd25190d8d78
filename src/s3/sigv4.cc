// AWS Signature Version 4 for S3: header signing and presigned URLs.
#include "strata/s3/sigv4.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "s3/sigv4_canonical.h"

namespace strata::s3 {
namespace {

using namespace sigv4_internal;  // NOLINT(build/namespaces)

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::chrono::seconds kMaxPresignExpiry{604800};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

Status CheckInputs(const Credentials& credentials, const SigningScope& scope) {
  if (credentials.access_key_id.empty() ||
      credentials.secret_access_key.empty()) {
    return InvalidArgumentError(
        "sigv4: credentials lack an access key id or secret access key");
  }
  if (scope.region.empty() || scope.service.empty()) {
    return InvalidArgumentError(
        "sigv4: signing scope needs a region and service");
  }
  return Status::OK();
}

std::string CredentialScope(const SigningScope& scope) {
  std::string out = AmzDay(scope.now);
  out.append("/").append(scope.region).append("/").append(scope.service);
  out.append("/aws4_request");
  return out;
}

// Canonical request → string to sign → signature.
SigningDebug Finish(std::string canonical_request,
                    const Credentials& credentials, const SigningScope& scope) {
  SigningDebug out;
  out.canonical_request = std::move(canonical_request);
  out.string_to_sign.append(kAlgorithm).append("\n");
  out.string_to_sign.append(AmzDate(scope.now)).append("\n");
  out.string_to_sign.append(CredentialScope(scope)).append("\n");
  out.string_to_sign.append(Sha256Hex(out.canonical_request));
  std::string key = SigningKey(credentials.secret_access_key, AmzDay(scope.now),
                               scope.region, scope.service);
  out.signature = ToLowerHex(HmacSha256(key, out.string_to_sign));
  return out;
}

std::string CanonicalRequest(std::string_view method, std::string_view path,
                             std::string_view query,
                             const CanonicalHeaders& headers,
                             std::string_view payload_hash) {
  std::string out;
  out.append(method).append("\n");
  out.append(path).append("\n");
  out.append(query).append("\n");
  out.append(headers.canonical).append("\n");
  out.append(headers.signed_headers).append("\n");
  out.append(payload_hash);
  return out;
}

void RemoveHeader(http::Headers& headers, std::string_view name) {
  std::erase_if(headers, [name](const auto& h) {
    return EqualsIgnoreCase(h.first, name);
  });
}

Result<SigningDebug> ComputeWithSignedHeaders(const http::Request& request,
                                              const Credentials& credentials,
                                              const SigningScope& scope,
                                              std::string_view payload_hash,
                                              std::string* signed_headers) {
  STRATA_RETURN_IF_ERROR(CheckInputs(credentials, scope));
  STRATA_ASSIGN_OR_RETURN(ParsedUrl url, ParseUrl(request.url));
  CanonicalHeaders headers = CanonicalizeHeaders(request.headers, url.host);
  std::string query = JoinQuery(CanonicalQueryParams(url.query));
  if (signed_headers != nullptr) *signed_headers = headers.signed_headers;
  return Finish(
      CanonicalRequest(request.method, url.path, query, headers, payload_hash),
      credentials, scope);
}

}  // namespace

std::string Sha256Hex(std::span<const std::byte> data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return ToLowerHex(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string Sha256Hex(std::string_view data) {
  return Sha256Hex(std::as_bytes(std::span(data.data(), data.size())));
}

Result<SigningDebug> ComputeSignature(const http::Request& request,
                                      const Credentials& credentials,
                                      const SigningScope& scope,
                                      std::string_view payload_hash) {
  return ComputeWithSignedHeaders(request, credentials, scope, payload_hash,
                                  nullptr);
}

Status SignRequest(http::Request& request, const Credentials& credentials,
                   const SigningScope& scope, std::string_view payload_hash) {
  if (payload_hash.empty()) {
    return InvalidArgumentError("sigv4: empty payload hash for " +
                                request.method + " request");
  }
  // Re-signing (a retry) replaces the previous signature's headers.
  for (std::string_view name :
       {"authorization", "x-amz-date", "x-amz-content-sha256",
        "x-amz-security-token"}) {
    RemoveHeader(request.headers, name);
  }
  request.headers.emplace_back("x-amz-date", AmzDate(scope.now));
  request.headers.emplace_back("x-amz-content-sha256",
                               std::string(payload_hash));
  if (!credentials.session_token.empty()) {
    request.headers.emplace_back("x-amz-security-token",
                                 credentials.session_token);
  }
  std::string signed_headers;
  STRATA_ASSIGN_OR_RETURN(
      SigningDebug debug,
      ComputeWithSignedHeaders(request, credentials, scope, payload_hash,
                               &signed_headers));
  std::string auth(kAlgorithm);
  auth.append(" Credential=").append(credentials.access_key_id);
  auth.append("/").append(CredentialScope(scope));
  auth.append(", SignedHeaders=").append(signed_headers);
  auth.append(", Signature=").append(debug.signature);
  request.headers.emplace_back("authorization", std::move(auth));
  return Status::OK();
}

Result<std::string> PresignUrl(std::string_view method, std::string_view url,
                               const Credentials& credentials,
                               const SigningScope& scope,
                               std::chrono::seconds expires) {
  if (expires.count() < 1 || expires > kMaxPresignExpiry) {
    std::string msg = "presign ";
    msg.append(url).append(": expiry must be 1..604800 seconds, got ");
    msg.append(std::to_string(expires.count()));
    return InvalidArgumentError(std::move(msg));
  }
  STRATA_RETURN_IF_ERROR(CheckInputs(credentials, scope));
  STRATA_ASSIGN_OR_RETURN(ParsedUrl parsed, ParseUrl(url));
  std::string query = parsed.query;
  auto add = [&query](std::string_view name, std::string_view value) {
    if (!query.empty()) query.push_back('&');
    query.append(name).append("=").append(AwsUriEncode(value, false));
  };
  add("X-Amz-Algorithm", kAlgorithm);
  add("X-Amz-Credential",
      credentials.access_key_id + "/" + CredentialScope(scope));
  add("X-Amz-Date", AmzDate(scope.now));
  add("X-Amz-Expires", std::to_string(expires.count()));
  add("X-Amz-SignedHeaders", "host");
  if (!credentials.session_token.empty()) {
    add("X-Amz-Security-Token", credentials.session_token);
  }
  std::string canonical_query = JoinQuery(CanonicalQueryParams(query));
  CanonicalHeaders headers = CanonicalizeHeaders({}, parsed.host);
  SigningDebug debug =
      Finish(CanonicalRequest(method, parsed.path, canonical_query, headers,
                              kUnsignedPayload),
             credentials, scope);
  std::string out = parsed.scheme;
  out.append("://").append(parsed.host).append(parsed.path);
  out.append("?").append(canonical_query);
  out.append("&X-Amz-Signature=").append(debug.signature);
  return out;
}

}  // namespace strata::s3
