#include "infrastructure/observability/business_metrics.hpp"

namespace brandos::observability {

namespace {
bool iso_currency(const std::string& c) {
  return c.size() == 3 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' && c[2] >= 'A' &&
         c[2] <= 'Z';
}
}  // namespace

PrometheusBusinessMetrics::PrometheusBusinessMetrics(Registry& registry)
    : registry_(registry),
      created_(registry.counter("brandos_orders_created_total", "Orders placed.")),
      paid_(registry.counter("brandos_orders_paid_total", "Orders paid.")),
      cancelled_(registry.counter("brandos_orders_cancelled_total",
                                  "Orders cancelled (by staff, by the unpaid-order expiry, or by "
                                  "the cancellation of a paid order).")) {}

void PrometheusBusinessMetrics::order_paid(const std::string& currency, std::int64_t amount) {
  paid_.inc();
  if (!iso_currency(currency) || amount <= 0) return;
  registry_
      .counter("brandos_revenue_minor_units_total",
               "Money taken by paid orders, in minor units of each currency.",
               {{"currency", currency}})
      .inc(static_cast<std::uint64_t>(amount));
}

void PrometheusBusinessMetrics::refunded(const std::string& currency, std::int64_t amount) {
  if (!iso_currency(currency) || amount <= 0) return;
  registry_
      .counter("brandos_refunds_minor_units_total",
               "Money given back by succeeded refunds, in minor units of each currency.",
               {{"currency", currency}})
      .inc(static_cast<std::uint64_t>(amount));
}

}  // namespace brandos::observability
