#include "infrastructure/postgres/principal_changes.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "infrastructure/observability/log.hpp"

namespace brandos::pg {

namespace asio = boost::asio;

asio::awaitable<void> follow_principal_changes(ConnectionOptions options,
                                               local::PrincipalCache& cache) {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer backoff(executor);
  auto delay = std::chrono::milliseconds(100);
  for (;;) {
    auto conn = co_await Connection::connect(executor, options);
    if (conn) {
      auto listening = co_await (*conn)->execute(Statement("LISTEN brandos_principals"),
                                                 Clock::now() + options.connect_timeout);
      if (listening) {
        cache.set_listening(true);
        observability::log_info("principal_cache_listening").write();
        delay = std::chrono::milliseconds(100);
        for (;;) {
          auto payloads = co_await (*conn)->notifications(Clock::now() + std::chrono::seconds(5));
          if (!payloads) break;
          for (const auto& p : *payloads) cache.evict(p);
        }
      }
    }
    cache.set_listening(false);
    observability::log_warn("principal_cache_not_listening")
        .str("hint", "requests re-read their caller from the database until it reconnects")
        .write();
    backoff.expires_after(delay);
    auto [ec] = co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    delay = std::min(delay * 2, std::chrono::milliseconds(5000));
  }
}

}  // namespace brandos::pg
