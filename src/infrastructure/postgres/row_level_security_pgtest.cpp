// Tenant isolation enforced by PostgreSQL alone: these tests talk to the database as the
// service's role, with hand-written SQL that "forgets" to filter by tenant, and show that row-level
// security still holds. They also check the schema itself, so a future table cannot forget it.
#include <gtest/gtest.h>

#include "infrastructure/postgres/pool.hpp"
#include "infrastructure/postgres/transaction.hpp"
#include "support/run_sync.hpp"
#include "support/test_database.hpp"

namespace brandos::pg {
namespace {

namespace asio = boost::asio;
using testing::run_sql;
using testing::run_sync;

constexpr const char* kTenantA = "018f0000-0000-7000-8000-00000000000a";
constexpr const char* kTenantB = "018f0000-0000-7000-8000-00000000000b";

class RowLevelSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::create_test_database();
    // Seed two tenants as the owner (the only role that may bypass RLS).
    for (const char* t : {kTenantA, kTenantB}) {
      const std::string id = t;
      const std::string suffix = id.substr(id.size() - 1);
      run_sql(
          db_.owner_conninfo,
          "INSERT INTO brandos.tenants (id, slug, name) VALUES ('" + id + "', 'brand-" + suffix +
              "', 'Brand " + suffix +
              "');"
              "INSERT INTO brandos.users (id, tenant_id, email, name, role, password_hash) VALUES "
              "(gen_random_uuid(), '" +
              id + "', 'owner@" + suffix +
              ".test', 'O', 'owner', 'x'),"
              "(gen_random_uuid(), '" +
              id + "', 'staff@" + suffix +
              ".test', 'S', 'staff', 'x');"
              "INSERT INTO brandos.audit_events (id, tenant_id, action, outcome) VALUES "
              "(gen_random_uuid(), '" +
              id + "', 'test.seeded', 'success');");
    }
    PoolOptions o;
    o.connection.conninfo = db_.app_conninfo;
    pool_ = std::make_unique<Pool>(io_.get_executor(), o);
  }

  // Runs statements in one transaction as the app role, optionally with a tenant set first.
  Expected<std::vector<Result>> as_app(const char* tenant, std::vector<Statement> statements) {
    return run_sync(io_, [&]() -> asio::awaitable<Expected<std::vector<Result>>> {
      auto tx = co_await Transaction::begin(*pool_);
      if (!tx) co_return std::unexpected(tx.error());
      std::vector<Statement> batch;
      if (tenant)
        batch.emplace_back("SELECT set_config('app.tenant_id', $1, true)", std::string(tenant));
      for (auto& s : statements) batch.push_back(std::move(s));
      auto r = co_await tx->pipeline(batch);
      if (!r) co_return std::unexpected(r.error());
      auto c = co_await tx->commit();
      if (!c) co_return std::unexpected(c.error());
      if (tenant) r->erase(r->begin());
      co_return r;
    }());
  }

  asio::io_context io_;
  testing::TestDatabase db_;
  std::unique_ptr<Pool> pool_;
};

TEST_F(RowLevelSecurityTest, WithoutATenantNothingIsVisible) {
  for (const char* table : {"tenants", "users", "refresh_tokens", "audit_events"}) {
    auto r = as_app(nullptr, {Statement(std::string("SELECT count(*) FROM brandos.") + table)});
    ASSERT_TRUE(r) << table << ": " << r.error().message;
    EXPECT_EQ((*r)[0].int64(0, 0), 0) << table;
  }
}

TEST_F(RowLevelSecurityTest, ATenantSeesOnlyItsOwnRowsEvenWithoutAFilter) {
  auto r =
      as_app(kTenantA, {Statement("SELECT count(*), count(*) FILTER (WHERE tenant_id <> $1::uuid) "
                                  "FROM brandos.users",
                                  std::string(kTenantA)),
                        Statement("SELECT count(*) FROM brandos.tenants"),
                        Statement("SELECT count(*) FROM brandos.audit_events")});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)[0].int64(0, 0), 2);
  EXPECT_EQ((*r)[0].int64(0, 1), 0);
  EXPECT_EQ((*r)[1].int64(0, 0), 1);
  EXPECT_EQ((*r)[2].int64(0, 0), 1);
}

TEST_F(RowLevelSecurityTest, WritingIntoAnotherTenantIsRefused) {
  auto insert = as_app(
      kTenantA,
      {Statement("INSERT INTO brandos.users (id, tenant_id, email, name, role, password_hash) "
                 "VALUES (gen_random_uuid(), $1::uuid, 'intruder@b.test', 'I', 'admin', 'x')",
                 std::string(kTenantB))});
  ASSERT_FALSE(insert);
  EXPECT_EQ(insert.error().kind, ErrorKind::insufficient_privilege);

  // Updates and deletes of B's rows find nothing to change.
  auto update = as_app(
      kTenantA, {Statement("UPDATE brandos.users SET role = 'viewer' WHERE tenant_id = $1::uuid",
                           std::string(kTenantB)),
                 Statement("DELETE FROM brandos.refresh_tokens WHERE tenant_id = $1::uuid",
                           std::string(kTenantB))});
  ASSERT_TRUE(update) << update.error().message;
  EXPECT_EQ((*update)[0].affected_rows(), 0);
  // Moving one's own row to another tenant is refused as well (WITH CHECK). The staff row moves
  // into B under a fresh e-mail, so no unique index (one owner per tenant, one e-mail) stands in
  // the way: only the policy can refuse it (issue 10, item 2).
  auto move = as_app(kTenantA, {Statement("UPDATE brandos.users SET tenant_id = $1::uuid, "
                                          "email = 'moved@elsewhere.test' WHERE role = 'staff'",
                                          std::string(kTenantB))});
  ASSERT_FALSE(move);
  EXPECT_EQ(move.error().kind, ErrorKind::insufficient_privilege) << move.error().message;
  EXPECT_NE(move.error().message.find("row-level security"), std::string::npos)
      << move.error().message;
  EXPECT_EQ(run_sql(db_.owner_conninfo, "SELECT count(*) FROM brandos.users WHERE role = 'viewer'"),
            "0");
}

