// The one S3 error mapping (see strata/s3/client.h and s3_errors.h).
#include "s3/s3_errors.h"

#include <fmt/format.h>

#include <array>
#include <pugixml.hpp>
#include <string>
#include <utility>

#include "strata/s3/client.h"

namespace strata::s3 {
namespace {

struct CodeMapping {
  std::string_view code;
  StatusCode status;
  bool retryable;
};

constexpr std::array kCodeTable = {
    CodeMapping{"NoSuchKey", StatusCode::kNotFound, false},
    CodeMapping{"NoSuchBucket", StatusCode::kNotFound, false},
    CodeMapping{"NoSuchUpload", StatusCode::kNotFound, false},
    CodeMapping{"NoSuchVersion", StatusCode::kNotFound, false},
    CodeMapping{"PreconditionFailed", StatusCode::kFailedPrecondition, false},
    CodeMapping{"NotModified", StatusCode::kFailedPrecondition, false},
    CodeMapping{"ConditionalRequestConflict", StatusCode::kAborted, false},
    CodeMapping{"OperationAborted", StatusCode::kAborted, false},
    CodeMapping{"BucketNotEmpty", StatusCode::kFailedPrecondition, false},
    CodeMapping{"InvalidObjectState", StatusCode::kFailedPrecondition, false},
    CodeMapping{"MethodNotAllowed", StatusCode::kFailedPrecondition, false},
    CodeMapping{"AccessDenied", StatusCode::kPermissionDenied, false},
    CodeMapping{"AllAccessDisabled", StatusCode::kPermissionDenied, false},
    CodeMapping{"AccountProblem", StatusCode::kPermissionDenied, false},
    CodeMapping{"InvalidAccessKeyId", StatusCode::kPermissionDenied, false},
    CodeMapping{"SignatureDoesNotMatch", StatusCode::kPermissionDenied, false},
    CodeMapping{"ExpiredToken", StatusCode::kPermissionDenied, false},
    CodeMapping{"InvalidToken", StatusCode::kPermissionDenied, false},
    CodeMapping{"InvalidSecurity", StatusCode::kPermissionDenied, false},
    // The client learns the server's clock from the Date header and signs
    // later attempts with it (ClientImpl::NoteClockSkew).
    CodeMapping{"RequestTimeTooSkewed", StatusCode::kPermissionDenied, true},
    CodeMapping{"BucketAlreadyExists", StatusCode::kAlreadyExists, false},
    CodeMapping{"BucketAlreadyOwnedByYou", StatusCode::kAlreadyExists, false},
    CodeMapping{"InvalidRange", StatusCode::kOutOfRange, false},
    CodeMapping{"EntityTooSmall", StatusCode::kInvalidArgument, false},
    CodeMapping{"EntityTooLarge", StatusCode::kInvalidArgument, false},
    CodeMapping{"InvalidPart", StatusCode::kInvalidArgument, false},
    CodeMapping{"InvalidPartOrder", StatusCode::kInvalidArgument, false},
    CodeMapping{"InvalidArgument", StatusCode::kInvalidArgument, false},
    CodeMapping{"InvalidBucketName", StatusCode::kInvalidArgument, false},
    CodeMapping{"InvalidRequest", StatusCode::kInvalidArgument, false},
    CodeMapping{"InvalidDigest", StatusCode::kInvalidArgument, false},
    CodeMapping{"MalformedXML", StatusCode::kInvalidArgument, false},
    CodeMapping{"KeyTooLongError", StatusCode::kInvalidArgument, false},
    CodeMapping{"MetadataTooLarge", StatusCode::kInvalidArgument, false},
    CodeMapping{"InvalidLocationConstraint", StatusCode::kInvalidArgument,
                false},
    CodeMapping{"IllegalLocationConstraintException",
                StatusCode::kInvalidArgument, false},
    CodeMapping{"BadDigest", StatusCode::kDataLoss, false},
    CodeMapping{"XAmzContentSHA256Mismatch", StatusCode::kDataLoss, false},
    CodeMapping{"NotImplemented", StatusCode::kUnimplemented, false},
    CodeMapping{"SlowDown", StatusCode::kUnavailable, true},
    CodeMapping{"Throttling", StatusCode::kUnavailable, true},
    CodeMapping{"ThrottlingException", StatusCode::kUnavailable, true},
    CodeMapping{"TooManyRequests", StatusCode::kUnavailable, true},
    CodeMapping{"RequestLimitExceeded", StatusCode::kUnavailable, true},
    CodeMapping{"RequestTimeout", StatusCode::kUnavailable, true},
    // The body was cut short on the way (400): resending it can succeed.
    CodeMapping{"IncompleteBody", StatusCode::kUnavailable, true},
    CodeMapping{"InternalError", StatusCode::kUnavailable, true},
    CodeMapping{"ServiceUnavailable", StatusCode::kUnavailable, true},
};

// Mapping by HTTP status alone (no or unknown S3 code).
std::pair<StatusCode, bool> MapHttpStatus(int status) {
  switch (status) {
    case 304:
    case 412:
      return {StatusCode::kFailedPrecondition, false};
    case 400:
      return {StatusCode::kInvalidArgument, false};
    case 401:
    case 403:
      return {StatusCode::kPermissionDenied, false};
    case 404:
      return {StatusCode::kNotFound, false};
    case 409:
      return {StatusCode::kAborted, false};
    case 416:
      return {StatusCode::kOutOfRange, false};
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return {StatusCode::kUnavailable, true};
    case 501:
      return {StatusCode::kUnimplemented, false};
    default:
      break;
  }
  if (status >= 400 && status < 500)
    return {StatusCode::kInvalidArgument, false};
  return {StatusCode::kInternal, false};
}

std::string Text(const pugi::xml_node& parent, const char* name) {
  return parent.child(name).text().as_string();
}

}  // namespace

bool ParseErrorDocument(std::string_view body, ErrorDocument* out) {
  *out = ErrorDocument();
  if (body.empty()) return false;
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return false;
  pugi::xml_node root = doc.child("Error");
  if (!root) return false;
  out->code = Text(root, "Code");
  out->message = Text(root, "Message");
  out->request_id = Text(root, "RequestId");
  out->key = Text(root, "Key");
  return true;
}

bool IsErrorDocument(std::string_view body) {
  // Cheap pre-check: successful results are large-ish XML without "<Error".
  if (body.find("<Error") == std::string_view::npos) return false;
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return false;
  return static_cast<bool>(doc.child("Error"));
}

bool IsRetryableS3Code(std::string_view code) {
  for (const auto& m : kCodeTable) {
    if (m.code == code) return m.retryable;
  }
  return false;
}

namespace {

Status BuildStatus(int http_status, const ErrorDocument& doc,
                   std::string_view what, std::string_view header_request_id) {
  auto [code, retryable] = MapHttpStatus(http_status);
  bool known = false;
  for (const auto& m : kCodeTable) {
    if (m.code == doc.code) {
      code = m.status;
      retryable = m.retryable;
      known = true;
      break;
    }
  }
  // A 2xx carrying an unknown <Error> is still an error.
  if (!known && http_status < 300) code = StatusCode::kInternal;
  std::string detail;
  if (doc.code.empty()) {
    detail = fmt::format("HTTP {}", http_status);
  } else if (doc.message.empty()) {
    detail = doc.code;
  } else {
    detail = fmt::format("{}: {}", doc.code, doc.message);
  }
  std::string_view request_id =
      doc.request_id.empty() ? header_request_id : doc.request_id;
  std::string msg = request_id.empty() ? fmt::format("{}: {}", what, detail)
                                       : fmt::format("{}: {} (request id {})",
                                                     what, detail, request_id);
  return Status(code, std::move(msg), 0, retryable);
}

}  // namespace

Status MapS3Error(int http_status, std::string_view body,
                  std::string_view what) {
  ErrorDocument doc;
  ParseErrorDocument(body, &doc);
  return BuildStatus(http_status, doc, what, "");
}

Status MapS3Response(const http::Response& response, std::string_view body,
                     std::string_view what) {
  ErrorDocument doc;
  ParseErrorDocument(body, &doc);
  std::string_view header_id;
  if (auto id = response.header("x-amz-request-id")) {
    header_id = *id;
  } else if (auto gid = response.header("x-guploader-uploadid")) {
    header_id = *gid;
  }
  return BuildStatus(response.status, doc, what, header_id);
}

}  // namespace strata::s3
