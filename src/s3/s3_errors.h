// S3 error documents and the one HTTP/S3 → Status mapping (MapS3Error is
// declared in strata/s3/client.h; this header adds the parser and the
// helpers the client uses around it).
//
// Parsing is safe on arbitrary bytes: an empty or non-XML body (HEAD
// responses have none) yields an empty ErrorDocument.
//
// Thread-safety: stateless functions.
#pragma once

#include <string>
#include <string_view>

#include "strata/core/status.h"
#include "strata/http/client.h"

namespace strata::s3 {

// <Error><Code/><Message/><RequestId/></Error>, fields empty when absent.
struct ErrorDocument {
  std::string code;
  std::string message;
  std::string request_id;
  std::string key;  // some errors name the key
};

// Parses an S3 error document. Returns false when `body` is not one (no
// <Error> root), leaving `out` empty.
bool ParseErrorDocument(std::string_view body, ErrorDocument* out);

// True if the document's root element is <Error> (used for 200 responses
// that carry an error: CopyObject, UploadPartCopy, CompleteMultipartUpload).
bool IsErrorDocument(std::string_view body);

// MapS3Error, plus the request id from the response headers
// (x-amz-request-id / x-goog-generation...) when the body has none.
Status MapS3Response(const http::Response& response, std::string_view body,
                     std::string_view what);

// Whether an S3 error code is worth retrying (SlowDown, InternalError, ...).
bool IsRetryableS3Code(std::string_view code);

}  // namespace strata::s3
