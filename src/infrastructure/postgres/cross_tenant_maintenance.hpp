#pragma once
// CrossTenantMaintenance on PostgreSQL: the SECURITY DEFINER lookups of migrations 0004 and 0007.
#include "application/ports/maintenance.hpp"
#include "infrastructure/postgres/pool.hpp"

namespace brandos::pg {

class CrossTenantMaintenance final : public application::CrossTenantMaintenance {
 public:
  explicit CrossTenantMaintenance(Pool& pool) : pool_(pool) {}
  boost::asio::awaitable<application::Outcome<std::vector<application::TenantOrder>>> unpaid_orders(
      std::chrono::seconds older_than, int limit) override;
  boost::asio::awaitable<application::Outcome<std::int64_t>> reap_idempotency_keys(
      std::chrono::seconds older_than) override;

 private:
  Pool& pool_;
};

}  // namespace brandos::pg
