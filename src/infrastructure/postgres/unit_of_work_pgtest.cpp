// The unit of work against a real server: an audit row commits in the same transaction as the
// change it records (a refused audit insert takes the change down with it), and a unit of work
// sees its own tenant only, whether the tenant comes from the context or from a slug.
#include "infrastructure/postgres/unit_of_work.hpp"

#include <gtest/gtest.h>

#include <sodium.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "application/customers/manage_customers.hpp"
#include "infrastructure/crypto/personal_data_cipher.hpp"
#include "infrastructure/crypto/random.hpp"
#include "infrastructure/postgres/failure_of.hpp"
#include "support/run_sync.hpp"
#include "support/test_database.hpp"

namespace brandos::pg {
namespace {

namespace asio = boost::asio;
using application::Access;
using application::OperationContext;
using testing::run_sql;
using testing::run_sync;

const char* kTenantA = "018f0000-0000-7000-8000-00000000000a";
const char* kTenantB = "018f0000-0000-7000-8000-00000000000b";
const char* kUser = "018f0000-0000-7000-8000-0000000000ee";

// Event payloads are not what these tests look at.
class PlainDocuments final : public application::ResourceDocuments {
 public:
  std::string order(const application::OrderRecord&) const override { return "{}"; }
  std::string product(const application::ProductRecord&) const override { return "{}"; }
  std::string stock_adjustment(const application::ProductRecord&, std::int64_t,
                               const std::string&) const override {
    return "{}";
  }
  std::string reference(const domain::Uuid&) const override { return "{}"; }
  std::string order_placed(const application::OrderRecord&) const override { return "{}"; }
  std::string reason(const std::string&) const override { return "{}"; }
  std::string payment(const application::PaymentRecord&) const override { return "{}"; }
  std::string refund(const application::RefundRecord&) const override { return "{}"; }
  std::string money_movement(const domain::Uuid&, std::int64_t, const std::string&,
                             const std::optional<std::string>&) const override {
    return "{}";
  }
};

class UnitOfWorkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    db_ = testing::create_test_database();
    for (const char* t : {kTenantA, kTenantB})
      run_sql(db_.owner_conninfo, std::string("INSERT INTO brandos.tenants (id, slug, name) "
                                              "VALUES ('") +
                                      t + "', 'brand-" + std::string(t).substr(35) + "', 'B')");
    // The audit log refuses one action, as a full disk or a broken constraint would.
    run_sql(db_.owner_conninfo, R"sql(
      CREATE FUNCTION brandos.refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.action IN ('test.refused', 'customer.erased') THEN
          RAISE EXCEPTION 'audit insert refused by the test';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_audit BEFORE INSERT ON brandos.audit_events
        FOR EACH ROW EXECUTE FUNCTION brandos.refuse_audit();)sql");
    PoolOptions o;
    o.connection.conninfo = db_.app_conninfo;
    pool_ = std::make_unique<Pool>(io_.get_executor(), o);
    data_ = std::make_unique<TenantData>(*pool_, ids_);
  }

  OperationContext in(const char* tenant) const {
    application::Principal p{*domain::Uuid::parse(tenant), *domain::Uuid::parse(kUser),
                             domain::Role::owner, "o@x.test", "O"};
    return OperationContext::of(p);
  }

  // Adds a product and an audit entry with `action` in one unit of work; whether it committed.
  bool add_product_audited(const char* sku, const char* action) {
    return run_sync(io_, [&]() -> asio::awaitable<bool> {
      auto uow = data_->begin(in(kTenantA), Access::write);
      auto now = co_await uow->now();
      EXPECT_TRUE(now);
      uow->products().add({ids_.new_id(), sku, "Mug", std::nullopt, 100, "EUR", 1, 1, *now, *now});
      uow->audit().append({action, std::nullopt, "product", sku, {}});
      try {
        auto done = co_await uow->commit();
        co_return done.has_value();
      } catch (const DatabaseBug&) {
        co_return false;
      }
    }());
  }

  std::string count(const std::string& sql) { return run_sql(db_.owner_conninfo, sql); }

  asio::io_context io_;
  testing::TestDatabase db_;
  crypto::SodiumIdGenerator ids_;
  std::unique_ptr<Pool> pool_;
  std::unique_ptr<TenantData> data_;
};

TEST_F(UnitOfWorkTest, AnAuditRowCommitsWithItsChangeOrTheChangeIsRolledBack) {
  EXPECT_TRUE(add_product_audited("KEPT", "test.accepted"));
  EXPECT_EQ(count("SELECT count(*) FROM brandos.products WHERE sku = 'KEPT'"), "1");
  EXPECT_EQ(count("SELECT count(*) FROM brandos.audit_events WHERE action = 'test.accepted'"), "1");

  EXPECT_FALSE(add_product_audited("LOST", "test.refused"));
  EXPECT_EQ(count("SELECT count(*) FROM brandos.products WHERE sku = 'LOST'"), "0");
}

