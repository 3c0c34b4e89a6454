#include "domain/webhooks/delivery_policy.hpp"

#include <gtest/gtest.h>

namespace brandos::domain {
namespace {

using std::chrono::milliseconds;

TEST(WebhookPolicy, DelayBoundsDoubleUpToTheCap) {
  WebhookPolicy p;
  p.retry_base = milliseconds(100);
  p.retry_cap = milliseconds(1000);
  EXPECT_EQ(retry_delay_bound(p, 1), milliseconds(100));
  EXPECT_EQ(retry_delay_bound(p, 2), milliseconds(200));
  EXPECT_EQ(retry_delay_bound(p, 4), milliseconds(800));
  EXPECT_EQ(retry_delay_bound(p, 5), milliseconds(1000));
  EXPECT_EQ(retry_delay_bound(p, 10000), milliseconds(1000));
}

TEST(WebhookPolicy, FullJitterSpansZeroToTheBound) {
  WebhookPolicy p;
  p.retry_base = milliseconds(1000);
  EXPECT_EQ(decide_after_attempt(p, false, 3, milliseconds(0), 0, false, 0.0).retry_in,
            milliseconds(0));
  EXPECT_EQ(decide_after_attempt(p, false, 3, milliseconds(0), 0, false, 0.5).retry_in,
            milliseconds(2000));
  EXPECT_EQ(decide_after_attempt(p, false, 3, milliseconds(0), 0, false, 0.999).retry_in,
            milliseconds(3996));
}

TEST(WebhookPolicy, TheDefaultsRetryForAboutADay) {
  const WebhookPolicy p;
  milliseconds most{0};
  for (int a = 1; a < p.max_attempts; ++a) most += retry_delay_bound(p, a);
  EXPECT_GT(most, std::chrono::hours(24));  // the day runs out before the attempts do
  EXPECT_FALSE(decide_after_attempt(p, false, 3, std::chrono::hours(24), 0, false, 0.5)
                   .retry_in.has_value());
}

TEST(WebhookPolicy, SuccessClosesEverything) {
  const auto d = decide_after_attempt(WebhookPolicy{}, true, 7, milliseconds(0), 30, true, 0.3);
  EXPECT_FALSE(d.retry_in || d.breaker_open || d.disable);
}

TEST(WebhookPolicy, TheBreakerOpensAfterFailuresInARowAndAfterAFailedProbe) {
  WebhookPolicy p;
  p.breaker_after = 3;
  EXPECT_FALSE(decide_after_attempt(p, false, 1, milliseconds(0), 1, false, 0.5).breaker_open);
  EXPECT_EQ(decide_after_attempt(p, false, 1, milliseconds(0), 2, false, 0.5).breaker_open,
            p.breaker_cooldown);
  EXPECT_EQ(decide_after_attempt(p, false, 1, milliseconds(0), 0, true, 0.5).breaker_open,
            p.breaker_cooldown);
}

TEST(WebhookPolicy, AnEndpointIsDisabledAfterTooManyFailuresAndItsDeliveryStops) {
  WebhookPolicy p;
  p.disable_after = 4;
  EXPECT_FALSE(decide_after_attempt(p, false, 1, milliseconds(0), 2, false, 0.5).disable);
  const auto d = decide_after_attempt(p, false, 1, milliseconds(0), 3, false, 0.5);
  EXPECT_TRUE(d.disable);
  EXPECT_FALSE(d.retry_in.has_value());
}

TEST(WebhookPolicy, TheLastAttemptFailsTheDelivery) {
  WebhookPolicy p;
  p.max_attempts = 3;
  EXPECT_TRUE(decide_after_attempt(p, false, 2, milliseconds(0), 0, false, 0.5).retry_in);
  EXPECT_FALSE(decide_after_attempt(p, false, 3, milliseconds(0), 0, false, 0.5).retry_in);
}

}  // namespace
}  // namespace brandos::domain
