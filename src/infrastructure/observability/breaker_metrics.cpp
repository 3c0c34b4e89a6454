#include "infrastructure/observability/breaker_metrics.hpp"

namespace brandos::observability {

void register_breaker_metrics(Registry& registry, const application::CircuitBreaker& breaker) {
  const Labels labels{{"dependency", breaker.dependency()}};
  const auto* b = &breaker;
  registry.gauge("circuit_breaker_state",
                 "A dependency's circuit breaker: 0 closed, 1 open (calls refused), 2 half-open.",
                 labels, [b] { return static_cast<double>(static_cast<int>(b->state())); });
  registry.counter("circuit_breaker_opened_total", "Times a dependency's circuit breaker opened.",
                   labels, [b] { return static_cast<double>(b->opened_total()); });
  registry.counter("circuit_breaker_refused_total",
                   "Calls a dependency's open circuit breaker refused at once.", labels,
                   [b] { return static_cast<double>(b->refused_total()); });
}

}  // namespace brandos::observability
