#include "infrastructure/postgres/outbox_wake_ups.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "infrastructure/postgres/query.hpp"

namespace brandos::pg {

namespace asio = boost::asio;

namespace {

constexpr Query kListen{"outbox.listen", "LISTEN brandos_outbox"};
constexpr auto kReconnectEvery = std::chrono::seconds(1);

}  // namespace

asio::awaitable<bool> OutboxWakeUps::listen() {
  if (conn_) co_return true;
  if (Clock::now() < next_connect_) co_return false;
  next_connect_ = Clock::now() + kReconnectEvery;
  auto conn = co_await Connection::connect(co_await asio::this_coro::executor, options_);
  if (!conn) co_return false;
  if (!co_await (*conn)->execute(Statement(kListen), Clock::now() + kReconnectEvery))
    co_return false;
  conn_ = std::move(*conn);
  co_return true;
}

asio::awaitable<bool> OutboxWakeUps::wait(Clock::time_point deadline) {
  if (co_await listen()) {
    auto payloads = co_await conn_->notifications(deadline);
    if (payloads) co_return !payloads->empty();
    conn_.reset();  // broken: poll until the next reconnect
  }
  if (Clock::now() < deadline) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_at(deadline);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return false;
}

}  // namespace brandos::pg
