// Row-level security on every tenant table, with real rows (issue 10, item 3): two brands fill
// every table through the API, then the service's database role, with one brand's tenant set,
// reads each table without any filter of its own and sees that brand's rows only, and with no
// tenant set sees nothing.
#include <gtest/gtest.h>

#include <boost/json/value.hpp>
#include <sstream>

#include "support/api_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;

// Fills every tenant table for one brand: users and audit rows (sign-up, login), refresh tokens,
// products and outbox events, customers and their keys, orders with items, history and keys,
// a payment, a refund and a cancellation.
Brand brand_with_everything(ApiClient& api) {
  const Brand b = sign_up_brand(api);
  // A webhook endpoint (a public address: the node refuses private targets), which the order's
  // events then queue deliveries for.
  auto hook =
      api.post("/v1/webhooks",
               json::object{{"url", "https://93.184.216.34/hooks"}, {"events", json::array{"*"}}},
               b.owner_token);
  EXPECT_EQ(hook.status, 201) << hook.raw.body;
  auto product = api.post("/v1/products",
                          json::object{{"sku", unique_name("SKU")},
                                       {"name", "Thing"},
                                       {"price", 500},
                                       {"currency", "EUR"},
                                       {"stock", 10}},
                          b.owner_token);
  EXPECT_EQ(product.status, 201) << product.raw.body;
  auto customer = api.post("/v1/customers",
                           json::object{{"email", unique_name("c") + "@mail.test"}, {"name", "C"}},
                           b.owner_token);
  EXPECT_EQ(customer.status, 201) << customer.raw.body;
  auto order = api.post(
      "/v1/orders",
      json::object{{"customer_id", str(customer.body, "id")},
                   {"items", json::array{json::object{{"product_id", str(product.body, "id")},
                                                      {"quantity", 1}}}}},
      b.owner_token, {{"Idempotency-Key", unique_name("k")}});
  EXPECT_EQ(order.status, 201) << order.raw.body;
  // Paid, then cancelled: a payment, a refund and a cancellation.
  const std::string path = "/v1/orders/" + str(order.body, "id");
  auto paid = api.post(path + "/payments", json::object{{"payment_method", "pm_card_visa"}},
                       b.owner_token, {{"Idempotency-Key", unique_name("p")}});
  EXPECT_EQ(paid.status, 201) << paid.raw.body;
  auto cancelled = api.post(path + "/cancel", json::object{}, b.owner_token);
  EXPECT_EQ(cancelled.status, 200) << cancelled.raw.body;
  return b;
}

TEST(TenantIsolation, EveryTenantTableShowsTheServiceRoleOneTenantsRowsOnly) {
  const TestDatabase db = create_test_database();
  ServerProcess server;
  launch_api_server(server, db);
  ApiClient api(server.port());
  const Brand a = brand_with_everything(api);
  const Brand b = brand_with_everything(api);
  // The read models are fed by events, a moment after the orders commit.
  ASSERT_TRUE(eventually([&] {
    return run_sql(db.superuser_conninfo,
                   "SELECT count(*) FROM brandos.sales_as_of WHERE "
                   "tenant_id IN ('" +
                       a.id + "', '" + b.id + "')") == "2";
  }));

  // Every table but job_leases, which holds no tenant's data (one row per background job; the
  // service's role has no privilege on it: JobLeasesTest.TheApplicationRoleCannotTouchTheLeases…).
  std::istringstream tables(run_sql(db.superuser_conninfo, R"sql(
    SELECT string_agg(c.relname, ' ' ORDER BY c.relname)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'brandos' AND c.relkind IN ('r', 'p')
      AND c.relname NOT IN ('schema_migrations', 'job_leases'))sql"));
  int checked = 0;
  for (std::string table; tables >> table; ++checked) {
    const std::string key = table == "tenants" ? "id" : "tenant_id";
    // Both brands have rows here (seen by the superuser, whom the policy does not bind).
    EXPECT_EQ(run_sql(db.superuser_conninfo, "SELECT count(DISTINCT " + key + ") FROM brandos." +
                                                 table + " WHERE " + key + " IN ('" + a.id +
                                                 "', '" + b.id + "')"),
              "2")
        << table << " was not filled for both brands";
    // As the service's role, with A's tenant set and no filter: A's rows, and only A's.
    EXPECT_EQ(run_sql(db.app_conninfo, "SELECT set_config('app.tenant_id', '" + a.id +
                                           "', false); SELECT count(*) " + "FILTER (WHERE " + key +
                                           " <> '" + a.id + "') || '/' || " +
                                           "(count(*) > 0) FROM brandos." + table),
              "0/true")
        << table;
    // With no tenant: nothing.
    EXPECT_EQ(run_sql(db.app_conninfo, "SELECT count(*) FROM brandos." + table), "0") << table;
  }
  EXPECT_EQ(checked, 20);
}

}  // namespace
}  // namespace brandos::testing
