#include "infrastructure/postgres/principal_changes.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "infrastructure/observability/log.hpp"
#include "infrastructure/postgres/query.hpp"

namespace brandos::pg {

namespace asio = boost::asio;

namespace {

constexpr Query kListen{"principals.listen", "LISTEN brandos_principals"};
constexpr Query kEcho{"principals.echo", "SELECT pg_notify('brandos_principals', $1)"};
constexpr std::string_view kEchoPrefix = "echo:";
constexpr auto kQuiet = std::chrono::seconds(5);     // an echo after this long without news
constexpr auto kEchoWait = std::chrono::seconds(2);  // how long an echo may take to come back

// Evicts what the payloads name; true when `echo` was among them. Echoes (this node's or
// another's) are not changes.
bool apply(const std::vector<std::string>& payloads, local::PrincipalCache& cache,
           const std::string& echo) {
  bool echoed = false;
  for (const auto& p : payloads) {
    if (p.starts_with(kEchoPrefix)) {
      echoed = echoed || p == echo;
      continue;
    }
    cache.evict(p);
  }
  return echoed;
}

// Proves the connection still delivers notifications: sends one to the channel and waits for it
// to come back. A connection that died without a reset, or a LISTEN that a pooler (PgBouncer in
// transaction mode) silently dropped, fails here.
asio::awaitable<bool> echo_comes_back(Connection& conn, local::PrincipalCache& cache,
                                      std::mt19937_64& random) {
  const std::string echo = std::string(kEchoPrefix) + std::to_string(random());
  auto sent = co_await conn.execute(Statement(kEcho, echo), Clock::now() + kEchoWait);
  if (!sent) co_return false;
  const auto deadline = Clock::now() + kEchoWait;
  while (Clock::now() < deadline) {
    auto payloads = co_await conn.notifications(deadline);
    if (!payloads) co_return false;
    if (apply(*payloads, cache, echo)) co_return true;
  }
  co_return false;
}

}  // namespace

asio::awaitable<void> follow_principal_changes(ConnectionOptions options,
                                               local::PrincipalCache& cache) {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer backoff(executor);
  std::mt19937_64 random(std::random_device{}());
  auto delay = std::chrono::milliseconds(100);
  for (;;) {
    try {
      auto conn = co_await Connection::connect(executor, options);
      if (conn && co_await (*conn)->execute(Statement(kListen), Clock::now() + kEchoWait) &&
          co_await echo_comes_back(**conn, cache, random)) {
        cache.set_listening(true);
        observability::log_info("principal_cache_listening").write();
        delay = std::chrono::milliseconds(100);
        for (;;) {
          auto payloads = co_await (*conn)->notifications(Clock::now() + kQuiet);
          if (!payloads) break;
          if (payloads->empty()) {
            if (!co_await echo_comes_back(**conn, cache, random)) break;
            continue;
          }
          apply(*payloads, cache, "");
        }
      }
    } catch (...) {
      cache.set_listening(false);  // never leave the cache trusted behind a dead follower
      throw;
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
