// The pool and transactions against a real server: exhaustion and FIFO hand-over, rollback of
// failed and abandoned transactions, and recovery when PostgreSQL restarts under the pool.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "infrastructure/embedded_pg/cluster.hpp"
#include "infrastructure/postgres/pool.hpp"
#include "infrastructure/postgres/transaction.hpp"
#include "support/run_sync.hpp"
#include "support/test_database.hpp"

namespace brandos::pg {
namespace {

namespace asio = boost::asio;
using testing::run_sync;
using namespace std::chrono_literals;

class PoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::create_test_database();
    testing::run_sql(db_.owner_conninfo,
                     "CREATE TABLE brandos.scratch (id bigint PRIMARY KEY, note text);"
                     "GRANT SELECT, INSERT, UPDATE, DELETE ON brandos.scratch TO brandos_app;");
    options_.connection.conninfo = db_.app_conninfo;
    options_.max_size = 2;
    options_.acquire_timeout = 300ms;
  }
  std::string count_rows() {
    return testing::run_sql(db_.owner_conninfo, "SELECT count(*) FROM brandos.scratch");
  }

  asio::io_context io_;
  testing::TestDatabase db_;
  PoolOptions options_;
};

TEST_F(PoolTest, ReusesConnectionsAndReportsStats) {
  Pool pool(io_.get_executor(), options_);
  for (int i = 0; i < 5; ++i) {
    auto r = run_sync(io_, pool.execute(Statement("SELECT 1")));
    ASSERT_TRUE(r) << r.error().message;
  }
  EXPECT_EQ(pool.stats().open.load(), 1);
  EXPECT_EQ(pool.stats().busy.load(), 0);
}

TEST_F(PoolTest, ExhaustedPoolTimesOutThenHandsOverInOrder) {
  options_.max_size = 1;
  Pool pool(io_.get_executor(), options_);
  auto held = run_sync(io_, pool.acquire());
  ASSERT_TRUE(held);
  auto waited = run_sync(io_, pool.acquire());
  ASSERT_FALSE(waited);
  EXPECT_EQ(waited.error().kind, ErrorKind::pool_exhausted);

  // A waiter queued while the connection is busy gets it as soon as it is released.
  bool got = false;
  asio::co_spawn(io_, [&]() -> asio::awaitable<void> {
    auto c = co_await pool.acquire();
    got = c.has_value();
  }, asio::detached);
  io_.restart();
  io_.poll();
  EXPECT_EQ(pool.stats().waiting.load(), 1);
  *held = PooledConnection();
  io_.restart();
  io_.run();
  EXPECT_TRUE(got);
  EXPECT_EQ(pool.stats().waiting.load(), 0);
}

TEST_F(PoolTest, ManyConcurrentCallersShareFewConnections) {
  options_.acquire_timeout = 5s;
  Pool pool(io_.get_executor(), options_);
  int ok = 0;
  for (int i = 0; i < 50; ++i) {
    asio::co_spawn(io_, [&, i]() -> asio::awaitable<void> {
      auto r = co_await pool.execute(Statement("SELECT $1::int8", std::int64_t{i}));
      if (r && r->int64(0, 0) == i) ++ok;
    }, asio::detached);
  }
  io_.run();
  EXPECT_EQ(ok, 50);
  EXPECT_LE(pool.stats().open.load(), 2);
}

TEST_F(PoolTest, CommittedTransactionIsVisible) {
  Pool pool(io_.get_executor(), options_);
  auto result = run_sync(io_, [&]() -> asio::awaitable<Expected<void>> {
    auto tx = co_await Transaction::begin(pool);
    if (!tx) co_return std::unexpected(tx.error());
    auto a = co_await tx->execute(Statement("INSERT INTO brandos.scratch (id) VALUES (1)"));
    auto b = co_await tx->execute(Statement("INSERT INTO brandos.scratch (id) VALUES (2)"));
    if (!a || !b) co_return std::unexpected(Error{ErrorKind::other});
    co_return co_await tx->commit();
  }());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(count_rows(), "2");
}

