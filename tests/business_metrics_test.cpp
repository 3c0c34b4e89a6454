// The business counters on /metrics (issue 13): they move by exactly the orders placed, paid and
// cancelled, and the money taken and given back, in a test of their own server.
#include <gtest/gtest.h>

#include <boost/json/value.hpp>
#include <chrono>
#include <regex>
#include <thread>

#include "support/api_client.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;

// The value of one series ("name" or "name{labels}"), 0 when absent.
double metric(const ServerProcess& server, const std::string& series) {
  return metric_value(server.admin_port(), series);
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

// The busiest tenants' request rates with bounded label cardinality: with --tenant-rates-top 1,
// the busier tenant is shown by id, the other one only as part of tenant="other", in every scrape.
TEST(TenantRates, OnlyTheBusiestTenantsAreLabelledTheRestAreSummed) {
  const TestDatabase db = create_test_database();
  ServerProcess server;
  launch_api_server(server, db, {"--tenant-rates-top", "1", "--tenant-rates-window-ms", "2000"});
  ApiClient api(server.port());
  const Brand busy = sign_up_brand(api);
  const Brand quiet = sign_up_brand(api);
  // Interleaved, the quiet tenant never ahead in any stretch a window boundary can cut off.
  for (int i = 0; i < 24; ++i) {
    ASSERT_EQ(api.get("/v1/products", busy.owner_token).status, 200);
    if (i % 6 == 2) {
      ASSERT_EQ(api.get("/v1/products", quiet.owner_token).status, 200);
    }
  }
  const std::string family = "brandos_tenant_requests_per_second{tenant=\"";
  auto series = [&] {
    std::vector<std::string> out;
    auto r = http_request(server.admin_port(), "GET", "/metrics");
    if (!r) return out;
    for (auto at = r->body.find("\n" + family); at != std::string::npos;
         at = r->body.find("\n" + family, at + 1)) {
      const auto from = at + 1 + family.size();
      out.push_back(r->body.substr(from, r->body.find('"', from) - from));
    }
    return out;
  };
  bool busy_seen = false;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < until) {
    const auto labels = series();
    EXPECT_LE(labels.size(), 2u);
    for (const auto& l : labels) {
      EXPECT_NE(l, quiet.id) << "the quieter tenant got a series of its own";
      EXPECT_TRUE(l == busy.id || l == "other") << l;
      busy_seen |= l == busy.id;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(busy_seen);
}

}  // namespace
}  // namespace brandos::testing
