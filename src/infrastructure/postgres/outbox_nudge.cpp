#include "infrastructure/postgres/outbox_nudge.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "infrastructure/postgres/query.hpp"

namespace brandos::pg {

namespace asio = boost::asio;

namespace {

constexpr Query kNotify{"outbox.nudge", "SELECT pg_notify('brandos_outbox', '')"};
constexpr auto kInterval = std::chrono::milliseconds(10);

}  // namespace

void OutboxNudge::written() {
  if (in_flight_) {
    again_ = true;
    return;
  }
  in_flight_ = true;
  asio::co_spawn(pool_.executor(), send(), asio::detached);
}

asio::awaitable<void> OutboxNudge::send() {
  asio::steady_timer pause(pool_.executor());
  do {
    again_ = false;
    const std::vector<Statement> nudge{Statement(kNotify)};
    // Best effort: a failure leaves the relay to its poll.
    (void)co_await pool_.pipeline_shared(nudge, pool_.deadline());
    // At most one nudge per interval per thread: under load the relay is busy anyway, and each
    // nudge is a transaction of its own for PostgreSQL.
    pause.expires_after(kInterval);
    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
  } while (again_);
  in_flight_ = false;
}

}  // namespace brandos::pg
