#pragma once
// Port: what background jobs must find across all tenants before they can act in one. Each
// lookup is a narrow database function (it returns ids, never tenant data); the action itself
// runs in a unit of work of the tenant, like a user's request.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "application/failure.hpp"
#include "application/operation_context.hpp"
#include "domain/uuid.hpp"

namespace brandos::application {

struct TenantOrder {
  domain::Uuid tenant_id;
  domain::Uuid order_id;
};

// Work the payment settlement job must finish: kind is "payment", "refund" or "cancellation".
struct UnsettledWork {
  domain::Uuid tenant_id;
  std::string kind;
  domain::Uuid id;
};

class CrossTenantMaintenance {
 public:
  virtual ~CrossTenantMaintenance() = default;
  // Orders still pending payment that were placed more than `older_than` ago, oldest first.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::vector<TenantOrder>>> unpaid_orders(
      const OperationContext& ctx, std::chrono::seconds older_than, int limit) = 0;
  // Deletes up to `batch` idempotency keys older than `older_than` (kept 24 hours at least), in
  // one short transaction; how many went. Fewer than `batch` means none are left.
  // Payments and refunds left pending and cancellations left running whose driver's lease lapsed,
  // the longest-lapsed first (at most 1,000).
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::vector<UnsettledWork>>>
  unsettled_payments(const OperationContext& ctx, int limit) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::int64_t>> reap_idempotency_keys(
      const OperationContext& ctx, std::chrono::seconds older_than, int batch) = 0;
};

}  // namespace brandos::application
