// SigV4 canonicalisation helpers (private to the s3 layer): URL splitting,
// AWS URI encoding, the canonical query string and canonical headers, the
// ISO 8601 basic timestamps, HMAC-SHA256 and the derived signing key.
//
// All functions are pure and safe on arbitrary input (malformed escapes are
// encoded literally rather than rejected, so the signature covers exactly
// what is sent).
//
// Thread-safety: stateless, except SigningKey's small internal cache, which
// is guarded by a mutex.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/core/result.h"
#include "strata/http/client.h"

namespace strata::s3::sigv4_internal {

// An absolute http(s) URL split into the parts SigV4 needs.
struct ParsedUrl {
  std::string scheme;  // "http" / "https", lower-case
  std::string host;    // lower-case host, with ":port" unless default
  std::string path;    // as given (already encoded); "/" when empty
  std::string query;   // raw, without the '?' (and without any '#...')
};
// kInvalidArgument for a URL without scheme "http"/"https" or host.
Result<ParsedUrl> ParseUrl(std::string_view url);

// RFC 3986 encoding as AWS requires: unreserved characters (A-Z a-z 0-9
// - . _ ~) stay, everything else becomes %XX (upper-case hex); '/' stays
// when `keep_slash`.
std::string AwsUriEncode(std::string_view s, bool keep_slash);
// Decodes %XX escapes (and '+' as a space when `plus_is_space`); an invalid
// escape is kept literally.
std::string LenientUriDecode(std::string_view s, bool plus_is_space);

// Query parameters decoded then re-encoded canonically (empty value as
// "name="), sorted by name then value.
std::vector<std::pair<std::string, std::string>> CanonicalQueryParams(
    std::string_view raw_query);
// The sorted parameters joined as "a=1&b=2".
std::string JoinQuery(
    const std::vector<std::pair<std::string, std::string>>& params);

struct CanonicalHeaders {
  std::string canonical;       // "name:value\n" for each, sorted
  std::string signed_headers;  // "host;range;x-amz-date"
};
// Names lower-cased, values trimmed with inner runs of spaces collapsed,
// repeated names joined with ','. `host` is added unless `headers` has one;
// an Authorization header is never signed.
CanonicalHeaders CanonicalizeHeaders(const http::Headers& headers,
                                     std::string_view host);

// "20130524T000000Z" and "20130524" (UTC).
std::string AmzDate(std::chrono::system_clock::time_point t);
std::string AmzDay(std::chrono::system_clock::time_point t);

// Raw HMAC-SHA256 and the lower-case hex of one.
std::string HmacSha256(std::string_view key, std::string_view data);
std::string ToLowerHex(std::string_view bytes);

// HMAC chain "AWS4"+secret → day → region → service → "aws4_request",
// cached per (secret, day, region, service).
std::string SigningKey(std::string_view secret, std::string_view day,
                       std::string_view region, std::string_view service);

}  // namespace strata::s3::sigv4_internal
