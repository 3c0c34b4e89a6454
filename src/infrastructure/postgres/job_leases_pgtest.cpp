// Leases and fencing against a real server (migration 0013): one holder at a time, a strictly
// growing epoch, a stale epoch refused in the writer's own transaction (whatever it wrote rolls
// back), and a takeover that waits for a fenced write in flight.
#include "infrastructure/postgres/job_leases.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "application/jobs/leader_lease.hpp"
#include "infrastructure/crypto/random.hpp"
#include "infrastructure/postgres/cross_tenant_maintenance.hpp"
#include "infrastructure/postgres/unit_of_work.hpp"
#include "support/run_sync.hpp"
#include "support/test_database.hpp"

namespace brandos::pg {
namespace {

namespace asio = boost::asio;
using application::OperationContext;
using testing::eventually;
using testing::run_sql;
using testing::run_sync;
using namespace std::chrono_literals;

const char* kTenant = "018f0000-0000-7000-8000-00000000000a";

class JobLeasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::create_test_database();
    run_sql(db_.owner_conninfo,
            std::string("INSERT INTO brandos.tenants (id, slug, name) VALUES ('") + kTenant +
                "', 'brand-a', 'A')");
    PoolOptions o;
    o.connection.conninfo = db_.app_conninfo;
    pool_ = std::make_unique<Pool>(io_.get_executor(), o);
    leases_ = std::make_unique<JobLeases>(*pool_);
  }

  std::optional<std::int64_t> take(const std::string& holder, int ttl_ms) {
    return run_sync(io_, [&]() -> asio::awaitable<std::optional<std::int64_t>> {
      const OperationContext ctx;  // named: GCC 12 mishandles temporaries in co_await
      auto r = co_await leases_->take(ctx, "relay", holder, std::chrono::milliseconds(ttl_ms));
      if (!r) throw std::runtime_error(r.error().detail);
      co_return *r;
    }());
  }

  // A write fenced by `epoch`: a product inserted in a tenant's unit of work. Its failure slug,
  // or "" when it committed.
  std::string fenced_write(std::int64_t epoch, const std::string& sku) {
    return run_sync(io_, [&]() -> asio::awaitable<std::string> {
      TenantData data(*pool_, ids_);
      auto ctx = OperationContext::system(*domain::Uuid::parse(kTenant), "job:test");
      ctx.fence = application::JobFence{"relay", epoch};
      auto uow = data.begin(ctx, application::Access::write);
      application::ProductRecord p;
      p.id = ids_.new_id();
      p.sku = sku;
      p.name = "N";
      p.price = 100;
      p.currency = "EUR";
      p.stock = 1;
      uow->products().add(p);
      auto now = co_await uow->now();  // the first round trip: BEGIN, tenant, fence, insert
      if (!now) co_return now.error().slug;
      auto done = co_await uow->commit();
      co_return done ? std::string() : done.error().slug;
    }());
  }

  std::string products_with_sku(const std::string& sku) {
    return run_sql(db_.owner_conninfo,
                   "SELECT count(*) FROM brandos.products WHERE sku = '" + sku + "'");
  }

  asio::io_context io_;
  testing::TestDatabase db_;
  crypto::SodiumIdGenerator ids_;
  std::unique_ptr<Pool> pool_;
  std::unique_ptr<JobLeases> leases_;
};

TEST_F(JobLeasesTest, OneHolderAtATimeAndEveryTakeoverRaisesTheEpoch) {
  EXPECT_EQ(take("a", 60000), 1);
  EXPECT_EQ(take("b", 60000), std::nullopt);  // a's lease runs
  EXPECT_EQ(take("a", 60000), 1);             // a renews, same epoch
  // a's lease lapses (a short one); b takes it over with the next epoch.
  EXPECT_EQ(take("a", 200), 1);
  std::optional<std::int64_t> taken;
  ASSERT_TRUE(eventually([&] { return (taken = take("b", 60000)).has_value(); }));
  EXPECT_EQ(taken, 2);
  EXPECT_EQ(take("a", 60000), std::nullopt);
  EXPECT_EQ(
      run_sql(db_.owner_conninfo, "SELECT holder FROM brandos.job_leases WHERE job = 'relay'"),
      "b");
}

TEST_F(JobLeasesTest, AWriteWithAStaleEpochIsRefusedAndRollsBack) {
  ASSERT_EQ(take("a", 200), 1);
  EXPECT_EQ(fenced_write(1, "kept-1"), "");  // a leads: its write commits
  ASSERT_TRUE(eventually([&] { return take("b", 60000).has_value(); }));
  EXPECT_EQ(fenced_write(1, "stale-1"), "lease-lost");
  EXPECT_EQ(products_with_sku("stale-1"), "0");  // nothing of the stale write stays
  EXPECT_EQ(fenced_write(2, "kept-2"), "");
  EXPECT_EQ(products_with_sku("kept-1"), "1");
  EXPECT_EQ(products_with_sku("kept-2"), "1");
}

TEST_F(JobLeasesTest, ATakeoverWaitsForAFencedWriteInFlight) {
  ASSERT_EQ(take("a", 200), 1);
  // a's write is inside its transaction, fenced, when a's lease lapses.
  testing::OpenTransaction write(db_.app_conninfo);
  write.exec("SELECT brandos.hold_job_lease('relay', 1)");
  std::this_thread::sleep_for(300ms);  // past a's lease (a bound, not a measurement)
  auto takeover = std::async(std::launch::async, [&] {
    return run_sql(db_.app_conninfo,
                   "SELECT epoch FROM brandos.take_job_lease('relay', 'b', 60000)");
  });
  EXPECT_EQ(takeover.wait_for(500ms), std::future_status::timeout);  // it waits for a's write
  write.commit();
  EXPECT_EQ(takeover.get(), "2");
}

TEST_F(JobLeasesTest, ALeaderStopsLeadingWhenAnotherNodeHoldsTheLease) {
  application::LeaderLease a(*leases_, "relay", "a", 300ms);
  application::LeaderLease b(*leases_, "relay", "b", 3s);
  auto lead = [&](application::LeaderLease& l) {
    return run_sync(io_, l.lead(OperationContext{}));
  };
  auto fa = lead(a);
  ASSERT_TRUE(fa.has_value());
  EXPECT_EQ(fa->epoch, 1);
  EXPECT_FALSE(lead(b).has_value());
  // a stops renewing (a paused process); b takes over once a's lease lapsed.
  std::optional<application::JobFence> fb;
  ASSERT_TRUE(eventually([&] { return (fb = lead(b)).has_value(); }));
  EXPECT_EQ(fb->epoch, 2);
  // a wakes up: its own clock says its lease ran out, and the database says b holds it.
  EXPECT_FALSE(lead(a).has_value());
  EXPECT_EQ(a.epoch(), 0);
  // b lets go cleanly: a takes over at once, with a new epoch.
  run_sync(io_, b.release(OperationContext{}));
  std::optional<application::JobFence> again;
  ASSERT_TRUE(eventually([&] { return (again = lead(a)).has_value(); }));
  EXPECT_EQ(again->epoch, 3);
}

TEST_F(JobLeasesTest, TheApplicationRoleCannotTouchTheLeasesDirectly) {
  EXPECT_THROW(run_sql(db_.app_conninfo, "UPDATE brandos.job_leases SET epoch = 1"),
               std::runtime_error);
  EXPECT_THROW(run_sql(db_.app_conninfo, "SELECT * FROM brandos.job_leases"), std::runtime_error);
}

}  // namespace
}  // namespace brandos::pg
