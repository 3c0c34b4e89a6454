#include "app/modules/jobs_module.hpp"

#include <boost/asio/post.hpp>

namespace brandos::app {

void JobsModule::start() {
  expire_ = std::make_unique<application::ExpireUnpaidOrders>(database_.maintenance(0),
                                                              ordering_.orders(0));
  stop_.ended = [this] {
    std::lock_guard lock(mutex_);
    ended_ = true;
    ended_cv_.notify_all();
  };
  stop_.report_bug = [this](std::string_view job, std::exception_ptr e) {
    runtime_.report_failure(job, e);
  };
  runtime_.spawn(
      0, "background_jobs",
      run_background_jobs(database_.maintenance(0), *expire_,
                          JobSettings{std::chrono::seconds(config_.unpaid_order_timeout_s),
                                      std::chrono::seconds(config_.job_interval_s)},
                          stop_));
}

// The loop ends after the order it is on (or at once, when it is waiting for its next run).
void JobsModule::begin_stop() {
  boost::asio::post(runtime_.io(0), [this] {
    stop_.stopping = true;
    if (stop_.waiting) stop_.waiting->cancel();
  });
}

// Past the bound, a run still going is abandoned with the io_context: the cancel it is on either
// committed whole or rolls back with its connection, so nothing half-done stays behind.
void JobsModule::wait_stopped(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  ended_cv_.wait_until(lock, deadline, [this] { return ended_; });
}

}  // namespace brandos::app
