#pragma once
// A circuit breaker's state in metrics: circuit_breaker_state{dependency} (0 closed, 1 open,
// 2 half-open), circuit_breaker_opened_total and circuit_breaker_refused_total.
#include "application/resilience/circuit_breaker.hpp"
#include "infrastructure/observability/metrics.hpp"

namespace brandos::observability {

// `breaker` must outlive `registry`'s scrapes.
void register_breaker_metrics(Registry& registry, const application::CircuitBreaker& breaker);

}  // namespace brandos::observability
