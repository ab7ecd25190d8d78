// Retry policy: backoff bounds (exponential, capped, full jitter) and the
// retry decision.
#include "strata/http/retry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

namespace strata::http {
namespace {

using std::chrono::milliseconds;

TEST(RetryTest, BackoffCapDoublesUpToMax) {
  RetryOptions o;
  o.initial_backoff = milliseconds(100);
  o.max_backoff = milliseconds(1000);
  EXPECT_EQ(BackoffCap(o, 1), milliseconds(100));
  EXPECT_EQ(BackoffCap(o, 2), milliseconds(200));
  EXPECT_EQ(BackoffCap(o, 4), milliseconds(800));
  EXPECT_EQ(BackoffCap(o, 5), milliseconds(1000));
  EXPECT_EQ(BackoffCap(o, 1000), milliseconds(1000));
}

TEST(RetryTest, JitterStaysWithinBoundsAndVaries) {
  RetryOptions o;
  o.initial_backoff = milliseconds(100);
  o.max_backoff = milliseconds(400);
  std::mt19937_64 rng(42);
  std::set<int64_t> seen;
  for (int retry = 1; retry <= 6; ++retry) {
    for (int i = 0; i < 200; ++i) {
      auto d = JitteredBackoff(o, retry, rng);
      EXPECT_GE(d.count(), 0);
      EXPECT_LE(d, BackoffCap(o, retry));
      seen.insert(d.count());
    }
  }
  EXPECT_GT(seen.size(), 50u);  // full jitter, not a fixed schedule
}

TEST(RetryTest, RetriesOnlyRetryableUpToMaxAttempts) {
  RetryOptions o;
  o.max_attempts = 3;
  o.initial_backoff = milliseconds(1);
  RetryState s(o);
  Status transient = UnavailableError("x").WithRetryable(true);
  EXPECT_TRUE(s.NextDelay(transient));
  EXPECT_TRUE(s.NextDelay(transient));
  EXPECT_FALSE(s.NextDelay(transient));  // third attempt was the last
  Status final = s.Final(transient);
  EXPECT_EQ(final.message(), "x (after 3 attempts)");
  EXPECT_TRUE(final.retryable());

  RetryState once(o);
  EXPECT_FALSE(once.NextDelay(NotFoundError("gone")));
  EXPECT_EQ(once.Final(NotFoundError("gone")).message(), "gone");
}

TEST(RetryTest, TotalTimeBoundsRetries) {
  RetryOptions o;
  o.max_attempts = 100;
  o.initial_backoff = milliseconds(10'000);
  o.max_backoff = milliseconds(10'000);
  o.max_total = milliseconds(1);
  RetryState s(o);
  // Any non-zero jittered delay exceeds the budget; a zero one is allowed
  // only while elapsed < 1 ms, so a few attempts at most.
  int retries = 0;
  while (s.NextDelay(UnavailableError("x").WithRetryable(true))) ++retries;
  EXPECT_LT(retries, 100);
}

}  // namespace
}  // namespace strata::http
