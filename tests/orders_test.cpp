// Black-box tests of orders over HTTP: placing with stock reservation, the Idempotency-Key
// protocol (including 100 concurrent retries of one request, released together), overselling under
// concurrency, transitions with their history and outbox events, filters, roles and tenant
// isolation.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "support/api_client.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;

class OrdersTest : public ApiServerSuite {
 protected:
  ApiClient api() { return ApiClient(server_->port()); }

  std::string product(const Brand& b, std::int64_t stock, std::int64_t price = 1000,
                      const std::string& currency = "EUR") {
    auto a = api();
    auto r = a.post("/v1/products",
                    json::object{{"sku", unique_name("SKU")},
                                 {"name", "Thing"},
                                 {"price", price},
                                 {"currency", currency},
                                 {"stock", stock}},
                    b.owner_token);
    EXPECT_EQ(r.status, 201) << r.raw.body;
    return str(r.body, "id");
  }
  std::int64_t stock_of(const Brand& b, const std::string& id) {
    auto a = api();
    return a.get("/v1/products/" + id, b.owner_token).body.at("stock").as_int64();
  }
  ApiResponse order(ApiClient& a, const std::string& token, const json::value& body,
                    const std::string& key) {
    return a.post("/v1/orders", body, token, {{"Idempotency-Key", key}});
  }
  static json::object one(const std::string& product_id, std::int64_t quantity) {
    return json::object{
        {"items", json::array{json::object{{"product_id", product_id}, {"quantity", quantity}}}}};
  }
  std::string count(const std::string& sql) { return run_sql(db_->owner_conninfo, sql); }
};

TEST_F(OrdersTest, PlacingReservesStockAndWritesHistoryAndOutbox) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string p1 = product(b, 10, 1999), p2 = product(b, 5, 500);
  json::object body{{"items", json::array{json::object{{"product_id", p1}, {"quantity", 3}},
                                          json::object{{"product_id", p2}, {"quantity", 1}}}}};
  auto r = order(a, b.owner_token, body, "k-1");
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(str(r.body, "status"), "pending_payment");
  EXPECT_EQ(r.body.at("total").as_int64(), 3 * 1999 + 500);
  EXPECT_EQ(str(r.body, "currency"), "EUR");
  EXPECT_EQ(r.body.at("paid_amount").as_int64(), 0);
  ASSERT_EQ(r.body.at("items").as_array().size(), 2u);
  EXPECT_EQ(r.body.at("items").as_array()[0].at("line_total").as_int64(), 5997);
  EXPECT_EQ(stock_of(b, p1), 7);
  EXPECT_EQ(stock_of(b, p2), 4);
  const std::string id = str(r.body, "id");
  auto got = a.get("/v1/orders/" + id, b.owner_token);
  EXPECT_EQ(got.raw.body, r.raw.body);  // reads show exactly what was returned
  auto events = a.get("/v1/orders/" + id + "/events", b.owner_token);
  ASSERT_EQ(events.body.at("data").as_array().size(), 1u);
  EXPECT_EQ(str(events.body.at("data").as_array()[0], "type"), "order.created");
  EXPECT_EQ(str(events.body.at("data").as_array()[0], "actor"), b.owner_id);
  EXPECT_EQ(count("SELECT count(*) FROM brandos.outbox_events WHERE aggregate_id = '" + id +
                  "' AND type = 'order.created' AND aggregate_version = 1"),
            "1");
  // One serializer: the event carries the order exactly as the response showed it.
  EXPECT_EQ(
      json::parse(count("SELECT data::text FROM brandos.outbox_events WHERE aggregate_id = '" + id +
                        "' AND type = 'order.created'")),
      r.body);
  // Round trips are timed by the names of their statements.
  auto metrics = http_request(server_->admin_port(), "GET", "/metrics");
  ASSERT_TRUE(metrics);
  for (
      const char* series :
      {R"(db_statements_duration_seconds_count{statements="tenant.set,orders.get"})",
       R"(db_statements_duration_seconds_count{statements="tenant.set,idempotency.lock_many,idempotency.read_many,products.lock_for_order"})"})
    EXPECT_NE(metrics->body.find(series), std::string::npos) << series;
}

