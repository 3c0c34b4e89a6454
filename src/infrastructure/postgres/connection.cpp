#include "infrastructure/postgres/connection.hpp"

#include <algorithm>

#include "infrastructure/observability/log.hpp"
#include "infrastructure/postgres/cancel_requests.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace brandos::pg {

namespace asio = boost::asio;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

std::string first_line(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

Error error_from_result(const PGresult* r) {
  Error e;
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  const char* constraint = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME);
  e.sqlstate = state ? state : "";
  e.message = primary ? primary : first_line(PQresultErrorMessage(r));
  e.constraint = constraint ? constraint : "";
  e.kind = e.sqlstate.empty() ? ErrorKind::connection_failed : kind_from_sqlstate(e.sqlstate);
  return e;
}

}  // namespace

// Shared with the deadline timer's handler, which may run after the operation that armed it has
// finished (or the connection is gone): it only acts when the generation still matches.
struct Connection::TimerState {
  asio::posix::stream_descriptor* socket = nullptr;
  std::uint64_t generation = 0;
  bool fired = false;
};

Connection::Connection(asio::any_io_executor executor, pg_conn* conn,
                       const ConnectionOptions& options)
    : conn_(conn),
      socket_(executor),
      timer_(executor),
      timer_state_(std::make_shared<TimerState>()),
      prepared_enabled_(options.prepared_statements),
      on_round_trip_(options.on_round_trip) {
  timer_state_->socket = &socket_;
}

Connection::~Connection() {
  timer_state_->socket = nullptr;
  timer_.cancel();
  // libpq owns the file descriptor; Asio must not close it a second time.
  if (socket_.is_open()) {
    socket_.cancel();
    socket_.release();
  }
  PQfinish(conn_);
}

asio::awaitable<Expected<std::unique_ptr<Connection>>> Connection::connect(
    asio::any_io_executor executor, const ConnectionOptions& options) {
  std::string server_options;
  auto set = [&](const char* name, std::chrono::milliseconds value) {
    if (value.count() <= 0) return;
    if (!server_options.empty()) server_options += ' ';
    server_options += "-c " + std::string(name) + "=" + std::to_string(value.count());
  };
  set("statement_timeout", options.statement_timeout);
  set("idle_in_transaction_session_timeout", options.idle_in_transaction_timeout);
  set("client_connection_check_interval", options.client_check_interval);
  // expand_dbname=1: the first "dbname" value may be a full URL or keyword string; the keywords
  // after it override what it says.
  const char* keys[] = {"dbname", "application_name", "options", nullptr};
  const char* values[] = {options.conninfo.c_str(), options.application_name.c_str(),
                          server_options.c_str(), nullptr};
  pg_conn* raw = PQconnectStartParams(keys, values, 1);
  if (raw == nullptr)
    co_return std::unexpected(Error{ErrorKind::connection_failed, "", "out of memory"});
  std::unique_ptr<Connection> c(new Connection(executor, raw, options));
  if (PQstatus(raw) == CONNECTION_BAD) co_return std::unexpected(c->connection_error("connect"));

  c->arm(Clock::now() + options.connect_timeout);
  PostgresPollingStatusType poll_status = PGRES_POLLING_WRITING;
  while (poll_status != PGRES_POLLING_OK) {
    if (poll_status == PGRES_POLLING_FAILED) {
      c->disarm();
      co_return std::unexpected(c->connection_error("connect"));
    }
    // libpq may move to another socket while it tries the hosts of a multi-host URL.
    const int fd = PQsocket(raw);
    if (!c->socket_.is_open() || c->socket_.native_handle() != fd) {
      if (c->socket_.is_open()) c->socket_.release();
      c->socket_.assign(fd);
    }
    if (!co_await c->wait(poll_status == PGRES_POLLING_READING ? Wait::read : Wait::write)) {
      c->disarm();
      co_return std::unexpected(Error{ErrorKind::timeout, "", "connect timed out"});
    }
    poll_status = PQconnectPoll(raw);
  }
  c->disarm();
  if (PQsetnonblocking(raw, 1) != 0 || PQenterPipelineMode(raw) != 1)
    co_return std::unexpected(c->connection_error("enter pipeline mode"));
  if (!c->socket_.is_open() || c->socket_.native_handle() != PQsocket(raw)) {
    if (c->socket_.is_open()) c->socket_.release();
    c->socket_.assign(PQsocket(raw));
  }
  co_return c;
}

