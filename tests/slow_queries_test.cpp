// The slow-query log (issue 13): a unit of work's round trip slower than --slow-query-ms is logged
// with its statements' names, its duration, the tenant and the request's trace id, and counted in
// db_slow_queries_total; fast ones are not.
#include <gtest/gtest.h>

#include <boost/json/value.hpp>
#include <thread>

#include "support/api_client.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

double slow_queries(const ServerProcess& server) {
  return metric_value(server.admin_port(), "db_slow_queries_total");
}

TEST(SlowQueries, ARoundTripOverTheThresholdIsLoggedWithStatementsTenantAndTrace) {
  const TestDatabase db = create_test_database();
  ServerProcess server;
  launch_api_server(server, db, {"--slow-query-ms", "150"});
  ApiClient api(server.port());
  const Brand b = sign_up_brand(api);
  auto product = api.post(
      "/v1/products",
      json::object{
          {"sku", "SLOW-1"}, {"name", "Thing"}, {"price", 100}, {"currency", "EUR"}, {"stock", 10}},
      b.owner_token);
  ASSERT_EQ(product.status, 201);
  const std::string p = str(product.body, "id");
  const json::object body{{"items", json::array{json::object{{"product_id", p}, {"quantity", 1}}}}};
  ASSERT_EQ(api.post("/v1/orders", body, b.owner_token, {{"Idempotency-Key", "fast"}}).status, 201);
  // A busy machine may make anything slow now and then: the test counts from here.
  const double before = slow_queries(server);

  // The product's row held by another transaction for 400 ms: the order's locking round trip
  // waits that long.
  const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  HeldRowLock held(db.superuser_conninfo, p);
  std::thread release([&] {
    std::this_thread::sleep_for(400ms);
    held.release();
  });
  auto slow = api.post(
      "/v1/orders", body, b.owner_token,
      {{"Idempotency-Key", "slow"}, {"traceparent", "00-" + trace + "-00f067aa0ba902b7-01"}});
  release.join();
  ASSERT_EQ(slow.status, 201) << slow.raw.body;
  EXPECT_TRUE(eventually([&] { return slow_queries(server) >= before + 1; }));
  // This request's line (the log is written by its own thread: a moment later).
  auto line_of_trace = [&] {
    const std::string log = server.log();
    for (auto at = log.find("\"event\":\"slow_query\""); at != std::string::npos;
         at = log.find("\"event\":\"slow_query\"", at + 1)) {
      const auto start = log.rfind('\n', at) + 1;
      const std::string line = log.substr(start, log.find('\n', at) - start);
      if (line.find(trace) != std::string::npos) return line;
    }
    return std::string();
  };
  EXPECT_TRUE(eventually([&] { return !line_of_trace().empty(); })) << server.log();
  const std::string line = line_of_trace();
  EXPECT_NE(line.find("products.lock_for_order"), std::string::npos) << line;
  EXPECT_NE(line.find("\"tenant\":\"" + b.id + "\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"trace_id\":\"" + trace + "\""), std::string::npos) << line;
}

}  // namespace
}  // namespace brandos::testing
