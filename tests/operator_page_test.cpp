// The operator page on the admin listener (issue 13, ADR 0021). One test drives it in headless
// Chromium (tests/browser/operator_page_check.py, over the DevTools protocol): it loads with no
// console error, no failed load and no Content-Security-Policy violation, and its charts hold and
// paint exactly the traffic, orders and revenue this test made. The other checks the JSON it
// polls and the headers its files are served with.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <algorithm>
#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <thread>

#include "support/api_client.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Runs `command` and returns what it printed on stdout, and its exit status.
std::pair<std::string, int> run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return {"", -1};
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  const int status = ::pclose(p);
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

double number(const json::value& v) {
  return v.is_int64() ? static_cast<double>(v.as_int64()) : v.to_number<double>();
}

struct Shop {
  Brand brand;
  std::string product;
};

// A brand with a product at 12.50 EUR, `orders` orders of one each, the first `paid` paid, and one
// order whose locking round trip waits 400 ms on a held row (a slow query with a trace id).
Shop trade(ApiClient& api, const TestDatabase& db, int orders, int paid,
           const std::string& slow_trace) {
  Shop s{sign_up_brand(api), ""};
  auto product = api.post("/v1/products",
                          json::object{{"sku", "OPS-1"},
                                       {"name", "Thing"},
                                       {"price", 1250},
                                       {"currency", "EUR"},
                                       {"stock", 100}},
                          s.brand.owner_token);
  EXPECT_EQ(product.status, 201);
  s.product = str(product.body, "id");
  const json::object one{
      {"items", json::array{json::object{{"product_id", s.product}, {"quantity", 1}}}}};
  std::vector<std::string> ids;
  for (int i = 0; i < orders; ++i) {
    auto o = api.post("/v1/orders", one, s.brand.owner_token,
                      {{"Idempotency-Key", "ops-" + std::to_string(i)}});
    EXPECT_EQ(o.status, 201);
    ids.push_back(str(o.body, "id"));
  }
  for (int i = 0; i < paid; ++i)
    EXPECT_EQ(api.post("/v1/orders/" + ids[i] + "/payments",
                       json::object{{"payment_method", "pm_card_visa"}}, s.brand.owner_token,
                       {{"Idempotency-Key", "ops-pay-" + std::to_string(i)}})
                  .status,
              201);
  HeldRowLock held(db.superuser_conninfo, s.product);
  std::thread release([&] {
    std::this_thread::sleep_for(400ms);
    held.release();
  });
  auto slow = api.post("/v1/orders", one, s.brand.owner_token,
                       {{"Idempotency-Key", "ops-slow"},
                        {"traceparent", "00-" + slow_trace + "-00f067aa0ba902b7-01"}});
  release.join();
  EXPECT_EQ(slow.status, 201);
  return s;
}

TEST(OperatorPage, LoadsInHeadlessChromiumWithNoConsoleErrorsAndChartsShowingThisTestsTraffic) {
  const TestDatabase db = create_test_database();
  ServerProcess server;
  launch_api_server(server, db,
                    {"--operator-history-step-ms", "200", "--slow-query-ms", "150",
                     "--tenant-rates-window-ms", "1000"});
  ApiClient api(server.port());
  const std::string trace = "5bf92f3577b34da6a3ce929d0e0e4737";
  // 5 orders in all (the slow one too), 2 paid: 2,500 EUR cents.
  const Shop shop = trade(api, db, 4, 2, trace);
  // Until a closed window has the brand among the busiest tenants (and a few samples are taken).
  ASSERT_TRUE(eventually([&] {
    auto r = http_request(server.admin_port(), "GET", "/metrics");
    return r && r->body.find("tenant=\"" + shop.brand.id + "\"") != std::string::npos;
  }));

  // The brand keeps reading while the page is looked at, so every window has it as the busiest.
  std::atomic<bool> looking{true};
  std::thread reader([&] {
    ApiClient own(server.port());
    while (looking) {
      own.get("/v1/products", shop.brand.owner_token);
      std::this_thread::sleep_for(50ms);
    }
  });
  const std::string shot = ::testing::TempDir() + "operator_page.png";
  const auto [out, status] = run("/usr/bin/python3 " BRANDOS_SOURCE_DIR
                                 "/tests/browser/operator_page_check.py http://127.0.0.1:" +
                                 std::to_string(server.admin_port()) + "/ --screenshot " + shot);
  looking = false;
  reader.join();
  ASSERT_EQ(status, 0) << out;
  const json::value r = json::parse(out);
  EXPECT_TRUE(r.at("loaded").as_bool()) << out;
  EXPECT_TRUE(r.at("errors").as_array().empty()) << out;

  const auto& charts = r.at("charts").as_object();
  for (const char* name : {"requests", "latency", "orders", "revenue"}) {
    ASSERT_TRUE(charts.contains(name)) << out;
    EXPECT_GT(number(charts.at(name).at("points")), 0) << name << ": " << out;
    // Each chart painted its first line, not only its axes.
    EXPECT_GT(number(r.at("painted").at(name)), 0) << name << ": " << out;
  }
  EXPECT_GT(number(charts.at("requests").at("max").at(0)), 0) << out;
  EXPECT_GT(number(charts.at("latency").at("max").at(1)), 0) << out;  // p99
  // Every order was placed within the last minute: the trailing minute peaks at all of them.
  EXPECT_EQ(number(charts.at("orders").at("max").at(0)), 5) << out;
  EXPECT_EQ(charts.at("revenue").at("labels"), (json::array{"EUR"})) << out;
  EXPECT_EQ(number(charts.at("revenue").at("max").at(0)), 2 * 1250) << out;

  const auto& tables = r.at("tables").as_object();
  const auto& dependencies = tables.at("dependencies").as_array();
  EXPECT_NE(std::find(dependencies.begin(), dependencies.end(), json::value("database")),
            dependencies.end())
      << out;
  EXPECT_NE(std::find(dependencies.begin(), dependencies.end(), json::value("postgres")),
            dependencies.end())
      << out;
  EXPECT_FALSE(tables.at("slow-queries").as_array().empty()) << out;
  EXPECT_EQ(tables.at("tenants").as_array(), json::array({json::value(shop.brand.id)})) << out;
  EXPECT_TRUE(tables.at("errors").as_array().empty()) << out;  // no bug on the way
  std::printf("operator page screenshot: %s\n", shot.c_str());
}

