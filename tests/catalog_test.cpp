// Black-box tests of the catalog over HTTP: products for every role, validation, SKU
// uniqueness, ETag / If-Match, soft delete, keyset lists, stock adjustments that stay atomic
// under concurrency, tenant isolation, and the outbox events every change writes.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/value.hpp>
#include <thread>

#include "support/api_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;

class CatalogTest : public ApiServerSuite {
 protected:
  ApiClient api() { return ApiClient(server_->port()); }

  json::object product(const std::string& sku, std::int64_t stock = 10) {
    return {{"sku", sku},
            {"name", "Tee " + sku},
            {"price", 1999},
            {"currency", "EUR"},
            {"stock", stock}};
  }
  ApiResponse create(const Brand& b, const json::object& p) {
    auto a = api();
    return a.post("/v1/products", p, b.owner_token);
  }
  // The outbox rows of one aggregate, as "type@version", oldest first (read as the owner role,
  // which is what the relay will use).
  std::vector<std::string> events(const std::string& aggregate_id) {
    const std::string rows =
        run_sql(db_->owner_conninfo,
                "SELECT coalesce(string_agg(type || '@' || aggregate_version, ',' ORDER BY "
                "aggregate_version, "
                "occurred_at), '') FROM brandos.outbox_events WHERE aggregate_id = '" +
                    aggregate_id + "'");
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < rows.size()) {
      const std::size_t end = std::min(rows.find(',', pos), rows.size());
      out.push_back(rows.substr(pos, end - pos));
      pos = end + 1;
    }
    return out;
  }
};

TEST_F(CatalogTest, CreateReadAndTheirOutboxEvent) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  auto created = create(b, product("TEE-1"));
  ASSERT_EQ(created.status, 201) << created.raw.body;
  const json::value& p = created.body;
  for (const char* k : {"id", "sku", "name", "description", "price", "currency", "stock", "version",
                        "created_at", "updated_at"})
    EXPECT_TRUE(p.as_object().contains(k)) << k;
  EXPECT_TRUE(p.at("description").is_null());
  EXPECT_EQ(p.at("price").as_int64(), 1999);
  EXPECT_EQ(p.at("version").as_int64(), 1);
  EXPECT_EQ(created.raw.header("ETag"), "\"1\"");
  const std::string id = str(p, "id");
  auto got = a.get("/v1/products/" + id, b.owner_token);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.raw.header("ETag"), "\"1\"");
  EXPECT_EQ(str(got.body, "sku"), "TEE-1");
  EXPECT_EQ(events(id), (std::vector<std::string>{"product.created@1"}));
}

TEST_F(CatalogTest, ValidatesProducts) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  auto bad = [&](json::object body, const char* field) {
    auto r = a.post("/v1/products", body, b.owner_token);
    EXPECT_TRUE(has_field_error(r, field)) << field << ": " << r.raw.body;
  };
  auto with = [&](const char* key, json::value v) {
    json::object p = product("OK-1");
    p[key] = v;
    return p;
  };
  bad(with("sku", "has space"), "sku");
  bad(with("sku", json::value(std::string(65, 'a'))), "sku");
  bad(with("price", -1), "price");
  bad(with("price", 19.99), "price");
  bad(with("price", "1999"), "price");
  bad(with("currency", "EURO"), "currency");
  bad(with("currency", "XXX"), "currency");
  bad(with("stock", -5), "stock");
  bad(with("name", ""), "name");
  bad(with("colour", "red"), "colour");
  json::object missing = product("OK-2");
  missing.erase("price");
  bad(missing, "price");
}

TEST_F(CatalogTest, SkuIsUniquePerTenantAndReusableAfterDelete) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const Brand other = sign_up_brand(a);
  auto first = create(b, product("DUP"));
  ASSERT_EQ(first.status, 201);
  auto dup = create(b, product("DUP"));
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(str(dup.body, "type"), "https://brandos.dev/problems/sku-taken");
  EXPECT_EQ(create(other, product("DUP")).status, 201);  // another tenant may use it
  ASSERT_EQ(a.del("/v1/products/" + str(first.body, "id"), b.owner_token).status, 204);
  EXPECT_EQ(create(b, product("DUP")).status, 201);
}

