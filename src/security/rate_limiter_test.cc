#include "security/rate_limiter.h"

#include <gtest/gtest.h>

namespace citydata::security {
namespace {

using std::chrono::seconds;

TEST(TokenBucket, AllowsABurstThenRefillsAtTheRate) {
  TokenBucket bucket;
  auto t0 = std::chrono::steady_clock::time_point{} + seconds(1000);
  int64_t retry_after = 0;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(bucket.Take(3, t0, retry_after)) << i;
  EXPECT_FALSE(bucket.Take(3, t0, retry_after));
  EXPECT_EQ(retry_after, 21);  // one token per 20 s, rounded up past the next one
  EXPECT_FALSE(bucket.Take(3, t0 + seconds(19), retry_after));
  EXPECT_TRUE(bucket.Take(3, t0 + seconds(40), retry_after));
  // Idle for long: the bucket holds at most a minute's worth.
  auto later = t0 + seconds(3600);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(bucket.Take(3, later, retry_after)) << i;
  EXPECT_FALSE(bucket.Take(3, later, retry_after));
}

TEST(RateLimiter, CountsEachKeySeparately) {
  RateLimiter limiter(2);
  int64_t retry_after = 0;
  EXPECT_TRUE(limiter.Admit("10.0.0.1", retry_after));
  EXPECT_TRUE(limiter.Admit("10.0.0.1", retry_after));
  EXPECT_FALSE(limiter.Admit("10.0.0.1", retry_after));
  EXPECT_GE(retry_after, 1);
  EXPECT_TRUE(limiter.Admit("10.0.0.2", retry_after));
  EXPECT_EQ(limiter.rate_per_minute(), 2);
}

}  // namespace
}  // namespace citydata::security

namespace citydata::security {
namespace {

TEST(ClientHost, DropsThePortOfIpv4AndBracketedIpv6) {
  EXPECT_EQ(ClientHost("10.0.0.7:5000"), "10.0.0.7");
  EXPECT_EQ(ClientHost("[::1]:5000"), "::1");
  EXPECT_EQ(ClientHost("::1"), "::1");
  EXPECT_EQ(ClientHost("10.0.0.7"), "10.0.0.7");
}

}  // namespace
}  // namespace citydata::security
