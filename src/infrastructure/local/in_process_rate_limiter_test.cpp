#include "infrastructure/local/in_process_rate_limiter.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace brandos::local {
namespace {

using application::RateLimit;

TEST(InProcessRateLimiter, AllowsUpToTheLimitThenRefuses) {
  InProcessRateLimiter limiter;
  const RateLimit limit{5, std::chrono::minutes(15)};
  for (int i = 0; i < 5; ++i) {
    const auto d = limiter.hit("k", limit);
    EXPECT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 4 - i);
  }
  const auto refused = limiter.hit("k", limit);
  EXPECT_FALSE(refused.allowed);
  EXPECT_GT(refused.reset_seconds, 0);
  EXPECT_LE(refused.reset_seconds, 30 * 60);
  EXPECT_FALSE(limiter.peek("k", limit).allowed);
  EXPECT_TRUE(limiter.peek("other", limit).allowed);  // keys are independent
}

TEST(InProcessRateLimiter, PeekDoesNotCountAndResetClears) {
  InProcessRateLimiter limiter;
  const RateLimit limit{2, std::chrono::seconds(60)};
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.peek("k", limit).allowed);
  limiter.hit("k", limit);
  limiter.hit("k", limit);
  EXPECT_FALSE(limiter.hit("k", limit).allowed);
  limiter.reset("k");
  EXPECT_TRUE(limiter.hit("k", limit).allowed);
}

TEST(InProcessRateLimiter, WindowsRollOver) {
  InProcessRateLimiter limiter;
  const RateLimit limit{1, std::chrono::seconds(1)};
  EXPECT_TRUE(limiter.hit("k", limit).allowed);
  EXPECT_FALSE(limiter.hit("k", limit).allowed);
  // Two windows later the old count has fully decayed. (Sleeps, but asserts no timing.)
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_TRUE(limiter.hit("k", limit).allowed);
}

}  // namespace
}  // namespace brandos::local
