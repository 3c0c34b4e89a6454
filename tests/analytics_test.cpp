// Black-box tests of GET /v1/analytics/sales: the read model follows the orders through the
// event stream (in-process relay and inbox), by hour and by UTC day, per tenant, for managers
// and above; bad ranges are refused.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/api_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;

class AnalyticsTest : public ApiServerSuite {
 protected:
  ApiClient api() { return ApiClient(server_->port()); }

  std::string product(const Brand& b, std::int64_t price, const std::string& currency) {
    auto a = api();
    auto r = a.post("/v1/products",
                    json::object{{"sku", unique_name("SKU")},
                                 {"name", "Thing"},
                                 {"price", price},
                                 {"currency", currency},
                                 {"stock", 100}},
                    b.owner_token);
    EXPECT_EQ(r.status, 201) << r.raw.body;
    return str(r.body, "id");
  }
  std::string order(const Brand& b, const std::string& product, int quantity) {
    auto a = api();
    auto r = a.post("/v1/orders",
                    json::object{{"items", json::array{json::object{{"product_id", product},
                                                                    {"quantity", quantity}}}}},
                    b.owner_token, {{"Idempotency-Key", unique_name("k")}});
    EXPECT_EQ(r.status, 201) << r.raw.body;
    return str(r.body, "id");
  }
  // "orders:revenue:currency" per bucket, in order.
  static std::string buckets(const ApiResponse& r) {
    std::string out;
    for (const auto& b : r.body.at("data").as_array()) {
      if (!out.empty()) out += ",";
      out += std::to_string(b.at("orders").as_int64()) + ":" +
             std::to_string(b.at("revenue").as_int64()) + ":" + str(b, "currency");
    }
    return out;
  }
};

TEST_F(AnalyticsTest, SalesFollowTheOrdersAndTheirCancellations) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string eur = product(b, 1999, "EUR"), usd = product(b, 500, "USD");
  order(b, eur, 2);
  order(b, usd, 1);
  const std::string cancelled = order(b, eur, 1);
  ASSERT_EQ(a.post("/v1/orders/" + cancelled + "/cancel", json::object{}, b.owner_token).status,
            200);
  ApiResponse hour, day;
  ASSERT_TRUE(eventually([&] {
    hour = a.get("/v1/analytics/sales?granularity=hour", b.owner_token);
    return hour.status == 200 && buckets(hour) == "1:3998:EUR,1:500:USD";
  })) << hour.raw.body;
  day = a.get("/v1/analytics/sales", b.owner_token);
  ASSERT_EQ(day.status, 200);
  EXPECT_EQ(buckets(day), "1:3998:EUR,1:500:USD");
  const auto& first_hour = hour.body.at("data").as_array().front();
  const auto& first_day = day.body.at("data").as_array().front();
  EXPECT_EQ(str(first_hour, "bucket_start").substr(14), "00:00Z");
  EXPECT_EQ(str(first_day, "bucket_start").substr(10), "T00:00:00Z");
  EXPECT_FALSE(str(hour.body, "as_of").empty());

  // Another brand sees none of it; a range without sales is empty.
  const Brand other = sign_up_brand(a);
  auto theirs = a.get("/v1/analytics/sales", other.owner_token);
  ASSERT_EQ(theirs.status, 200);
  EXPECT_TRUE(theirs.body.at("data").as_array().empty());
  EXPECT_TRUE(theirs.body.at("as_of").is_null());
  auto past =
      a.get("/v1/analytics/sales?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z", b.owner_token);
  ASSERT_EQ(past.status, 200);
  EXPECT_TRUE(past.body.at("data").as_array().empty());
}

TEST_F(AnalyticsTest, ManagersReadSalesStaffDoNot) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  EXPECT_EQ(a.get("/v1/analytics/sales", add_user(a, b, "manager").second).status, 200);
  EXPECT_EQ(a.get("/v1/analytics/sales", add_user(a, b, "staff").second).status, 403);
  EXPECT_EQ(a.get("/v1/analytics/sales", "").status, 401);
}

TEST_F(AnalyticsTest, BadRangesAreRefused) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  auto get = [&](const std::string& q) { return a.get("/v1/analytics/sales?" + q, b.owner_token); };
  auto r = get("granularity=week");
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has_field_error(r, "granularity"));
  r = get("from=2026-13-01T00:00:00Z");
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has_field_error(r, "from"));
  r = get("to=yesterday");
  EXPECT_TRUE(has_field_error(r, "to"));
  r = get("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z");
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has_field_error(r, "to"));
  r = get("granularity=hour&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z");
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(has_field_error(r, "from"));
  // A malformed query string, straight to the server (a proxy would re-encode it).
  ApiClient direct(server_->direct_port());
  EXPECT_EQ(direct.get("/v1/analytics/sales?from=2026-01-01T00:00:00%ZZ", b.owner_token).status,
            400);
}

}  // namespace
}  // namespace brandos::testing
