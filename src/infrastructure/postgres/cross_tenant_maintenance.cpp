#include "infrastructure/postgres/cross_tenant_maintenance.hpp"

#include "infrastructure/postgres/failure_of.hpp"
#include "infrastructure/postgres/job_lease_sql.hpp"
#include "infrastructure/postgres/query.hpp"
#include "infrastructure/postgres/row.hpp"

namespace brandos::pg {

namespace asio = boost::asio;
using application::Outcome;

namespace {

constexpr Query kUnpaidOrders{"orders.unpaid_due", R"sql(
SELECT tenant_id, order_id
FROM brandos.unpaid_orders_due(make_interval(secs => $1), $2))sql"};
constexpr Query kUnsettledPayments{"payments.unsettled_due", R"sql(
SELECT tenant_id, kind, id FROM brandos.unsettled_payments_due($1))sql"};
constexpr Query kReapKeys{"idempotency.reap", R"sql(
SELECT brandos.reap_idempotency_keys(make_interval(secs => $1), $2) AS reaped)sql"};

}  // namespace

asio::awaitable<Expected<Result>> CrossTenantMaintenance::run(
    const application::OperationContext& ctx, Statement statement) {
  auto c = co_await pool_.acquire();
  if (!c) co_return std::unexpected(std::move(c.error()));
  const auto deadline = std::min(ctx.deadline, pool_.deadline());
  if (!ctx.fence) co_return co_await (*c)->execute(statement, deadline);
  // A leader's job: the fence and the work under one Sync are one implicit transaction.
  std::vector<Statement> fenced;
  fenced.push_back(job_lease_sql::hold_lease(*ctx.fence));
  fenced.push_back(std::move(statement));
  auto r = co_await (*c)->pipeline(fenced, deadline);
  if (!r) co_return std::unexpected(std::move(r.error()));
  co_return std::move(r->back());
}

asio::awaitable<Outcome<std::vector<application::TenantOrder>>>
CrossTenantMaintenance::unpaid_orders(const application::OperationContext& ctx,
                                      std::chrono::seconds older_than, int limit) {
  auto r = co_await run(ctx, Statement(kUnpaidOrders, static_cast<std::int64_t>(older_than.count()),
                                       static_cast<std::int32_t>(limit)));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return map_rows(*r, [](const Row& row) {
    return application::TenantOrder{row.uuid("tenant_id"), row.uuid("order_id")};
  });
}

asio::awaitable<Outcome<std::vector<application::UnsettledWork>>>
CrossTenantMaintenance::unsettled_payments(const application::OperationContext& ctx, int limit) {
  auto r = co_await run(ctx, Statement(kUnsettledPayments, static_cast<std::int32_t>(limit)));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return map_rows(*r, [](const Row& row) {
    return application::UnsettledWork{row.uuid("tenant_id"), row.text("kind"), row.uuid("id")};
  });
}

asio::awaitable<Outcome<std::int64_t>> CrossTenantMaintenance::reap_idempotency_keys(
    const application::OperationContext& ctx, std::chrono::seconds older_than, int batch) {
  auto r = co_await run(ctx, Statement(kReapKeys, static_cast<std::int64_t>(older_than.count()),
                                       static_cast<std::int32_t>(batch)));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return Row(*r, 0).int64("reaped");
}

}  // namespace brandos::pg
