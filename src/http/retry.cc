// The shared retry policy (see strata/http/retry.h).
#include "strata/http/retry.h"

#include <algorithm>
#include <string>

namespace strata::http {
namespace {

std::mt19937_64& ThreadRng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

}  // namespace

std::chrono::milliseconds BackoffCap(const RetryOptions& options, int retry) {
  int64_t initial = std::max<int64_t>(options.initial_backoff.count(), 0);
  int64_t cap = std::max<int64_t>(options.max_backoff.count(), 0);
  int shift = std::clamp(retry - 1, 0, 40);
  // Saturate before shifting past the cap.
  int64_t value = initial;
  for (int i = 0; i < shift && value < cap; ++i) value *= 2;
  return std::chrono::milliseconds(std::min(value, cap));
}

std::chrono::milliseconds JitteredBackoff(const RetryOptions& options,
                                          int retry, std::mt19937_64& rng) {
  int64_t cap = BackoffCap(options, retry).count();
  if (cap <= 0) return std::chrono::milliseconds(0);
  std::uniform_int_distribution<int64_t> dist(0, cap);
  return std::chrono::milliseconds(dist(rng));
}

RetryState::RetryState(const RetryOptions& options)
    : options_(options), start_(std::chrono::steady_clock::now()) {}

std::optional<std::chrono::milliseconds> RetryState::NextDelay(
    const Status& status) {
  ++attempts_;
  if (status.ok() || !status.retryable()) return std::nullopt;
  if (attempts_ >= std::max(options_.max_attempts, 1)) return std::nullopt;
  auto delay = JitteredBackoff(options_, attempts_, ThreadRng());
  auto elapsed = std::chrono::steady_clock::now() - start_;
  if (elapsed + delay >= options_.max_total) return std::nullopt;
  return delay;
}

Status RetryState::Final(const Status& status) const {
  if (status.ok() || attempts_ <= 1) return status;
  std::string msg(status.message());
  msg += " (after ";
  msg += std::to_string(attempts_);
  msg += " attempts)";
  return Status(status.code(), std::move(msg), status.sys_errno(),
                status.retryable());
}

}  // namespace strata::http