TEST(OperatorPage, ServesItsFilesFromTheBinaryUnderAStrictPolicyAndItsHistoryAsJson) {
  const TestDatabase db = create_test_database();
  ServerProcess server;
  launch_api_server(server, db, {"--operator-history-step-ms", "100", "--slow-query-ms", "150"});
  ApiClient api(server.port());
  const std::string trace = "6bf92f3577b34da6a3ce929d0e0e4738";
  const Shop shop = trade(api, db, 2, 1, trace);

  for (const char* path :
       {"/", "/assets/operator.js", "/assets/operator.css", "/assets/favicon.svg",
        "/assets/uPlot.iife.min.js", "/assets/uPlot.min.css"}) {
    auto r = http_request(server.admin_port(), "GET", path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_FALSE(r->body.empty()) << path;
    EXPECT_NE(r->header("Content-Security-Policy").value_or("").find("default-src 'none'"),
              std::string::npos)
        << path;
    EXPECT_EQ(r->header("X-Content-Type-Options").value_or(""), "nosniff") << path;
  }
  EXPECT_NE(http_request(server.admin_port(), "GET", "/")
                ->header("Content-Type")
                .value_or("")
                .find("text/html"),
            std::string::npos);
  // The public listener serves none of it.
  EXPECT_EQ(http_request(server.port(), "GET", "/assets/operator.js")->status, 404);

  // The history: aligned arrays, the orders and the revenue of this test.
  json::value h;
  EXPECT_TRUE(eventually([&] {
    auto r = http_request(server.admin_port(), "GET", "/operator/history?minutes=5");
    if (!r || r->status != 200) return false;
    h = json::parse(r->body);
    const auto& orders = h.at("orders_per_minute").as_array();
    return !orders.empty() && number(orders.back()) == 3;
  })) << json::serialize(h);
  const std::size_t n = h.at("t").as_array().size();
  for (const char* series : {"requests_per_second", "server_errors_per_second", "latency_p50_ms",
                             "latency_p99_ms", "orders_per_minute"})
    EXPECT_EQ(h.at(series).as_array().size(), n) << series;
  EXPECT_EQ(number(h.at("revenue_last_hour").at("EUR").as_array().back()), 1250);
  EXPECT_EQ(h.at("revenue_last_hour").at("EUR").as_array().size(), n);
  // Rates were taken over real steps: the largest request rate is positive and finite.
  double peak = 0;
  for (const auto& v : h.at("requests_per_second").as_array()) peak = std::max(peak, number(v));
  EXPECT_GT(peak, 0);
  bool postgres_closed = false;
  for (const auto& b : h.at("now").at("breakers").as_array())
    postgres_closed |= b.at("dependency") == "postgres" && b.at("state") == "closed";
  EXPECT_TRUE(postgres_closed) << json::serialize(h.at("now"));

  // The slow round trip is listed with its trace id and tenant.
  auto slow = http_request(server.admin_port(), "GET", "/operator/slow-queries");
  ASSERT_TRUE(slow);
  bool found = false;
  const json::value listed = json::parse(slow->body);
  for (const auto& q : listed.at("slow_queries").as_array())
    found |= str(q, "trace_id") == trace && str(q, "tenant") == shop.brand.id &&
             number(q.at("ms")) >= 150;
  EXPECT_TRUE(found) << slow->body;

  // Bad windows are refused with a problem, not a crash or a default.
  for (const char* bad : {"minutes=0", "minutes=1441", "minutes=abc", "minutes=", "minutes=5x"}) {
    auto r = http_request(server.admin_port(), "GET", std::string("/operator/history?") + bad);
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_NE(r->header("Content-Type").value_or("").find("application/problem+json"),
              std::string::npos)
        << bad;
  }
}

}  // namespace
}  // namespace brandos::testing
