// The driver against a real PostgreSQL server: typed values, pipelined batches, failures inside
// a pipeline, deadlines with server-side cancellation, and SQLSTATE mapping.
#include <gtest/gtest.h>

#include <boost/asio/detached.hpp>

#include "infrastructure/postgres/pool.hpp"
#include "support/run_sync.hpp"
#include "support/test_database.hpp"

namespace brandos::pg {
namespace {

namespace asio = boost::asio;
using testing::run_sync;
using namespace std::chrono_literals;

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::create_test_database();
    testing::create_scratch_table(db_);
    options_.conninfo = db_.app_conninfo;
    options_.on_round_trip = [this](double, bool, std::string_view) { ++round_trips_; };
  }

  std::unique_ptr<Connection> connect() {
    auto c = run_sync(io_, Connection::connect(io_.get_executor(), options_));
    EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message);
    return c ? std::move(*c) : nullptr;
  }

  Expected<std::vector<Result>> pipeline(Connection& c, std::vector<Statement> batch,
                                         std::chrono::milliseconds timeout = 5s) {
    return run_sync(io_, [&]() -> asio::awaitable<Expected<std::vector<Result>>> {
      co_return co_await c.pipeline(batch, Clock::now() + timeout);
    }());
  }

  std::string count_rows() {
    return testing::run_sql(db_.owner_conninfo, "SELECT count(*) FROM brandos.scratch");
  }

  asio::io_context io_;
  testing::TestDatabase db_;
  ConnectionOptions options_;
  int round_trips_ = 0;
};

TEST_F(ConnectionTest, RoundTripsTypedValues) {
  auto c = connect();
  ASSERT_TRUE(c);
  const auto id = domain::Uuid::parse("018f3a5e-7c1d-7b2a-9f00-0123456789ab").value();
  auto r =
      pipeline(*c, {Statement("SELECT $1::int8, $2::text, $3::bool, $4::float8, $5::uuid, $6::text",
                              std::int64_t{-9007199254740993}, std::string("żółw \"x\""), true, 0.1,
                              id, std::nullopt)});
  ASSERT_TRUE(r) << r.error().message;
  const Result& row = r->front();
  EXPECT_EQ(row.int64(0, 0), -9007199254740993);
  EXPECT_EQ(row.text(0, 1), "żółw \"x\"");
  EXPECT_TRUE(row.boolean(0, 2));
  EXPECT_DOUBLE_EQ(row.float8(0, 3), 0.1);
  EXPECT_EQ(row.text(0, 4), id.to_string());
  EXPECT_TRUE(row.is_null(0, 5));
  EXPECT_FALSE(row.optional_text(0, 5).has_value());
}

TEST_F(ConnectionTest, SendsABatchInOneRoundTripAndKeepsOrder) {
  auto c = connect();
  ASSERT_TRUE(c);
  std::vector<Statement> batch;
  for (std::int64_t i = 1; i <= 5; ++i)
    batch.emplace_back("INSERT INTO brandos.scratch (id, note) VALUES ($1, $2)", i,
                       "n" + std::to_string(i));
  batch.emplace_back("SELECT id FROM brandos.scratch ORDER BY id DESC");
  round_trips_ = 0;
  auto r = pipeline(*c, batch);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(round_trips_, 1);
  ASSERT_EQ(r->size(), 6u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ((*r)[i].affected_rows(), 1);
  EXPECT_EQ((*r)[5].rows(), 5);
  EXPECT_EQ((*r)[5].int64(0, 0), 5);
  // The same statements again reuse the prepared statements instead of preparing anew.
  EXPECT_EQ(c->prepared_count(), 2u);
}

TEST_F(ConnectionTest, FailingStatementAbortsTheWholeBatchAndConnectionStaysUsable) {
  auto c = connect();
  ASSERT_TRUE(c);
  auto r = pipeline(*c, {Statement("INSERT INTO brandos.scratch (id) VALUES (1)"),
                         Statement("INSERT INTO brandos.scratch (id) VALUES (1)"),
                         Statement("INSERT INTO brandos.scratch (id) VALUES (2)")});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::unique_violation);
  EXPECT_EQ(r.error().sqlstate, "23505");
  EXPECT_EQ(r.error().constraint, "scratch_pkey");
  EXPECT_EQ(count_rows(), "0");  // one implicit transaction: nothing committed
  EXPECT_FALSE(c->broken());

  auto again = pipeline(*c, {Statement("INSERT INTO brandos.scratch (id) VALUES (3)")});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(count_rows(), "1");
}

TEST_F(ConnectionTest, SyntaxErrorInAFreshPrepareIsReportedAndNotCached) {
  auto c = connect();
  ASSERT_TRUE(c);
  auto r = pipeline(*c, {Statement("SELEC 1")});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::syntax_error);
  EXPECT_EQ(c->prepared_count(), 0u);
  auto ok = pipeline(*c, {Statement("SELECT 1")});
  ASSERT_TRUE(ok);
}

TEST_F(ConnectionTest, MapsIntegrityAndPrivilegeErrors) {
  auto c = connect();
  ASSERT_TRUE(c);
  auto bad_value = pipeline(*c, {Statement("SELECT $1::int8", std::string("twelve"))});
  ASSERT_FALSE(bad_value);
  EXPECT_EQ(bad_value.error().kind, ErrorKind::data_exception);
  auto not_null = pipeline(*c, {Statement("INSERT INTO brandos.scratch (id) VALUES (NULL)")});
  ASSERT_FALSE(not_null);
  EXPECT_EQ(not_null.error().kind, ErrorKind::not_null_violation);
  // The application role owns nothing and cannot create objects.
  auto ddl = pipeline(*c, {Statement("CREATE TABLE brandos.evil (x int)")});
  ASSERT_FALSE(ddl);
  EXPECT_EQ(ddl.error().kind, ErrorKind::insufficient_privilege);
}

