// Idempotent requests on the PostgreSQL unit of work, against a real server: claims, replays,
// mismatches, takeover of an expired claim, release, and the reaper that removes keys older than
// 24 hours.
#include "application/idempotency/idempotent_requests.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "infrastructure/crypto/random.hpp"
#include "infrastructure/crypto/request_fingerprints.hpp"
#include "infrastructure/postgres/unit_of_work.hpp"
#include "support/run_sync.hpp"
#include "support/test_database.hpp"

namespace brandos::pg {
namespace {

using application::ClaimResult;
using testing::run_sql;
using testing::run_sync;

class IdempotentRequestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    db_ = testing::create_test_database();
    run_sql(db_.owner_conninfo,
            "INSERT INTO brandos.tenants (id, slug, name) VALUES ('" + kTenant + "', 'idem', 'I')");
    PoolOptions o;
    o.connection.conninfo = db_.app_conninfo;
    pool_ = std::make_unique<Pool>(io_.get_executor(), o);
    data_ = std::make_unique<TenantData>(*pool_, ids_);
    requests_ = std::make_unique<application::IdempotentRequests>(*data_);
  }
  application::IdempotencyScope scope(const std::string& key, const std::string& body) {
    return {*domain::Uuid::parse(kTenant),
            *domain::Uuid::parse("018f0000-0000-7000-8000-0000000000aa"), "POST /v1/orders", key,
            fingerprints_.of("POST", "/v1/orders", body)};
  }
  application::OperationContext ctx() const {
    application::OperationContext c;
    c.tenant = *domain::Uuid::parse(kTenant);
    return c;
  }
  // Records `r` with the key (a 4xx the work did not store): the claim's answer.
  application::Claim record(const application::IdempotencyScope& s,
                            application::StoredResponse r = {422, "{}"}) {
    auto c = run_sync(io_, requests_->record(ctx(), s, r));
    EXPECT_TRUE(c);
    return c ? *c : application::Claim{ClaimResult::in_flight, std::nullopt};
  }

  const std::string kTenant = "018f0000-0000-7000-8000-00000000000a";
  boost::asio::io_context io_;
  testing::TestDatabase db_;
  std::unique_ptr<Pool> pool_;
  crypto::SodiumIdGenerator ids_;
  crypto::Sha256RequestFingerprints fingerprints_;
  std::unique_ptr<TenantData> data_;
  std::unique_ptr<application::IdempotentRequests> requests_;
};

TEST_F(IdempotentRequestsTest, RecordedAnswersReplayAndGuardTheirKey) {
  const auto s = scope("k1", "{\"a\":1}");
  EXPECT_EQ(record(s, {409, "{\"type\":\"x\"}"}).result, ClaimResult::claimed);
  const auto replay = record(s);
  EXPECT_EQ(replay.result, ClaimResult::replay);
  ASSERT_TRUE(replay.response);
  EXPECT_EQ(replay.response->status, 409);
  EXPECT_EQ(replay.response->body, "{\"type\":\"x\"}");
  EXPECT_EQ(record(scope("k1", "{\"a\":2}")).result, ClaimResult::mismatch);
}

// A claim lives in its transaction: while one holds the key another request is told "in flight"
// (at once, without waiting), and a transaction that ends without completing leaves the key free.
TEST_F(IdempotentRequestsTest, AClaimIsHeldByItsTransactionAndDiesWithIt) {
  const auto s = scope("k2", "{}");
  auto holder = data_->begin(ctx(), application::Access::write);
  auto ticket = holder->idempotency().claim(s);
  ASSERT_TRUE(run_sync(io_, holder->now()));  // the round trip that takes the claim
  ASSERT_EQ(ticket->result().result, ClaimResult::claimed);
  EXPECT_EQ(record(s).result, ClaimResult::in_flight);
  run_sync(io_, holder->rollback());  // the request failed, or its process died
  holder.reset();
  EXPECT_EQ(record(s, {400, "{}"}).result, ClaimResult::claimed);  // free again
  EXPECT_EQ(record(s).response->status, 400);
}

