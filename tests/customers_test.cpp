// Black-box tests of customers over HTTP: encrypted personal data (a canary never reaches the
// database files or a dump in plain text), blind-index uniqueness and lookup, export, erasure by
// crypto-shredding, roles and tenant isolation.
#include <gtest/gtest.h>

#include <boost/json/value.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include "support/api_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;

class CustomersTest : public ApiServerSuite {
 protected:
  ApiClient api() { return ApiClient(server_->port()); }
  static json::object customer(const std::string& email, const std::string& name) {
    return {{"email", email},
            {"name", name},
            {"phone", "+49 30 1234567"},
            {"address",
             {{"line1", "Hauptstraße 1"},
              {"city", "Berlin"},
              {"postal_code", "10115"},
              {"country", "DE"}}}};
  }
  static std::string socket_dir() {
    std::smatch m;
    std::regex_search(db_->superuser_conninfo, m, std::regex("host=(\\S+)"));
    return m[1].str();
  }
};

TEST_F(CustomersTest, CreateReadAndFindByEmail) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  auto r = a.post("/v1/customers", customer("Zoe@Example.com", "Zoë Müller"), b.owner_token);
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(str(r.body, "email"), "zoe@example.com");
  EXPECT_EQ(str(r.body, "name"), "Zoë Müller");
  EXPECT_EQ(str(r.body, "phone"), "+49 30 1234567");
  EXPECT_EQ(str(r.body.at("address"), "city"), "Berlin");
  EXPECT_TRUE(r.body.at("address").at("line2").is_null());
  const std::string id = str(r.body, "id");
  EXPECT_EQ(a.get("/v1/customers/" + id, b.owner_token).raw.body, r.raw.body);
  auto found = a.get("/v1/customers?email=ZOE%40example.com", b.owner_token);
  ASSERT_EQ(found.body.at("data").as_array().size(), 1u);
  EXPECT_EQ(str(found.body.at("data").as_array()[0], "id"), id);
  EXPECT_EQ(a.get("/v1/customers?email=nobody%40example.com", b.owner_token)
                .body.at("data")
                .as_array()
                .size(),
            0u);
  auto dup = a.post("/v1/customers", customer("ZOE@EXAMPLE.COM", "Other"), b.owner_token);
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(str(dup.body, "type"), "https://brandos.dev/problems/email-taken");
  const Brand other = sign_up_brand(a);  // another tenant may have the same customer
  EXPECT_EQ(a.post("/v1/customers", customer("zoe@example.com", "Zoë"), other.owner_token).status,
            201);
}

TEST_F(CustomersTest, Validates) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  auto bad = [&](json::object body, const char* field) {
    auto r = a.post("/v1/customers", body, b.owner_token);
    EXPECT_TRUE(has_field_error(r, field)) << field << ": " << r.raw.body;
  };
  auto c = customer("v@x.test", "V");
  c["email"] = "nope";
  bad(c, "email");
  c = customer("v@x.test", "V");
  c["phone"] = "call me";
  bad(c, "phone");
  c = customer("v@x.test", "V");
  c["address"].as_object()["country"] = "XX";
  bad(c, "address.country");
  c = customer("v@x.test", "V");
  c["address"].as_object()["planet"] = "Earth";
  bad(c, "address.planet");
  c = customer("v@x.test", "V");
  c["vip"] = true;
  bad(c, "vip");
  json::object minimal{{"email", "min@x.test"}, {"name", "Min"}};
  auto r = a.post("/v1/customers", minimal, b.owner_token);
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_TRUE(r.body.at("phone").is_null());
  EXPECT_TRUE(r.body.at("address").is_null());
}

