// The relay's path against a real server: events leave the outbox in the order they were written,
// only what the publisher confirmed is marked published (fenced by the relay's lease), and the
// sales projection applies a redelivered event once, through its inbox.
#include "infrastructure/postgres/outbox_feed.hpp"

#include <gtest/gtest.h>

#include "application/analytics/project_sales.hpp"
#include "application/events/relay_outbox.hpp"
#include "infrastructure/crypto/random.hpp"
#include "infrastructure/local/in_process_event_publisher.hpp"
#include "infrastructure/postgres/job_leases.hpp"
#include "infrastructure/postgres/unit_of_work.hpp"
#include "support/run_sync.hpp"
#include "support/test_database.hpp"

namespace brandos::pg {
namespace {

namespace asio = boost::asio;
using application::OperationContext;
using application::PublishedEvent;
using testing::run_sql;
using testing::run_sync;

const char* kTenantA = "018f0000-0000-7000-8000-00000000000a";
const char* kTenantB = "018f0000-0000-7000-8000-00000000000b";

// Confirms only the first `confirm` events of each call, and remembers what it was given.
class PartialPublisher final : public application::EventPublisher {
 public:
  asio::awaitable<application::Outcome<std::size_t>> publish(
      const OperationContext&, std::span<const PublishedEvent> events) override {
    for (const auto& e : events) seen.push_back(e);
    co_return std::min(confirm, events.size());
  }
  std::size_t confirm = 1000;
  std::vector<PublishedEvent> seen;
};

class OutboxFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::create_test_database();
    for (const char* t : {kTenantA, kTenantB})
      run_sql(db_.owner_conninfo, std::string("INSERT INTO brandos.tenants (id, slug, name) "
                                              "VALUES ('") +
                                      t + "', 'brand-" + std::string(t).substr(35) + "', 'B')");
    PoolOptions o;
    o.connection.conninfo = db_.app_conninfo;
    pool_ = std::make_unique<Pool>(io_.get_executor(), o);
    data_ = std::make_unique<TenantData>(*pool_, ids_);
    feed_ = std::make_unique<OutboxFeed>(*pool_);
    leases_ = std::make_unique<JobLeases>(*pool_);
    epoch_ = run_sync(io_, [&]() -> asio::awaitable<std::int64_t> {
      const OperationContext ctx;  // named: GCC 12 mishandles temporaries in co_await
      auto r = co_await leases_->take(ctx, "outbox-relay", "test", std::chrono::minutes(5));
      co_return r&&* r ? **r : 0;
    }());
    ASSERT_EQ(epoch_, 1);
  }

  OperationContext relay_ctx(std::int64_t epoch) const {
    OperationContext ctx;
    ctx.fence = application::JobFence{"outbox-relay", epoch};
    return ctx;
  }

