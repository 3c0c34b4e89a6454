// Black-box test that the maintenance jobs cannot hold up requests (issue 9, item 5): with the
// jobs' cross-tenant lookup stuck behind a table lock, every request of the node's only I/O
// thread, including its authentication re-read, is still answered.
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "support/api_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

TEST(BackgroundJobs, AStuckJobHoldsUpNoRequest) {
  const TestDatabase db = create_test_database();
  ServerProcess server;
  // One I/O thread, authentication read from the database on every request (no principal
  // cache), the jobs every 2 s, each run given 2 s.
  launch_api_server(server, db,
                    {"--threads", "1", "--principal-cache-ttl-ms", "0", "--job-interval-s", "2"});
  ApiClient api(server.port());
  const Brand brand = sign_up_brand(api);

  // The jobs' lookup of unpaid orders waits behind this lock for as long as it is held.
  OpenTransaction locker(db.superuser_conninfo);
  locker.exec("LOCK TABLE brandos.orders IN ACCESS EXCLUSIVE MODE");
  auto job_waiting = [&] {
    return run_sql(db.superuser_conninfo,
                   "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
                   "query LIKE '%unpaid_orders_due%'") == "1";
  };
  ASSERT_TRUE(eventually(job_waiting));
  for (int i = 0; i < 20; ++i) {
    auto me = api.get("/v1/me", brand.owner_token);
    EXPECT_EQ(me.status, 200) << i << ": " << me.raw.body;
  }
  locker.commit();
}

}  // namespace
}  // namespace brandos::testing