// Issue 9, item 13: placements and cancels over the same products, their items listed in either
// order, lock those products in one order (by id) and so never deadlock: every request succeeds.
TEST_F(OrdersTest, ConcurrentPlacementsAndCancelsOverTheSameProductsNeverDeadlock) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string p1 = product(b, 1000000), p2 = product(b, 1000000);
  std::atomic<int> failures{0};
  std::vector<std::thread> clerks;
  for (int t = 0; t < 8; ++t)
    clerks.emplace_back([&, t] {
      ApiClient c(server_->port());
      for (int i = 0; i < 25; ++i) {
        const bool reversed = (t + i) % 2 == 1;
        json::array items{json::object{{"product_id", reversed ? p2 : p1}, {"quantity", 1}},
                          json::object{{"product_id", reversed ? p1 : p2}, {"quantity", 2}}};
        auto placed = order(c, b.owner_token, json::object{{"items", items}},
                            "dl-" + std::to_string(t) + "-" + std::to_string(i));
        if (placed.status != 201) {
          ++failures;
          ADD_FAILURE() << placed.status << " " << placed.raw.body;
          continue;
        }
        auto cancelled = c.post("/v1/orders/" + str(placed.body, "id") + "/cancel", json::object{},
                                b.owner_token);
        if (cancelled.status != 200) {
          ++failures;
          ADD_FAILURE() << cancelled.status << " " << cancelled.raw.body;
        }
      }
    });
  for (auto& c : clerks) c.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(stock_of(b, p1), 1000000);
  EXPECT_EQ(stock_of(b, p2), 1000000);
}

TEST_F(OrdersTest, IdempotencyKeyReplaysAndGuards) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string p = product(b, 10);
  auto first = order(a, b.owner_token, one(p, 2), "same-key");
  ASSERT_EQ(first.status, 201);
  auto replay = order(a, b.owner_token, one(p, 2), "same-key");
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.raw.body, first.raw.body);  // byte for byte
  EXPECT_EQ(replay.raw.header("Idempotent-Replayed"), "true");
  EXPECT_FALSE(first.raw.header("Idempotent-Replayed"));
  EXPECT_EQ(stock_of(b, p), 8);                                           // one order, not two
  EXPECT_EQ(order(a, b.owner_token, one(p, 3), "same-key").status, 422);  // same key, other body
  EXPECT_EQ(a.post("/v1/orders", one(p, 1), b.owner_token).status, 400);  // no key
  EXPECT_EQ(order(a, b.owner_token, one(p, 1), std::string(256, 'k')).status, 400);
  EXPECT_EQ(order(a, b.owner_token, one(p, 1), "has space").status, 400);
  // Keys are per user: another user may use the same key for their own order.
  const auto [staff_id, staff_token] = add_user(a, b, "staff");
  EXPECT_EQ(order(a, staff_token, one(p, 2), "same-key").status, 201);
  EXPECT_EQ(stock_of(b, p), 6);
}

TEST_F(OrdersTest, FailedRequestsAreStoredAndReplayedToo) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string p = product(b, 1);
  auto short_of_stock = order(a, b.owner_token, one(p, 5), "fail-key");
  EXPECT_EQ(short_of_stock.status, 409);
  EXPECT_EQ(str(short_of_stock.body, "type"), "https://brandos.dev/problems/insufficient-stock");
  EXPECT_NE(str(short_of_stock.body, "detail").find(p), std::string::npos);
  auto again = order(a, b.owner_token, one(p, 5), "fail-key");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.raw.body, short_of_stock.raw.body);
  EXPECT_EQ(again.raw.header("Idempotent-Replayed"), "true");
}

