// The one Azure error mapping, and small client helpers (see client.h).
#include <cstdio>
#include <string>

#include "azure/wire.h"
#include "strata/azure/client.h"
#include "strata/stream/hash.h"

namespace strata::azure {
namespace {

bool OneOf(std::string_view code, std::initializer_list<std::string_view> set) {
  for (std::string_view s : set) {
    if (code == s) return true;
  }
  return false;
}

StatusCode CodeFor(int http_status, std::string_view code) {
  if (OneOf(code, {"BlobNotFound", "ContainerNotFound", "ResourceNotFound"})) {
    return StatusCode::kNotFound;
  }
  if (OneOf(code, {"ConditionNotMet", "AppendPositionConditionNotMet",
                   "MaxBlobSizeConditionNotMet"})) {
    return StatusCode::kFailedPrecondition;
  }
  if (OneOf(code, {"BlobAlreadyExists", "ContainerAlreadyExists"})) {
    return StatusCode::kAlreadyExists;
  }
  if (OneOf(code, {"AuthenticationFailed", "AuthorizationFailure",
                   "AuthorizationPermissionMismatch",
                   "InsufficientAccountPermissions"})) {
    return StatusCode::kPermissionDenied;
  }
  if (code == "InvalidRange") return StatusCode::kOutOfRange;
  if (OneOf(code, {"ServerBusy", "OperationTimedOut", "InternalError"})) {
    return StatusCode::kUnavailable;
  }
  if (http_status == 404) return StatusCode::kNotFound;
  if (http_status == 412 || http_status == 304) {
    return StatusCode::kFailedPrecondition;
  }
  if (http_status == 409) {
    // Lease conflicts, blob type mismatches, containers being deleted, ...
    return StatusCode::kFailedPrecondition;
  }
  if (http_status == 401 || http_status == 403) {
    return StatusCode::kPermissionDenied;
  }
  if (http_status == 416) return StatusCode::kOutOfRange;
  if (http_status == 501) return StatusCode::kUnimplemented;
  if (http_status == 408 || http_status == 429 || http_status >= 500) {
    return StatusCode::kUnavailable;
  }
  if (http_status == 400 || http_status == 411 || http_status == 413 ||
      http_status == 414) {
    return StatusCode::kInvalidArgument;
  }
  return StatusCode::kInternal;
}

}  // namespace

Status MapAzureError(int http_status, std::string_view error_code,
                     std::string_view body, std::string_view what,
                     std::string_view request_id) {
  wire::ErrorDoc doc = wire::ParseError(body);
  std::string code(error_code.empty() ? std::string_view(doc.code)
                                      : error_code);
  StatusCode sc = CodeFor(http_status, code);
  std::string msg(what);
  msg += ": HTTP ";
  msg += std::to_string(http_status);
  if (!code.empty()) {
    msg += ' ';
    msg += code;
  }
  if (!doc.message.empty()) {
    std::string_view m = doc.message;
    m = m.substr(0, m.find('\n'));  // drop the RequestId/Time lines
    msg += " (";
    msg.append(m.substr(0, 200));
    msg += ')';
  }
  if (!request_id.empty()) {
    msg += " [request id ";
    msg += request_id;
    msg += ']';
  }
  bool retryable = sc == StatusCode::kUnavailable;
  return Status(sc, std::move(msg), 0, retryable);
}

std::string_view BlobTypeName(BlobType type) {
  switch (type) {
    case BlobType::kAppend:
      return "AppendBlob";
    case BlobType::kPage:
      return "PageBlob";
    case BlobType::kBlock:
      break;
  }
  return "BlockBlob";
}

std::string BlockId(uint64_t writer, uint32_t index) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%016llx-%010u",
                static_cast<unsigned long long>(writer), index);
  std::string_view s(buf);
  return stream::ToBase64(
      std::as_bytes(std::span<const char>(s.data(), s.size())));
}

}  // namespace strata::azure
