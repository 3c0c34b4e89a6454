#pragma once
// One PostgreSQL connection driven asynchronously on an Asio executor: libpq in non-blocking
// pipeline mode, its socket watched by Asio, so a batch of statements costs one round trip and
// no thread ever blocks on the database.
//
// Thread-safety: none. A connection belongs to one io_context and is used by one coroutine at a
// time (the pool hands it out exclusively). Every operation has a deadline; when it passes, a
// cancel request is sent to the server and the connection is marked broken (it cannot be reused:
// the cancel could otherwise hit the next statement).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "infrastructure/postgres/pg_error.hpp"
#include "infrastructure/postgres/result.hpp"
#include "infrastructure/postgres/statement.hpp"

struct pg_conn;

namespace brandos::pg {

template <class T>
using Expected = std::expected<T, Error>;
using Clock = std::chrono::steady_clock;

struct ConnectionOptions {
  std::string conninfo;  // libpq keyword/value string or postgresql:// URL
  std::string application_name = "brandos";
  std::chrono::milliseconds connect_timeout{5000};
  // Server-side guard: a statement running past this is cancelled by PostgreSQL itself, even if
  // this process dies. 0 disables.
  std::chrono::milliseconds statement_timeout{5000};
  // Server-side guard: a session idle inside a transaction this long is ended by PostgreSQL, so
  // a connection left mid-transaction (a bug, a hung process) cannot keep its row locks. Our
  // transactions never wait on anything but their own round trips. 0 disables.
  std::chrono::milliseconds idle_in_transaction_timeout{10000};
  // While a statement runs, PostgreSQL checks this often whether the client is still connected
  // and ends the session if not: a killed process's statements (and the locks and idempotency
  // claims they hold) do not outlive it by a lock wait. 0 disables.
  std::chrono::milliseconds client_check_interval{1000};
  // Named prepared statements per connection. Turn off behind PgBouncer in transaction mode.
  bool prepared_statements = true;
  // Called after every round trip with its duration, outcome and label: the names of its named
  // statements, comma-separated ("orders.lock,tenant.set"), for metrics and slow-query logs.
  // Runs on the connection's thread; must not block.
  std::function<void(double seconds, bool ok, std::string_view label)> on_round_trip;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  static boost::asio::awaitable<Expected<std::unique_ptr<Connection>>> connect(
      boost::asio::any_io_executor executor, const ConnectionOptions& options);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends every statement, then one Sync, and reads all results: one round trip. Statements
  // after a failing one are not executed (the server aborts the rest of the pipeline) and the
  // first error is returned. Outside an explicit transaction the batch is one implicit
  // transaction: all of it commits, or none of it.
  boost::asio::awaitable<Expected<std::vector<Result>>> pipeline(std::span<const Statement> batch,
                                                                 Clock::time_point deadline);
  boost::asio::awaitable<Expected<Result>> execute(const Statement& statement,
                                                   Clock::time_point deadline);

  // Multiplexed use: many coroutines share this connection, one auto-commit statement each.
  // Each statement is sent at once, followed by its own Sync, so it is its own transaction and
  // its failure touches no other; the server answers them in order and one reader coroutine
  // hands each result to its caller. Many concurrent requests then cost the database one
  // backend and few wake-ups instead of one round trip each. The connection must be owned by a
  // std::shared_ptr and never be used with pipeline() at the same time. A deadline that passes
  // breaks the connection (a slow statement would otherwise hold up every one behind it).
  boost::asio::awaitable<Expected<Result>> execute_shared(const Statement& statement,
                                                          Clock::time_point deadline);
  // The same for a few statements sent together under one Sync: one implicit transaction of
  // their own (a read's tenant setting and its query), atomic and isolated from the statements
  // of the other callers before and after it. Their results, in order.
  boost::asio::awaitable<Expected<std::vector<Result>>> pipeline_shared(
      std::span<const Statement> batch, Clock::time_point deadline);
  std::size_t in_flight() const { return shared_.size(); }

  // For a connection that ran LISTEN and nothing else since: waits for notifications until
  // `deadline` and returns their payloads (none when the deadline passed first). A broken
  // connection is an error.
  boost::asio::awaitable<Expected<std::vector<std::string>>> notifications(
      Clock::time_point deadline);

  bool broken() const { return broken_; }
  // The owner saw it misbehave: the pool must not hand it out again.
  void mark_broken() { broken_ = true; }
  // True while a transaction is open (or failed) on the server side.
  bool in_transaction() const;
  // Cheap, non-blocking liveness check for an idle connection: reads whatever the server sent
  // while idle (a FATAL from a shutting-down server, an EOF) without waiting.
  bool check_idle();
  std::size_t prepared_count() const { return prepared_.size(); }
  int backend_pid() const;

 private:
  struct TimerState;
  Connection(boost::asio::any_io_executor executor, pg_conn* conn,
             const ConnectionOptions& options);

  // Hands a finished round trip's time, outcome and statement names to on_round_trip_.
  void report_round_trip(Clock::time_point start, bool ok, std::span<const Statement> batch) const;
  boost::asio::awaitable<Expected<std::vector<Result>>> run_shared(std::span<const Statement> batch,
                                                                   Clock::time_point deadline);
  boost::asio::awaitable<Expected<std::vector<Result>>> run_pipeline(
      std::span<const Statement> batch, Clock::time_point deadline);
  enum class Wait { read, write };
  // Waits for the socket; false on timeout or socket error (connection then marked broken).
  boost::asio::awaitable<bool> wait(Wait what);
  boost::asio::awaitable<bool> flush();
  void arm(Clock::time_point deadline);
  void disarm();
  Error fail(ErrorKind kind, std::string message);
  Error connection_error(std::string_view what);
  void send_cancel();

  struct SharedWaiter;
  struct SharedEntry {
    std::vector<bool> prepares;              // per result expected: is it a prepare's
    std::vector<std::string> prepared_sqls;  // prepares sent: forgotten if the segment fails
    std::size_t results_seen = 0;
    std::vector<Result> results;
    std::optional<Error> error;
    SharedWaiter* waiter = nullptr;  // null once its caller gave up
  };
  // Sends the statement's messages; false when the connection broke.
  bool send_statement(const Statement& s, bool& sent_prepare, const std::string*& prepared_sql);
  static boost::asio::awaitable<void> read_shared(std::shared_ptr<Connection> self);
  void fail_shared(const Error& error);

  pg_conn* conn_;
  std::deque<SharedEntry> shared_;
  bool reader_running_ = false;
  boost::asio::posix::stream_descriptor socket_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<TimerState> timer_state_;
  bool prepared_enabled_;
  std::function<void(double, bool, std::string_view)> on_round_trip_;
  bool broken_ = false;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
  unsigned next_statement_ = 0;
};

}  // namespace brandos::pg
