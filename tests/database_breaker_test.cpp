// Black-box test of the database's circuit breaker (ADR 0019): with PostgreSQL stopped, requests
// are answered 503 with Retry-After within 100 ms instead of queueing, the breaker's state shows in
// the metrics, and once PostgreSQL is back the server recovers by itself, without a restart.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/value.hpp>
#include <filesystem>
#include <thread>

#include "infrastructure/embedded_pg/cluster.hpp"
#include "support/api_client.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string breaker_state(const ServerProcess& server) {
  auto r = http_request(server.admin_port(), "GET", "/metrics");
  if (!r) return "";
  const std::string key = "\ncircuit_breaker_state{dependency=\"postgres\"} ";
  const auto at = r->body.find(key);
  if (at == std::string::npos) return "";
  return r->body.substr(at + key.size(), 1);
}

TEST(DatabaseBreaker, PostgresStoppedAnswers503FastAndRecoversWithoutARestart) {
  // A cluster of this test's own, to stop and start.
  const std::string dir = "/tmp/brandos-db-breaker-" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  embedded_pg::ClusterOptions opts;
  opts.data_dir = dir;
  opts.durable = false;
  embedded_pg::Cluster cluster(opts);
  cluster.start();
  ensure_template(cluster);
  const TestDatabase db = create_test_database_in(cluster);

  ServerProcess server;
  launch_api_server(server, db,
                    {"--breaker-failures", "3", "--breaker-open-ms", "1000", "--jobs", "false"});
  ApiClient api(server.port());
  const Brand brand = sign_up_brand(api);
  auto product = api.post("/v1/products",
                          json::object{{"sku", "BRK-1"},
                                       {"name", "Thing"},
                                       {"price", 1000},
                                       {"currency", "EUR"},
                                       {"stock", 100}},
                          brand.owner_token);
  ASSERT_EQ(product.status, 201) << product.raw.body;
  const std::string path = "/v1/products/" + str(product.body, "id");
  EXPECT_EQ(breaker_state(server), "0");

  cluster.stop();
  // Every answer while it is down: 503 with Retry-After, each within 100 ms.
  double slowest = 0;
  for (int i = 0; i < 50; ++i) {
    const auto t0 = Clock::now();
    auto r = api.get(path, brand.owner_token);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    slowest = std::max(slowest, ms);
    ASSERT_EQ(r.status, 503) << r.raw.body;
    EXPECT_TRUE(r.raw.header("Retry-After"));
    EXPECT_LT(ms, 100.0) << "request " << i;
  }
  std::cout << "PostgreSQL stopped: 50 requests, slowest 503 in " << slowest << " ms\n";
  EXPECT_EQ(breaker_state(server), "1");
  auto ready = http_request(server.port(), "GET", "/health/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);

  cluster.start();
  bool recovered = false;
  for (const auto until = Clock::now() + 20s; !recovered && Clock::now() < until;) {
    recovered = api.get(path, brand.owner_token).status == 200;
    if (!recovered) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(recovered) << server.log();
  EXPECT_EQ(breaker_state(server), "0");
  auto order = api.post(
      "/v1/orders",
      json::object{{"items", json::array{json::object{{"product_id", str(product.body, "id")},
                                                      {"quantity", 1}}}}},
      brand.owner_token, {{"Idempotency-Key", "after-recovery"}});
  EXPECT_EQ(order.status, 201) << order.raw.body;
  server.signal(SIGTERM);
  server.wait_exit(10s);
  cluster.stop();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace brandos::testing
