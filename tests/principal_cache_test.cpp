// Black-box tests of the node's principal cache: an authenticated request does not re-read its
// caller from the database, and a change to the user made by anyone — this node, another node,
// an operator's SQL — is seen at once (API.md: a changed role or deleted user stops working
// within one request).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/api_client.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;

class PrincipalCacheTest : public ApiServerSuite {
 protected:
  // How often the caller re-read ran, from the per-statement metrics.
  long long authentications() {
    auto m = http_request(server_->admin_port(), "GET", "/metrics");
    EXPECT_TRUE(m);
    const std::string series =
        R"(db_statements_duration_seconds_count{statements="users.authenticated"} )";
    const auto at = m ? m->body.find(series) : std::string::npos;
    if (at == std::string::npos) return 0;
    return std::stoll(m->body.substr(at + series.size()));
  }
  // cache_requests_total of the principal cache with result `result`.
  long long lookups(const std::string& result) {
    return static_cast<long long>(
        metric_value(server_->admin_port(),
                     R"(cache_requests_total{cache="principals",result=")" + result + "\"}", -1));
  }
  // Repeats `request` until it answers `status`, for at most `bound`; the status it ended with.
  template <class Request>
  int until(int status, std::chrono::milliseconds bound, Request request) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    int last = 0;
    while ((last = request()) != status && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return last;
  }
};

TEST_F(PrincipalCacheTest, RepeatedRequestsDoNotReReadTheCaller) {
  ApiClient a(server_->port());
  const Brand b = sign_up_brand(a);
  ASSERT_EQ(a.get("/v1/products", b.owner_token).status, 200);
  const long long before = authentications();
  const long long hits = lookups("hit"), misses = lookups("miss");
  for (int i = 0; i < 20; ++i) ASSERT_EQ(a.get("/v1/products", b.owner_token).status, 200);
  // At most one re-read per I/O thread that had not seen the caller yet.
  EXPECT_LE(authentications() - before, 2);
  // The cache's own counters agree: one lookup per request, nearly all of them hits.
  EXPECT_EQ(lookups("hit") - hits + lookups("miss") - misses, 20);
  EXPECT_GE(lookups("hit") - hits, 18);
}

TEST_F(PrincipalCacheTest, AChangeMadeElsewhereIsSeenWithinTheNotificationsLatency) {
  ApiClient a(server_->port());
  const Brand b = sign_up_brand(a);
  const auto [staff_id, staff_token] = add_user(a, b, "staff");
  const json::object product{
      {"sku", unique_name("S")}, {"name", "N"}, {"price", 1}, {"currency", "EUR"}, {"stock", 1}};
  ASSERT_EQ(a.get("/v1/orders", staff_token).status, 200);  // cached now
  // Another node (here: SQL as the owner) demotes the user; only the notification can tell us.
  run_sql(db_->owner_conninfo,
          "UPDATE brandos.users SET role = 'viewer' WHERE id = '" + staff_id + "'");
  const auto bound = std::chrono::milliseconds(2000);
  EXPECT_EQ(until(403, bound,
                  [&] {
                    return a
                        .post("/v1/orders", json::object{{"items", json::array{}}}, staff_token,
                              {{"Idempotency-Key", unique_name("k")}})
                        .status;
                  }),
            403);
  run_sql(db_->owner_conninfo,
          "UPDATE brandos.users SET deleted_at = now() WHERE id = '" + staff_id + "'");
  EXPECT_EQ(until(401, bound, [&] { return a.get("/v1/orders", staff_token).status; }), 401);
}

TEST_F(PrincipalCacheTest, AChangeMadeHereIsSeenByTheVeryNextRequest) {
  ApiClient a(server_->port());
  const Brand b = sign_up_brand(a);
  const auto [staff_id, staff_token] = add_user(a, b, "staff");
  for (int i = 0; i < 4; ++i) ASSERT_EQ(a.get("/v1/orders", staff_token).status, 200);
  ASSERT_EQ(
      a.patch("/v1/users/" + staff_id, json::object{{"role", "viewer"}}, b.owner_token).status,
      200);
  EXPECT_EQ(a.post("/v1/orders", json::object{{"items", json::array{}}}, staff_token,
                   {{"Idempotency-Key", "next"}})
                .status,
            403);
  ASSERT_EQ(a.del("/v1/users/" + staff_id, b.owner_token).status, 204);
  EXPECT_EQ(a.get("/v1/orders", staff_token).status, 401);
}

}  // namespace
}  // namespace brandos::testing

namespace brandos::testing {
namespace {

// A node that cannot hear the database's notifications (a wrong listener URL here; a dropped
// connection or a pooler in real life) must not cache at all.
TEST(PrincipalCacheOff, ANodeThatCannotListenReReadsEveryCaller) {
  const TestDatabase db = create_test_database();
  ServerProcess server;
  server.launch({"serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
                 "--database-url", db.app_conninfo, "--migration-database-url", db.owner_conninfo,
                 "--principal-listener-url", "host=/nonexistent dbname=nothing connect_timeout=1"});
  ASSERT_TRUE(server.wait_listening()) << server.log();
  ApiClient a(server.port());
  const Brand b = sign_up_brand(a);
  for (int i = 0; i < 20; ++i) ASSERT_EQ(a.get("/v1/products", b.owner_token).status, 200);
  auto m = http_request(server.admin_port(), "GET", "/metrics");
  ASSERT_TRUE(m);
  const std::string series =
      R"(db_statements_duration_seconds_count{statements="users.authenticated"} )";
  const auto at = m->body.find(series);
  ASSERT_NE(at, std::string::npos) << m->body;
  EXPECT_GE(std::stoll(m->body.substr(at + series.size())), 20);
}

}  // namespace
}  // namespace brandos::testing
