#include "infrastructure/postgres/pool.hpp"

#include <boost/asio/co_spawn.hpp>

#include "infrastructure/observability/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace brandos::pg {

namespace asio = boost::asio;

struct Pool::Waiter {
  explicit Waiter(asio::any_io_executor ex) : wakeup(ex) {}
  asio::steady_timer wakeup;
  std::unique_ptr<Connection> handed;  // a released connection given directly to this waiter
  bool slot_freed = false;             // a slot opened up: this waiter may connect
};

PooledConnection& PooledConnection::operator=(PooledConnection&& o) noexcept {
  if (this != &o) {
    release();
    pool_ = o.pool_;
    conn_ = std::move(o.conn_);
  }
  return *this;
}

PooledConnection::~PooledConnection() {
  release();
}

void PooledConnection::release() {
  if (conn_ && pool_) pool_->release(std::move(conn_));
  conn_.reset();
}

Pool::Pool(asio::any_io_executor executor, PoolOptions options)
    : executor_(std::move(executor)), options_(std::move(options)) {}

Pool::~Pool() {
  close_idle();
}

void Pool::close_idle() {
  set_open(-static_cast<int>(idle_.size()));
  idle_.clear();
  std::erase_if(shared_, [this](const std::shared_ptr<Connection>& c) {
    if (c->in_flight() > 0) return false;
    set_open(-1);
    return true;
  });
}

void Pool::shut_down() {
  shut_down_ = true;
  close_idle();
  // Shared connections still in use are owned by their reader coroutines from here on.
  set_open(-static_cast<int>(shared_.size()));
  shared_.clear();
}

void Pool::wake_next_waiter() {
  if (waiters_.empty()) return;
  Waiter* w = waiters_.front();
  waiters_.pop_front();
  w->slot_freed = true;
  w->wakeup.cancel();
}

void Pool::set_open(int delta) {
  open_ += delta;
  stats_.open.store(open_, std::memory_order_relaxed);
}

asio::awaitable<Expected<std::unique_ptr<Connection>>> Pool::connect() {
  if (options_.breaker == nullptr)
    co_return co_await Connection::connect(executor_, options_.connection);
  const auto permit = options_.breaker->admit();
  if (!permit.allowed)
    co_return std::unexpected(
        Error{ErrorKind::connection_failed, "", "the database's circuit breaker is open"});
  auto c = co_await Connection::connect(executor_, options_.connection);
  if (c)
    options_.breaker->succeeded(permit);
  else
    options_.breaker->failed(permit);
  co_return c;
}

asio::awaitable<Expected<PooledConnection>> Pool::open_new() {
  set_open(+1);
  auto c = co_await connect();
  if (!c) {
    set_open(-1);
    // Let the next waiter try its own connect rather than wait out its deadline for nothing.
    wake_next_waiter();
    co_return std::unexpected(std::move(c.error()));
  }
  stats_.busy.fetch_add(1, std::memory_order_relaxed);
  co_return PooledConnection(this, std::move(*c));
}

asio::awaitable<Expected<PooledConnection>> Pool::acquire() {
  const auto deadline = Clock::now() + options_.acquire_timeout;
  for (;;) {
    while (!idle_.empty()) {
      std::unique_ptr<Connection> c = std::move(idle_.back());
      idle_.pop_back();
      if (!c->check_idle()) {
        set_open(-1);
        continue;
      }
      // Never inside a transaction: release() rolled it back before it came back here.
      stats_.busy.fetch_add(1, std::memory_order_relaxed);
      co_return PooledConnection(this, std::move(c));
    }
    if (open_ < options_.max_size) co_return co_await open_new();

    Waiter w(executor_);
    w.wakeup.expires_at(deadline);
    waiters_.push_back(&w);
    stats_.waiting.fetch_add(1, std::memory_order_relaxed);
    co_await w.wakeup.async_wait(asio::as_tuple(asio::use_awaitable));
    stats_.waiting.fetch_sub(1, std::memory_order_relaxed);
    std::erase(waiters_, &w);
    if (w.handed) co_return PooledConnection(this, std::move(w.handed));
    if (w.slot_freed) continue;
    co_return std::unexpected(
        Error{ErrorKind::pool_exhausted, "", "no connection available in time"});
  }
}

