#pragma once
// How webhook deliveries are retried and when an endpoint is given a rest or given up on: the
// business rules of the delivery job, free of I/O.
//
//  - Retries: exponential backoff with full jitter (a uniform delay between 0 and
//    min(cap, base * 2^(attempt-1))), until `max_attempts` or `give_up_after` since the delivery
//    was created (about a day by default); then the delivery is failed.
//  - Circuit breaker per endpoint: `breaker_after` failed attempts in a row open it for
//    `breaker_cooldown`; then one probe goes, whose failure opens it again.
//  - An endpoint whose attempts failed `disable_after` times in a row is disabled.
#include <chrono>
#include <optional>

namespace brandos::domain {

struct WebhookPolicy {
  std::chrono::milliseconds retry_base{30'000};
  std::chrono::milliseconds retry_cap{4 * 3'600'000};
  int max_attempts = 16;
  std::chrono::milliseconds give_up_after{24 * 3'600'000};
  int breaker_after = 5;
  std::chrono::milliseconds breaker_cooldown{60'000};
  int disable_after = 50;
};

// The upper bound of the delay after the `attempt`-th failed attempt (1-based).
std::chrono::milliseconds retry_delay_bound(const WebhookPolicy& p, int attempt);

struct AttemptDecision {
  std::optional<std::chrono::milliseconds> retry_in;      // empty: no retry (done or failed)
  std::optional<std::chrono::milliseconds> breaker_open;  // open the breaker for this long
  bool disable = false;                                   // disable the endpoint
};

// After an attempt: `attempt` is its number (1-based), `age` the delivery's age now, `failures`
// the endpoint's failed attempts in a row before this one, `probe` whether this attempt was the
// breaker's probe, `uniform` a random number in [0, 1) for the jitter.
AttemptDecision decide_after_attempt(const WebhookPolicy& p, bool succeeded, int attempt,
                                     std::chrono::milliseconds age, int failures, bool probe,
                                     double uniform);

}  // namespace brandos::domain
