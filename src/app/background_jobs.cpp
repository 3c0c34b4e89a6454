#include "app/background_jobs.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "infrastructure/observability/log.hpp"

namespace brandos::app {

namespace asio = boost::asio;

namespace {
constexpr int kExpiryBatch = 500;
}

asio::awaitable<void> run_background_jobs(application::CrossTenantMaintenance& maintenance,
                                          const application::ExpireUnpaidOrders& expire,
                                          JobSettings settings) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto last_reap = std::chrono::steady_clock::time_point{};
  for (;;) {
    auto cancelled = co_await expire(settings.unpaid_order_timeout, kExpiryBatch);
    if (!cancelled) {
      observability::log_warn("job_failed")
          .str("job", "expire_unpaid_orders")
          .str("error", cancelled.error().detail)
          .write();
    } else if (*cancelled > 0) {
      observability::log_info("unpaid_orders_cancelled")
          .num("orders", static_cast<std::int64_t>(*cancelled))
          .write();
    }
    if (std::chrono::steady_clock::now() - last_reap > std::chrono::hours(1)) {
      last_reap = std::chrono::steady_clock::now();
      auto reaped = co_await maintenance.reap_idempotency_keys(std::chrono::hours(24));
      if (!reaped)
        observability::log_warn("job_failed")
            .str("job", "reap_idempotency_keys")
            .str("error", reaped.error().detail)
            .write();
    }
    timer.expires_after(settings.interval);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;  // shutting down
  }
}

}  // namespace brandos::app