void Connection::arm(Clock::time_point deadline) {
  TimerState& st = *timer_state_;
  st.fired = false;
  const std::uint64_t gen = ++st.generation;
  timer_.expires_at(deadline);
  timer_.async_wait([state = timer_state_, gen](const boost::system::error_code& ec) {
    if (ec || state->generation != gen || state->socket == nullptr) return;
    state->fired = true;
    state->socket->cancel();
  });
}

void Connection::disarm() {
  ++timer_state_->generation;
  timer_.cancel();
}

asio::awaitable<bool> Connection::wait(Wait what) {
  if (timer_state_->fired) co_return false;
  auto [ec] =
      co_await socket_.async_wait(what == Wait::read ? asio::posix::stream_descriptor::wait_read
                                                     : asio::posix::stream_descriptor::wait_write,
                                  use_tuple);
  co_return !ec && !timer_state_->fired;
}

asio::awaitable<bool> Connection::flush() {
  for (;;) {
    const int r = PQflush(conn_);
    if (r == 0) co_return true;
    if (r < 0) co_return false;
    // The server may be blocked writing results to us while we write to it: drain its output
    // before waiting for room, so neither side waits on the other.
    if (PQconsumeInput(conn_) == 0) co_return false;
    if (!co_await wait(Wait::write)) co_return false;
  }
}

Error Connection::fail(ErrorKind kind, std::string message) {
  broken_ = true;
  return Error{kind, "", std::move(message)};
}

Error Connection::connection_error(std::string_view what) {
  broken_ = true;
  return Error{ErrorKind::connection_failed, "",
               std::string(what) + ": " + first_line(PQerrorMessage(conn_))};
}

void Connection::send_cancel() {
  PGcancel* cancel = PQgetCancel(conn_);
  if (cancel == nullptr) return;
  // Off the I/O thread and bounded (see CancelRequests); a dropped cancel leaves the statement
  // to the server's statement_timeout.
  const bool sent = CancelRequests::shared().send([cancel] {
    char err[256];
    PQcancel(cancel, err, sizeof err);
    PQfreeCancel(cancel);
  });
  if (!sent) PQfreeCancel(cancel);
}

bool Connection::in_transaction() const {
  const PGTransactionStatusType s = PQtransactionStatus(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

int Connection::backend_pid() const {
  return PQbackendPID(conn_);
}

asio::awaitable<Expected<std::vector<std::string>>> Connection::notifications(
    Clock::time_point deadline) {
  std::vector<std::string> out;
  auto collect = [&] {
    while (PGnotify* n = PQnotifies(conn_)) {
      out.emplace_back(n->extra);
      PQfreemem(n);
    }
  };
  collect();
  if (!out.empty()) co_return out;
  arm(deadline);
  const bool readable = co_await wait(Wait::read);
  const bool timed_out = timer_state_->fired;
  disarm();
  if (!readable) {
    if (timed_out) co_return out;  // nothing arrived: the connection is fine
    co_return std::unexpected(connection_error("waiting for notifications"));
  }
  if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK)
    co_return std::unexpected(connection_error("reading notifications"));
  collect();
  co_return out;
}

bool Connection::check_idle() {
  if (broken_) return false;
  if (PQstatus(conn_) != CONNECTION_OK) return !(broken_ = true);
  pollfd p{PQsocket(conn_), POLLIN, 0};
  if (::poll(&p, 1, 0) > 0) {
    // Idle connections receive nothing in normal operation except notices and parameter status
    // messages; libpq reads those. An EOF or a FATAL (server shutting down) makes it BAD.
    if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) return !(broken_ = true);
    if (p.revents & (POLLHUP | POLLERR)) return !(broken_ = true);
  }
  return true;
}

