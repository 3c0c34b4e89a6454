#pragma once
// A background job that one node of the cluster runs at a time: the loop takes or renews the
// job's lease before each run (LeaderLease), runs the job only while it leads, with the lease's
// fence in the run's OperationContext, and lets the lease go when it stops (ADR 0015).
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <string_view>

#include "application/jobs/leader_lease.hpp"
#include "infrastructure/observability/metrics.hpp"

namespace brandos::app {

// How a loop is asked to stop. `stopping` and `waiting` are touched only on the loop's own
// thread: set `stopping` and cancel `*waiting` (when set), and the loop ends after the run it is
// on. `ended` is called (on that thread) when it has; `report_bug` gets an exception a run ended
// with.
struct JobStop {
  // The epoch this node leads the job with, 0 when it does not: written by the loop, read by
  // metrics scrapes on other threads.
  std::atomic<std::int64_t> leading_epoch{0};
  bool stopping = false;
  boost::asio::steady_timer* waiting = nullptr;
  std::function<void()> ended;
  std::function<void(std::string_view job, std::exception_ptr error)> report_bug;
};

struct LeaderJob {
  std::chrono::milliseconds every{30000};       // between runs
  std::chrono::milliseconds run_budget{30000};  // a run's deadline
  // One run, under ctx.fence. True: run again at once (there is more to do).
  std::function<boost::asio::awaitable<bool>(const application::OperationContext&)> run;
  // When set, waits between runs instead of a timer, returning early when there is work (the
  // relay's wake-ups); bounded by the deadline it is given.
  std::function<boost::asio::awaitable<bool>(std::chrono::steady_clock::time_point)> wait_for_work;
};

boost::asio::awaitable<void> run_leader_job(application::LeaderLease& lease, LeaderJob job,
                                            JobStop& stop, observability::Counter& changes);

// A stable, readable name for this process as a lease holder: host, pid and a random suffix.
std::string lease_holder_name();

}  // namespace brandos::app
