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
  ClaimResult claim(const application::IdempotencyScope& s,
                    std::chrono::seconds lock = std::chrono::seconds(30)) {
    application::IdempotentRequests requests(*data_, lock);
    auto c = run_sync(io_, requests.claim(ctx(), s));
    EXPECT_TRUE(c);
    return c ? c->result : ClaimResult::in_flight;
  }
  bool settle(const application::IdempotencyScope& s, application::StoredResponse r) {
    return run_sync(io_, requests_->settle(ctx(), s, r)).has_value();
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

TEST_F(IdempotentRequestsTest, ClaimReplayMismatchAndRelease) {
  const auto s = scope("k1", "{\"a\":1}");
  EXPECT_EQ(claim(s), ClaimResult::claimed);
  EXPECT_EQ(claim(s), ClaimResult::in_flight);
  EXPECT_EQ(claim(scope("k1", "{\"a\":2}")), ClaimResult::mismatch);
  ASSERT_TRUE(settle(s, {201, "{\"id\":\"x\"}"}));
  auto replay = run_sync(io_, requests_->claim(ctx(), s));
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->result, ClaimResult::replay);
  EXPECT_EQ(replay->response->status, 201);
  EXPECT_EQ(replay->response->body, "{\"id\":\"x\"}");

  const auto r = scope("k2", "{}");
  EXPECT_EQ(claim(r), ClaimResult::claimed);
  ASSERT_TRUE(settle(r, {503, ""}));
  EXPECT_EQ(claim(r), ClaimResult::claimed);  // released: a retry runs again
}

TEST_F(IdempotentRequestsTest, AnExpiredClaimIsTakenOverBySameRequestOnly) {
  const auto s = scope("k3", "{\"same\":true}");
  EXPECT_EQ(claim(s, std::chrono::seconds(1)), ClaimResult::claimed);
  run_sql(db_.owner_conninfo,
          "UPDATE brandos.idempotency_keys SET locked_until = now() - interval '1 second'");
  EXPECT_EQ(claim(scope("k3", "{\"same\":false}")), ClaimResult::mismatch);
  EXPECT_EQ(claim(s), ClaimResult::claimed);  // the holder died; the retry takes over
  EXPECT_EQ(claim(s), ClaimResult::in_flight);
}

TEST_F(IdempotentRequestsTest, KeysOlderThanADayAreReaped) {
  EXPECT_EQ(claim(scope("old", "{}")), ClaimResult::claimed);
  EXPECT_EQ(claim(scope("new", "{}")), ClaimResult::claimed);
  run_sql(db_.owner_conninfo,
          "UPDATE brandos.idempotency_keys SET created_at = now() - interval '25 hours' WHERE key "
          "= 'old'");
  // Even asked for less, the reaper keeps 24 hours.
  auto r = run_sync(
      io_, pool_->execute(Statement("SELECT brandos.reap_idempotency_keys(interval '1 minute')")));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->int64(0, 0), 1);
  EXPECT_EQ(
      run_sql(db_.owner_conninfo, "SELECT string_agg(key, ',') FROM brandos.idempotency_keys"),
      "new");
}

}  // namespace
}  // namespace brandos::pg