bool Connection::send_statement(const Statement& s, bool& sent_prepare,
                                const std::string*& prepared_sql) {
  const std::vector<const char*> values = s.value_pointers();
  if (!prepared_enabled_)
    return PQsendQueryParams(conn_, s.sql().c_str(), s.size(), s.types(), values.data(), nullptr,
                             nullptr, 0) == 1;
  auto it = prepared_.find(s.sql());
  if (it == prepared_.end()) {
    std::string name = "b" + std::to_string(next_statement_++);
    it = prepared_.emplace(s.sql(), std::move(name)).first;
    if (PQsendPrepare(conn_, it->second.c_str(), s.sql().c_str(), s.size(), s.types()) != 1)
      return false;
    sent_prepare = true;
    prepared_sql = &it->first;
  }
  return PQsendQueryPrepared(conn_, it->second.c_str(), s.size(), values.data(), nullptr, nullptr,
                             0) == 1;
}

struct Connection::SharedWaiter {
  explicit SharedWaiter(asio::any_io_executor ex) : wakeup(std::move(ex)) {}
  asio::steady_timer wakeup;
  std::optional<Expected<std::vector<Result>>> outcome;
};

void Connection::report_round_trip(Clock::time_point start, bool ok,
                                   std::span<const Statement> batch) const {
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (batch.size() == 1) {  // most shared round trips (probes, re-reads): no label to build
    on_round_trip_(seconds, ok, batch.front().name());
    return;
  }
  std::string label;  // the statements' names, "tenant.set,orders.get"
  for (const auto& s : batch) {
    if (s.name().empty()) continue;
    if (!label.empty()) label += ',';
    label += s.name();
  }
  on_round_trip_(seconds, ok, label);
}

asio::awaitable<Expected<Result>> Connection::execute_shared(const Statement& statement,
                                                             Clock::time_point deadline) {
  auto r = co_await pipeline_shared(std::span<const Statement>(&statement, 1), deadline);
  if (!r) co_return std::unexpected(std::move(r.error()));
  co_return std::move(r->front());
}

asio::awaitable<Expected<std::vector<Result>>> Connection::pipeline_shared(
    std::span<const Statement> batch, Clock::time_point deadline) {
  if (!on_round_trip_) co_return co_await run_shared(batch, deadline);
  const auto start = Clock::now();
  auto r = co_await run_shared(batch, deadline);
  report_round_trip(start, r.has_value(), batch);
  co_return r;
}

asio::awaitable<Expected<std::vector<Result>>> Connection::run_shared(
    std::span<const Statement> batch, Clock::time_point deadline) {
  if (broken_)
    co_return std::unexpected(Error{ErrorKind::connection_failed, "", "connection is broken"});
  SharedEntry pending;
  for (const Statement& statement : batch) {
    bool sent_prepare = false;
    const std::string* prepared_sql = nullptr;
    if (!send_statement(statement, sent_prepare, prepared_sql)) {
      Error e = connection_error("send query");
      fail_shared(e);
      co_return std::unexpected(std::move(e));
    }
    if (sent_prepare) {
      pending.prepares.push_back(true);
      pending.prepared_sqls.push_back(*prepared_sql);
    }
    pending.prepares.push_back(false);
  }
  if (PQpipelineSync(conn_) != 1) {
    Error e = connection_error("send query");
    fail_shared(e);
    co_return std::unexpected(std::move(e));
  }
  SharedWaiter waiter(socket_.get_executor());
  waiter.wakeup.expires_at(deadline);
  SharedEntry& entry = shared_.emplace_back(std::move(pending));
  entry.waiter = &waiter;
  if (!reader_running_) {
    reader_running_ = true;
    // The reader throwing would be a bug: the connection is then unusable, its callers are told
    // at once instead of waiting out their deadlines, and the log says why.
    asio::co_spawn(socket_.get_executor(), read_shared(shared_from_this()),
                   [self = shared_from_this()](std::exception_ptr e) {
                     if (!e) return;
                     self->reader_running_ = false;
                     self->mark_broken();
                     self->fail_shared(Error{ErrorKind::connection_failed, "", "reader failed"});
                     observability::log_task_failure("db_shared_reader", e);
                   });
  }

  co_await waiter.wakeup.async_wait(use_tuple);
  if (waiter.outcome) co_return std::move(*waiter.outcome);
  // Deadline passed. The statements are still queued on the server, ahead of others: cancel
  // them and give up the connection; everyone behind fails over to a new one.
  entry.waiter = nullptr;
  send_cancel();
  broken_ = true;
  socket_.cancel();  // wakes the reader, which fails the rest
  co_return std::unexpected(Error{ErrorKind::timeout, "", "deadline passed waiting for results"});
}

