// Retry policy of the S3 client: which failures are retried and how long to
// wait between attempts.
//
// Backoff is exponential with full jitter: before retry n (n = 1 for the
// first retry) the client sleeps a uniformly random time in
// [0, min(max_backoff, initial_backoff * 2^(n-1))]. Attempts stop at
// max_attempts, or when the next sleep would end after max_total has passed
// since the first attempt. A failure is retried only when its Status is
// retryable(): transport errors the HTTP client marks so (connect failures,
// resets, timeouts), and the S3 responses MapS3Error marks so (500, 502,
// 503, 504, 429, SlowDown, Throttling, RequestTimeout, InternalError,
// IncompleteBody, RequestTimeTooSkewed — the client then signs with the
// server's clock). Other 4xx are never retried. Retried writes may have been
// applied already: conditional PUTs and CompleteMultipartUpload resolve a
// resulting 412 / NoSuchUpload by HEAD (client_outcome.cc).
//
// Thread-safety: RetryState is single-owner (one per operation); the free
// functions are thread-safe (the jitter source is thread_local).
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

#include "strata/core/status.h"
#include "strata/s3/client.h"

namespace strata::s3 {

// The upper bound of the sleep before retry `retry` (1-based).
std::chrono::milliseconds BackoffCap(const RetryOptions& options, int retry);
// A jittered sleep in [0, BackoffCap(options, retry)].
std::chrono::milliseconds JitteredBackoff(const RetryOptions& options,
                                          int retry, std::mt19937_64& rng);

class RetryState {
 public:
  explicit RetryState(const RetryOptions& options);

  // Called after a failed attempt. Returns the time to sleep before the next
  // attempt, or nullopt when `status` is not retryable or the budget is
  // spent.
  std::optional<std::chrono::milliseconds> NextDelay(const Status& status);

  int attempts() const { return attempts_; }

  // The failure to return: `status` with " (after N attempts)" appended when
  // more than one attempt was made; retryable() stays as `status` says.
  Status Final(const Status& status) const;

 private:
  RetryOptions options_;
  std::chrono::steady_clock::time_point start_;
  int attempts_ = 0;  // attempts made so far
};

}  // namespace strata::s3
