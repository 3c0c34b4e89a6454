#include "app/background_jobs.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "infrastructure/observability/log.hpp"

namespace brandos::app {

namespace asio = boost::asio;

asio::awaitable<void> run_background_jobs(pg::Pool& pool, JobSettings settings) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const std::string unpaid_after =
      std::to_string(settings.unpaid_order_timeout.count()) + " seconds";
  auto last_reap = std::chrono::steady_clock::time_point{};
  for (;;) {
    auto cancelled = co_await pool.execute(
        pg::Statement("SELECT brandos.cancel_unpaid_orders($1::interval, 500)", unpaid_after));
    if (!cancelled) {
      observability::log_warn("job_failed")
          .str("job", "cancel_unpaid_orders")
          .str("error", cancelled.error().message)
          .write();
    } else if (const auto n = cancelled->int64(0, 0); n > 0) {
      observability::log_info("unpaid_orders_cancelled").num("orders", n).write();
    }
    if (std::chrono::steady_clock::now() - last_reap > std::chrono::hours(1)) {
      last_reap = std::chrono::steady_clock::now();
      auto reaped = co_await pool.execute(
          pg::Statement("SELECT brandos.reap_idempotency_keys(interval '24 hours')"));
      if (!reaped)
        observability::log_warn("job_failed")
            .str("job", "reap_idempotency_keys")
            .str("error", reaped.error().message)
            .write();
    }
    timer.expires_after(settings.interval);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;  // shutting down
  }
}

}  // namespace brandos::app