void Connection::fail_shared(const Error& error) {
  broken_ = true;
  for (SharedEntry& e : shared_) {
    if (e.waiter == nullptr) continue;
    e.waiter->outcome = std::unexpected(error);
    e.waiter->wakeup.cancel();
    e.waiter = nullptr;
  }
  shared_.clear();
  // The reader may be waiting on the socket for results nobody wants now, for as long as the
  // server takes: wake it, so it sees the connection broken and lets it go.
  if (socket_.is_open()) socket_.cancel();
}

asio::awaitable<void> Connection::read_shared(std::shared_ptr<Connection> self) {
  Connection& c = *self;
  while (!c.shared_.empty() && !c.broken_) {
    const int flushed = PQflush(c.conn_);
    if (flushed < 0) break;
    if (flushed == 1) {
      if (PQconsumeInput(c.conn_) == 0 || !co_await c.wait(Wait::write)) break;
      continue;
    }
    if (PQisBusy(c.conn_)) {
      if (!co_await c.wait(Wait::read) || PQconsumeInput(c.conn_) == 0) break;
      continue;
    }
    PGresult* r = PQgetResult(c.conn_);
    if (r == nullptr) {
      if (PQstatus(c.conn_) != CONNECTION_OK) break;
      continue;  // end of one command's results
    }
    SharedEntry& e = c.shared_.front();
    const ExecStatusType status = PQresultStatus(r);
    bool is_prepare = false;
    if (status != PGRES_PIPELINE_SYNC) {
      is_prepare = e.results_seen < e.prepares.size() && e.prepares[e.results_seen];
      ++e.results_seen;
    }
    switch (status) {
      case PGRES_PIPELINE_SYNC:
        PQclear(r);
        if (e.error)
          for (const std::string& sql : e.prepared_sqls) c.prepared_.erase(sql);
        if (e.waiter) {
          const std::size_t wanted =
              static_cast<std::size_t>(std::count(e.prepares.begin(), e.prepares.end(), false));
          if (e.error)
            e.waiter->outcome = std::unexpected(std::move(*e.error));
          else if (e.results.size() == wanted)
            e.waiter->outcome = std::move(e.results);
          else
            e.waiter->outcome =
                std::unexpected(Error{ErrorKind::protocol, "", "result count does not match"});
          e.waiter->wakeup.cancel();
        }
        c.shared_.pop_front();
        break;
      case PGRES_TUPLES_OK:
      case PGRES_COMMAND_OK:
        if (is_prepare)
          PQclear(r);
        else
          e.results.emplace_back(r);
        break;
      case PGRES_FATAL_ERROR:
      case PGRES_NONFATAL_ERROR:
        if (!e.error) e.error = error_from_result(r);
        PQclear(r);
        break;
      default:  // PIPELINE_ABORTED: a statement before it in the segment failed
        if (!e.error && status != PGRES_PIPELINE_ABORTED)
          e.error = Error{ErrorKind::protocol, "", "unexpected result status"};
        PQclear(r);
        break;
    }
  }
  if (!c.shared_.empty()) {
    c.fail_shared(Error{ErrorKind::connection_failed, "",
                        c.broken_ ? "connection given up" : first_line(PQerrorMessage(c.conn_))});
  }
  c.reader_running_ = false;
}

asio::awaitable<Expected<Result>> Connection::execute(const Statement& statement,
                                                      Clock::time_point deadline) {
  auto r = co_await pipeline(std::span<const Statement>(&statement, 1), deadline);
  if (!r) co_return std::unexpected(std::move(r.error()));
  co_return std::move(r->front());
}