void Pool::release(std::unique_ptr<Connection> c) {
  stats_.busy.fetch_sub(1, std::memory_order_relaxed);
  if (shut_down_) {
    c.reset();
    set_open(-1);
    return;
  }
  if (c->broken()) {
    c.reset();
    set_open(-1);
    wake_next_waiter();
    return;
  }
  if (c->in_transaction()) {
    // Dropped mid-transaction (an early return, an exception): roll back now rather than when
    // the connection is next used, so its row locks go at once instead of blocking other
    // requests (on other threads' pools too) until then.
    stats_.busy.fetch_add(1, std::memory_order_relaxed);
    asio::co_spawn(executor_, roll_back_and_release(std::move(c)), [](std::exception_ptr e) {
      if (e) observability::log_task_failure("db_rollback", e);
    });
    return;
  }
  if (!waiters_.empty()) {
    Waiter* w = waiters_.front();
    waiters_.pop_front();
    stats_.busy.fetch_add(1, std::memory_order_relaxed);
    w->handed = std::move(c);
    w->wakeup.cancel();
    return;
  }
  idle_.push_back(std::move(c));
  wake_next_waiter();  // in-transaction connection: the waiter takes it via the idle path
}

asio::awaitable<void> Pool::roll_back_and_release(std::unique_ptr<Connection> c) {
  auto r = co_await c->execute(Statement("ROLLBACK"), Clock::now() + options_.query_timeout);
  if (!r || c->in_transaction()) c->mark_broken();  // then release() drops it
  release(std::move(c));
}

asio::awaitable<Expected<std::shared_ptr<Connection>>> Pool::shared_connection() {
  // Drop connections that broke (or died while idle, e.g. the server restarted).
  std::erase_if(shared_, [this](const std::shared_ptr<Connection>& c) {
    const bool dead = c->broken() || (c->in_flight() == 0 && !c->check_idle());
    if (dead) set_open(-1);
    return dead;
  });
  std::shared_ptr<Connection> best;
  for (const auto& c : shared_)
    if (!best || c->in_flight() < best->in_flight()) best = c;
  // Open another only when every shared connection is busy and the limit allows it.
  const bool room =
      static_cast<int>(shared_.size()) + shared_connecting_ < options_.shared_connections;
  if (best && (best->in_flight() == 0 || !room)) co_return best;
  if (!room) {
    // Others are connecting right now; wait for theirs rather than opening more.
    co_return std::unexpected(
        Error{ErrorKind::pool_exhausted, "", "shared connection is connecting"});
  }
  ++shared_connecting_;
  set_open(+1);
  auto c = co_await connect();
  --shared_connecting_;
  if (!c) {
    set_open(-1);
    if (best) co_return best;
    co_return std::unexpected(std::move(c.error()));
  }
  std::shared_ptr<Connection> conn = std::move(*c);
  shared_.push_back(conn);
  co_return conn;
}

asio::awaitable<Expected<Result>> Pool::execute(const Statement& statement) {
  co_return co_await execute(statement, deadline());
}

asio::awaitable<Expected<Result>> Pool::execute(const Statement& statement,
                                                Clock::time_point until) {
  auto r = co_await pipeline_shared(std::span<const Statement>(&statement, 1), until);
  if (!r) co_return std::unexpected(std::move(r.error()));
  co_return std::move(r->front());
}

asio::awaitable<Expected<std::vector<Result>>> Pool::pipeline_shared(
    std::span<const Statement> batch, Clock::time_point until) {
  if (options_.shared_connections <= 0 || shut_down_) {
    auto c = co_await acquire();
    if (!c) co_return std::unexpected(std::move(c.error()));
    co_return co_await (*c)->pipeline(batch, until);
  }
  for (;;) {
    auto c = co_await shared_connection();
    if (c) co_return co_await (*c)->pipeline_shared(batch, until);
    if (c.error().kind != ErrorKind::pool_exhausted || Clock::now() >= until)
      co_return std::unexpected(std::move(c.error()));
    // Another caller is opening the shared connection: yield and look again.
    asio::steady_timer pause(executor_);
    pause.expires_after(std::chrono::milliseconds(1));
    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<Expected<std::vector<Result>>> Pool::pipeline(std::span<const Statement> batch) {
  auto c = co_await acquire();
  if (!c) co_return std::unexpected(std::move(c.error()));
  co_return co_await (*c)->pipeline(batch, deadline());
}

}  // namespace brandos::pg
