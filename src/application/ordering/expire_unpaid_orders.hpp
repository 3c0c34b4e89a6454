#pragma once
// The unpaid-order expiry (API.md: orders left unpaid are cancelled after a configurable time,
// releasing their stock): finds due orders across tenants, then cancels each in a unit of work of
// its own tenant through ManageOrders, exactly as a user's cancel would (history, outbox, stock).
// Safe to run on several nodes at once: an order already cancelled or paid is skipped.
#include <functional>

#include "application/ordering/manage_orders.hpp"
#include "application/ports/maintenance.hpp"

namespace brandos::application {

class ExpireUnpaidOrders {
 public:
  ExpireUnpaidOrders(CrossTenantMaintenance& maintenance, const ManageOrders& orders)
      : maintenance_(maintenance), orders_(orders) {}

  struct Run {
    int cancelled = 0;
    int failed = 0;  // left for the next run: the database refused or was unreachable
  };
  // One order's failure does not stop the others; not finding the due orders is the Outcome's
  // failure. `ctx` is the job run's: past its deadline, or once `stop` says so, the remaining
  // orders are left for the next run. Each order gets a context of its own tenant with the same
  // deadline.
  boost::asio::awaitable<Outcome<Run>> operator()(const OperationContext& ctx,
                                                  std::chrono::seconds older_than, int batch,
                                                  std::function<bool()> stop = {}) const;

 private:
  CrossTenantMaintenance& maintenance_;
  const ManageOrders& orders_;
};

}  // namespace brandos::application