TEST_F(CustomersTest, PersonalDataNeverReachesTheDatabaseInPlainText) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string canary = "canary" + std::to_string(getpid()) + "q7x";
  // Every personal field carries a canary of its own: e-mail and name, phone, address.
  const std::string phone_canary = "+49 30 7" + std::to_string(100000 + getpid() % 900000) + "3";
  const std::string street_canary = "Street" + canary;
  auto c1 = customer(canary + "@mail.test", canary + " Name");
  c1["phone"] = phone_canary;
  c1["address"].as_object()["line1"] = street_canary;
  auto created = a.post("/v1/customers", c1, b.owner_token);
  ASSERT_EQ(created.status, 201) << created.raw.body;
  ASSERT_EQ(str(created.body, "phone"), phone_canary);
  auto c2 = customer("second-" + canary + "@mail.test", "Second " + canary);
  c2["phone"] = "+1 555 0100";
  ASSERT_EQ(a.post("/v1/customers", c2, b.owner_token).status, 201);
  // Read it back through the API: the data is there, only never in plain text at rest.
  auto found = a.get("/v1/customers?email=" + canary + "%40mail.test", b.owner_token);
  ASSERT_EQ(found.body.at("data").as_array().size(), 1u);

  run_sql(db_->superuser_conninfo, "CHECKPOINT");
  // A logical dump of the whole database.
  const std::string dump_file = "/tmp/brandos-dump-" + std::to_string(getpid()) + ".sql";
  const std::string cmd = "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_dump -d '" +
                          db_->superuser_conninfo + "' -f " + dump_file;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream dump(dump_file);
  const std::string dumped((std::istreambuf_iterator<char>(dump)),
                           std::istreambuf_iterator<char>());
  std::remove(dump_file.c_str());
  EXPECT_GT(dumped.size(), 1000u);
  EXPECT_NE(dumped.find("customer_keys"), std::string::npos);
  // bytea columns are dumped as hex: a canary stored as plain bytes would show as its hex.
  auto hex = [](const std::string& s) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char ch : s) out += {digits[ch >> 4], digits[ch & 15]};
    return out;
  };
  for (const std::string& c : {canary, phone_canary, street_canary}) {
    EXPECT_EQ(dumped.find(c), std::string::npos) << c << " is in the dump";
    EXPECT_EQ(dumped.find(hex(c)), std::string::npos) << c << " is in the dump, as hex";
  }
  // Every file of the cluster: tables, indexes, WAL, logs.
  const auto pgdata = std::filesystem::path(socket_dir()).parent_path();
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(pgdata)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    // Read whole, not through a stream iterator: the cluster holds every test's databases (a
    // few hundred MB after the event tests), and a byte-by-byte read under ASan took minutes.
    std::ifstream in(entry.path(), std::ios::binary | std::ios::ate);
    std::string bytes(static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0)), '\0');
    in.seekg(0);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
    for (const std::string& c : {canary, phone_canary, street_canary})
      EXPECT_EQ(bytes.find(c), std::string::npos) << c << " in " << entry.path();
  }
  EXPECT_GT(files, 100u);
}

