#include "infrastructure/local/in_process_rate_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace brandos::local {
namespace {

using application::RateLimit;
using namespace std::chrono_literals;

// A clock the test moves by hand, so windows pass without sleeping.
struct ManualClock {
  InProcessRateLimiter::Clock::time_point now{std::chrono::hours(1)};
  std::function<InProcessRateLimiter::Clock::time_point()> source() {
    return [this] { return now; };
  }
};

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
  ManualClock clock;
  InProcessRateLimiter limiter(InProcessRateLimiter::kDefaultMaxEntries, clock.source());
  const RateLimit limit{1, std::chrono::seconds(1)};
  EXPECT_TRUE(limiter.hit("k", limit).allowed);
  EXPECT_FALSE(limiter.hit("k", limit).allowed);
  clock.now += 1500ms;  // half of the previous window still weighs
  EXPECT_FALSE(limiter.hit("k", limit).allowed);
  clock.now += 600ms;  // two windows later the old count has fully decayed
  EXPECT_TRUE(limiter.hit("k", limit).allowed);
}

TEST(InProcessRateLimiter, LookingUpAKeyStoresNothing) {
  InProcessRateLimiter limiter;
  const RateLimit limit{5, std::chrono::minutes(15)};
  for (int i = 0; i < 1000; ++i) limiter.peek("unknown:" + std::to_string(i), limit);
  limiter.reset("never-counted");
  EXPECT_EQ(limiter.size(), 0u);
}

TEST(InProcessRateLimiter, HoldsNoMoreThanItsBoundAndForgetsTheLeastRecentlyCounted) {
  InProcessRateLimiter limiter(160);  // 10 per shard
  const RateLimit limit{1, std::chrono::minutes(15)};
  EXPECT_TRUE(limiter.hit("victim", limit).allowed);
  for (int i = 0; i < 10'000; ++i) {
    limiter.hit(std::string(1000, 'x') + std::to_string(i), limit);
    ASSERT_LE(limiter.size(), 160u);
    if (i % 5 == 0) limiter.hit("hot", limit);
  }
  EXPECT_GT(limiter.evictions(), 0u);
  // A key counted again and again stays; the one counted once long ago was dropped.
  EXPECT_FALSE(limiter.peek("hot", limit).allowed);
  EXPECT_TRUE(limiter.peek("victim", limit).allowed);
}

// A flood of new keys cannot buy back a lockout: entries at their limit are evicted last.
TEST(InProcessRateLimiter, AFloodOfNewKeysDoesNotEvictALockout) {
  InProcessRateLimiter limiter(160);  // 10 per shard
  const RateLimit lockout{5, std::chrono::minutes(15)};
  const RateLimit per_minute{60, std::chrono::minutes(1)};
  for (int i = 0; i < 5; ++i) limiter.hit("login-failures:acme:victim@acme.test", lockout);
  for (int i = 0; i < 10'000; ++i) limiter.hit("login:10.2." + std::to_string(i), per_minute);
  EXPECT_GT(limiter.evictions(), 0u);
  EXPECT_FALSE(limiter.peek("login-failures:acme:victim@acme.test", lockout).allowed);
}

TEST(InProcessRateLimiter, ForgivingTakesBackOneCount) {
  InProcessRateLimiter limiter;
  const RateLimit limit{2, std::chrono::minutes(15)};
  limiter.hit("k", limit);
  limiter.hit("k", limit);
  EXPECT_FALSE(limiter.peek("k", limit).allowed);
  limiter.forgive("k");
  EXPECT_TRUE(limiter.peek("k", limit).allowed);
  limiter.forgive("never-counted");
  EXPECT_EQ(limiter.size(), 1u);
}

TEST(InProcessRateLimiter, EachKeyExpiresByItsOwnWindow) {
  ManualClock clock;
  InProcessRateLimiter limiter(InProcessRateLimiter::kDefaultMaxEntries, clock.source());
  const RateLimit lockout{5, std::chrono::minutes(15)};
  const RateLimit per_minute{60, std::chrono::minutes(1)};
  for (int i = 0; i < 5; ++i) limiter.hit("login-failures:acme:a@b.c", lockout);
  for (int i = 0; i < 200; ++i) limiter.hit("login:10.0.0." + std::to_string(i), per_minute);
  clock.now += std::chrono::minutes(3);  // past the short keys' two windows, inside the lockout's
  for (int i = 0; i < 1000; ++i) limiter.hit("login:10.1." + std::to_string(i), per_minute);
  EXPECT_FALSE(limiter.peek("login-failures:acme:a@b.c", lockout).allowed);
  // The dead short-window keys were swept as calls went by (each shard saw far more calls than it
  // had dead keys); the lockout and the new keys remain.
  EXPECT_EQ(limiter.size(), 1001u);
}

}  // namespace
}  // namespace brandos::local
