// The business counters on /metrics (issue 13): they move by exactly the orders placed, paid and
// cancelled, and the money taken and given back, in a test of their own server.
#include <gtest/gtest.h>

#include <boost/json/value.hpp>
#include <regex>

#include "support/api_client.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;

// The value of one series ("name" or "name{labels}"), 0 when absent.
double metric(const ServerProcess& server, const std::string& series) {
  auto r = http_request(server.admin_port(), "GET", "/metrics");
  if (!r) return -1;
  const std::string key = "\n" + series + " ";
  const auto at = r->body.find(key);
  if (at == std::string::npos) return 0;
  return std::stod(r->body.substr(at + key.size()));
}

TEST(BusinessMetrics, CountersMoveByExactlyTheOrdersPlacedPaidAndCancelled) {
  const TestDatabase db = create_test_database();
  ServerProcess server;
  launch_api_server(server, db);
  ApiClient api(server.port());
  const Brand b = sign_up_brand(api);
  auto product = api.post("/v1/products",
                          json::object{{"sku", "BIZ-1"},
                                       {"name", "Thing"},
                                       {"price", 1250},
                                       {"currency", "EUR"},
                                       {"stock", 100}},
                          b.owner_token);
  ASSERT_EQ(product.status, 201);
  const std::string p = str(product.body, "id");
  const char* created = "brandos_orders_created_total";
  const char* paid = "brandos_orders_paid_total";
  const char* cancelled = "brandos_orders_cancelled_total";
  const char* revenue = "brandos_revenue_minor_units_total{currency=\"EUR\"}";
  const char* refunds = "brandos_refunds_minor_units_total{currency=\"EUR\"}";
  EXPECT_EQ(metric(server, created), 0);

  std::vector<std::string> orders;
  for (int i = 1; i <= 5; ++i) {
    auto o = api.post(
        "/v1/orders",
        json::object{{"items", json::array{json::object{{"product_id", p}, {"quantity", i}}}}},
        b.owner_token, {{"Idempotency-Key", "biz-" + std::to_string(i)}});
    ASSERT_EQ(o.status, 201);
    orders.push_back(str(o.body, "id"));
  }
  // A replay and a refusal create nothing.
  api.post("/v1/orders",
           json::object{{"items", json::array{json::object{{"product_id", p}, {"quantity", 1}}}}},
           b.owner_token, {{"Idempotency-Key", "biz-1"}});
  api.post("/v1/orders",
           json::object{{"items", json::array{json::object{{"product_id", p}, {"quantity", 999}}}}},
           b.owner_token, {{"Idempotency-Key", "biz-too-many"}});
  for (int i = 0; i < 3; ++i) {  // orders 1, 2, 3 paid: 1250 + 2500 + 3750
    auto r = api.post("/v1/orders/" + orders[i] + "/payments",
                      json::object{{"payment_method", "pm_card_visa"}}, b.owner_token,
                      {{"Idempotency-Key", "pay-" + std::to_string(i)}});
    ASSERT_EQ(r.status, 201) << r.raw.body;
  }
  // A declined payment takes nothing.
  ASSERT_EQ(api.post("/v1/orders/" + orders[3] + "/payments",
                     json::object{{"payment_method", "pm_card_declined"}}, b.owner_token,
                     {{"Idempotency-Key", "pay-declined"}})
                .status,
            402);
  // Order 5 cancelled unpaid, order 1 cancelled paid (refunded 1250).
  ASSERT_EQ(api.post("/v1/orders/" + orders[4] + "/cancel", json::object{}, b.owner_token).status,
            200);
  ASSERT_EQ(api.post("/v1/orders/" + orders[0] + "/cancel", json::object{}, b.owner_token).status,
            200);
  // A partial refund of order 2.
  ASSERT_EQ(api.post("/v1/orders/" + orders[1] + "/refunds", json::object{{"amount", 100}},
                     b.owner_token, {{"Idempotency-Key", "refund-1"}})
                .status,
            201);

  EXPECT_EQ(metric(server, created), 5);
  EXPECT_EQ(metric(server, paid), 3);
  EXPECT_EQ(metric(server, cancelled), 2);
  EXPECT_EQ(metric(server, revenue), 1250 + 2500 + 3750);
  EXPECT_EQ(metric(server, refunds), 1250 + 100);
  // No bug on the way: the admin listener's error groups are empty.
  auto errors = http_request(server.admin_port(), "GET", "/errors");
  ASSERT_TRUE(errors);
  EXPECT_EQ(errors->status, 200);
  EXPECT_EQ(errors->body, R"({"errors":[]})");
}

}  // namespace
}  // namespace brandos::testing