TEST_F(ConnectionTest, DeadlineCancelsTheStatementOnTheServer) {
  auto c = connect();
  ASSERT_TRUE(c);
  const int pid = c->backend_pid();
  const auto start = Clock::now();
  auto r = pipeline(*c, {Statement("SELECT pg_sleep(30)")}, 200ms);
  const auto took = Clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::timeout);
  EXPECT_LT(took, 5s);
  EXPECT_TRUE(c->broken());  // never reused: a late cancel could hit the next statement
  // The cancel request reaches the server: the backend stops sleeping well before 30 s.
  std::string state;
  for (int i = 0; i < 100; ++i) {
    state =
        testing::run_sql(db_.superuser_conninfo,
                         "SELECT coalesce((SELECT wait_event FROM pg_stat_activity WHERE pid = " +
                             std::to_string(pid) + "), 'gone')");
    if (state != "PgSleep") break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_NE(state, "PgSleep");
}

TEST_F(ConnectionTest, ServerSideStatementTimeoutIsQueryCanceled) {
  options_.statement_timeout = 100ms;
  auto c = connect();
  ASSERT_TRUE(c);
  auto r = pipeline(*c, {Statement("SELECT pg_sleep(5)")}, 10s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::query_canceled);
  EXPECT_TRUE(r.error().unavailable());
  EXPECT_FALSE(c->broken());
  EXPECT_TRUE(pipeline(*c, {Statement("SELECT 1")}));
}

TEST_F(ConnectionTest, ASessionLeftInsideATransactionLosesItsLocks) {
  options_.idle_in_transaction_timeout = 200ms;
  auto c = connect();
  ASSERT_TRUE(c);
  ASSERT_TRUE(pipeline(*c, {Statement("INSERT INTO brandos.scratch VALUES (1, 'x')")}));
  ASSERT_TRUE(pipeline(*c, {Statement("BEGIN"),
                            Statement("SELECT 1 FROM brandos.scratch WHERE id = 1 FOR UPDATE")}));
  // Left idle mid-transaction: PostgreSQL ends the session and the row is free again, where it
  // would otherwise stay locked until this connection was used or closed.
  EXPECT_EQ(testing::run_sql(db_.owner_conninfo,
                             "SET lock_timeout = '5s'; SELECT id FROM brandos.scratch WHERE id = 1 "
                             "FOR UPDATE"),
            "1");
}

TEST_F(ConnectionTest, EverySessionCarriesTheServerSideGuards) {
  auto c = connect();
  ASSERT_TRUE(c);
  auto r = pipeline(*c, {Statement("SHOW statement_timeout"),
                         Statement("SHOW idle_in_transaction_session_timeout"),
                         Statement("SHOW client_connection_check_interval")});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)[0].text(0, 0), "5s");
  EXPECT_EQ((*r)[1].text(0, 0), "10s");
  // A killed process's running statement ends within a second instead of holding its locks.
  EXPECT_EQ((*r)[2].text(0, 0), "1s");
}

// Issue 9, item 12: when a send on the shared connection fails, everyone waiting on it is told at
// once, and the reader waiting for their results lets the connection go instead of waiting on
// its socket for as long as the server takes (here a 30 s sleep).
TEST_F(ConnectionTest, AFailedSendOnTheSharedConnectionStopsItsReader) {
  std::shared_ptr<Connection> shared = connect();
  ASSERT_TRUE(shared);
  std::optional<Expected<Result>> slow, unsendable;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        slow =
            co_await shared->execute_shared(Statement("SELECT pg_sleep(30)"), Clock::now() + 60s);
      },
      asio::detached);
  io_.restart();
  io_.run_for(300ms);  // sent; the reader waits for its result
  ASSERT_FALSE(slow);
  Statement too_many("SELECT 1");  // libpq refuses to send more than 65,535 parameters
  for (std::int32_t i = 0; i < 65536; ++i) too_many.bind(i);
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        unsendable = co_await shared->execute_shared(too_many, Clock::now() + 60s);
      },
      asio::detached);
  io_.run_for(1s);
  ASSERT_TRUE(unsendable);
  EXPECT_FALSE(*unsendable);
  ASSERT_TRUE(slow);
  EXPECT_FALSE(*slow);
  EXPECT_EQ(shared.use_count(), 1);  // the reader is gone
}

TEST_F(ConnectionTest, WorksWithoutPreparedStatements) {
  options_.prepared_statements = false;
  auto c = connect();
  ASSERT_TRUE(c);
  auto r = pipeline(*c, {Statement("SELECT $1::int8 + 1", std::int64_t{41}),
                         Statement("SELECT $1::int8 + 1", std::int64_t{1})});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)[0].int64(0, 0), 42);
  EXPECT_EQ((*r)[1].int64(0, 0), 2);
  EXPECT_EQ(c->prepared_count(), 0u);
}

TEST_F(ConnectionTest, ConnectFailureIsAnErrorNotAHang) {
  options_.conninfo = "host=/nonexistent-socket-dir dbname=x user=y";
  auto c = run_sync(io_, Connection::connect(io_.get_executor(), options_));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::connection_failed);
}

}  // namespace
}  // namespace brandos::pg
