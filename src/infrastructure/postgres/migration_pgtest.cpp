// Migrations against a real server: ordering, checksums, concurrent migrators, and the roles.
#include "infrastructure/postgres/migration.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "support/test_database.hpp"

namespace brandos::pg {
namespace {

using testing::run_sql;

std::vector<MigrationSource> sample() {
  return {
      {"0002_items.sql",
       "CREATE TABLE brandos.items (id bigint PRIMARY KEY);"
       "INSERT INTO brandos.items VALUES (1);"},
      {"0001_notes.sql", "CREATE TABLE brandos.notes (id bigint PRIMARY KEY);"},
  };
}

TEST(Migration, AppliesInVersionOrderOnceAndRecordsChecksums) {
  const auto db = testing::create_empty_test_database();
  const auto first = migrate(db.owner_conninfo, sample());
  EXPECT_EQ(first.applied, (std::vector<std::string>{"0001_notes.sql", "0002_items.sql"}));
  const auto second = migrate(db.owner_conninfo, sample());
  EXPECT_TRUE(second.applied.empty());
  EXPECT_EQ(second.already_applied, 2);
  EXPECT_EQ(run_sql(db.owner_conninfo, "SELECT count(*) FROM brandos.items"), "1");
  EXPECT_EQ(run_sql(db.owner_conninfo,
                    "SELECT length(checksum) FROM brandos.schema_migrations WHERE version = 1"),
            "64");
}

TEST(Migration, RefusesAnEditedAppliedMigration) {
  const auto db = testing::create_empty_test_database();
  migrate(db.owner_conninfo, sample());
  auto edited = sample();
  edited[1].sql += "-- sneaky edit\n";
  EXPECT_THROW(
      {
        try {
          migrate(db.owner_conninfo, edited);
        } catch (const MigrationError& e) {
          EXPECT_NE(std::string(e.what()).find("0001_notes.sql"), std::string::npos);
          throw;
        }
      },
      MigrationError);
}

TEST(Migration, FailingMigrationLeavesNothingBehind) {
  const auto db = testing::create_empty_test_database();
  std::vector<MigrationSource> broken = {
      {"0001_ok.sql", "CREATE TABLE brandos.ok (id int);"},
      {"0002_broken.sql", "CREATE TABLE brandos.half (id int); SELECT no_such_function();"},
  };
  EXPECT_THROW(migrate(db.owner_conninfo, broken), MigrationError);
  EXPECT_EQ(run_sql(db.owner_conninfo, "SELECT count(*) FROM brandos.schema_migrations"), "1");
  EXPECT_EQ(run_sql(db.owner_conninfo, "SELECT to_regclass('brandos.half') IS NULL"), "t");
}

TEST(Migration, RejectsBadFileNamesAndDuplicateVersions) {
  const auto db = testing::create_empty_test_database();
  EXPECT_THROW(migrate(db.owner_conninfo, {{"1_x.sql", "SELECT 1"}}), MigrationError);
  EXPECT_THROW(migrate(db.owner_conninfo, {{"0001_a.sql", "SELECT 1"}, {"0001_b.sql", "SELECT 1"}}),
               MigrationError);
}

TEST(Migration, ConcurrentMigratorsApplyEachMigrationExactlyOnce) {
  const auto db = testing::create_empty_test_database();
  // Slow enough that the two runs overlap: without the lock both would try to create it.
  std::vector<MigrationSource> slow = {
      {"0001_slow.sql",
       "SELECT pg_sleep(0.3); CREATE TABLE brandos.once (id int);"
       "INSERT INTO brandos.once VALUES (1);"},
  };
  MigrationReport a, b;
  std::exception_ptr ea, eb;
  std::thread t1([&] {
    try {
      a = migrate(db.owner_conninfo, slow);
    } catch (...) {
      ea = std::current_exception();
    }
  });
  std::thread t2([&] {
    try {
      b = migrate(db.owner_conninfo, slow);
    } catch (...) {
      eb = std::current_exception();
    }
  });
  t1.join();
  t2.join();
  EXPECT_FALSE(ea);
  EXPECT_FALSE(eb);
  EXPECT_EQ(a.applied.size() + b.applied.size(), 1u);
  EXPECT_EQ(a.already_applied + b.already_applied, 1);
  EXPECT_EQ(run_sql(db.owner_conninfo, "SELECT count(*) FROM brandos.once"), "1");
}

TEST(Migration, ReportsMigrationsFromANewerBinary) {
  const auto db = testing::create_empty_test_database();
  migrate(db.owner_conninfo, sample());
  const auto r = migrate(db.owner_conninfo, {sample()[1]});
  EXPECT_EQ(r.unknown_applied, (std::vector<std::string>{"0002_items.sql"}));
}

// The roles the service relies on: the app role owns nothing and cannot bypass row-level
// security, whatever the migrations did.
TEST(Migration, ApplicationRoleIsUnprivileged) {
  const auto db = testing::create_test_database();
  EXPECT_EQ(run_sql(db.superuser_conninfo,
                    "SELECT rolsuper OR rolbypassrls OR rolcreatedb OR rolcreaterole "
                    "FROM pg_roles WHERE rolname = 'brandos_app'"),
            "f");
  EXPECT_EQ(run_sql(db.superuser_conninfo,
                    "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                    "WHERE r.rolname = 'brandos_app'"),
            "0");
  EXPECT_EQ(run_sql(db.superuser_conninfo,
                    "SELECT count(*) FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner "
                    "WHERE r.rolname = 'brandos_app'"),
            "0");
}

// Issue 9, item 19: an erased customer's old row versions (the wrapped data key among them) are
// vacuumed as soon as autovacuum next looks, not once a fifth of the table has died.
TEST(Migration, ErasedCustomersAreVacuumedOnAutovacuumsNextRound) {
  const auto db = testing::create_test_database();
  for (const char* table : {"customer_keys", "customers"})
    EXPECT_EQ(
        run_sql(db.superuser_conninfo,
                std::string("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = "
                            "'brandos.") +
                    table + "'::regclass"),
        "autovacuum_vacuum_threshold=0,autovacuum_vacuum_scale_factor=0")
        << table;
}

}  // namespace
}  // namespace brandos::pg