  // Writes an order event of `tenant` as the ordering use case would: the order resource.
  domain::Uuid write_event(const char* tenant, const char* type, const domain::Uuid& order,
                           int version, std::int64_t total, const char* created_at) {
    const auto id = ids_.new_id();
    run_sync(io_, [&]() -> asio::awaitable<void> {
      auto uow = data_->begin(OperationContext::system(*domain::Uuid::parse(tenant), "test"),
                              application::Access::write);
      uow->outbox().add(application::OutboxEvent{
          id, type, "order", order, version,
          std::string(R"({"id":")") + order.to_string() + R"(","total":)" + std::to_string(total) +
              R"(,"currency":"EUR","created_at":")" + created_at + R"("})"});
      auto c = co_await uow->commit();
      if (!c) throw std::runtime_error(c.error().detail);
    }());
    return id;
  }

  application::RelayStep relay(application::EventPublisher& publisher, std::int64_t epoch,
                               int batch = 100) {
    application::RelayOutbox step(*feed_, publisher, batch);
    return run_sync(io_, [&]() -> asio::awaitable<application::RelayStep> {
      auto r = co_await step(relay_ctx(epoch));
      if (!r) throw std::runtime_error(r.error().slug);
      co_return *r;
    }());
  }

  std::string sales(const char* tenant) {
    return run_sql(
        db_.owner_conninfo,
        std::string("SELECT coalesce(string_agg(to_char(bucket_start AT TIME ZONE "
                    "'UTC', 'HH24') || ':' || orders || ':' || revenue, ',' ORDER BY "
                    "bucket_start), '') FROM brandos.sales_by_hour WHERE tenant_id = '") +
            tenant + "'");
  }
  std::string unpublished() {
    return run_sql(db_.owner_conninfo,
                   "SELECT count(*) FROM brandos.outbox_events WHERE published_at IS NULL");
  }

  asio::io_context io_;
  testing::TestDatabase db_;
  crypto::SodiumIdGenerator ids_;
  std::unique_ptr<Pool> pool_;
  std::unique_ptr<TenantData> data_;
  std::unique_ptr<OutboxFeed> feed_;
  std::unique_ptr<JobLeases> leases_;
  std::int64_t epoch_ = 0;
};

TEST_F(OutboxFeedTest, EventsLeaveInTheOrderTheyWereWrittenAndOnlyConfirmedOnesAreMarked) {
  const auto order = ids_.new_id();
  std::vector<domain::Uuid> written;
  for (int v = 1; v <= 5; ++v)
    written.push_back(write_event(v % 2 ? kTenantA : kTenantB, "order.created", ids_.new_id(), 1,
                                  100, "2026-11-27T10:15:00Z"));
  written.push_back(write_event(kTenantA, "order.created", order, 1, 500, "2026-11-27T10:15:00Z"));
  written.push_back(
      write_event(kTenantA, "order.cancelled", order, 2, 500, "2026-11-27T10:15:00Z"));

  PartialPublisher publisher;
  publisher.confirm = 3;
  auto step = relay(publisher, epoch_);
  EXPECT_EQ(step.read, 7u);
  EXPECT_EQ(step.published, 3u);
  ASSERT_EQ(publisher.seen.size(), 7u);
  for (std::size_t i = 0; i < written.size(); ++i) EXPECT_EQ(publisher.seen[i].id, written[i]);
  EXPECT_EQ(unpublished(), "4");
  // The unconfirmed rest goes again, in the same order, from the first unconfirmed.
  publisher.seen.clear();
  publisher.confirm = 1000;
  step = relay(publisher, epoch_);
  EXPECT_EQ(step.published, 4u);
  ASSERT_EQ(publisher.seen.size(), 4u);
  EXPECT_EQ(publisher.seen[0].id, written[3]);
  EXPECT_EQ(publisher.seen[3].id, written[6]);
  EXPECT_EQ(publisher.seen[3].aggregate_version, 2);
  EXPECT_EQ(unpublished(), "0");
  // The envelope of API.md, rendered once.
  const auto& env = publisher.seen[3].envelope_json;
  for (const char* field : {R"("type" : "order.cancelled")", R"("aggregate_version" : 2)",
                            R"("tenant_id" : ")", R"("occurred_at" : ")", R"("data" : {)"})
    EXPECT_NE(env.find(field), std::string::npos) << field << " in " << env;
}

TEST_F(OutboxFeedTest, AStaleRelayCannotMarkEventsPublished) {
  write_event(kTenantA, "order.created", ids_.new_id(), 1, 100, "2026-11-27T10:15:00Z");
  run_sql(db_.owner_conninfo,
          "UPDATE brandos.job_leases SET epoch = epoch + 1, holder = 'other' "
          "WHERE job = 'outbox-relay'");
  PartialPublisher publisher;
  application::RelayOutbox step(*feed_, publisher, 100);
  auto r = run_sync(io_, step(relay_ctx(epoch_)));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().slug, "lease-lost");
  EXPECT_EQ(unpublished(), "1");  // published (at least once) but not settled: it goes again
}

