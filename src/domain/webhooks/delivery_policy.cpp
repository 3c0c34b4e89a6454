#include "domain/webhooks/delivery_policy.hpp"

#include <algorithm>
#include <cmath>

namespace brandos::domain {

std::chrono::milliseconds retry_delay_bound(const WebhookPolicy& p, int attempt) {
  // Doubling from the base, without overflow: past 2^40 the cap has long been reached.
  const int doublings = std::clamp(attempt - 1, 0, 40);
  const double bound = static_cast<double>(p.retry_base.count()) * std::ldexp(1.0, doublings);
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(std::min(bound, static_cast<double>(p.retry_cap.count()))));
}

AttemptDecision decide_after_attempt(const WebhookPolicy& p, bool succeeded, int attempt,
                                     std::chrono::milliseconds age, int failures, bool probe,
                                     double uniform) {
  AttemptDecision d;
  if (succeeded) return d;
  const int in_a_row = failures + 1;
  if (probe || in_a_row >= p.breaker_after) d.breaker_open = p.breaker_cooldown;
  d.disable = in_a_row >= p.disable_after;
  if (attempt >= p.max_attempts || d.disable) return d;
  const auto bound = retry_delay_bound(p, attempt);
  const auto delay = std::chrono::milliseconds(static_cast<std::int64_t>(
      std::clamp(uniform, 0.0, 1.0) * static_cast<double>(bound.count())));
  if (age + delay > p.give_up_after) return d;
  d.retry_in = delay;
  return d;
}

}  // namespace brandos::domain