asio::awaitable<Expected<std::vector<Result>>> Connection::pipeline(
    std::span<const Statement> batch, Clock::time_point deadline) {
  if (!on_round_trip_) co_return co_await run_pipeline(batch, deadline);
  const auto start = Clock::now();
  auto r = co_await run_pipeline(batch, deadline);
  report_round_trip(start, r.has_value(), batch);
  co_return r;
}

asio::awaitable<Expected<std::vector<Result>>> Connection::run_pipeline(
    std::span<const Statement> batch, Clock::time_point deadline) {
  if (broken_)
    co_return std::unexpected(Error{ErrorKind::connection_failed, "", "connection is broken"});

  // What each result the server sends back answers, in order.
  struct Expectation {
    bool is_prepare;
    const std::string* sql;
  };
  std::vector<Expectation> expected;
  expected.reserve(batch.size() * 2);
  std::vector<const std::string*> new_prepares;

  for (const Statement& s : batch) {
    bool sent_prepare = false;
    const std::string* prepared_sql = nullptr;
    if (!send_statement(s, sent_prepare, prepared_sql))
      co_return std::unexpected(connection_error("send query"));
    if (sent_prepare) {
      expected.push_back({true, prepared_sql});
      new_prepares.push_back(prepared_sql);
    }
    expected.push_back({false, &s.sql()});
  }
  if (PQpipelineSync(conn_) != 1) co_return std::unexpected(connection_error("pipeline sync"));

  arm(deadline);
  if (!co_await flush()) {
    const bool timed_out = timer_state_->fired;
    disarm();
    if (timed_out) {
      send_cancel();
      co_return std::unexpected(fail(ErrorKind::timeout, "deadline passed while sending"));
    }
    co_return std::unexpected(connection_error("send"));
  }

  std::vector<Result> results;
  results.reserve(batch.size());
  std::optional<Error> first_error;
  std::size_t answered = 0;  // non-null results received so far, excluding the sync
  for (;;) {
    while (PQisBusy(conn_)) {
      if (!co_await wait(Wait::read)) {
        const bool timed_out = timer_state_->fired;
        disarm();
        if (timed_out) {
          send_cancel();
          co_return std::unexpected(
              fail(ErrorKind::timeout, "deadline passed waiting for results"));
        }
        co_return std::unexpected(connection_error("receive"));
      }
      if (PQconsumeInput(conn_) == 0) {
        disarm();
        co_return std::unexpected(connection_error("receive"));
      }
    }
    PGresult* r = PQgetResult(conn_);
    if (r == nullptr) {
      if (PQstatus(conn_) != CONNECTION_OK) {
        disarm();
        co_return std::unexpected(connection_error("receive"));
      }
      continue;  // end of one command's results
    }
    const ExecStatusType status = PQresultStatus(r);
    if (status == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      break;
    }
    const std::size_t index = answered++;
    const bool is_prepare = index < expected.size() && expected[index].is_prepare;
    switch (status) {
      case PGRES_TUPLES_OK:
      case PGRES_COMMAND_OK:
        if (is_prepare) {
          std::erase(new_prepares, expected[index].sql);  // the server has it now
          PQclear(r);
        } else {
          results.emplace_back(r);
        }
        break;
      case PGRES_PIPELINE_ABORTED:
        PQclear(r);
        break;
      case PGRES_FATAL_ERROR:
      case PGRES_NONFATAL_ERROR:
        if (!first_error) first_error = error_from_result(r);
        PQclear(r);
        break;
      default:  // COPY and friends are never issued by this driver
        PQclear(r);
        if (!first_error) first_error = fail(ErrorKind::protocol, "unexpected result status");
        break;
    }
  }
  disarm();
  // Prepares that never completed (aborted pipeline) must be sent again next time.
  for (const std::string* sql : new_prepares) prepared_.erase(std::string(*sql));
  if (first_error) {
    if (first_error->kind == ErrorKind::connection_failed) broken_ = true;
    co_return std::unexpected(std::move(*first_error));
  }
  if (results.size() != batch.size())
    co_return std::unexpected(fail(ErrorKind::protocol, "result count does not match the batch"));
  co_return results;
}

}  // namespace brandos::pg
