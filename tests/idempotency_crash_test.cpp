// Black-box test of an idempotency claim across a crash (issue 9, item 4): brandos is killed while
// an order holds its key; the retry with the same key, on the restarted server, succeeds at once
// and the order exists exactly once.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json/serialize.hpp>
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

TEST(IdempotencyAcrossACrash, AKeyHeldByAKilledServerSucceedsOnRetryWithinTwoSeconds) {
  const TestDatabase db = create_test_database();
  auto sql = [&](const std::string& q) { return run_sql(db.superuser_conninfo, q); };
  auto server = std::make_unique<ServerProcess>();
  launch_api_server(*server, db);
  ApiClient api(server->port());
  const Brand brand = sign_up_brand(api);
  auto product = api.post("/v1/products",
                          json::object{{"sku", "CRASH-1"},
                                       {"name", "Thing"},
                                       {"price", 1000},
                                       {"currency", "EUR"},
                                       {"stock", 10}},
                          brand.owner_token);
  ASSERT_EQ(product.status, 201) << product.raw.body;
  const std::string product_id = str(product.body, "id");
  const json::object body{
      {"items", json::array{json::object{{"product_id", product_id}, {"quantity", 1}}}}};
  const Headers key{{"Idempotency-Key", "crash-1"}};

  // The order takes its key, then waits for the product's row: mid-request when brandos dies.
  auto held = std::make_unique<HeldRowLock>(db.superuser_conninfo, product_id);
  const unsigned short port = server->port();
  std::thread in_flight([&] {
    // Never answered: the connection breaks when brandos dies.
    http_request(port, "POST", "/v1/orders",
                 {{"Authorization", "Bearer " + brand.owner_token},
                  {"Content-Type", "application/json"},
                  key.front()},
                 json::serialize(body));
  });
  ASSERT_TRUE(eventually([&] {
    return sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
               "datname = current_database()") == "1";
  }));
  server->signal(SIGKILL);
  const auto crashed = std::chrono::steady_clock::now();
  server->wait_exit(10s);
  in_flight.join();
  held->release();

  server = std::make_unique<ServerProcess>();
  launch_api_server(*server, db);
  ApiClient again(server->port());
  ApiResponse retry;
  do {
    retry = again.post("/v1/orders", body, brand.owner_token, key);
  } while (retry.status != 201 && std::chrono::steady_clock::now() - crashed < 10s &&
           (std::this_thread::sleep_for(50ms), true));
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - crashed);
  EXPECT_EQ(retry.status, 201) << retry.raw.body;
  EXPECT_LT(took, 2s);
  std::cout << "[ figures ] the key succeeded " << took.count()
            << " ms after the crash, brandos restart included\n";
  // Once: one order, one unit taken, and the key replays it.
  const std::string tenant = "tenant_id = '" + brand.id + "'";
  EXPECT_EQ(sql("SELECT count(*) FROM brandos.orders WHERE " + tenant), "1");
  EXPECT_EQ(sql("SELECT stock FROM brandos.products WHERE id = '" + product_id + "'"), "9");
  auto replay = again.post("/v1/orders", body, brand.owner_token, key);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(str(replay.body, "id"), str(retry.body, "id"));
}

// Issue 9, item 10: a refusal (4xx) is stored with its key so a retry gets the same answer. If it
// cannot be stored, the client must not be told the refusal, which a retry could then contradict.
TEST(IdempotencyAcrossACrash, ARefusalThatCannotBeStoredIsA503AndTheRetryIsAnsweredAgain) {
  const TestDatabase db = create_test_database();
  ServerProcess server;
  launch_api_server(server, db, {"--db-statement-timeout-ms", "1000"});
  ApiClient api(server.port());
  const Brand brand = sign_up_brand(api);
  const json::object invalid{{"items", json::array{}}};  // 422: an order needs items
  const Headers key{{"Idempotency-Key", "unstorable"}};
  {
    OpenTransaction blocker(db.superuser_conninfo);
    blocker.exec("LOCK TABLE brandos.idempotency_keys IN ACCESS EXCLUSIVE MODE");
    auto refused = api.post("/v1/orders", invalid, brand.owner_token, key);
    EXPECT_EQ(refused.status, 503) << refused.raw.body;
  }
  // The refused attempt may still be ending on the server (its cancel is on the way): the key is
  // then in flight, and the client retries as told ("retry shortly").
  ApiResponse retried;
  ASSERT_TRUE(eventually([&] {
    retried = api.post("/v1/orders", invalid, brand.owner_token, key);
    return retried.status != 409;
  }));
  EXPECT_EQ(retried.status, 422) << retried.raw.body;
  auto replayed = api.post("/v1/orders", invalid, brand.owner_token, key);
  EXPECT_EQ(replayed.status, 422);
  EXPECT_EQ(replayed.raw.body, retried.raw.body);
}

}  // namespace
}  // namespace brandos::testing