TEST_F(CatalogTest, PatchHonoursIfMatchAndBumpsTheVersion) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string id = str(create(b, product("PATCH-1")).body, "id");
  auto p1 = a.patch("/v1/products/" + id,
                    json::object{{"name", "Renamed"}, {"description", "Soft cotton"}},
                    b.owner_token, {{"If-Match", "\"1\""}});
  ASSERT_EQ(p1.status, 200) << p1.raw.body;
  EXPECT_EQ(p1.body.at("version").as_int64(), 2);
  EXPECT_EQ(p1.raw.header("ETag"), "\"2\"");
  EXPECT_EQ(str(p1.body, "description"), "Soft cotton");
  // A stale version is refused and changes nothing.
  auto stale = a.patch("/v1/products/" + id, json::object{{"price", 1}}, b.owner_token,
                       {{"If-Match", "\"1\""}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(a.get("/v1/products/" + id, b.owner_token).body.at("price").as_int64(), 1999);
  EXPECT_EQ(a.patch("/v1/products/" + id, json::object{{"price", 1}}, b.owner_token,
                    {{"If-Match", "garbage"}})
                .status,
            412);
  // Without If-Match the change applies; description can be cleared with null.
  auto p2 = a.patch("/v1/products/" + id, json::object{{"price", 2500}, {"description", nullptr}},
                    b.owner_token);
  ASSERT_EQ(p2.status, 200);
  EXPECT_EQ(p2.body.at("price").as_int64(), 2500);
  EXPECT_TRUE(p2.body.at("description").is_null());
  EXPECT_EQ(a.patch("/v1/products/" + id, json::object{{"currency", "USD"}}, b.owner_token).status,
            422);
  EXPECT_EQ(events(id), (std::vector<std::string>{"product.created@1", "product.updated@2",
                                                  "product.updated@3"}));
}

TEST_F(CatalogTest, DeletedProductsAreHiddenButNotForgotten) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string id = str(create(b, product("GONE")).body, "id");
  ASSERT_EQ(a.del("/v1/products/" + id, b.owner_token).status, 204);
  EXPECT_EQ(a.get("/v1/products/" + id, b.owner_token).status, 404);
  EXPECT_EQ(a.del("/v1/products/" + id, b.owner_token).status, 404);
  EXPECT_EQ(a.get("/v1/products?sku=GONE", b.owner_token).body.at("data").as_array().size(), 0u);
  EXPECT_EQ(
      run_sql(db_->owner_conninfo, "SELECT count(*) FROM brandos.products WHERE id = '" + id + "'"),
      "1");
  EXPECT_EQ(events(id), (std::vector<std::string>{"product.created@1", "product.deleted@2"}));
}

TEST_F(CatalogTest, ListsAreNewestFirstFilterBySkuAndPage) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(str(create(b, product("L-" + std::to_string(i))).body, "id"));
  auto page1 = a.get("/v1/products?limit=3", b.owner_token);
  ASSERT_EQ(page1.status, 200);
  ASSERT_EQ(page1.body.at("data").as_array().size(), 3u);
  EXPECT_EQ(str(page1.body.at("data").as_array()[0], "id"), ids[4]);
  auto page2 =
      a.get("/v1/products?limit=3&cursor=" + str(page1.body, "next_cursor"), b.owner_token);
  ASSERT_EQ(page2.body.at("data").as_array().size(), 2u);
  EXPECT_EQ(str(page2.body.at("data").as_array()[1], "id"), ids[0]);
  EXPECT_TRUE(page2.body.at("next_cursor").is_null());
  auto by_sku = a.get("/v1/products?sku=L-2", b.owner_token);
  ASSERT_EQ(by_sku.body.at("data").as_array().size(), 1u);
  EXPECT_EQ(str(by_sku.body.at("data").as_array()[0], "id"), ids[2]);
  EXPECT_EQ(a.get("/v1/products?limit=500", b.owner_token).status, 422);
  // A users cursor is no products cursor.
  auto users = a.get("/v1/users?limit=1", b.owner_token);
  EXPECT_EQ(
      a.get("/v1/products?cursor=" + str(users.body, "next_cursor") + "x", b.owner_token).status,
      400);
}

