#include "infrastructure/postgres/job_leases.hpp"

#include "infrastructure/postgres/failure_of.hpp"
#include "infrastructure/postgres/job_lease_sql.hpp"
#include "infrastructure/postgres/row.hpp"

namespace brandos::pg {

namespace asio = boost::asio;
using application::Outcome;
using namespace job_lease_sql;

asio::awaitable<Outcome<std::optional<std::int64_t>>> JobLeases::take(
    const application::OperationContext& ctx, const std::string& job, const std::string& holder,
    std::chrono::milliseconds ttl) {
  auto c = co_await pool_.acquire();
  if (!c) co_return std::unexpected(failure_or_throw(c.error()));
  auto r = co_await (*c)->execute(
      Statement(kTakeLease, job, holder, static_cast<std::int32_t>(ttl.count())),
      std::min(ctx.deadline, pool_.deadline()));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  if (r->rows() == 0) co_return std::optional<std::int64_t>{};
  co_return std::optional<std::int64_t>(Row(*r, 0).int64("epoch"));
}

asio::awaitable<void> JobLeases::release(const application::OperationContext& ctx,
                                         const std::string& job, const std::string& holder,
                                         std::int64_t epoch) {
  auto c = co_await pool_.acquire();
  if (!c) co_return;  // the lease lapses on its own
  (void)co_await (*c)->execute(Statement(kReleaseLease, job, holder, epoch),
                               std::min(ctx.deadline, pool_.deadline()));
}

}  // namespace brandos::pg