TEST_F(UnitOfWorkTest, WritesThatWereOnlyQueuedAreCommitted) {
  // No statement before commit(): the queued audit row is the whole transaction.
  for (auto access : {Access::write, Access::write_per_round_trip}) {
    auto done = run_sync(io_, [&]() -> asio::awaitable<bool> {
      auto uow = data_->begin(in(kTenantA), access);
      uow->audit().append({"test.queued_only", std::nullopt, "x", "y", {}});
      auto r = co_await uow->commit();
      co_return r.has_value();
    }());
    EXPECT_TRUE(done);
  }
  EXPECT_EQ(count("SELECT count(*) FROM brandos.audit_events WHERE action = 'test.queued_only'"),
            "2");
}

TEST_F(UnitOfWorkTest, AnErasureWhoseAuditRowFailsErasesNothing) {
  crypto::MasterKey master{"m1", {}};
  master.key.fill(7);
  crypto::SodiumPersonalDataCipher cipher({master}, {});
  PlainDocuments documents;
  application::ManageCustomers customers(*data_, cipher, documents, ids_);
  auto created = run_sync(io_, customers.create(in(kTenantA), {"ann@x.test", "Ann", {}, {}}));
  ASSERT_TRUE(created);

  EXPECT_THROW(run_sync(io_, customers.erase(in(kTenantA), created->id)), DatabaseBug);
  EXPECT_EQ(count("SELECT count(*) FROM brandos.customers WHERE erased_at IS NULL"), "1");
  EXPECT_EQ(count("SELECT count(*) FROM brandos.customer_keys"), "1");
  EXPECT_EQ(count("SELECT count(*) FROM brandos.outbox_events WHERE type = 'customer.erased'"),
            "0");
  auto still = run_sync(io_, customers.get(in(kTenantA), created->id));
  ASSERT_TRUE(still);
  EXPECT_EQ(still->email, "ann@x.test");
}

TEST_F(UnitOfWorkTest, SeesOnlyItsOwnTenantWhereverTheTenantComesFrom) {
  ASSERT_TRUE(add_product_audited("A-ONLY", "test.accepted"));
  auto listed = run_sync(io_, [&]() -> asio::awaitable<std::size_t> {
    auto uow = data_->begin(in(kTenantB), Access::read);
    auto products = co_await uow->products().list(std::nullopt, std::nullopt, 10);
    EXPECT_TRUE(products);
    co_return products ? products->size() : 99;
  }());
  EXPECT_EQ(listed, 0u);

  auto by_slug = [&](std::string slug) {
    return run_sync(io_, [&]() -> asio::awaitable<application::Outcome<application::TenantRecord>> {
      OperationContext anonymous;
      auto uow = data_->begin(anonymous, Access::read, application::TenantOf::slug(slug));
      co_return co_await uow->users().tenant();
    }());
  };
  auto b = by_slug("brand-b");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->id.to_string(), kTenantB);
  auto unknown = by_slug("no-such-brand");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, application::FailureCode::not_found);
}

// Reads by key go over the thread's shared connection, one Sync each: interleaved with the other
// tenant's, each still sees its own tenant only.
TEST_F(UnitOfWorkTest, ReadsByKeyOnTheSharedConnectionSeeOnlyTheirTenant) {
  const domain::Uuid id = ids_.new_id();
  ASSERT_TRUE(run_sync(io_, [&]() -> asio::awaitable<bool> {
    auto uow = data_->begin(in(kTenantA), Access::write);
    auto now = co_await uow->now();
    uow->products().add({id, "BY-KEY", "Mug", std::nullopt, 100, "EUR", 1, 1, *now, *now});
    co_return (co_await uow->commit()).has_value();
  }()));
  int own = 0, foreign = 0;
  for (int i = 0; i < 40; ++i) {
    asio::co_spawn(
        io_,
        [&, i]() -> asio::awaitable<void> {
          const bool a = i % 2 == 0;
          auto uow = data_->begin(in(a ? kTenantA : kTenantB), Access::read_by_key);
          auto p = co_await uow->products().get(id);
          if (p && *p && a) ++own;
          if (p && *p && !a) ++foreign;
        },
        asio::detached);
  }
  io_.restart();
  io_.run();
  EXPECT_EQ(own, 20);
  EXPECT_EQ(foreign, 0);
  auto uow = data_->begin(in(kTenantA), Access::read_by_key);
  EXPECT_THROW(uow->audit().append({"test.accepted", std::nullopt, "x", "y", {}}),
               std::logic_error);
}

TEST_F(UnitOfWorkTest, AReadUnitOfWorkRefusesToWrite) {
  auto uow = data_->begin(in(kTenantA), Access::read);
  EXPECT_THROW(uow->audit().append({"test.accepted", std::nullopt, "x", "y", {}}),
               std::logic_error);
}

}  // namespace
}  // namespace brandos::pg
