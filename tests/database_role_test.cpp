// Black-box tests that brandos will not serve as a database role row-level security cannot
// confine (issue 9, item 6): production refuses, development says so loudly, and production
// needs the owner's credentials given separately, for migrations only.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";  // 32 bytes

std::vector<std::string> production(const std::string& serve_as, const std::string& migrate_as) {
  std::vector<std::string> args{"serve",
                                "--env",
                                "production",
                                "--listen",
                                "127.0.0.1:0",
                                "--admin-listen",
                                "127.0.0.1:0",
                                "--jwt-keys",
                                std::string("k1=") + kKey,
                                "--data-keys",
                                std::string("d1=") + kKey,
                                "--email-index-key",
                                kKey,
                                "--database-url",
                                serve_as};
  if (!migrate_as.empty()) args.insert(args.end(), {"--migration-database-url", migrate_as});
  return args;
}

TEST(DatabaseRole, ProductionRefusesToServeAsARoleThatBypassesRowLevelSecurity) {
  const TestDatabase db = create_test_database();
  ServerProcess p;
  p.launch(production(db.owner_conninfo, db.owner_conninfo));
  const auto code = p.wait_exit(30s);
  ASSERT_TRUE(code) << p.log();
  EXPECT_NE(*code, 0);
  EXPECT_NE(p.log().find("has BYPASSRLS"), std::string::npos) << p.log();
  EXPECT_NE(p.log().find("owns tables"), std::string::npos) << p.log();
  EXPECT_EQ(p.log().find("\"listening\""), std::string::npos) << p.log();
}

TEST(DatabaseRole, ProductionServesAsTheConfinedRole) {
  const TestDatabase db = create_test_database();
  ServerProcess p;
  p.launch(production(db.app_conninfo, db.owner_conninfo));
  ASSERT_TRUE(p.wait_listening()) << p.log();
  EXPECT_EQ(p.log().find("database_role_unconfined"), std::string::npos) << p.log();
}

TEST(DatabaseRole, ProductionNeedsASeparateMigrationUrl) {
  const TestDatabase db = create_test_database();
  ServerProcess p;
  p.launch(production(db.app_conninfo, ""));
  EXPECT_EQ(p.wait_exit(30s), std::optional<int>(2));
  EXPECT_NE(p.log().find("--migration-database-url"), std::string::npos) << p.log();
}

// Issue 10, item 7: production never runs on development keys for personal data.
TEST(ProductionSettings, RefuseToStartWithoutDataKeys) {
  const TestDatabase db = create_test_database();
  for (const char* missing : {"--data-keys", "--email-index-key"}) {
    auto args = production(db.app_conninfo, db.owner_conninfo);
    const auto at = std::find(args.begin(), args.end(), std::string(missing));
    ASSERT_NE(at, args.end());
    args.erase(at, at + 2);  // the flag and its value
    ServerProcess p;
    p.launch(args);
    EXPECT_EQ(p.wait_exit(30s), std::optional<int>(2)) << missing;
    EXPECT_NE(p.log().find("BRANDOS_DATA_KEYS"), std::string::npos) << p.log();
  }
}

TEST(DatabaseRole, DevelopmentWarnsAtEveryStart) {
  const TestDatabase db = create_test_database();
  ServerProcess p;
  launch_api_server(p, db, {"--database-url", db.owner_conninfo});
  EXPECT_NE(p.log().find("\"database_role_unconfined\""), std::string::npos) << p.log();
}

}  // namespace
}  // namespace brandos::testing