TEST_F(RowLevelSecurityTest, AuditLogIsAppendOnlyForTheService) {
  auto update =
      as_app(kTenantA, {Statement("UPDATE brandos.audit_events SET outcome = 'failure'")});
  ASSERT_FALSE(update);
  EXPECT_EQ(update.error().kind, ErrorKind::insufficient_privilege);
  auto del = as_app(kTenantA, {Statement("DELETE FROM brandos.audit_events")});
  ASSERT_FALSE(del);
  EXPECT_EQ(del.error().kind, ErrorKind::insufficient_privilege);
}

TEST_F(RowLevelSecurityTest, PreTenantLookupsReturnOnlyATenantId) {
  auto r = as_app(nullptr, {Statement("SELECT brandos.tenant_id_for_slug('brand-b')"),
                            Statement("SELECT brandos.tenant_id_for_slug('no-such-brand')")});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)[0].text(0, 0), kTenantB);
  EXPECT_TRUE((*r)[1].is_null(0, 0));
}

// Guards future migrations: any table with a tenant_id column must have RLS enabled and forced
// with a policy that has both USING and WITH CHECK; the service role must own nothing and must
// not be able to bypass RLS.
// The schema, checked exactly (issue 10, item 3): which tables hold tenant data, that each one's
// row-level security is forced and has one policy whose expressions are exactly the tenant check,
// which SECURITY DEFINER functions exist (each a reviewed way around the policies), that no view
// could read around them, and that the service's role can borrow no other role's rights. A new
// table, policy or function fails here until it is reviewed and listed.
TEST_F(RowLevelSecurityTest, EveryTenantTableIsProtected) {
  auto sql = [&](const char* q) { return run_sql(db_.superuser_conninfo, q); };
  EXPECT_EQ(sql(R"sql(
    SELECT string_agg(c.relname, ',' ORDER BY c.relname)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'brandos' AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations')sql"),
            "audit_events,customer_keys,customers,idempotency_keys,inbox,job_leases,"
            "order_cancellations,order_events,order_items,orders,outbox_events,payments,products,"
            "refresh_tokens,refunds,sales_as_of,sales_by_hour,tenants,users,webhook_deliveries,"
            "webhook_endpoints");
  // Forced row-level security, and exactly one policy: permissive, for everyone, for every
  // command, and nothing but the tenant check both ways.
  EXPECT_EQ(sql(R"sql(
    SELECT coalesce(string_agg(c.relname, ','), '')
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'brandos' AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations'
      AND NOT (c.relrowsecurity AND c.relforcerowsecurity))sql"),
            "");
  EXPECT_EQ(sql(R"sql(
    SELECT coalesce(string_agg(tablename || ':' || policyname, ','), '') FROM pg_policies
    WHERE schemaname = 'brandos' AND NOT (
      policyname = 'tenant_isolation' AND permissive = 'PERMISSIVE' AND roles = '{public}'
      AND cmd = 'ALL'
      AND qual = CASE tablename WHEN 'tenants' THEN '(id = brandos.current_tenant_id())'
                 ELSE '(tenant_id = brandos.current_tenant_id())' END
      AND with_check = qual))sql"),
            "");
  // job_leases holds no tenant's data: forced row-level security and no policy at all.
  EXPECT_EQ(sql("SELECT count(*) FROM pg_policies WHERE schemaname = 'brandos'"), "20");
  EXPECT_EQ(sql("SELECT count(*) FROM pg_policies WHERE tablename = 'job_leases'"), "0");
  // The ways around the policies, each reviewed (ADR 0006): two pre-tenant lookups that return a
  // tenant id, two maintenance functions bounded by migration 0010, and the job leases and the
  // outbox relay's functions of migration 0013, the webhook delivery job's of 0014 (ADR 0015:
  // bounded, and every write fenced) and the payment settlement job's lookup of 0017 (ids only).
  EXPECT_EQ(sql(R"sql(
    SELECT string_agg(p.proname, ',' ORDER BY p.proname)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema'))sql"),
            "claim_webhook_deliveries,hold_job_lease,mark_events_published,"
            "prune_published_events,reap_idempotency_keys,reap_inbox,record_webhook_attempt,"
            "release_job_lease,take_job_lease,tenant_id_for_refresh_token,tenant_id_for_slug,"
            "unpaid_orders_due,unpublished_events,unsettled_payments_due");
  // No view: one owned by the owner would read the tables with the owner's BYPASSRLS.
  EXPECT_EQ(sql(R"sql(
    SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'brandos' AND c.relkind IN ('v', 'm'))sql"),
            "0");
  // The service's role owns nothing, bypasses nothing and is a member of no role.
  EXPECT_EQ(sql("SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                "WHERE r.rolname = 'brandos_app'"),
            "0");
  EXPECT_EQ(sql("SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = 'brandos_app'"),
            "f");
  EXPECT_EQ(sql("SELECT count(*) FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member "
                "WHERE u.rolname = 'brandos_app'"),
            "0");
}

}  // namespace
}  // namespace brandos::pg
