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
    testing::create_scratch_table(db_);
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
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        auto c = co_await pool.acquire();
        got = c.has_value();
      },
      asio::detached);
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
    asio::co_spawn(
        io_,
        [&, i]() -> asio::awaitable<void> {
          auto r = co_await pool.execute(Statement("SELECT $1::int8", std::int64_t{i}));
          if (r && r->int64(0, 0) == i) ++ok;
        },
        asio::detached);
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
  auto again = run_sync(io_, [&]() -> asio::awaitable<Expected<Result>> {
    auto c = co_await pool.acquire();
    if (!c) co_return std::unexpected(c.error());
    co_return co_await (*c)->execute(Statement("SELECT 1"), pool.deadline());
  }());
  EXPECT_TRUE(again);
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

TEST_F(PoolTest, ConcurrentStatementsAreMultiplexedOverOneSharedConnection) {
  options_.acquire_timeout = 5s;
  Pool pool(io_.get_executor(), options_);
  int ok = 0;
  for (int i = 0; i < 200; ++i) {
    asio::co_spawn(
        io_,
        [&, i]() -> asio::awaitable<void> {
          auto r = co_await pool.execute(Statement("SELECT $1::int8 * 2", std::int64_t{i}));
          if (r && r->int64(0, 0) == 2 * i) ++ok;
        },
        asio::detached);
  }
  io_.run();
  EXPECT_EQ(ok, 200);
  EXPECT_EQ(pool.stats().open.load(), 1);
  EXPECT_EQ(pool.stats().busy.load(), 0);
}

TEST_F(PoolTest, FailuresOnTheSharedConnectionStayWithTheirOwnStatement) {
  Pool pool(io_.get_executor(), options_);
  std::vector<std::optional<Expected<Result>>> out(6);
  const std::vector<std::string> sql = {"INSERT INTO brandos.scratch (id) VALUES (1)",
                                        "INSERT INTO brandos.scratch (id) VALUES (1)",
                                        "SELEC 1",
                                        "SELECT $1::int8",
                                        "INSERT INTO brandos.scratch (id) VALUES (2)",
                                        "SELECT count(*) FROM brandos.scratch"};
  for (std::size_t i = 0; i < sql.size(); ++i) {
    asio::co_spawn(
        io_,
        [&, i]() -> asio::awaitable<void> {
          Statement st(sql[i]);
          if (i == 3) st.bind(std::string("not a number"));
          out[i] = co_await pool.execute(st);
        },
        asio::detached);
  }
  io_.run();
  ASSERT_TRUE(out[0] && *out[0]);
  ASSERT_TRUE(out[1] && !*out[1]);
  EXPECT_EQ(out[1]->error().kind, ErrorKind::unique_violation);
  ASSERT_TRUE(out[2] && !*out[2]);
  EXPECT_EQ(out[2]->error().kind, ErrorKind::syntax_error);
  ASSERT_TRUE(out[3] && !*out[3]);
  EXPECT_EQ(out[3]->error().kind, ErrorKind::data_exception);
  ASSERT_TRUE(out[4] && *out[4]);
  ASSERT_TRUE(out[5] && *out[5]);
  EXPECT_EQ((*out[5])->int64(0, 0), 2);
  EXPECT_EQ(count_rows(), "2");
}

