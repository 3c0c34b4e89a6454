#include "application/ordering/expire_unpaid_orders.hpp"

namespace brandos::application {

boost::asio::awaitable<Outcome<int>> ExpireUnpaidOrders::operator()(std::chrono::seconds older_than,
                                                                    int batch) const {
  auto due = co_await maintenance_.unpaid_orders(older_than, batch);
  if (!due) co_return std::unexpected(due.error());
  int cancelled = 0;
  for (const auto& o : *due) {
    auto expired = co_await orders_.expire_unpaid(
        OperationContext::system(o.tenant_id, "job:expire-unpaid-orders"), o.order_id);
    if (!expired) co_return std::unexpected(expired.error());
    if (*expired) ++cancelled;
  }
  co_return cancelled;
}

}  // namespace brandos::application
