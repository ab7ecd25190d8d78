// Retry policy of the S3 client: the shared backoff and budget
// (strata/http/retry.h), and which failures are retried. A failure is retried
// only when its Status is retryable(): transport errors the HTTP client marks
// so (connect failures, resets, timeouts), and the S3 responses MapS3Error
// marks so (500, 502, 503, 504, 429, SlowDown, Throttling, RequestTimeout,
// InternalError, IncompleteBody, RequestTimeTooSkewed — the client then signs
// with the server's clock). Other 4xx are never retried. Retried writes may
// have been applied already: conditional PUTs and CompleteMultipartUpload
// resolve a resulting 412 / NoSuchUpload by HEAD (client_outcome.cc).
//
// Thread-safety: see strata/http/retry.h.
#pragma once

#include "strata/http/retry.h"

namespace strata::s3 {

using http::BackoffCap;
using http::JitteredBackoff;
using http::RetryState;

}  // namespace strata::s3
