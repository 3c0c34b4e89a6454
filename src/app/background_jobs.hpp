#pragma once
// Periodic maintenance run by this node: cancel orders left unpaid past the configured time
// (releasing their stock, through the same use case as a user's cancel) and reap idempotency
// keys older than 24 hours. Both are safe on several nodes at once (a cancelled order is skipped;
// deletes are idempotent); leader election will make them run once per cluster.
#include <boost/asio/awaitable.hpp>
#include <chrono>

#include "application/ordering/expire_unpaid_orders.hpp"

namespace brandos::app {

struct JobSettings {
  std::chrono::seconds unpaid_order_timeout{30 * 60};
  std::chrono::seconds interval{30};
};

// Runs until its io_context stops.
boost::asio::awaitable<void> run_background_jobs(application::CrossTenantMaintenance& maintenance,
                                                 const application::ExpireUnpaidOrders& expire,
                                                 JobSettings settings);

}  // namespace brandos::app
