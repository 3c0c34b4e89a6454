#include "application/ordering/expire_unpaid_orders.hpp"

namespace brandos::application {

boost::asio::awaitable<Outcome<ExpireUnpaidOrders::Run>> ExpireUnpaidOrders::operator()(
    const OperationContext& ctx, std::chrono::seconds older_than, int batch,
    std::function<bool()> stop) const {
  auto due = co_await maintenance_.unpaid_orders(ctx, older_than, batch);
  if (!due) co_return std::unexpected(due.error());
  Run run;
  for (const auto& o : *due) {
    if ((stop && stop()) || std::chrono::steady_clock::now() >= ctx.deadline) break;
    OperationContext in_tenant = OperationContext::system(o.tenant_id, ctx.request_id);
    in_tenant.deadline = ctx.deadline;
    in_tenant.fence = ctx.fence;  // each cancel is refused once this node no longer leads
    auto expired = co_await orders_.expire_unpaid(in_tenant, o.order_id);
    if (!expired && expired.error().slug == "lease-lost")
      co_return std::unexpected(expired.error());
    if (!expired)
      ++run.failed;
    else if (*expired)
      ++run.cancelled;
  }
  co_return run;
}

}  // namespace brandos::application
