#include "application/payments/settle_unfinished_payments.hpp"

namespace brandos::application {

boost::asio::awaitable<Outcome<SettleUnfinishedPayments::Run>> SettleUnfinishedPayments::operator()(
    const OperationContext& ctx, int batch, std::function<bool()> stop) const {
  auto due = co_await maintenance_.unsettled_payments(ctx, batch);
  if (!due) co_return std::unexpected(due.error());
  Run run;
  for (const auto& work : *due) {
    if ((stop && stop()) || std::chrono::steady_clock::now() >= ctx.deadline) break;
    OperationContext in_tenant = OperationContext::system(work.tenant_id, ctx.request_id);
    in_tenant.deadline = ctx.deadline;
    in_tenant.fence = ctx.fence;
    Outcome<bool> done = false;
    if (work.kind == "payment")
      done = co_await payments_.finish(in_tenant, work.id);
    else if (work.kind == "refund")
      done = co_await refunds_.finish(in_tenant, work.id);
    else
      done = co_await cancellations_.resume(in_tenant, work.id);
    if (!done && done.error().slug == "lease-lost") co_return std::unexpected(done.error());
    if (!done) {
      ++run.failed;
      // The gateway (or the database) is down: the rest would fail the same way; they wait for
      // the next run rather than each spending a lease and a round trip now.
      if (done.error().code == FailureCode::unavailable) break;
    } else if (*done) {
      ++run.finished;
    }
  }
  co_return run;
}

}  // namespace brandos::application
