#include "app/modules/jobs_module.hpp"

#include <boost/asio/post.hpp>

namespace brandos::app {

void JobsModule::start() {
  expire_ = std::make_unique<application::ExpireUnpaidOrders>(database_.maintenance(0),
                                                              ordering_.orders(0));
  runtime_.spawn(
      0, "background_jobs",
      run_background_jobs(database_.maintenance(0), *expire_,
                          JobSettings{std::chrono::seconds(config_.unpaid_order_timeout_s),
                                      std::chrono::seconds(config_.job_interval_s)},
                          stop_));
}

// The loop ends at its next wait; a run in progress finishes (or, past the shutdown bound, is
// abandoned with the io_context and its transaction rolls back).
void JobsModule::begin_stop() {
  boost::asio::post(runtime_.io(0), [this] {
    stop_.stopping = true;
    if (stop_.waiting) stop_.waiting->cancel();
  });
}

}  // namespace brandos::app
