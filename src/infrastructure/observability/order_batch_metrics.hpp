#pragma once
// The order-batch port on Prometheus: orders_waiting_for_batch (gauge) and order_batch_size
// (histogram of orders per placing transaction; a batch of 1 is an order placed alone).
#include <atomic>

#include "application/ports/order_batch_metrics.hpp"
#include "infrastructure/observability/metrics.hpp"

namespace brandos::observability {

class PrometheusOrderBatchMetrics final : public application::OrderBatchMetrics {
 public:
  explicit PrometheusOrderBatchMetrics(Registry& registry);
  void waiting(int delta) override { waiting_.fetch_add(delta, std::memory_order_relaxed); }
  void ran(std::size_t orders) override { sizes_.observe(static_cast<double>(orders)); }

 private:
  std::atomic<int> waiting_{0};
  Histogram& sizes_;
};

}  // namespace brandos::observability
