// Azure Storage request authentication: SharedKey signing and SAS tokens.
//
// SharedKey (service version 2015-02-21 and later): the string-to-sign is
//   VERB \n Content-Encoding \n Content-Language \n Content-Length (empty
//   when 0) \n Content-MD5 \n Content-Type \n Date \n If-Modified-Since \n
//   If-Match \n If-None-Match \n If-Unmodified-Since \n Range \n
//   CanonicalizedHeaders CanonicalizedResource
// where CanonicalizedHeaders are the x-ms-* headers, lower-cased, sorted,
// "name:value\n" each, and CanonicalizedResource is "/" + account + the
// URL's (encoded) path, then "\nname:value" for each query parameter with
// its name lower-cased and both decoded, sorted by name (repeated names
// join their sorted values with ','). The signature is
// base64(HMAC-SHA256(base64decode(key), string_to_sign)) and goes in
// "Authorization: SharedKey <account>:<signature>".
//
// Pure functions of their inputs (x-ms-date is whatever the request carries),
// so they are checked against known answers.
//
// Thread-safety: stateless.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "strata/core/result.h"
#include "strata/http/client.h"

namespace strata::azure {

// The service version sent as x-ms-version.
inline constexpr std::string_view kApiVersion = "2021-08-06";

// RFC 1123 date ("Sun, 06 Nov 1994 08:49:37 GMT") for x-ms-date.
std::string FormatHttpDate(std::chrono::system_clock::time_point t);

// The string-to-sign of `request` for `account`. kInvalidArgument for a URL
// it cannot parse or a query escape that does not decode.
Result<std::string> SharedKeyStringToSign(const http::Request& request,
                                          std::string_view account);

// Adds "Authorization: SharedKey ..." to `request`, which must already carry
// every header to be sent (x-ms-date, x-ms-version, ...). kInvalidArgument
// when `key_base64` is not base64 or the URL cannot be parsed.
Status SignSharedKey(http::Request& request, std::string_view account,
                     std::string_view key_base64);

// Appends a SAS token (with or without the leading '?') to `url`'s query.
std::string AppendSas(std::string_view url, std::string_view sas_token);

}  // namespace strata::azure
