#pragma once
// JobLeases on PostgreSQL: the lease functions of migration 0013, on an exclusive connection of
// the jobs' pool (a lease must not wait behind other callers' statements).
#include "application/ports/job_leases.hpp"
#include "infrastructure/postgres/pool.hpp"

namespace brandos::pg {

class JobLeases final : public application::JobLeases {
 public:
  explicit JobLeases(Pool& pool) : pool_(pool) {}
  boost::asio::awaitable<application::Outcome<std::optional<std::int64_t>>> take(
      const application::OperationContext& ctx, const std::string& job, const std::string& holder,
      std::chrono::milliseconds ttl) override;
  boost::asio::awaitable<void> release(const application::OperationContext& ctx,
                                       const std::string& job, const std::string& holder,
                                       std::int64_t epoch) override;

 private:
  Pool& pool_;
};

}  // namespace brandos::pg