TEST_F(PoolTest, FailedStatementRollsBackTheWholeTransaction) {
  Pool pool(io_.get_executor(), options_);
  auto result = run_sync(io_, [&]() -> asio::awaitable<Expected<void>> {
    auto tx = co_await Transaction::begin(pool);
    if (!tx) co_return std::unexpected(tx.error());
    co_await tx->execute(Statement("INSERT INTO brandos.scratch (id) VALUES (1)"));
    auto dup = co_await tx->execute(Statement("INSERT INTO brandos.scratch (id) VALUES (1)"));
    EXPECT_FALSE(dup);
    co_return co_await tx->commit();
  }());
  EXPECT_FALSE(result);
  EXPECT_EQ(count_rows(), "0");
  // The connection went back clean and is reused.
  EXPECT_TRUE(run_sync(io_, pool.execute(Statement("SELECT 1"))));
  EXPECT_EQ(pool.stats().open.load(), 1);
}

TEST_F(PoolTest, AbandonedTransactionIsRolledBackBeforeReuse) {
  options_.max_size = 1;
  Pool pool(io_.get_executor(), options_);
  run_sync(io_, [&]() -> asio::awaitable<void> {
    auto tx = co_await Transaction::begin(pool);
    EXPECT_TRUE(tx);
    auto r = co_await tx->execute(Statement("INSERT INTO brandos.scratch (id) VALUES (7)"));
    EXPECT_TRUE(r);
    // Leaves scope without commit: an early return or an exception in a handler.
  }());
  auto r = run_sync(io_, pool.execute(Statement("SELECT count(*) FROM brandos.scratch")));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->int64(0, 0), 0);
  EXPECT_EQ(count_rows(), "0");
}

TEST_F(PoolTest, TimedOutConnectionIsReplaced) {
  Pool pool(io_.get_executor(), options_);
  auto r = run_sync(io_, [&]() -> asio::awaitable<Expected<Result>> {
    auto c = co_await pool.acquire();
    if (!c) co_return std::unexpected(c.error());
    co_return co_await (*c)->execute(Statement("SELECT pg_sleep(10)"), Clock::now() + 100ms);
  }());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::timeout);
  EXPECT_EQ(pool.stats().open.load(), 0);
  EXPECT_TRUE(run_sync(io_, pool.execute(Statement("SELECT 1"))));
}

// Restarting PostgreSQL breaks every pooled connection; the pool must notice on its own and
// serve the next request from a new connection, without the caller seeing an error.
TEST(PoolRecovery, SurvivesAServerRestart) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("brandos-restart-" + std::to_string(::getpid()));
  embedded_pg::ClusterOptions copts;
  copts.data_dir = dir;
  copts.durable = false;
  auto cluster = std::make_unique<embedded_pg::Cluster>(copts);
  cluster->start();

  asio::io_context io;
  PoolOptions options;
  options.connection.conninfo = cluster->app_conninfo();
  options.max_size = 4;
  Pool pool(io.get_executor(), options);
  // Open several connections so that several idle ones are stale after the restart.
  run_sync(io, [&]() -> asio::awaitable<void> {
    auto a = co_await pool.acquire();
    auto b = co_await pool.acquire();
    auto c = co_await pool.acquire();
    EXPECT_TRUE(a && b && c);
  }());
  EXPECT_EQ(pool.stats().open.load(), 3);

  cluster->stop();
  cluster = std::make_unique<embedded_pg::Cluster>(copts);
  cluster->start();

  for (int i = 0; i < 5; ++i) {
    auto r = run_sync(io, pool.execute(Statement("SELECT 1")));
    EXPECT_TRUE(r) << "attempt " << i << ": " << (r ? "" : r.error().message);
  }
  EXPECT_EQ(pool.stats().open.load(), 1);
  pool.close_idle();
  cluster.reset();
  std::filesystem::remove_all(dir);
}

TEST(PoolRecovery, DatabaseDownIsAnErrorUntilItComesBack) {
  asio::io_context io;
  PoolOptions options;
  options.connection.conninfo = "host=/nonexistent dbname=brandos user=brandos_app";
  options.connection.connect_timeout = 500ms;
  Pool pool(io.get_executor(), options);
  auto r = run_sync(io, pool.execute(Statement("SELECT 1")));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().unavailable());
  EXPECT_EQ(pool.stats().open.load(), 0);
}

}  // namespace
}  // namespace brandos::pg
