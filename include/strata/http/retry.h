// Retry policy shared by the object-store clients (S3, Azure): how long to
// wait between attempts and when to stop.
//
// Backoff is exponential with full jitter: before retry n (n = 1 for the
// first retry) a client sleeps a uniformly random time in
// [0, min(max_backoff, initial_backoff * 2^(n-1))]. Attempts stop at
// max_attempts, or when the next sleep would end after max_total has passed
// since the first attempt. Only failures whose Status is retryable() are
// retried; which ones are is each protocol's error mapping's decision.
//
// Thread-safety: RetryOptions is a value; a RetryState belongs to one
// operation; the free functions are thread-safe (the jitter source is
// thread_local).
#pragma once

#include <chrono>
#include <optional>
#include <random>

#include "strata/core/status.h"

namespace strata::http {

struct RetryOptions {
  RetryOptions() {}
  int max_attempts = 6;  // total tries, >= 1
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5'000};
  std::chrono::milliseconds max_total{120'000};  // give up after this long
};

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

}  // namespace strata::http
