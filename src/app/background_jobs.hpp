#pragma once
// Periodic maintenance run by this node: cancel orders left unpaid past the configured time
// (releasing their stock, through the same use case as a user's cancel) and reap idempotency
// keys older than 24 hours. Both are safe on several nodes at once (a cancelled order is skipped;
// deletes are idempotent); leader election will make them run once per cluster.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <string_view>

#include "application/ordering/expire_unpaid_orders.hpp"

namespace brandos::app {

struct JobSettings {
  std::chrono::seconds unpaid_order_timeout{30 * 60};
  std::chrono::seconds interval{30};
};

// How the loop is asked to stop. `stopping` and `waiting` are touched only on the loop's own
// thread: set `stopping` and cancel `*waiting` (when set), and the loop ends after the order it
// is on. `ended` is called (on that thread) when it has; `report_bug` gets an exception a run
// ended with.
struct JobStop {
  bool stopping = false;
  boost::asio::steady_timer* waiting = nullptr;
  std::function<void()> ended;  // called when the loop has ended
  std::function<void(std::string_view job, std::exception_ptr error)> report_bug;
};

boost::asio::awaitable<void> run_background_jobs(application::CrossTenantMaintenance& maintenance,
                                                 const application::ExpireUnpaidOrders& expire,
                                                 JobSettings settings, JobStop& stop);

}  // namespace brandos::app
