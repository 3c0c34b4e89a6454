#pragma once
// Periodic maintenance run by this node: cancel orders left unpaid past the configured time
// (releasing their stock) and reap idempotency keys older than 24 hours. Single-node for now:
// both are safe to run on several nodes at once (SKIP LOCKED; idempotent deletes), and leader
// election will make them run once per cluster.
#include <boost/asio/awaitable.hpp>
#include <chrono>

#include "infrastructure/postgres/pool.hpp"

namespace brandos::app {

struct JobSettings {
  std::chrono::seconds unpaid_order_timeout{30 * 60};
  std::chrono::seconds interval{30};
};

// Runs until the pool's io_context stops.
boost::asio::awaitable<void> run_background_jobs(pg::Pool& pool, JobSettings settings);

}  // namespace brandos::app