TEST_F(CustomersTest, ExportAndErasure) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string admin = add_user(a, b, "admin").second;
  const std::string staff = add_user(a, b, "staff").second;
  const std::string id =
      str(a.post("/v1/customers", customer("erase@me.test", "Erase Me"), staff).body, "id");
  auto p = a.post(
      "/v1/products",
      json::object{{"sku", "E1"}, {"name", "E"}, {"price", 100}, {"currency", "EUR"}, {"stock", 5}},
      b.owner_token);
  auto o = a.post(
      "/v1/orders",
      json::object{
          {"customer_id", id},
          {"items", json::array{json::object{{"product_id", str(p.body, "id")}, {"quantity", 1}}}}},
      staff, {{"Idempotency-Key", "erase-order"}});
  ASSERT_EQ(o.status, 201) << o.raw.body;
  const std::string order_id = str(o.body, "id");
  auto by_customer = a.get("/v1/orders?customer_id=" + id, staff);
  ASSERT_EQ(by_customer.body.at("data").as_array().size(), 1u);
  EXPECT_EQ(str(by_customer.body.at("data").as_array()[0], "id"), order_id);

  EXPECT_EQ(a.get("/v1/customers/" + id + "/export", staff).status, 403);
  auto exported = a.get("/v1/customers/" + id + "/export", admin);
  ASSERT_EQ(exported.status, 200) << exported.raw.body;
  EXPECT_EQ(str(exported.body.at("customer"), "email"), "erase@me.test");
  ASSERT_EQ(exported.body.at("order_ids").as_array().size(), 1u);
  EXPECT_EQ(exported.body.at("order_ids").as_array()[0].as_string(), order_id);

  EXPECT_EQ(a.del("/v1/customers/" + id, staff).status, 403);
  ASSERT_EQ(a.del("/v1/customers/" + id, admin).status, 204);
  EXPECT_EQ(a.get("/v1/customers/" + id, admin).status, 404);
  EXPECT_EQ(a.get("/v1/customers/" + id + "/export", admin).status, 404);
  EXPECT_EQ(a.del("/v1/customers/" + id, admin).status, 404);
  // The data key is gone and every ciphertext with it: nothing left to decrypt, master key or not.
  EXPECT_EQ(run_sql(db_->owner_conninfo,
                    "SELECT count(*) FROM brandos.customer_keys WHERE customer_id = '" + id + "'"),
            "0");
  EXPECT_EQ(
      run_sql(db_->owner_conninfo,
              "SELECT (email IS NULL AND name IS NULL AND phone IS NULL AND address IS NULL "
              "AND email_index IS NULL AND erased_at IS NOT NULL)::text FROM brandos.customers "
              "WHERE id = '" +
                  id + "'"),
      "true");
  // The order stays, pointing at the anonymised customer; the address can be used again.
  auto order = a.get("/v1/orders/" + order_id, staff);
  EXPECT_EQ(str(order.body, "customer_id"), id);
  EXPECT_EQ(a.post("/v1/customers", customer("erase@me.test", "New"), staff).status, 201);
  auto audit = a.get("/v1/audit-events?action=customer.erased", b.owner_token);
  EXPECT_EQ(audit.body.at("data").as_array().size(), 1u);
  EXPECT_EQ(run_sql(db_->owner_conninfo,
                    "SELECT string_agg(type, ',' ORDER BY aggregate_version) FROM "
                    "brandos.outbox_events WHERE aggregate_id = '" +
                        id + "'"),
            "customer.created,customer.erased");
}

TEST_F(CustomersTest, RolesAndTenants) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const Brand other = sign_up_brand(a);
  const std::string viewer = add_user(a, b, "viewer").second;
  EXPECT_EQ(a.post("/v1/customers", customer("v@v.test", "V"), viewer).status, 403);
  const std::string id =
      str(a.post("/v1/customers", customer("t@t.test", "T"), b.owner_token).body, "id");
  EXPECT_EQ(a.get("/v1/customers/" + id, viewer).status, 200);
  EXPECT_EQ(a.get("/v1/customers/" + id, other.owner_token).status, 404);
  EXPECT_EQ(a.del("/v1/customers/" + id, other.owner_token).status, 404);
  EXPECT_EQ(
      a.get("/v1/customers?email=t%40t.test", other.owner_token).body.at("data").as_array().size(),
      0u);
  // Another tenant cannot attach this customer to its orders.
  auto p = a.post(
      "/v1/products",
      json::object{{"sku", "X1"}, {"name", "X"}, {"price", 1}, {"currency", "EUR"}, {"stock", 5}},
      other.owner_token);
  auto order = a.post(
      "/v1/orders",
      json::object{
          {"customer_id", id},
          {"items", json::array{json::object{{"product_id", str(p.body, "id")}, {"quantity", 1}}}}},
      other.owner_token, {{"Idempotency-Key", "x"}});
  EXPECT_EQ(order.status, 422) << order.raw.body;
  EXPECT_NE(order.raw.body.find("customer_id"), std::string::npos);
}

}  // namespace
}  // namespace brandos::testing
