#include "infrastructure/postgres/outbox_nudge.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "infrastructure/postgres/query.hpp"

namespace brandos::pg {

namespace asio = boost::asio;

namespace {

constexpr Query kNotify{"outbox.nudge", "SELECT pg_notify('brandos_outbox', '')"};

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
  do {
    again_ = false;
    const std::vector<Statement> nudge{Statement(kNotify)};
    // Best effort: a failure leaves the relay to its poll.
    (void)co_await pool_.pipeline_shared(nudge, pool_.deadline());
  } while (again_);
  in_flight_ = false;
}

}  // namespace brandos::pg
