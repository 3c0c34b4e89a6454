#include "infrastructure/observability/order_batch_metrics.hpp"

namespace brandos::observability {

PrometheusOrderBatchMetrics::PrometheusOrderBatchMetrics(Registry& registry)
    : sizes_(registry.histogram("order_batch_size",
                                "Orders per placing transaction (1: placed alone).", {},
                                {1, 2, 4, 8, 16, 32, 64, 128, 256})) {
  registry.gauge("orders_waiting_for_batch",
                 "Orders queued behind their tenant's running batch on this node.", {},
                 [this] { return static_cast<double>(waiting_.load(std::memory_order_relaxed)); });
}

}  // namespace brandos::observability
