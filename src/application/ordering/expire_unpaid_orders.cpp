#include "application/ordering/expire_unpaid_orders.hpp"

namespace brandos::application {

boost::asio::awaitable<Outcome<ExpireUnpaidOrders::Run>> ExpireUnpaidOrders::operator()(
    std::chrono::seconds older_than, int batch) const {
  auto due = co_await maintenance_.unpaid_orders(older_than, batch);
  if (!due) co_return std::unexpected(due.error());
  Run run;
  for (const auto& o : *due) {
    auto expired = co_await orders_.expire_unpaid(
        OperationContext::system(o.tenant_id, "job:expire-unpaid-orders"), o.order_id);
    if (!expired)
      ++run.failed;
    else if (*expired)
      ++run.cancelled;
  }
  co_return run;
}

}  // namespace brandos::application
