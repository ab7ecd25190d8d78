// libFuzzer target for the decoders of untrusted credential responses and
// URLs: the IMDS credentials JSON, the STS AssumeRoleWithWebIdentity XML and
// error documents, ISO 8601 times, and SigV4's URL/query canonicalisation
// (a URL taken from the input is signed and presigned). Byte 0 selects the
// decoder; the rest is its input. Invariants (abort on violation): no
// crash; decoded credentials have a key id and a secret; canonical query
// strings contain only unreserved characters, '%', '=' and '&'.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "s3/credentials_internal.h"
#include "s3/sigv4_canonical.h"
#include "strata/s3/sigv4.h"

namespace {

using namespace strata::s3;  // NOLINT(build/namespaces)

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckCredentials(const strata::Result<Credentials>& c) {
  if (!c.ok()) return;
  Check(!c->access_key_id.empty() && !c->secret_access_key.empty());
}

bool CanonicalChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
         c == '~' || c == '%' || c == '=' || c == '&';
}

void FuzzUrl(std::string_view text) {
  std::string query =
      sigv4_internal::JoinQuery(sigv4_internal::CanonicalQueryParams(text));
  for (char c : query) Check(CanonicalChar(c));
  Credentials creds;
  creds.access_key_id = "AKID";
  creds.secret_access_key = "secret";
  SigningScope scope;
  scope.region = "us-east-1";
  strata::http::Request request;
  request.url = std::string(text);
  request.headers.emplace_back(std::string(text.substr(0, 8)),
                               std::string(text));
  SignRequest(request, creds, scope, kUnsignedPayload).IgnoreError();
  PresignUrl("GET", text, creds, scope, std::chrono::seconds(60))
      .status()
      .IgnoreError();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      CheckCredentials(credentials_internal::ParseImdsCredentials(text));
      break;
    case 1:
      CheckCredentials(credentials_internal::ParseStsWebIdentityResponse(text));
      break;
    case 2:
      credentials_internal::ParseStsError(text);
      break;
    case 3:
      credentials_internal::ParseIso8601(text).status().IgnoreError();
      break;
    default:
      FuzzUrl(text);
      break;
  }
  return 0;
}