// Keys claimed under the earlier scheme (committed 'in_flight' rows with a lock period): in flight
// while the period runs (an old node may still be working on it), then the same request's to
// complete.
TEST_F(IdempotentRequestsTest, AnOldInFlightRowIsInFlightUntilItsLockPasses) {
  auto old_claim = [&](const std::string& key, const std::string& until) {
    run_sql(db_.owner_conninfo,
            "INSERT INTO brandos.idempotency_keys (tenant_id, user_id, endpoint, key, fingerprint, "
            "status, locked_until) VALUES ('" +
                kTenant + "', '018f0000-0000-7000-8000-0000000000aa', 'POST /v1/orders', '" + key +
                "', '\\x" + std::string(64, '0') + "', 'in_flight', " + until + ")");
  };
  old_claim("held", "now() + interval '1 hour'");
  old_claim("expired", "now() - interval '1 second'");
  // The rows' fingerprint is 32 zero bytes: a request with another body is a mismatch.
  EXPECT_EQ(record(scope("expired", "{}")).result, ClaimResult::mismatch);
  application::IdempotencyScope same = scope("held", "{}");
  same.fingerprint.fill(0);
  EXPECT_EQ(record(same).result, ClaimResult::in_flight);
  same.key = "expired";
  EXPECT_EQ(record(same, {422, "{}"}).result, ClaimResult::claimed);
  EXPECT_EQ(record(same).result, ClaimResult::replay);
}

// A done key replays even while another request holds its lock (two retries at once after a
// success both get the stored answer, never "still running").
TEST_F(IdempotentRequestsTest, ADoneKeyReplaysWhoeverHoldsItsLock) {
  const auto s = scope("k4", "{}");
  ASSERT_EQ(record(s, {404, "{}"}).result, ClaimResult::claimed);
  auto holder = data_->begin(ctx(), application::Access::write);
  auto ticket = holder->idempotency().claim(s);
  ASSERT_TRUE(run_sync(io_, holder->now()));
  EXPECT_EQ(ticket->result().result, ClaimResult::replay);
  EXPECT_EQ(record(s).result, ClaimResult::replay);  // while the holder's lock is still taken
  run_sync(io_, holder->rollback());
}

TEST_F(IdempotentRequestsTest, KeysOlderThanADayAreReapedInBoundedBatches) {
  for (const char* key : {"old-1", "old-2", "old-3", "old-4", "new"})
    EXPECT_EQ(record(scope(key, "{}")).result, ClaimResult::claimed);
  run_sql(db_.owner_conninfo,
          "UPDATE brandos.idempotency_keys SET created_at = now() - interval '25 hours' WHERE key "
          "LIKE 'old-%'");
  auto reap = [&](const std::string& older_than, int batch) {
    auto r = run_sync(
        io_, pool_->execute(Statement("SELECT brandos.reap_idempotency_keys($1::interval, $2)",
                                      older_than, static_cast<std::int32_t>(batch))));
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->int64(0, 0) : -1;
  };
  // Even asked for less, the reaper keeps 24 hours; a batch is at most what was asked, and at
  // least one key however little was asked.
  EXPECT_EQ(reap("1 minute", 2), 2);
  EXPECT_EQ(reap("1 minute", 0), 1);
  EXPECT_EQ(reap("1 minute", 1000000), 1);
  EXPECT_EQ(reap("1 minute", 1000000), 0);
  EXPECT_EQ(
      run_sql(db_.owner_conninfo, "SELECT string_agg(key, ',') FROM brandos.idempotency_keys"),
      "new");
}

// The cross-tenant lookup of unpaid orders runs as the owner for a confined role: however it is
// called, it lists nothing younger than a second and at most 1,000 orders.
TEST_F(IdempotentRequestsTest, UnpaidOrdersDueAreBoundedWhateverTheCallerAsks) {
  auto due = [&](const std::string& older_than, int limit) {
    auto r = run_sync(io_, pool_->execute(Statement(
                               "SELECT count(*) FROM brandos.unpaid_orders_due($1::interval, $2)",
                               older_than, static_cast<std::int32_t>(limit))));
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->int64(0, 0) : -1;
  };
  run_sql(db_.owner_conninfo,
          "INSERT INTO brandos.orders (id, tenant_id, status, total, currency, created_at) "
          "SELECT gen_random_uuid(), '" +
              kTenant +
              "', 'pending_payment', 100, 'EUR', now() - interval '1 hour' "
              "FROM generate_series(1, 1005)");
  EXPECT_EQ(due("-1 hour", 10), 10);
  EXPECT_EQ(due("0 seconds", 1000000), 1000);
  EXPECT_EQ(due("0 seconds", -5), 1);
  EXPECT_EQ(due("2 hours", 1000000), 0);
}

}  // namespace
}  // namespace brandos::pg
