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
#include <expected>
#include <functional>
#include <memory>
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
  // Named prepared statements per connection. Turn off behind PgBouncer in transaction mode.
  bool prepared_statements = true;
  // Called after every round trip with its duration and outcome (metrics). Runs on the
  // connection's thread; must not block.
  std::function<void(double seconds, bool ok)> on_round_trip;
};

class Connection {
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
  Connection(boost::asio::any_io_executor executor, pg_conn* conn, const ConnectionOptions& options);

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

  pg_conn* conn_;
  boost::asio::posix::stream_descriptor socket_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<TimerState> timer_state_;
  bool prepared_enabled_;
  std::function<void(double, bool)> on_round_trip_;
  bool broken_ = false;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
  unsigned next_statement_ = 0;
};

}  // namespace brandos::pg
