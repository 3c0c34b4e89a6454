#pragma once
// CrossTenantMaintenance on PostgreSQL: the SECURITY DEFINER lookups of migrations 0007, 0010 and
// 0017.
#include "application/ports/maintenance.hpp"
#include "infrastructure/postgres/pool.hpp"

namespace brandos::pg {

class CrossTenantMaintenance final : public application::CrossTenantMaintenance {
 public:
  explicit CrossTenantMaintenance(Pool& pool) : pool_(pool) {}
  boost::asio::awaitable<application::Outcome<std::vector<application::TenantOrder>>> unpaid_orders(
      const application::OperationContext& ctx, std::chrono::seconds older_than,
      int limit) override;
  boost::asio::awaitable<application::Outcome<std::vector<application::UnsettledWork>>>
  unsettled_payments(const application::OperationContext& ctx, int limit) override;
  boost::asio::awaitable<application::Outcome<std::int64_t>> reap_idempotency_keys(
      const application::OperationContext& ctx, std::chrono::seconds older_than,
      int batch) override;

 private:
  // On an exclusive connection (not the multiplexed one): these scan across tenants and may take
  // longer than the short reads sharing that connection should wait behind.
  boost::asio::awaitable<Expected<Result>> run(const application::OperationContext& ctx,
                                               Statement statement);
  Pool& pool_;
};

}  // namespace brandos::pg
