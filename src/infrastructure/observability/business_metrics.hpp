#pragma once
// The business on Prometheus: brandos_orders_created_total, brandos_orders_paid_total,
// brandos_orders_cancelled_total, brandos_revenue_minor_units_total{currency} and
// brandos_refunds_minor_units_total{currency}. Currencies are ISO 4217 codes (the database
// checks them), so the label's cardinality is bounded.
#include "application/ports/business_metrics.hpp"
#include "infrastructure/observability/metrics.hpp"

namespace brandos::observability {

class PrometheusBusinessMetrics final : public application::BusinessMetrics {
 public:
  explicit PrometheusBusinessMetrics(Registry& registry);
  void orders_created(std::size_t orders) override { created_.inc(orders); }
  void order_paid(const std::string& currency, std::int64_t amount) override;
  void order_cancelled() override { cancelled_.inc(); }
  void refunded(const std::string& currency, std::int64_t amount) override;

 private:
  Registry& registry_;
  Counter& created_;
  Counter& paid_;
  Counter& cancelled_;
};

}  // namespace brandos::observability
