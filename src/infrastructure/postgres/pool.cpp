#include "infrastructure/postgres/pool.hpp"

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

PooledConnection::~PooledConnection() { release(); }

void PooledConnection::release() {
  if (conn_ && pool_) pool_->release(std::move(conn_));
  conn_.reset();
}

Pool::Pool(asio::any_io_executor executor, PoolOptions options)
    : executor_(std::move(executor)), options_(std::move(options)) {}

Pool::~Pool() { close_idle(); }

void Pool::close_idle() {
  set_open(-static_cast<int>(idle_.size()));
  idle_.clear();
}

void Pool::shut_down() {
  shut_down_ = true;
  close_idle();
}

void Pool::set_open(int delta) {
  open_ += delta;
  stats_.open.store(open_, std::memory_order_relaxed);
}

asio::awaitable<Expected<PooledConnection>> Pool::open_new() {
  set_open(+1);
  auto c = co_await Connection::connect(executor_, options_.connection);
  if (!c) {
    set_open(-1);
    // Let the next waiter try its own connect rather than wait out its deadline for nothing.
    if (!waiters_.empty()) {
      Waiter* w = waiters_.front();
      waiters_.pop_front();
      w->slot_freed = true;
      w->wakeup.cancel();
    }
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
      stats_.busy.fetch_add(1, std::memory_order_relaxed);
      PooledConnection handle(this, std::move(c));
      if (handle->in_transaction()) {
        // Returned mid-transaction (its owner gave up or failed): roll back before reuse.
        auto r = co_await handle->execute(Statement("ROLLBACK"), deadline);
        if (!r) {
          handle->mark_broken();  // the handle's release drops it
          continue;
        }
      }
      co_return handle;
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
    co_return std::unexpected(Error{ErrorKind::pool_exhausted, "", "no connection available in time"});
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
    if (!waiters_.empty()) {
      Waiter* w = waiters_.front();
      waiters_.pop_front();
      w->slot_freed = true;
      w->wakeup.cancel();
    }
    return;
  }
  if (!waiters_.empty() && !c->in_transaction()) {
    Waiter* w = waiters_.front();
    waiters_.pop_front();
    stats_.busy.fetch_add(1, std::memory_order_relaxed);
    w->handed = std::move(c);
    w->wakeup.cancel();
    return;
  }
  idle_.push_back(std::move(c));
  if (!waiters_.empty()) {  // in-transaction connection: the waiter takes it via the idle path
    Waiter* w = waiters_.front();
    waiters_.pop_front();
    w->slot_freed = true;
    w->wakeup.cancel();
  }
}

asio::awaitable<Expected<Result>> Pool::execute(const Statement& statement) {
  auto c = co_await acquire();
  if (!c) co_return std::unexpected(std::move(c.error()));
  co_return co_await (*c)->execute(statement, deadline());
}

asio::awaitable<Expected<std::vector<Result>>> Pool::pipeline(std::span<const Statement> batch) {
  auto c = co_await acquire();
  if (!c) co_return std::unexpected(std::move(c.error()));
  co_return co_await (*c)->pipeline(batch, deadline());
}

}  // namespace brandos::pg
