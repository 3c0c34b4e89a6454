#include "app/background_jobs.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>

#include "infrastructure/observability/log.hpp"

namespace brandos::app {

namespace asio = boost::asio;

namespace {

constexpr int kExpiryBatch = 500;
constexpr int kReapBatch = 1000;

void job_failed(const char* job, const std::string& error) {
  observability::log_warn("job_failed").str("job", job).str("error", error).write();
}

}  // namespace

asio::awaitable<void> run_background_jobs(application::CrossTenantMaintenance& maintenance,
                                          const application::ExpireUnpaidOrders& expire,
                                          JobSettings settings, JobStop& stop) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto last_reap = std::chrono::steady_clock::time_point{};
  while (!stop.stopping) {
    // A bug in one run (a DatabaseBug, say) is reported (logged, counted) and the loop goes on:
    // the next run may well succeed, and a node without expiry is worse than a reported error.
    try {
      application::OperationContext job;
      job.request_id = "job:expire-unpaid-orders";
      job.deadline = std::chrono::steady_clock::now() + settings.interval;
      auto run = co_await expire(job, settings.unpaid_order_timeout, kExpiryBatch,
                                 [&stop] { return stop.stopping; });
      if (!run) {
        job_failed("expire_unpaid_orders", run.error().detail);
      } else {
        if (run->cancelled > 0)
          observability::log_info("unpaid_orders_cancelled")
              .num("orders", static_cast<std::int64_t>(run->cancelled))
              .write();
        if (run->failed > 0)
          job_failed("expire_unpaid_orders",
                     std::to_string(run->failed) + " orders could not be cancelled this run");
      }
      if (std::chrono::steady_clock::now() - last_reap > std::chrono::hours(1)) {
        last_reap = std::chrono::steady_clock::now();
        application::OperationContext reap;
        reap.request_id = "job:reap-idempotency-keys";
        reap.deadline = std::chrono::steady_clock::now() + settings.interval;
        // Batch after batch, each its own short transaction, until a batch comes back short, the
        // run's time is up or the node stops.
        std::int64_t total = 0;
        for (;;) {
          auto reaped =
              co_await maintenance.reap_idempotency_keys(reap, std::chrono::hours(24), kReapBatch);
          if (!reaped) {
            job_failed("reap_idempotency_keys", reaped.error().detail);
            break;
          }
          total += *reaped;
          if (*reaped < kReapBatch || stop.stopping ||
              std::chrono::steady_clock::now() >= reap.deadline)
            break;
        }
        if (total > 0)
          observability::log_info("idempotency_keys_reaped").num("keys", total).write();
      }
    } catch (...) {
      if (stop.report_bug) stop.report_bug("background_jobs", std::current_exception());
    }
    if (stop.stopping) break;
    timer.expires_after(settings.interval);
    stop.waiting = &timer;
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    stop.waiting = nullptr;
  }
  if (stop.ended) stop.ended();
}

}  // namespace brandos::app