TEST_F(OutboxFeedTest, TheSalesProjectionCountsARedeliveredEventOnce) {
  application::ProjectSales projection(*data_);
  local::InProcessEventPublisher publisher;
  publisher.subscribe(projection);
  const auto cancelled = ids_.new_id();
  write_event(kTenantA, "order.created", ids_.new_id(), 1, 1999, "2026-11-27T10:15:00Z");
  write_event(kTenantA, "order.created", ids_.new_id(), 1, 1, "2026-11-27T10:59:59.999Z");
  write_event(kTenantA, "order.created", cancelled, 1, 700, "2026-11-27T11:00:00Z");
  write_event(kTenantB, "order.created", ids_.new_id(), 1, 5, "2026-11-27T11:30:00+01:00");
  write_event(kTenantA, "product.created", ids_.new_id(), 1, 0, "2026-11-27T11:00:00Z");
  EXPECT_EQ(relay(publisher, epoch_).published, 5u);
  EXPECT_EQ(sales(kTenantA), "10:2:2000,11:1:700");
  EXPECT_EQ(sales(kTenantB), "10:1:5");

  // Delivered again (the relay crashed before marking them): nothing changes.
  run_sql(db_.owner_conninfo, "UPDATE brandos.outbox_events SET published_at = NULL");
  EXPECT_EQ(relay(publisher, epoch_).published, 5u);
  EXPECT_EQ(sales(kTenantA), "10:2:2000,11:1:700");

  // The same event twice in one delivery (republished before its confirm) counts once.
  const auto twice =
      write_event(kTenantB, "order.created", ids_.new_id(), 1, 40, "2026-11-27T12:10:00Z");
  std::vector<PublishedEvent> copies;
  PartialPublisher seen;
  relay(seen, epoch_);  // reads it (and marks it published) without applying it
  ASSERT_EQ(seen.seen.size(), 1u);
  EXPECT_EQ(seen.seen[0].id, twice);
  copies = {seen.seen[0], seen.seen[0]};
  ASSERT_TRUE(run_sync(io_, projection.apply(OperationContext{}, copies)).has_value());
  EXPECT_EQ(sales(kTenantB), "10:1:5,12:1:40");

  // A cancellation counts the order out of the hour it was placed in.
  write_event(kTenantA, "order.cancelled", cancelled, 2, 700, "2026-11-27T11:00:00Z");
  EXPECT_EQ(relay(publisher, epoch_).published, 1u);
  EXPECT_EQ(sales(kTenantA), "10:2:2000,11:0:0");
  EXPECT_EQ(run_sql(db_.owner_conninfo,
                    "SELECT count(*) FROM brandos.inbox WHERE consumer = 'sales-projection'"),
            "6");
}

TEST_F(OutboxFeedTest, PruningAndReapingKeepTheirFloorsAndAreFenced) {
  for (int i = 0; i < 3; ++i)
    write_event(kTenantA, "order.created", ids_.new_id(), 1, 100, "2026-11-27T10:15:00Z");
  // Published 2 h, 30 min and not at all ago; inbox entries 8 days and 1 day old.
  run_sql(db_.owner_conninfo, R"sql(
    WITH ranked AS (SELECT id, row_number() OVER (ORDER BY position) AS n FROM brandos.outbox_events)
    UPDATE brandos.outbox_events o SET published_at = CASE r.n WHEN 1 THEN now() - interval '2 hours'
                                                              WHEN 2 THEN now() - interval '30 minutes' END
    FROM ranked r WHERE r.id = o.id)sql");
  run_sql(db_.owner_conninfo,
          std::string("INSERT INTO brandos.inbox (consumer, event_id, tenant_id, processed_at) "
                      "VALUES ('sales-projection', gen_random_uuid(), '") +
              kTenantA +
              "', now() - interval '8 days'), ('sales-projection', gen_random_uuid(), '" +
              kTenantA + "', now() - interval '1 day')");
  auto count = [&](const char* sql) { return run_sql(db_.owner_conninfo, sql); };
  auto prune = [&](std::int64_t epoch, std::chrono::seconds older) {
    return run_sync(io_, feed_->prune_published(relay_ctx(epoch), older, 100));
  };
  auto reap = [&](std::int64_t epoch, std::chrono::seconds older) {
    return run_sync(io_, feed_->reap_inbox(relay_ctx(epoch), older, 100));
  };
  // Asked for "everything", each keeps its floor: an hour of published events, a week of inbox.
  auto pruned = prune(epoch_, std::chrono::seconds(0));
  ASSERT_TRUE(pruned.has_value());
  EXPECT_EQ(*pruned, 1);
  EXPECT_EQ(count("SELECT count(*) FROM brandos.outbox_events"), "2");
  auto reaped = reap(epoch_, std::chrono::seconds(0));
  ASSERT_TRUE(reaped.has_value());
  EXPECT_EQ(*reaped, 1);
  EXPECT_EQ(count("SELECT count(*) FROM brandos.inbox"), "1");
  // A former leader deletes nothing.
  run_sql(db_.owner_conninfo,
          "UPDATE brandos.outbox_events SET published_at = now() - "
          "interval '3 hours' WHERE published_at IS NOT NULL");
  run_sql(db_.owner_conninfo, "UPDATE brandos.job_leases SET epoch = epoch + 1");
  auto stale = prune(epoch_, std::chrono::seconds(0));
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().slug, "lease-lost");
  EXPECT_FALSE(reap(epoch_, std::chrono::seconds(0)).has_value());
  EXPECT_EQ(count("SELECT count(*) FROM brandos.outbox_events"), "2");
}

}  // namespace
}  // namespace brandos::pg
