// Black-box test of a role change racing another change of the same user (issue 9, item 8): the
// check of the target's role and the update are one locked step, so a peer cannot act on a role
// that is changing under it.
#include <gtest/gtest.h>

#include <boost/json/value.hpp>
#include <thread>

#include "support/api_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;

TEST(UserRoleRace, AnAdminCannotDemoteAUserPromotedToAdminMeanwhile) {
  const TestDatabase db = create_test_database();
  ServerProcess server;
  launch_api_server(server, db);
  ApiClient api(server.port());
  const Brand brand = sign_up_brand(api);
  const auto [admin_id, admin_token] = add_user(api, brand, "admin");
  const auto [staff_id, staff_token] = add_user(api, brand, "staff");

  // The owner's promotion of the staff member to admin, caught between its write and its commit.
  OpenTransaction promotion(db.superuser_conninfo);
  promotion.exec("UPDATE brandos.users SET role = 'admin' WHERE id = '" + staff_id + "'");

  // Meanwhile an admin, who may manage staff but not a peer admin, demotes the same user.
  ApiResponse demotion;
  std::thread peer([&, token = admin_token, id = staff_id] {
    ApiClient c(server.port());
    demotion = c.patch("/v1/users/" + id, json::object{{"role", "viewer"}}, token);
  });
  ASSERT_TRUE(eventually([&] {
    return run_sql(db.superuser_conninfo,
                   "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
                   "datname = current_database()") == "1";
  }));
  promotion.commit();
  peer.join();

  // Judged on the committed role: the target is now the admin's peer.
  EXPECT_EQ(demotion.status, 403) << demotion.raw.body;
  EXPECT_EQ(run_sql(db.superuser_conninfo,
                    "SELECT role FROM brandos.users WHERE id = '" + staff_id + "'"),
            "admin");
}

}  // namespace
}  // namespace brandos::testing
