#pragma once
// A pool of PostgreSQL connections for one io_context (thread-per-core: each I/O thread has its
// own pool, so acquiring a connection takes no lock). Connections are opened lazily up to
// max_size; callers beyond that wait in FIFO order until one is released or their deadline
// passes. Broken connections are dropped and replaced on demand, so the pool recovers by itself
// when PostgreSQL restarts. A connection returned inside an open transaction is rolled back
// before its next use.
//
// Thread-safety: all member functions must be called on the pool's executor; only stats() may be
// read from any thread. The pool must outlive every PooledConnection it handed out.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "application/resilience/circuit_breaker.hpp"
#include "infrastructure/observability/span_exporter.hpp"
#include "infrastructure/postgres/connection.hpp"

namespace brandos::pg {

// A round trip of a unit of work that took longer than PoolOptions::slow_query.
struct SlowQuery {
  std::string statements;  // their names, "tenant.set,orders.lock"
  double milliseconds = 0;
  std::string tenant;    // empty before the tenant is known
  std::string trace_id;  // empty without a trace
  bool ok = true;
};

struct PoolOptions {
  ConnectionOptions connection;
  int max_size = 8;
  std::chrono::milliseconds acquire_timeout{2000};
  std::chrono::milliseconds query_timeout{5000};  // default deadline for each round trip
  // Connections that execute() multiplexes single auto-commit statements over, in addition to
  // max_size exclusive ones. 0 sends execute() through an exclusive connection instead.
  int shared_connections = 1;
  // The database's circuit breaker (shared by every pool of the database; may be null): opening
  // a connection goes through it, so while PostgreSQL is unreachable requests fail at once with
  // 503 instead of each waiting for its own connect attempt to fail (ADR 0019).
  application::CircuitBreaker* breaker = nullptr;
  // Units of work report their round trips slower than this (0: off) to on_slow_query, which
  // runs on the pool's thread and must not block.
  std::chrono::milliseconds slow_query{0};
  std::function<void(const SlowQuery&)> on_slow_query;
  // Units of work with a sampled trace export a span per round trip (may be null: tracing off).
  observability::SpanExporter* spans = nullptr;
};

struct PoolStats {
  std::atomic<int> open{0};     // connected or connecting
  std::atomic<int> busy{0};     // handed out
  std::atomic<int> waiting{0};  // callers queued for a connection
};

class Pool;

// Exclusive use of one connection; returns it to the pool when destroyed.
class PooledConnection {
 public:
  PooledConnection() = default;
  PooledConnection(Pool* pool, std::unique_ptr<Connection> c) : pool_(pool), conn_(std::move(c)) {}
  PooledConnection(PooledConnection&& o) noexcept = default;
  PooledConnection& operator=(PooledConnection&& o) noexcept;
  ~PooledConnection();

  Connection& operator*() const { return *conn_; }
  Connection* operator->() const { return conn_.get(); }
  explicit operator bool() const { return conn_ != nullptr; }

 private:
  void release();
  Pool* pool_ = nullptr;
  std::unique_ptr<Connection> conn_;
};

class Pool {
 public:
  Pool(boost::asio::any_io_executor executor, PoolOptions options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  boost::asio::awaitable<Expected<PooledConnection>> acquire();

  // One auto-commit statement, multiplexed with other callers' statements over a shared
  // connection (see Connection::execute_shared). For short statements: reads by key, health
  // checks. Anything that needs a transaction or takes long uses acquire() or Transaction.
  boost::asio::awaitable<Expected<Result>> execute(const Statement& statement);
  boost::asio::awaitable<Expected<Result>> execute(const Statement& statement,
                                                   Clock::time_point deadline);
  // A few statements under one Sync (one implicit transaction of their own), multiplexed with
  // other callers' over a shared connection like execute(): for reads of one round trip.
  boost::asio::awaitable<Expected<std::vector<Result>>> pipeline_shared(
      std::span<const Statement> batch, Clock::time_point deadline);
  // One pipelined batch (one implicit transaction) on an exclusive connection.
  boost::asio::awaitable<Expected<std::vector<Result>>> pipeline(std::span<const Statement> batch);

  Clock::time_point deadline() const { return Clock::now() + options_.query_timeout; }
  const boost::asio::any_io_executor& executor() const { return executor_; }
  const PoolOptions& options() const { return options_; }
  const PoolStats& stats() const { return stats_; }
  // Closes idle connections (used on shutdown and by tests).
  void close_idle();
  // Closes idle connections and closes every connection released from now on. Call after the
  // io_context stopped and before destroying it, so connections still held by abandoned
  // coroutines are closed as those coroutines are destroyed.
  void shut_down();

 private:
  friend class PooledConnection;
  struct Waiter;
  void release(std::unique_ptr<Connection> c);
  boost::asio::awaitable<void> roll_back_and_release(std::unique_ptr<Connection> c);
  boost::asio::awaitable<Expected<PooledConnection>> open_new();
  // Connection::connect through the breaker.
  boost::asio::awaitable<Expected<std::unique_ptr<Connection>>> connect();
  void set_open(int delta);
  // A slot or an idle connection became available: the first waiter looks again.
  void wake_next_waiter();

  boost::asio::any_io_executor executor_;
  PoolOptions options_;
  boost::asio::awaitable<Expected<std::shared_ptr<Connection>>> shared_connection();

  std::vector<std::unique_ptr<Connection>> idle_;
  std::vector<std::shared_ptr<Connection>> shared_;
  int shared_connecting_ = 0;
  std::deque<Waiter*> waiters_;
  int open_ = 0;
  bool shut_down_ = false;
  PoolStats stats_;
};

}  // namespace brandos::pg