// Reads of many tenants multiplexed over one connection (TenantSession's read round trips): each
// caller's statements under their own Sync are one implicit transaction, so a transaction-local
// setting made by one caller is never seen by the next, and a failing segment fails alone.
TEST_F(PoolTest, SegmentsOnTheSharedConnectionAreTransactionsOfTheirOwn) {
  options_.acquire_timeout = 5s;
  Pool pool(io_.get_executor(), options_);
  int isolated = 0, failed_alone = 0;
  constexpr int kCallers = 150;
  for (int i = 0; i < kCallers; ++i) {
    asio::co_spawn(
        io_,
        [&, i]() -> asio::awaitable<void> {
          const std::string mine = "tenant-" + std::to_string(i);
          std::vector<Statement> segment;
          if (i % 3 != 2)  // every third caller sets nothing and must see nothing
            segment.emplace_back("SELECT set_config('app.tenant_id', $1, true)", mine);
          if (i % 10 == 9) segment.emplace_back("SELEC 1");  // fails, with its segment only
          segment.emplace_back("SELECT coalesce(current_setting('app.tenant_id', true), '') AS t");
          auto r = co_await pool.pipeline_shared(segment, pool.deadline());
          if (i % 10 == 9) {
            // (The first caller's prepare fails with a syntax error; callers who sent theirs
            // before that answer came back fail on the statement it did not create.)
            if (!r) ++failed_alone;
            co_return;
          }
          if (!r) co_return;
          const std::string seen(r->back().text(0, 0));
          if (seen == (i % 3 != 2 ? mine : std::string())) ++isolated;
        },
        asio::detached);
  }
  io_.run();
  EXPECT_EQ(failed_alone, kCallers / 10);
  EXPECT_EQ(isolated, kCallers - kCallers / 10);
  EXPECT_EQ(pool.stats().open.load(), 1);  // all of it over the one shared connection
}

TEST_F(PoolTest, SlowStatementOnTheSharedConnectionTimesOutAndTheNextCallersRecover) {
  options_.query_timeout = 300ms;
  Pool pool(io_.get_executor(), options_);
  std::optional<Expected<Result>> slow, behind;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        slow = co_await pool.execute(Statement("SELECT pg_sleep(10)"));
      },
      asio::detached);
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> { behind = co_await pool.execute(Statement("SELECT 1")); },
      asio::detached);
  const auto start = Clock::now();
  io_.run();
  EXPECT_LT(Clock::now() - start, 3s);
  ASSERT_TRUE(slow && !*slow);
  EXPECT_EQ(slow->error().kind, ErrorKind::timeout);
  ASSERT_TRUE(behind && !*behind);
  EXPECT_TRUE(behind->error().unavailable());
  auto after = run_sync(io_, pool.execute(Statement("SELECT 41 + 1")));
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(after->int64(0, 0), 42);
}

// Restarting PostgreSQL breaks every pooled connection; the pool must notice on its own and
// serve the next request from a new connection, without the caller seeing an error.
TEST(PoolRecovery, SurvivesAServerRestart) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("brandos-restart-" + std::to_string(::getpid()));
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
  EXPECT_TRUE(run_sync(io, pool.execute(Statement("SELECT 1"))));  // opens the shared one
  EXPECT_EQ(pool.stats().open.load(), 4);

  cluster->stop();
  cluster = std::make_unique<embedded_pg::Cluster>(copts);
  cluster->start();

  for (int i = 0; i < 5; ++i) {
    // Exclusive connections: the stale idle ones are noticed and replaced.
    auto r = run_sync(io, [&]() -> asio::awaitable<Expected<Result>> {
      auto c = co_await pool.acquire();
      if (!c) co_return std::unexpected(c.error());
      co_return co_await (*c)->execute(Statement("SELECT 1"), pool.deadline());
    }());
    EXPECT_TRUE(r) << "exclusive attempt " << i << ": " << (r ? "" : r.error().message);
    // The shared connection opened before the restart is replaced too.
    auto s = run_sync(io, pool.execute(Statement("SELECT 1")));
    EXPECT_TRUE(s) << "shared attempt " << i << ": " << (s ? "" : s.error().message);
  }
  EXPECT_EQ(pool.stats().open.load(), 2);  // one exclusive, one shared
  pool.close_idle();
  cluster.reset();
  std::filesystem::remove_all(dir);
}

// An unreachable database is a fast "unavailable" error, and no connection is left counted. (That
// the pool recovers when the server comes back is PoolRecovery.SurvivesAServerRestart.)
TEST(PoolRecovery, AnUnreachableDatabaseIsAnUnavailableError) {
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