TEST_F(CatalogTest, RolesDecideWhoReadsAndWrites) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string id = str(create(b, product("ROLE-1")).body, "id");
  for (const std::string role : {"admin", "manager", "staff", "viewer"}) {
    const std::string token = add_user(a, b, role).second;
    const bool writes = role == "admin" || role == "manager";
    EXPECT_EQ(a.get("/v1/products/" + id, token).status, 200) << role;
    EXPECT_EQ(a.get("/v1/products", token).status, 200) << role;
    EXPECT_EQ(a.post("/v1/products", product("BY-" + role), token).status, writes ? 201 : 403)
        << role;
    EXPECT_EQ(a.patch("/v1/products/" + id, json::object{{"name", "By " + role}}, token).status,
              writes ? 200 : 403)
        << role;
    EXPECT_EQ(a.post("/v1/products/" + id + "/stock-adjustments",
                     json::object{{"delta", 1}, {"reason", "count"}}, token)
                  .status,
              writes ? 200 : 403)
        << role;
  }
  EXPECT_EQ(a.get("/v1/products", "").status, 401);
}

TEST_F(CatalogTest, StockAdjustmentsNeverGoNegative) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string id = str(create(b, product("STOCK-1", 5)).body, "id");
  auto adj = [&](std::int64_t delta) {
    return a.post("/v1/products/" + id + "/stock-adjustments",
                  json::object{{"delta", delta}, {"reason", "recount"}}, b.owner_token);
  };
  auto up = adj(7);
  ASSERT_EQ(up.status, 200) << up.raw.body;
  EXPECT_EQ(up.body.at("stock").as_int64(), 12);
  auto too_much = adj(-13);
  EXPECT_EQ(too_much.status, 409);
  EXPECT_EQ(str(too_much.body, "type"), "https://brandos.dev/problems/insufficient-stock");
  EXPECT_EQ(adj(-12).body.at("stock").as_int64(), 0);
  EXPECT_EQ(adj(0).status, 422);
  auto no_reason = a.post("/v1/products/" + id + "/stock-adjustments", json::object{{"delta", 1}},
                          b.owner_token);
  EXPECT_EQ(no_reason.status, 422);
  EXPECT_EQ(a.post("/v1/products/018f0000-0000-7000-8000-000000000000/stock-adjustments",
                   json::object{{"delta", 1}, {"reason", "x"}}, b.owner_token)
                .status,
            404);
  EXPECT_EQ(events(id), (std::vector<std::string>{"product.created@1", "inventory.adjusted@2",
                                                  "inventory.adjusted@3"}));
}

// Many concurrent decrements of one product: exactly as many succeed as there is stock, the
// stock ends at zero, and every success wrote exactly one event.
TEST_F(CatalogTest, ConcurrentDecrementsSellExactlyTheStock) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string id = str(create(b, product("HOT", 40)).body, "id");
  std::atomic<int> ok{0}, conflict{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      ApiClient c(server_->port());
      for (int i = 0; i < 25; ++i) {
        auto r = c.post("/v1/products/" + id + "/stock-adjustments",
                        json::object{{"delta", -1}, {"reason", "sale"}}, b.owner_token);
        (r.status == 200 ? ok : r.status == 409 ? conflict : other)++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 40);
  EXPECT_EQ(conflict.load(), 160);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(a.get("/v1/products/" + id, b.owner_token).body.at("stock").as_int64(), 0);
  EXPECT_EQ(events(id).size(), 41u);
}

TEST_F(CatalogTest, NoTenantCanReachAnotherTenantsProducts) {
  auto a = api();
  const Brand mine = sign_up_brand(a);
  const Brand theirs = sign_up_brand(a);
  const std::string id = str(create(theirs, product("SECRET")).body, "id");
  EXPECT_EQ(a.get("/v1/products/" + id, mine.owner_token).status, 404);
  EXPECT_EQ(a.patch("/v1/products/" + id, json::object{{"name", "pwned"}}, mine.owner_token).status,
            404);
  EXPECT_EQ(a.del("/v1/products/" + id, mine.owner_token).status, 404);
  EXPECT_EQ(a.post("/v1/products/" + id + "/stock-adjustments",
                   json::object{{"delta", -1}, {"reason", "x"}}, mine.owner_token)
                .status,
            404);
  EXPECT_EQ(a.get("/v1/products?sku=SECRET", mine.owner_token).body.at("data").as_array().size(),
            0u);
  auto theirs_now = a.get("/v1/products/" + id, theirs.owner_token);
  EXPECT_EQ(str(theirs_now.body, "name"), "Tee SECRET");
  EXPECT_EQ(theirs_now.body.at("stock").as_int64(), 10);
}

}  // namespace
}  // namespace brandos::testing