TEST_F(OrdersTest, HundredConcurrentRetriesMakeExactlyOneOrder) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string p = product(b, 1000);
  std::atomic<int> created{0}, replayed{0}, in_flight{0}, other{0};
  std::mutex m;
  std::set<std::string> bodies;
  // A hundred clients, each sending the request once, released together (issue 10, item 4).
  std::latch start(100);
  std::vector<std::thread> threads;
  for (int t = 0; t < 100; ++t) {
    threads.emplace_back([&] {
      ApiClient c(server_->port());
      start.arrive_and_wait();
      {
        auto r = order(c, b.owner_token, one(p, 1), "storm");
        if (r.status == 201 && r.raw.header("Idempotent-Replayed"))
          replayed++;
        else if (r.status == 201)
          created++;
        else if (r.status == 409)
          in_flight++;
        else
          other++;
        if (r.status == 201) {
          std::lock_guard lock(m);
          bodies.insert(r.raw.body);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(created + replayed + in_flight, 100);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(bodies.size(), 1u);  // every success is the same order
  EXPECT_EQ(stock_of(b, p), 999);
  EXPECT_EQ(count("SELECT count(*) FROM brandos.orders WHERE tenant_id = '" + b.id + "'"), "1");
}

TEST_F(OrdersTest, ThousandConcurrentOrdersSellExactlyTheStock) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string p = product(b, 100);
  std::atomic<int> created{0}, short_of_stock{0}, other{0};
  std::atomic<int> next{0};
  // A hundred buyers released together, ten orders each (issue 10, item 4).
  std::latch start(100);
  std::vector<std::thread> threads;
  for (int t = 0; t < 100; ++t) {
    threads.emplace_back([&] {
      ApiClient c(server_->port());
      start.arrive_and_wait();
      for (int i; (i = next++) < 1000;) {
        auto r = order(c, b.owner_token, one(p, 1), "unit-" + std::to_string(i));
        (r.status == 201 ? created : r.status == 409 ? short_of_stock : other)++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 100);
  EXPECT_EQ(short_of_stock.load(), 900);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(stock_of(b, p), 0);
  EXPECT_EQ(count("SELECT count(*) FROM brandos.orders WHERE tenant_id = '" + b.id + "'"), "100");
  EXPECT_EQ(count("SELECT min(stock) FROM brandos.products WHERE id = '" + p + "'"), "0");
}

TEST_F(OrdersTest, RejectsInvalidOrders) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string eur = product(b, 10), usd = product(b, 10, 100, "USD"), gone = product(b, 10);
  ASSERT_EQ(a.del("/v1/products/" + gone, b.owner_token).status, 204);
  int k = 0;
  auto expect_422 = [&](const json::value& body, const std::string& field) {
    auto r = order(a, b.owner_token, body, "bad-" + std::to_string(++k));
    EXPECT_TRUE(has_field_error(r, field)) << field << ": " << r.raw.body;
  };
  expect_422(json::object{{"items", json::array{}}}, "items");
  expect_422(one(eur, 0), "items[0].quantity");
  expect_422(one(eur, 1001), "items[0].quantity");
  expect_422(one(gone, 1), "items[0].product_id");
  expect_422(one("018f0000-0000-7000-8000-000000000000", 1), "items[0].product_id");
  expect_422(
      json::object{{"items", json::array{json::object{{"product_id", eur}, {"quantity", 1}},
                                         json::object{{"product_id", usd}, {"quantity", 1}}}}},
      "items[1].product_id");
  expect_422(
      json::object{{"items", json::array{json::object{{"product_id", eur}, {"quantity", 1}},
                                         json::object{{"product_id", eur}, {"quantity", 1}}}}},
      "items[1].product_id");
  expect_422(json::object{{"items", json::array{json::object{
                                        {"product_id", eur}, {"quantity", 1}, {"x", 1}}}}},
             "items[0].x");
  expect_422(json::object{{"items", one(eur, 1).at("items")}, {"coupon", "FREE"}}, "coupon");
  EXPECT_EQ(stock_of(b, eur), 10);  // nothing reserved by any of them
}

TEST_F(OrdersTest, CancelReleasesStockFulfillFollowsPayment) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string p = product(b, 10);
  const std::string id = str(order(a, b.owner_token, one(p, 4), "c-1").body, "id");
  EXPECT_EQ(stock_of(b, p), 6);
  auto fulfil_unpaid = a.post("/v1/orders/" + id + "/fulfill", json::object{}, b.owner_token);
  EXPECT_EQ(fulfil_unpaid.status, 409);
  EXPECT_EQ(str(fulfil_unpaid.body, "type"),
            "https://brandos.dev/problems/invalid-state-transition");
  auto cancelled = a.post("/v1/orders/" + id + "/cancel",
                          json::object{{"reason", "customer asked"}}, b.owner_token);
  ASSERT_EQ(cancelled.status, 200) << cancelled.raw.body;
  EXPECT_EQ(str(cancelled.body, "status"), "cancelled");
  EXPECT_EQ(cancelled.body.at("version").as_int64(), 2);
  EXPECT_EQ(stock_of(b, p), 10);
  EXPECT_EQ(a.post("/v1/orders/" + id + "/cancel", json::object{}, b.owner_token).status, 409);
  auto history = a.get("/v1/orders/" + id + "/events", b.owner_token);
  const auto& h = history.body.at("data").as_array();
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(str(h[1], "type"), "order.cancelled");
  EXPECT_EQ(str(h[1].at("data"), "reason"), "customer asked");
  EXPECT_EQ(
      count("SELECT string_agg(type || '@' || aggregate_version, ',' ORDER BY aggregate_version) "
            "FROM brandos.outbox_events WHERE aggregate_id = '" +
            id + "'"),
      "order.created@1,order.cancelled@2");
  EXPECT_EQ(a.post("/v1/orders/018f0000-0000-7000-8000-000000000000/cancel", json::object{},
                   b.owner_token)
                .status,
            404);
}

TEST_F(OrdersTest, ListsFilterAndPage) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string p = product(b, 100);
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i)
    ids.push_back(str(order(a, b.owner_token, one(p, 1), "l-" + std::to_string(i)).body, "id"));
  ASSERT_EQ(a.post("/v1/orders/" + ids[1] + "/cancel", json::object{}, b.owner_token).status, 200);
  auto all = a.get("/v1/orders?limit=3", b.owner_token);
  ASSERT_EQ(all.body.at("data").as_array().size(), 3u);
  EXPECT_EQ(str(all.body.at("data").as_array()[0], "id"), ids[3]);
  auto rest = a.get("/v1/orders?limit=3&cursor=" + str(all.body, "next_cursor"), b.owner_token);
  ASSERT_EQ(rest.body.at("data").as_array().size(), 1u);
  auto cancelled = a.get("/v1/orders?status=cancelled", b.owner_token);
  ASSERT_EQ(cancelled.body.at("data").as_array().size(), 1u);
  EXPECT_EQ(str(cancelled.body.at("data").as_array()[0], "id"), ids[1]);
  EXPECT_EQ(a.get("/v1/orders?status=lost", b.owner_token).status, 422);
  EXPECT_EQ(a.get("/v1/orders?created_from=2000-01-01T00:00:00Z&created_to=2001-01-01T00:00:00Z",
                  b.owner_token)
                .body.at("data")
                .as_array()
                .size(),
            0u);
  EXPECT_EQ(a.get("/v1/orders?created_from=2000-01-01T00:00:00Z", b.owner_token)
                .body.at("data")
                .as_array()
                .size(),
            4u);
  EXPECT_EQ(a.get("/v1/orders?created_from=yesterday", b.owner_token).status, 422);
}

TEST_F(OrdersTest, RolesAndTenantsAreRespected) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const Brand other = sign_up_brand(a);
  const std::string p = product(b, 100);
  const std::string id = str(order(a, b.owner_token, one(p, 1), "r-0").body, "id");
  const std::string viewer = add_user(a, b, "viewer").second;
  const std::string staff = add_user(a, b, "staff").second;
  EXPECT_EQ(a.get("/v1/orders/" + id, viewer).status, 200);
  EXPECT_EQ(order(a, viewer, one(p, 1), "r-1").status, 403);
  EXPECT_EQ(a.post("/v1/orders/" + id + "/cancel", json::object{}, viewer).status, 403);
  EXPECT_EQ(order(a, staff, one(p, 1), "r-2").status, 201);
  EXPECT_EQ(a.post("/v1/orders/" + id + "/cancel", json::object{}, staff).status, 200);
  // Another tenant sees nothing of it, and cannot order this tenant's products.
  EXPECT_EQ(a.get("/v1/orders/" + id, other.owner_token).status, 404);
  EXPECT_EQ(a.get("/v1/orders/" + id + "/events", other.owner_token).status, 404);
  EXPECT_EQ(a.post("/v1/orders/" + id + "/cancel", json::object{}, other.owner_token).status, 404);
  EXPECT_EQ(a.get("/v1/orders", other.owner_token).body.at("data").as_array().size(), 0u);
  EXPECT_EQ(order(a, other.owner_token, one(p, 1), "r-3").status, 422);
}

// A separate server whose unpaid orders expire after one second.
TEST(UnpaidOrders, AreCancelledByTheJobAndReleaseTheirStock) {
  const TestDatabase db = create_test_database();
  ServerProcess server;
  server.launch({"serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--threads",
                 "1", "--database-url", db.app_conninfo, "--migration-database-url",
                 db.owner_conninfo, "--unpaid-order-timeout-s", "1", "--job-interval-s", "1"});
  ASSERT_TRUE(server.wait_listening()) << server.log();
  ApiClient a(server.port());
  const Brand b = sign_up_brand(a);
  auto p =
      a.post("/v1/products",
             json::object{
                 {"sku", "EXP"}, {"name", "E"}, {"price", 100}, {"currency", "EUR"}, {"stock", 5}},
             b.owner_token);
  const std::string product = str(p.body, "id");
  auto o = a.post(
      "/v1/orders",
      json::object{{"items", json::array{json::object{{"product_id", product}, {"quantity", 2}}}}},
      b.owner_token, {{"Idempotency-Key", "exp-1"}});
  ASSERT_EQ(o.status, 201);
  const std::string id = str(o.body, "id");
  std::string status;
  for (int i = 0; i < 100 && status != "cancelled"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = str(a.get("/v1/orders/" + id, b.owner_token).body, "status");
  }
  EXPECT_EQ(status, "cancelled");
  EXPECT_EQ(a.get("/v1/products/" + product, b.owner_token).body.at("stock").as_int64(), 5);
  auto history = a.get("/v1/orders/" + id + "/events", b.owner_token);
  ASSERT_EQ(history.body.at("data").as_array().size(), 2u);
  EXPECT_EQ(str(history.body.at("data").as_array()[1], "actor"), "system");
  EXPECT_EQ(run_sql(db.owner_conninfo,
                    "SELECT count(*) FROM brandos.outbox_events WHERE aggregate_id = '" + id +
                        "' AND type = 'order.cancelled' AND aggregate_version = 2"),
            "1");
  // The job renders the order with the API's own serializer: its event is what a read shows.
  EXPECT_EQ(
      json::parse(run_sql(db.owner_conninfo,
                          "SELECT data::text FROM brandos.outbox_events WHERE aggregate_id = '" +
                              id + "' AND type = 'order.cancelled'")),
      a.get("/v1/orders/" + id, b.owner_token).body);
  EXPECT_EQ(history.body.at("data").as_array()[1].at("data"),
            json::parse(R"({"reason":"unpaid"})"));
  // Job-written ids are UUIDv7 like every other.
  EXPECT_EQ(run_sql(db.owner_conninfo,
                    "SELECT substr(id::text, 15, 1) FROM brandos.order_events WHERE order_id = '" +
                        id + "' AND actor = 'system'"),
            "7");
}

}  // namespace
}  // namespace brandos::testing
